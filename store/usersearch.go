package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// Searching people goes through users_fts, an FTS5 index over name and e-mail that triggers keep
// in step with users (migrations/0020_users_search.sql). A search reads the index for the people
// it matches and never scans users: with 10,000 people, scanning them on every keystroke of the
// search box (and every Users page) was most of what the page cost.

// searchCond is the condition, on users u, for the people a search matches; its argument is
// searchMatch's query.
const searchCond = "u.id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)"

// searchMatch turns what a person typed into an FTS5 query: each word, as typed, becomes a
// phrase whose last token is a prefix ("anna@fir" finds anna@firma.se, "ås" finds Åsa), and every
// word must match, in the name or in the e-mail. Each word is quoted with its quotes doubled, so
// that every character in it is literal: quotes, AND, OR, NOT, NEAR, *, ^, column names and
// parentheses search for themselves instead of steering the query. A word without a letter or
// digit has nothing to find and is left out; ok is false when no word is left, and the search
// then matches nobody. Control characters (a NUL ends an FTS5 query early) separate words.
func searchMatch(q string) (match string, ok bool) {
	var phrases []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		if !strings.ContainsFunc(w, isWordRune) {
			continue
		}
		phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
	}
	return strings.Join(phrases, " "), len(phrases) > 0
}

// isWordRune is a character the index keeps in words (the unicode61 tokenizer's letters,
// digits and private-use characters); everything else separates words.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// searchWhere is the condition for a search within a WHERE clause ("" for no search) with its
// arguments. A search with nothing to find matches nobody.
func searchWhere(q string) (string, []any) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", nil
	}
	match, ok := searchMatch(q)
	if !ok {
		return "0", nil
	}
	return searchCond, []any{match}
}

// countSearch counts the people a search matches from the index alone.
func (s *Store) countSearch(ctx context.Context, q string) (int, error) {
	match, ok := searchMatch(q)
	if !ok {
		return 0, nil
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users_fts WHERE users_fts MATCH ?", match).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count the search: %w", err)
	}
	return n, nil
}

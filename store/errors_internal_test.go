package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestIsUniqueViolationReadsTheCode: a duplicate in a UNIQUE column or a PRIMARY KEY is known by
// SQLite's extended result code, also when wrapped; other constraint errors, and an error that
// only says the words, are not.
func TestIsUniqueViolationReadsTheCode(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	exec := func(q string, args ...any) error {
		_, err := s.write.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec("INSERT INTO users (email, name, created_at, updated_at) VALUES ('a@example.se', 'A', 0, 0)"); err != nil {
		t.Fatal(err)
	}
	unique := exec("INSERT INTO users (email, name, created_at, updated_at) VALUES ('a@example.se', 'B', 0, 0)")
	primary := exec("INSERT INTO settings (key, value, updated_at) VALUES ('password_login', 'on', 0)")
	notNull := exec("INSERT INTO users (email, name, created_at, updated_at) VALUES ('b@example.se', NULL, 0, 0)")
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"unique", unique, true},
		{"wrapped unique", fmt.Errorf("store: x: %w", unique), true},
		{"primary key", primary, true},
		{"not null", notNull, false},
		{"only the words", errors.New("UNIQUE constraint failed: users.email"), false},
		{"nil", nil, false},
	} {
		if got := isUniqueViolation(c.err); got != c.want {
			t.Errorf("%s (%v): isUniqueViolation = %t, want %t", c.name, c.err, got, c.want)
		}
	}
}

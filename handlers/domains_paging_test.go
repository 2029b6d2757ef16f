package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/views/paths"
)

// TestDomainsPageIsPagedAndSearched: with many domains the list shows one page of 50 with a
// count and links to the next and previous pages, a search narrows it (a Unicode search finds
// the name as DNS writes it), and a refused add shows the first page only, not every domain.
func TestDomainsPageIsPagedAndSearched(t *testing.T) {
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true, Verified: true, AuthSettings: true})
	ctx := context.Background()
	for i := range 120 {
		if _, err := app.Store.AddDomain(ctx, store.CLIActor, fmt.Sprintf("dom%03d.example.se", i), fmt.Sprintf("token-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.Store.AddDomain(ctx, store.CLIActor, "xn--exmple-cua.se", "token-x"); err != nil {
		t.Fatal(err)
	}
	rows := func(t *testing.T, r *handlertest.Response) int {
		t.Helper()
		return r.Doc(t).Find("[data-testid=domains] tbody tr").Length()
	}
	r := c.Get(t, paths.Domains)
	if r.Status != http.StatusOK || rows(t, r) != 50 {
		t.Fatalf("first page: status %d, %d rows, want 200 and 50", r.Status, rows(t, r))
	}
	doc := r.Doc(t)
	if got := doc.Find("[data-testid=domains-count]").Text(); got != "Visar 1–50 av 121" {
		t.Errorf("count %q", got)
	}
	if next, _ := doc.Find("[data-testid=pager-next]").Attr("href"); next != paths.DomainsList("", 2) {
		t.Errorf("next page link %q", next)
	}
	last := c.Get(t, paths.DomainsList("", 3))
	if n := rows(t, last); n != 21 {
		t.Errorf("last page: %d rows, want 21", n)
	}
	if prev, _ := last.Doc(t).Find("[data-testid=pager-prev]").Attr("href"); prev != paths.DomainsList("", 2) {
		t.Errorf("previous page link %q", prev)
	}
	if n := rows(t, c.Get(t, paths.DomainsList("DOM11", 1))); n != 10 {
		t.Errorf("search dom11: %d rows, want 10", n)
	}
	if n := rows(t, c.Get(t, paths.DomainsList("exämple", 1))); n != 1 {
		t.Errorf("search exämple: %d rows, want 1", n)
	}
	none := c.Get(t, paths.DomainsList("nothing_like%this", 1))
	if got := none.Doc(t).Find("[data-testid=domains-count]").Text(); got != "Inga domäner matchar sökningen." || rows(t, none) != 0 {
		t.Errorf("search with no match: %q, %d rows", got, rows(t, none))
	}
	refused := c.Post(t, paths.Domains, url.Values{"domain": {"not a domain"}})
	if refused.Status != http.StatusUnprocessableEntity || rows(t, refused) != 50 {
		t.Errorf("refused add: status %d, %d rows, want 422 and 50", refused.Status, rows(t, refused))
	}
}

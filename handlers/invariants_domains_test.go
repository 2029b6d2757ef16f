package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/store/storetest"
)

// TestRulesServedDomainStaysWhilePasswordOff: removing the domain a provider serves while
// password sign-in is off would lock its people out; the page refuses with a reason, and the
// domain and the provider's service of it stay.
func TestRulesServedDomainStaysWhilePasswordOff(t *testing.T) {
	t.Parallel()
	w, _ := newRulesWorld(t)
	idp := w.IdP
	storetest.PasswordLogin(t, w.Store, false)
	c := w.SSOClientAs(t, w.UserByEmail(t, "boss@example.se"), idp)
	p, err := w.Store.IdP(context.Background(), idp)
	if err != nil || len(p.Domains) != 1 {
		t.Fatalf("provider %+v, %v", p, err)
	}
	path := "/auth-settings/domains/" + strconv.FormatInt(p.Domains[0].ID, 10) + "/remove"
	r := c.Post(t, path, url.Values{"confirm": {"example.se"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("status %d, want 409", r.Status)
	}
	if got := r.Doc(t).Find("[data-testid=error-summary]").Text(); !strings.Contains(got, "Inloggning med lösenord är avstängd") {
		t.Errorf("summary %q does not say why", got)
	}
	if p, _ := w.Store.IdP(context.Background(), idp); len(p.Domains) != 1 {
		t.Errorf("the provider serves %v after the refusal", p.Domains)
	}
}

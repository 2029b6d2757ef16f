package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/views/paths"
)

// Attacks on portvakt as an OpenID provider, from outside: a hostile app, a hostile user of a
// legitimate app, or someone who can make a victim's browser open a link.

// continueURL starts the authorization code flow for r in the browser c and returns the
// address of portvakt's continue step (with the sign-in id) without following it.
func (r *rp) continueURL(t *testing.T, c *handlertest.Client, verifier string, extra ...oauth2.AuthCodeOption) string {
	t.Helper()
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}, extra...)
	resp := c.Get(t, strings.TrimPrefix(r.conf.AuthCodeURL("state-1", opts...), r.w.app.URL))
	if resp.Status != http.StatusFound || !strings.HasPrefix(resp.Location, paths.OPContinue) {
		t.Fatalf("authorize: status %d Location %q, want portvakt's continue step", resp.Status, resp.Location)
	}
	return resp.Location
}

// codeFrom returns the code of an authorization response that sends the browser to the app.
func codeFrom(t *testing.T, resp *handlertest.Response) string {
	t.Helper()
	back, err := url.Parse(resp.Location)
	if resp.Status != http.StatusFound || err != nil || back.Query().Get("code") == "" {
		t.Fatalf("continue: status %d Location %q, want a redirect with a code", resp.Status, resp.Location)
	}
	return back.Query().Get("code")
}

// TestAttackContinueRebindsCodeToVictim: Mallory starts a sign-in at a legitimate app in her
// own browser and lets portvakt issue the code for herself, but does not deliver it to the app
// yet. She then makes Ann's signed-in browser open the same continue address (a link on
// portvakt's own domain). That second visit must not change whom the already issued code
// stands for: otherwise Mallory delivers her code to the app in her own browser, with her own
// state and PKCE verifier, and is signed in to the app as Ann (account takeover).
func TestAttackContinueRebindsCodeToVictim(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	mallory, malloryUser := w.app.SignedIn(t, "mallory@example.com", handlertest.UserOpts{Verified: true})
	ann, annUser := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})

	verifier := oauth2.GenerateVerifier()
	next := web.continueURL(t, mallory, verifier)
	code := codeFrom(t, mallory.Get(t, next)) // issued for Mallory; she keeps it

	ann.Get(t, next) // Ann's browser opens the link Mallory sent

	tok, err := web.exchange(t, code, verifier)
	if err != nil {
		return // refusing the code is a safe answer
	}
	sub := web.idToken(t, tok).Subject
	annSub, _ := w.app.Store.SubjectOfUser(context.Background(), annUser.ID)
	mallorySub, _ := w.app.Store.SubjectOfUser(context.Background(), malloryUser.ID)
	if sub == annSub {
		t.Fatalf("Mallory's code, exchanged in Mallory's app session, gave tokens for Ann (sub %s): "+
			"a second browser at the continue step re-bound a completed sign-in", sub)
	}
	if sub != mallorySub {
		t.Fatalf("sub = %q, want Mallory's %q", sub, mallorySub)
	}
}

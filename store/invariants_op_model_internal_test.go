package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestAppTokensFollowThePolicy drives random sequences of what reaches an app's tokens (sign-ins
// to apps from several browsers, refreshes, sign-outs, a new sign-in in the same browser by the
// same or another person, people taken off or put back on an app's list, the app switched off
// and on, deactivation and reactivation, Password OFF and ON) through the real store, and checks
// after every step that each refresh token an app holds works exactly when the model says it
// should: never after what ended it, and never ended by anything else.
func TestAppTokensFollowThePolicy(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("random sequences; they run without -short")
	}
	rapid.Check(t, func(rt *rapid.T) {
		m := newAppTokenModel(t)
		rt.Repeat(map[string]func(*rapid.T){
			"sign in to an app": m.signIn,
			"refresh":           m.refresh,
			"sign out":          m.signOut,
			"sign in again":     m.signInAgain,
			"take off the list": m.takeOff,
			"switch the app":    m.switchApp,
			"deactivate":        m.deactivate,
			"reactivate":        m.reactivate,
			"password off":      m.passwordOff,
			"password on":       m.passwordOn,
			"":                  m.check,
		})
	})
}

type appTokenModel struct {
	t       *testing.T
	f       *offFixture
	people  []User
	active  map[int64]bool
	app     Application
	listed  map[int64]bool // people on the app's list (the app is not for everyone)
	enabled bool
	pwdOn   bool
	browser [2]*modelBrowser
	tokens  []*modelToken
}

// modelBrowser is a browser with a portvakt session.
type modelBrowser struct {
	person int64
	method string
	token  string
}

// modelToken is a refresh token an app holds, and whether the model says it works.
type modelToken struct {
	refresh string
	person  int64
	method  string
	browser int
	dead    string // what ended it; "" while it should work
}

func newAppTokenModel(t *testing.T) *appTokenModel {
	f := newOffFixture(t)
	m := &appTokenModel{t: t, f: f, active: map[int64]bool{}, listed: map[int64]bool{}, enabled: true, pwdOn: true}
	for i := range 2 {
		u := f.user(t, fmt.Sprintf("p%d@example.se", i), true)
		m.people = append(m.people, u)
		m.active[u.ID] = true
		m.listed[u.ID] = true
	}
	st := AppSettings{Name: "HR", Kind: AppWeb, Enabled: true, Everyone: false, People: m.ids(),
		RedirectURIs: []string{"https://hr.example.se/cb"}}.Normalize()
	app, _, err := f.s.CreateApplication(context.Background(), CLIActor, st)
	if err != nil {
		t.Fatal(err)
	}
	m.app = app
	return m
}

func (m *appTokenModel) ids() []int64 {
	var out []int64
	for _, p := range m.people {
		if m.listed[p.ID] {
			out = append(out, p.ID)
		}
	}
	return out
}

func (m *appTokenModel) person(rt *rapid.T) User {
	return m.people[rapid.IntRange(0, len(m.people)-1).Draw(rt, "person")]
}

// session makes browser b signed in as p with method.
func (m *appTokenModel) session(rt *rapid.T, b int, p User, method string) {
	ns := NewSession{UserID: p.ID, Method: method}
	if method == MethodSSO {
		ns.IdPID = m.f.idp
	}
	if old := m.browser[b]; old != nil {
		ns.Replaces = old.token
	}
	token, err := m.f.s.CreateSession(context.Background(), ns)
	if err != nil {
		rt.Fatalf("session: %v", err)
	}
	if old := m.browser[b]; old != nil && old.person != p.ID {
		m.kill(func(k *modelToken) bool { return k.browser == b && k.person == old.person }, "another person signed in in the browser")
	}
	m.browser[b] = &modelBrowser{person: p.ID, method: method, token: token}
}

func (m *appTokenModel) kill(which func(*modelToken) bool, why string) {
	for _, k := range m.tokens {
		if k.dead == "" && which(k) {
			k.dead = why
		}
	}
}

func (m *appTokenModel) signIn(rt *rapid.T) {
	ctx := context.Background()
	b := rapid.IntRange(0, len(m.browser)-1).Draw(rt, "browser")
	p := m.person(rt)
	if !m.active[p.ID] {
		rt.Skip("an inactive person cannot sign in")
	}
	method := MethodSSO
	if m.pwdOn && rapid.Bool().Draw(rt, "with a password") {
		method = MethodPassword
	}
	if cur := m.browser[b]; cur == nil || cur.person != p.ID || cur.method != method {
		m.session(rt, b, p, method)
	}
	r, err := m.f.s.CreateOPAuthRequest(ctx, m.app.ClientID, []byte(`{}`))
	if !m.enabled {
		if err == nil {
			rt.Fatal("a switched-off app got a sign-in")
		}
		return
	}
	if err != nil {
		rt.Fatal(err)
	}
	_, err = m.f.s.CompleteOPAuthRequest(ctx, CLIActor, r.ID, m.browser[b].token)
	if !m.listed[p.ID] {
		if err == nil {
			rt.Fatal("a person off the list completed a sign-in")
		}
		return
	}
	if err != nil {
		rt.Fatal(err)
	}
	code := NewToken()
	if err := m.f.s.SaveOPCode(ctx, r.ID, code); err != nil {
		rt.Fatal(err)
	}
	taken, err := m.f.s.TakeOPCode(ctx, code)
	if err != nil {
		rt.Fatal(err)
	}
	issued, err := m.f.s.IssueOPTokens(ctx, taken, []string{"openid", "offline_access"}, true)
	if err != nil {
		rt.Fatal(err)
	}
	m.tokens = append(m.tokens, &modelToken{refresh: issued.Refresh, person: p.ID, method: method, browser: b})
}

func (m *appTokenModel) live(rt *rapid.T) *modelToken {
	var live []*modelToken
	for _, k := range m.tokens {
		if k.dead == "" {
			live = append(live, k)
		}
	}
	if len(live) == 0 {
		rt.Skip("no token")
	}
	return rapid.SampledFrom(live).Draw(rt, "token")
}

func (m *appTokenModel) refresh(rt *rapid.T) {
	k := m.live(rt)
	issued, err := m.f.s.RotateOPRefresh(context.Background(), m.app.ClientID, k.refresh)
	if err != nil {
		rt.Fatalf("a token that should work did not refresh: %v", err)
	}
	k.refresh = issued.Refresh
}

func (m *appTokenModel) signOut(rt *rapid.T) {
	b := rapid.IntRange(0, len(m.browser)-1).Draw(rt, "browser")
	cur := m.browser[b]
	if cur == nil {
		rt.Skip("not signed in")
	}
	if rapid.Bool().Draw(rt, "signed in again first") {
		// The same person signs in again in the same browser: what apps got from the first
		// session must still end with this sign-out.
		p := m.people[slices.IndexFunc(m.people, func(u User) bool { return u.ID == cur.person })]
		m.session(rt, b, p, cur.method)
		cur = m.browser[b]
	}
	if err := m.f.s.SignOut(context.Background(), cur.token); err != nil {
		rt.Fatal(err)
	}
	m.kill(func(k *modelToken) bool { return k.browser == b && k.person == cur.person }, "signed out")
	m.browser[b] = nil
}

func (m *appTokenModel) signInAgain(rt *rapid.T) {
	b := rapid.IntRange(0, len(m.browser)-1).Draw(rt, "browser")
	p := m.person(rt)
	if !m.active[p.ID] || m.browser[b] == nil {
		rt.Skip("nothing to replace")
	}
	method := MethodSSO
	if m.pwdOn && rapid.Bool().Draw(rt, "with a password") {
		method = MethodPassword
	}
	m.session(rt, b, p, method)
}

func (m *appTokenModel) update(rt *rapid.T) {
	st := m.app.Settings()
	st.Enabled, st.Everyone, st.People = m.enabled, false, m.ids()
	if len(st.People) == 0 {
		st.People = []int64{m.f.it.ID} // the list is never empty
	}
	if _, err := m.f.s.UpdateApplication(context.Background(), CLIActor, m.app.ID, st); err != nil {
		rt.Fatal(err)
	}
}

func (m *appTokenModel) takeOff(rt *rapid.T) {
	p := m.person(rt)
	if m.listed[p.ID] {
		m.listed[p.ID] = false
		m.kill(func(k *modelToken) bool { return k.person == p.ID }, "taken off the list")
	} else {
		m.listed[p.ID] = true
	}
	m.update(rt)
}

func (m *appTokenModel) switchApp(rt *rapid.T) {
	m.enabled = !m.enabled
	if !m.enabled {
		m.kill(func(*modelToken) bool { return true }, "app switched off")
	}
	m.update(rt)
}

func (m *appTokenModel) setActive(rt *rapid.T, p User, active bool) {
	pr, err := m.f.s.ProvisionedByID(context.Background(), p.ID)
	if err != nil {
		rt.Fatal(err)
	}
	if _, _, err := m.f.s.UpdateProvisioned(context.Background(), CLIActor, ProvisionToken{}, p.ID,
		Provision{Email: pr.Email, Name: pr.Name, Active: active}, VerificationMail{}); err != nil {
		rt.Fatal(err)
	}
	m.active[p.ID] = active
}

func (m *appTokenModel) deactivate(rt *rapid.T) {
	p := m.person(rt)
	if !m.active[p.ID] {
		rt.Skip("inactive already")
	}
	m.setActive(rt, p, false)
	m.kill(func(k *modelToken) bool { return k.person == p.ID }, "deactivated")
	for b, cur := range m.browser {
		if cur != nil && cur.person == p.ID {
			m.browser[b] = nil
		}
	}
}

func (m *appTokenModel) reactivate(rt *rapid.T) {
	p := m.person(rt)
	if m.active[p.ID] {
		rt.Skip("active already")
	}
	m.setActive(rt, p, true)
}

func (m *appTokenModel) passwordOff(rt *rapid.T) {
	if !m.pwdOn {
		rt.Skip("off already")
	}
	if _, err := m.f.s.DisablePasswordLogin(context.Background(), CLIActor, m.f.guard(m.t)); err != nil {
		rt.Fatalf("password off: %v", err)
	}
	m.pwdOn = false
	m.kill(func(k *modelToken) bool { return k.method == MethodPassword }, "password off")
	for b, cur := range m.browser {
		if cur != nil && cur.method == MethodPassword {
			m.browser[b] = nil
		}
	}
}

func (m *appTokenModel) passwordOn(rt *rapid.T) {
	if m.pwdOn {
		rt.Skip("on already")
	}
	if _, err := m.f.s.EnablePasswordLogin(context.Background(), CLIActor); err != nil {
		rt.Fatal(err)
	}
	m.pwdOn = true
}

// check: every token works exactly when the model says so. Looking does not change a token
// (OPRefreshGrant only reads, unless a token is replayed, which the model never does).
func (m *appTokenModel) check(rt *rapid.T) {
	for _, k := range m.tokens {
		_, err := m.f.s.OPRefreshGrant(context.Background(), k.refresh)
		switch {
		case k.dead == "" && err != nil:
			rt.Fatalf("a token of person %d (%s) stopped working although nothing ended it: %v", k.person, k.method, err)
		case k.dead != "" && err == nil:
			rt.Fatalf("a token of person %d (%s) still works after: %s", k.person, k.method, k.dead)
		}
	}
}

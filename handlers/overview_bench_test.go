package handlers_test

import (
	"context"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// BenchmarkOverviewPage serves the readiness overview of an organisation with 10,000 people
// (half linked, a third signing in with passwords, some on a domain no provider serves) and a
// year of sign-ins in the roll-up, beside a bare echo handler serving as many bytes.
func BenchmarkOverviewPage(b *testing.B) {
	app := handlertest.New(b)
	ctx := context.Background()
	st := app.Store
	d := storetest.VerifiedDomain(b, st, "example.se")
	idp, err := st.CreateIdP(ctx, store.CLIActor, store.IdPInput{Name: "Entra", Preset: "entra", Issuer: "https://login.example.se",
		ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid email", Enabled: true, DomainIDs: []int64{d.ID}})
	if err != nil {
		b.Fatal(err)
	}
	u := app.User(b, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	if err := st.SaveIdPTest(ctx, store.Actor{UserID: u.ID}, idp, storetest.IdPRevision(b, st, idp), true, "{}", ""); err != nil {
		b.Fatal(err)
	}
	now := time.Now().Unix()
	// 10,000 people and a year of daily sign-in counts in four statements: through the store it
	// would take about a million calls.
	storetest.Exec(b, st, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		INSERT INTO users (email, name, email_verified, created_at, updated_at, last_password_login_at, last_sso_login_at)
		SELECT 'person' || i || CASE WHEN i % 10 = 0 THEN '@other.se' ELSE '@example.se' END, 'Person ' || i, i % 7 != 0,
			?1, ?1, CASE WHEN i % 3 = 0 THEN ?1 - (i % 60) * 86400 END, CASE WHEN i % 2 = 0 THEN ?1 - (i % 45) * 86400 END FROM n`, now)
	storetest.Exec(b, st, `INSERT INTO identity_links (user_id, idp_id, issuer, subject, linked_at)
		SELECT id, ?1, 'https://login.example.se', 'sub-' || id, ?2 FROM users WHERE id % 2 = 0 AND email LIKE 'person%'`, idp, now)
	storetest.Exec(b, st, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 364)
		INSERT INTO signin_daily (day, method, idp_id, count)
		SELECT ?1 / 86400 - i, 'password', 0, 3000 - i * 8 FROM n UNION ALL
		SELECT ?1 / 86400 - i, 'sso', ?2, 400 + i * 7 FROM n`, now, idp)
	storetest.Exec(b, st, `INSERT INTO link_invites (user_id, sent_at, via_profile)
		SELECT id, ?1 - 3 * 86400, 0 FROM users WHERE id % 2 = 1 AND id % 5 = 0`, now)
	c := app.ClientAs(b, u)
	cookies := c.HTTP.Jar.Cookies(mustURL(app.URL))
	for _, path := range []string{"/auth-settings", "/auth-settings?days=90"} {
		b.Run(path, func(b *testing.B) {
			b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, path, cookies) })
			n := pageSize(b, app.Echo, path, cookies)
			b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
		})
	}
	b.Run("/users?show=lose", func(b *testing.B) {
		b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, "/users?show=lose", cookies) })
		n := pageSize(b, app.Echo, "/users?show=lose", cookies)
		b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
	})
}

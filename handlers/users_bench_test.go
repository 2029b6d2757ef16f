package handlers_test

import (
	"database/sql"
	"testing"

	"portvakt/handlers/handlertest"
)

// BenchmarkUsersPage serves the Users list over 10,000 users: the first page, a search, and the
// last page, beside a bare echo handler of the same size.
func BenchmarkUsersPage(b *testing.B) {
	app := handlertest.New(b)
	u := app.User(b, "admin@example.se", handlertest.UserOpts{Admin: true})
	db, err := sql.Open("sqlite", "file:"+app.Store.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 10000)
		INSERT INTO users (email, name, created_at, updated_at)
		SELECT 'person' || i || '@example.se', 'Person ' || i, 0, 0 FROM seq`)
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	cookies := app.ClientAs(b, u).HTTP.Jar.Cookies(mustURL(app.URL))
	for _, path := range []string{"/users", "/users?q=person77", "/users?page=200"} {
		b.Run("portvakt "+path, func(b *testing.B) { benchmarkPage(b, app.Echo, path, cookies) })
	}
	n := pageSize(b, app.Echo, "/users", cookies)
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
}

package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
	"portvakt/store"
)

// TestTokenExpiryWarnsAdministratorsOnce: 14 days before a token expires every active
// administrator gets a mail, once; tokens further off, revoked or never expiring are left alone.
func TestTokenExpiryWarnsAdministratorsOnce(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	app.User(t, "anna@example.se", handlertest.UserOpts{Admin: true})
	app.User(t, "bo@example.se", handlertest.UserOpts{Admin: true})
	app.User(t, "user@example.se", handlertest.UserOpts{})
	now := app.Store.Now()
	mk := func(name string, in time.Duration) store.APIToken {
		nt := store.NewAPIToken{Name: name, Purpose: store.PurposeSCIM}
		if in != 0 {
			nt.ExpiresAt = now.Add(in)
		}
		tk, _, err := app.Store.CreateAPIToken(ctx, store.CLIActor, nt)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	mk("soon", 13*24*time.Hour)
	mk("later", 30*24*time.Hour)
	mk("forever", 0)
	revoked := mk("revoked", 24*time.Hour)
	if err := app.Store.RevokeAPIToken(ctx, store.CLIActor, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := app.Server.WarnTokenExpiry(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mails, _, err := app.Store.ListMail(ctx, store.MailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mails {
		got = append(got, m.To)
		if !strings.Contains(m.Subject, "API") {
			t.Errorf("subject %q", m.Subject)
		}
	}
	if strings.Join(got, ",") != "bo@example.se,anna@example.se" && strings.Join(got, ",") != "anna@example.se,bo@example.se" {
		t.Errorf("mails to %v, want one each to anna and bo", got)
	}
}

package handlers_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/mail"
	"portvakt/handlers/mail/smtptest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// TestMailRetriedWithBackoffWhileServerDown: with the mail server down (connection refused), a
// new user's verification mail is kept in the outbox as failed, and the outbox tells the
// administrator when it is tried again; portvakt tries it again by itself, not before that time,
// waiting twice as long after each failure; once the server is back, the next attempt delivers
// it.
func TestMailRetriedWithBackoffWhileServerDown(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	front := newSMTPFront(t, srv.Addr)
	sender, err := mail.NewSMTPSender("smtp://"+front.addr+"?starttls=false", "portvakt <portvakt@example.se>", mail.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	app := handlertest.New(t, handlertest.WithConfig(func(cfg *handlers.Config) { cfg.Mail = sender }), handlertest.WithClock())
	now := time.Now().Truncate(time.Second)
	app.Clock.Set(now)
	setNow := app.Clock.Set
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	ctx := context.Background()

	page := follow(t, c, c.Post(t, "/users", url.Values{"name": {"Olle"}, "email": {"olle@example.se"}}))
	if got := flash(t, page); !strings.Contains(got, "olle@example.se") {
		t.Errorf("flash = %q, want it to say the mail to olle@example.se was not sent", got)
	}
	mails, _, err := app.Store.ListMail(ctx, store.MailFilter{})
	if err != nil || len(mails) != 1 || mails[0].Status != store.MailFailed || !strings.Contains(mails[0].LastError, "refused") {
		t.Fatalf("outbox = %+v, %v; want one failed mail saying the connection was refused", mails, err)
	}
	id := mails[0].ID
	failedAt := now
	var waits []time.Duration
	for attempt := 1; attempt <= 3; attempt++ {
		row := c.Get(t, "/users/outbox").Doc(t).Find(`[data-testid="mail-row"]`)
		if got := row.Find(`[data-testid="mail-status"]`).Text(); got != "Misslyckades" {
			t.Errorf("attempt %d: the outbox shows %q, want Misslyckades", attempt, got)
		}
		next := row.Find(`[data-testid="mail-next-attempt"]`).Text()
		m, _ := app.Store.MailByID(ctx, id)
		if next == "" || m.NextAttemptAt.IsZero() {
			t.Fatalf("attempt %d: the outbox does not say when the mail is tried again (%q)", attempt, row.Text())
		}
		waits = append(waits, m.NextAttemptAt.Sub(failedAt))

		setNow(m.NextAttemptAt.Add(-time.Second))
		if err := app.Server.RetryMail(ctx); err != nil {
			t.Fatal(err)
		}
		if m, _ := app.Store.MailByID(ctx, id); m.Attempts != attempt {
			t.Fatalf("tried again before the time the outbox showed: %d attempts, want %d", m.Attempts, attempt)
		}
		failedAt = m.NextAttemptAt
		setNow(failedAt)
		if attempt == 3 {
			front.up()
		}
		if err := app.Server.RetryMail(ctx); err != nil {
			t.Fatal(err)
		}
		m, _ = app.Store.MailByID(ctx, id)
		if m.Attempts != attempt+1 {
			t.Fatalf("not tried again when due: %d attempts, want %d", m.Attempts, attempt+1)
		}
	}
	if !slices.IsSorted(waits) || waits[0] != store.MailRetryBase || waits[2] != 4*store.MailRetryBase {
		t.Errorf("waits between attempts = %v, want each twice the one before, from %s", waits, store.MailRetryBase)
	}
	if m := srv.Next(t); m.To[0] != "olle@example.se" {
		t.Errorf("delivered to %v", m.To)
	}
	if m, _ := app.Store.MailByID(ctx, id); m.Status != store.MailSent || !m.NextAttemptAt.IsZero() {
		t.Errorf("after delivery: status %s, next attempt %s", m.Status, m.NextAttemptAt)
	}
	if got := storetest.AuditActions(t, app.Store, "olle@example.se"); !slices.Equal(got,
		[]string{"user.create", "verification.send", "mail.failed", "mail.failed", "mail.failed", "mail.sent"}) {
		t.Errorf("audit = %q", got)
	}
}

// smtpFront is a mail server address that refuses connections (nothing listens) until up, and
// from then on passes them to the real server.
type smtpFront struct {
	t      *testing.T
	addr   string
	target string
}

func newSMTPFront(t *testing.T, target string) *smtpFront {
	return &smtpFront{t: t, addr: refusedAddr(t), target: target}
}

// up listens on the front's address and passes every connection to the real server.
func (f *smtpFront) up() {
	t := f.t
	t.Helper()
	l, err := net.Listen("tcp", f.addr)
	if err != nil {
		t.Fatalf("listen on the mail server's address again: %v", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				s, err := net.Dial("tcp", f.target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { _, _ = io.Copy(s, c); s.(*net.TCPConn).CloseWrite() }()
				_, _ = io.Copy(c, s)
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
}

package smtptest_test

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"portvakt/handlers/mail/smtptest"
)

const rawMessage = "From: a@example.se\r\nTo: b@example.se\r\nSubject: =?utf-8?q?R=C3=A4ksm=C3=B6rg=C3=A5s?=\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"H=C3=A4lsningar\r\n"

func dial(t *testing.T, srv *smtptest.Server) *smtp.Client {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(conn)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestServerRecordsAndDecodes(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	c := dial(t, srv)
	if err := c.SendMail("a@example.se", []string{"b@example.se"}, strings.NewReader(rawMessage)); err != nil {
		t.Fatal(err)
	}
	m := srv.Next(t)
	if m.ParseErr != nil || m.Subject != "Räksmörgås" || m.Text != "Hälsningar\r\n" || m.From != "a@example.se" || m.TLS {
		t.Errorf("message = %+v", m)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("Messages() has %d, want 1", got)
	}
}

func TestServerOffersAuthOnlyOverTLS(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.WithStartTLS(), smtptest.WithAuth("u", "p"))
	c := dial(t, srv)
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	err := c.Auth(sasl.NewPlainClient("", "u", "p"))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 523 {
		t.Errorf("AUTH in plain text: %v, want 523", err)
	}
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	tlsClient, err := smtp.NewClientStartTLS(conn, &tls.Config{RootCAs: srv.CertPool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer tlsClient.Close()
	if err := tlsClient.Auth(sasl.NewPlainClient("", "u", "wrong")); !errors.As(err, &se) || se.Code != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
	if got := srv.AuthAttempts(); got != 1 {
		t.Errorf("AuthAttempts = %d, want 1 (the plain-text attempt never reached the backend)", got)
	}
}

func TestServerFailsOnDemand(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	srv.Fail(smtptest.StageData, 452, "Mailbox full")
	err := dial(t, srv).SendMail("a@example.se", []string{"b@example.se"}, strings.NewReader(rawMessage))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 452 || se.Message != "Mailbox full" {
		t.Fatalf("err = %v, want 452 Mailbox full", err)
	}
	srv.Recover()
	if err := dial(t, srv).SendMail("a@example.se", []string{"b@example.se"}, strings.NewReader(rawMessage)); err != nil {
		t.Fatalf("after Recover: %v", err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("%d messages kept, want 1", got)
	}
}

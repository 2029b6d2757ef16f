package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/mail"
	"portvakt/handlers/mail/smtptest"
)

const testFrom = "portvakt <portvakt@example.se>"

func newSender(t *testing.T, srv *smtptest.Server, opts ...mail.Option) *mail.SMTPSender {
	t.Helper()
	opts = append([]mail.Option{mail.WithRootCAs(srv.CertPool), mail.WithTimeout(5 * time.Second)}, opts...)
	s, err := mail.NewSMTPSender(srv.URL(), testFrom, opts...)
	if err != nil {
		t.Fatalf("NewSMTPSender(%q): %v", srv.URL(), err)
	}
	return s
}

func simpleMessage() mail.Message {
	return mail.Message{To: "asa@example.se", ToName: "Åsa", Subject: "Hello", Text: "Hello there.", HTML: "<p>Hello there.</p>"}
}

func TestSendDeliversOverEachTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []smtptest.Option
		wantTLS  bool
		wantUser string
	}{
		{"STARTTLS with AUTH PLAIN", []smtptest.Option{smtptest.WithStartTLS(), smtptest.WithAuth("relay", "s3cret pass")}, true, "relay"},
		{"implicit TLS with AUTH PLAIN", []smtptest.Option{smtptest.WithImplicitTLS(), smtptest.WithAuth("relay", "s3cret")}, true, "relay"},
		{"STARTTLS without AUTH", []smtptest.Option{smtptest.WithStartTLS()}, true, ""},
		{"plain text on loopback without AUTH", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts...)
			if err := newSender(t, srv).Send(t.Context(), simpleMessage()); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.Next(t)
			if got.From != "portvakt@example.se" || len(got.To) != 1 || got.To[0] != "asa@example.se" {
				t.Errorf("envelope = %q -> %q, want portvakt@example.se -> [asa@example.se]", got.From, got.To)
			}
			if got.TLS != tt.wantTLS {
				t.Errorf("TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
			if got.AuthUser != tt.wantUser {
				t.Errorf("AuthUser = %q, want %q", got.AuthUser, tt.wantUser)
			}
		})
	}
}

func TestSendRefusesToExposeCredentials(t *testing.T) {
	t.Parallel()
	t.Run("server without STARTTLS", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithAuth("relay", "secret"))
		url := "smtp://relay:secret@" + srv.Addr
		s, err := mail.NewSMTPSender(url, testFrom, mail.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatalf("NewSMTPSender: %v", err)
		}
		err = s.Send(t.Context(), simpleMessage())
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("Send error = %v, want one about STARTTLS", err)
		}
		if got := srv.AuthAttempts(); got != 0 {
			t.Errorf("AuthAttempts = %d, want 0", got)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.WithStartTLS(), smtptest.WithAuth("relay", "secret"))
		s, err := mail.NewSMTPSender(srv.URL(), testFrom, mail.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatalf("NewSMTPSender: %v", err)
		}
		if err := s.Send(t.Context(), simpleMessage()); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("Send error = %v, want a certificate error", err)
		}
		if got := srv.AuthAttempts(); got != 0 {
			t.Errorf("AuthAttempts = %d, want 0", got)
		}
	})
	t.Run("credentials with starttls=false", func(t *testing.T) {
		_, err := mail.NewSMTPSender("smtp://relay:secret@127.0.0.1:2525?starttls=false", testFrom)
		if !errors.Is(err, mail.ErrInsecureAuth) {
			t.Errorf("NewSMTPSender error = %v, want ErrInsecureAuth", err)
		}
	})
}

func TestSendReportsServerRefusal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		stage     smtptest.Stage
		code      int
		text      string
		wantStage string
	}{
		{"unknown recipient", smtptest.StageRcpt, 550, "No such user here", "RCPT TO"},
		{"temporary failure on data", smtptest.StageData, 451, "Try again later", "DATA"},
		{"sender refused", smtptest.StageMail, 553, "Sender not allowed", "MAIL FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithStartTLS(), smtptest.WithAuth("relay", "secret"))
			s := newSender(t, srv)
			srv.Fail(tt.stage, tt.code, tt.text)
			err := s.Send(t.Context(), simpleMessage())
			var se *mail.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("Send error = %v, want a *mail.ServerError", err)
			}
			if se.Stage != tt.wantStage || se.Code != tt.code || se.Message != tt.text {
				t.Errorf("ServerError = %+v, want stage %q code %d text %q", se, tt.wantStage, tt.code, tt.text)
			}
			if got, want := se.Temporary(), tt.code/100 == 4; got != want {
				t.Errorf("Temporary() = %v, want %v", got, want)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server kept %d messages, want 0", n)
			}
			srv.Recover()
			if err := s.Send(t.Context(), simpleMessage()); err != nil {
				t.Errorf("Send after Recover: %v", err)
			}
		})
	}
}

func TestSendReportsWrongPassword(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.WithStartTLS(), smtptest.WithAuth("relay", "secret"))
	url := strings.Replace(srv.URL(), "secret", "wrong", 1)
	s, err := mail.NewSMTPSender(url, testFrom, mail.WithRootCAs(srv.CertPool))
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	err = s.Send(t.Context(), simpleMessage())
	var se *mail.ServerError
	if !errors.As(err, &se) || se.Stage != "AUTH" || se.Code != 535 {
		t.Errorf("Send error = %v, want a 535 refusal of AUTH", err)
	}
}

func TestSendGivesUpWhenServerIsSilent(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c // Never greets.
		}
	}()
	t.Cleanup(func() {
		select {
		case c := <-accepted:
			c.Close()
		default:
		}
	})
	s, err := mail.NewSMTPSender("smtp://"+l.Addr().String(), testFrom, mail.WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), simpleMessage()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send error = %v, want context.DeadlineExceeded", err)
	}
}

func TestStringHidesPassword(t *testing.T) {
	t.Parallel()
	s, err := mail.NewSMTPSender("smtps://relay:topsecret@mail.example.se", testFrom)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "smtps://relay@mail.example.se:465"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

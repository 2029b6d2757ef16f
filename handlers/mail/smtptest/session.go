package smtptest

import (
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP conversation; go-smtp starts a new one after STARTTLS.
type session struct {
	server   *Server
	tls      bool
	authUser string
	from     string
	to       []string
}

var errAuthRequired = &smtp.SMTPError{
	Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required",
}

var errBadCredentials = &smtp.SMTPError{
	Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid",
}

func (ss *session) AuthMechanisms() []string {
	if ss.server.cfg.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.server.mu.Lock()
	ss.server.authAttempts++
	ss.server.mu.Unlock()
	return sasl.NewPlainServer(func(identity, username, password string) error {
		cfg := ss.server.cfg
		if identity != "" && identity != username || username != cfg.username || password != cfg.password {
			return errBadCredentials
		}
		ss.authUser = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.server.cfg.username != "" && ss.authUser == "" {
		return errAuthRequired
	}
	if err := ss.server.failure(StageMail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.server.failure(StageRcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("smtptest: read data: %w", err)
	}
	if err := ss.server.failure(StageData); err != nil {
		return err
	}
	m := parse(raw)
	m.From, m.To, m.TLS, m.AuthUser = ss.from, ss.to, ss.tls, ss.authUser
	ss.server.record(m)
	return nil
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error {
	return nil
}

// testLogger sends the server's internal errors to the test log while the test
// runs, and drops them afterwards.
type testLogger struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("smtptest: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) {
	l.Printf("%s", fmt.Sprintln(v...))
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

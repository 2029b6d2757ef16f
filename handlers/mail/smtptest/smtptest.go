// Package smtptest runs a real SMTP server on 127.0.0.1 for tests. It records
// every message it accepts, can require AUTH PLAIN, can offer STARTTLS or
// implicit TLS with a certificate made for the test, and can refuse commands
// on demand so that callers can show a failed send.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Stage names an SMTP command the server can be told to refuse.
type Stage string

// The commands Fail can refuse.
const (
	StageMail Stage = "MAIL"
	StageRcpt Stage = "RCPT"
	StageData Stage = "DATA"
)

// WaitTimeout bounds Next: a message that has not arrived by then will not.
const WaitTimeout = 10 * time.Second

// Server is a running SMTP server. Its zero value is not usable; call Start.
type Server struct {
	// Addr is the host:port the server listens on, always on 127.0.0.1.
	Addr string
	// CertPool trusts the server's certificate; nil when it offers no TLS.
	CertPool *x509.CertPool

	cfg      config
	srv      *smtp.Server
	received chan Message

	mu           sync.Mutex
	messages     []Message
	failures     map[Stage]*smtp.SMTPError
	authAttempts int
}

type config struct {
	username, password string
	startTLS           bool
	implicitTLS        bool
}

// Option configures a Server.
type Option func(*config)

// WithAuth makes the server require AUTH PLAIN with these credentials before
// MAIL FROM. As on real servers, AUTH is offered only over TLS.
func WithAuth(username, password string) Option {
	return func(c *config) { c.username, c.password = username, password }
}

// WithStartTLS makes the server offer STARTTLS.
func WithStartTLS() Option {
	return func(c *config) { c.startTLS = true }
}

// WithImplicitTLS makes the server speak TLS from the first byte, as on port 465.
func WithImplicitTLS() Option {
	return func(c *config) { c.implicitTLS = true }
}

// Start starts a server on 127.0.0.1 with a free port and stops it when the
// test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{received: make(chan Message, 1000), failures: map[Stage]*smtp.SMTPError{}}
	for _, opt := range opts {
		opt(&s.cfg)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = WaitTimeout
	s.srv.WriteTimeout = WaitTimeout
	s.srv.ErrorLog = &testLogger{t: t}
	var tlsConfig *tls.Config
	if s.cfg.startTLS || s.cfg.implicitTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: %v", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.CertPool = pool
	}
	if s.cfg.startTLS {
		s.srv.TLSConfig = tlsConfig
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if s.cfg.implicitTLS {
		l = tls.NewListener(l, tlsConfig)
	}
	s.Addr = l.Addr().String()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		s.srv.Close()
		// Close only closes the listeners Serve has taken on; one closed before Serve began
		// would be served for ever.
		l.Close()
		<-served
		s.srv.ErrorLog.(*testLogger).stop()
	})
	return s
}

// URL is the --smtp URL that reaches this server: smtps:// with implicit TLS,
// smtp:// with ?starttls=false when the server offers no TLS, and the
// credentials when it requires AUTH.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	switch {
	case s.cfg.implicitTLS:
		u.Scheme = "smtps"
	case !s.cfg.startTLS:
		u.RawQuery = "starttls=false"
	}
	if s.cfg.username != "" {
		u.User = url.UserPassword(s.cfg.username, s.cfg.password)
	}
	return u.String()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Received delivers each accepted message once, in order.
func (s *Server) Received() <-chan Message {
	return s.received
}

// Next waits for the next accepted message and fails the test when none
// arrives within WaitTimeout.
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.received:
		return m
	case <-time.After(WaitTimeout):
		t.Fatalf("smtptest: no message arrived at %s within %s", s.Addr, WaitTimeout)
		return Message{}
	}
}

// AuthAttempts counts the AUTH exchanges clients started.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authAttempts
}

// Fail makes the server refuse the given command with this reply code (4xx or
// 5xx) and text until Recover is called.
func (s *Server) Fail(stage Stage, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[stage] = &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
		Message:      message,
	}
}

// Recover undoes every Fail.
func (s *Server) Recover() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failures)
}

func (s *Server) failure(stage Stage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err, ok := s.failures[stage]; ok {
		return err
	}
	return nil
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	select {
	case s.received <- m:
	default: // Nobody reads the channel; Messages still has it.
	}
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{server: s, tls: isTLS}, nil
}

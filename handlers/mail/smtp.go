package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// DefaultTimeout bounds one whole delivery: connecting, TLS, authentication
// and the transfer of the message.
const DefaultTimeout = 30 * time.Second

// SMTPSender delivers messages to one SMTP server, opening a connection per
// message. It is safe for concurrent use.
type SMTPSender struct {
	cfg       smtpConfig
	from      *mail.Address
	tlsConfig *tls.Config
	timeout   time.Duration
	helloName string
	now       func() time.Time
}

// Option changes how an SMTPSender connects.
type Option func(*SMTPSender)

// WithTLSConfig sets the TLS configuration used for STARTTLS and smtps. The
// server name is filled in from the URL when the configuration leaves it empty.
func WithTLSConfig(c *tls.Config) Option {
	return func(s *SMTPSender) { s.tlsConfig = c.Clone() }
}

// WithRootCAs makes the sender trust the given certificate authorities instead
// of the system's, as tests do with the SMTP test server's certificate.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(s *SMTPSender) { s.tlsConfig.RootCAs = pool }
}

// WithTimeout bounds one delivery; the default is DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(s *SMTPSender) { s.timeout = d }
}

// WithHelloName sets the host name portvakt gives in EHLO; the default is
// "localhost".
func WithHelloName(name string) Option {
	return func(s *SMTPSender) { s.helloName = name }
}

// WithClock sets the clock used for the Date header.
func WithClock(now func() time.Time) Option {
	return func(s *SMTPSender) { s.now = now }
}

// NewSMTPSender returns a sender for the server named by rawURL that sends
// from the address from, such as "portvakt <portvakt@example.se>". The URL is
// one of
//
//	smtp://user:pass@host:587             STARTTLS, required
//	smtp://host:25?starttls=false         no TLS, and then no credentials
//	smtps://user:pass@host:465            TLS from the first byte
//
// It is checked here, without connecting.
func NewSMTPSender(rawURL, from string, opts ...Option) (*SMTPSender, error) {
	cfg, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	fromAddr, err := ParseFrom(from)
	if err != nil {
		return nil, err
	}
	s := &SMTPSender{
		cfg:       cfg,
		from:      fromAddr,
		tlsConfig: &tls.Config{MinVersion: tls.VersionTLS12},
		timeout:   DefaultTimeout,
		helloName: "localhost",
		now:       time.Now,
	}
	for _, opt := range opts {
		opt(s)
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = cfg.host
	}
	return s, nil
}

// String describes the server without the password, for logs.
func (s *SMTPSender) String() string {
	return s.cfg.redacted()
}

// Send delivers m, returning a *ServerError when the server refuses it.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	env, err := compose(s.from, m, s.now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err = s.deliver(ctx, env)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("mail: send to %s via %s: %w", s.cfg.addr(), s.String(), ctx.Err())
	}
	return err
}

// deliver runs one SMTP session. Cancelling ctx closes the connection, which
// ends any command that is waiting for the server.
func (s *SMTPSender) deliver(ctx context.Context, env envelope) error {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := s.open(conn)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := s.authenticate(c); err != nil {
		return err
	}
	if err := transfer(c, env); err != nil {
		return err
	}
	if err := c.Quit(); err != nil {
		return smtpError("QUIT", err)
	}
	return nil
}

// dial connects over TCP, or straight into TLS for smtps.
func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: s.timeout}
	var (
		conn net.Conn
		err  error
	)
	if s.cfg.implicitTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig}).DialContext(ctx, "tcp", s.cfg.addr())
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.cfg.addr())
	}
	if err != nil {
		return nil, fmt.Errorf("mail: connect to %s: %w", s.cfg.addr(), err)
	}
	return conn, nil
}

// open greets the server and, for smtp:// URLs, switches to TLS with STARTTLS
// unless the URL says starttls=false.
func (s *SMTPSender) open(conn net.Conn) (*smtp.Client, error) {
	var c *smtp.Client
	if s.cfg.startTLS {
		var err error
		// The first EHLO, before TLS, is go-smtp's "localhost"; ours follows
		// on the encrypted connection.
		if c, err = smtp.NewClientStartTLS(conn, s.tlsConfig); err != nil {
			return nil, smtpError("STARTTLS", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = s.timeout
	c.SubmissionTimeout = s.timeout
	if err := c.Hello(s.helloName); err != nil {
		c.Close()
		return nil, smtpError("EHLO", err)
	}
	return c, nil
}

// authenticate logs in with AUTH PLAIN when the URL has credentials, and only
// over TLS.
func (s *SMTPSender) authenticate(c *smtp.Client) error {
	if s.cfg.username == "" {
		return nil
	}
	if _, ok := c.TLSConnectionState(); !ok {
		return ErrInsecureAuth
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return fmt.Errorf("mail: server at %s does not offer AUTH", s.cfg.addr())
	}
	if err := c.Auth(sasl.NewPlainClient("", s.cfg.username, s.cfg.password)); err != nil {
		return smtpError("AUTH", err)
	}
	return nil
}

// transfer sends the envelope and the message data.
func transfer(c *smtp.Client, env envelope) error {
	var opts *smtp.MailOptions
	if !isASCII(env.from) || !isASCII(env.to) {
		opts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(env.from, opts); err != nil {
		return smtpError("MAIL FROM", err)
	}
	if err := c.Rcpt(env.to, nil); err != nil {
		return smtpError("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError("DATA", err)
	}
	if _, err := w.Write(env.data); err != nil {
		w.Close()
		return smtpError("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpError("DATA", err)
	}
	return nil
}

// smtpError turns a server reply into a *ServerError and wraps anything else.
func smtpError(stage string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		out := &ServerError{Stage: stage, Code: se.Code, Message: se.Message}
		if e := se.EnhancedCode; e != smtp.NoEnhancedCode && e != smtp.EnhancedCodeNotSet {
			out.Enhanced = fmt.Sprintf("%d.%d.%d", e[0], e[1], e[2])
		}
		return out
	}
	return fmt.Errorf("mail: %s: %w", stage, err)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// smtpConfig is a parsed --smtp URL.
type smtpConfig struct {
	host        string
	port        string
	username    string
	password    string
	implicitTLS bool
	startTLS    bool
}

// parseSMTPURL checks an --smtp URL without connecting:
//
//	smtp://user:pass@host:587             STARTTLS, required
//	smtp://host:25?starttls=false         no TLS, and then no credentials
//	smtps://user:pass@host:465            TLS from the first byte
//
// The port defaults to 587 for smtp and 465 for smtps. Unknown query
// parameters are refused, so that a misspelt option cannot weaken TLS.
func parseSMTPURL(rawURL string) (smtpConfig, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return smtpConfig{}, fmt.Errorf("mail: smtp url: %w", err)
	}
	cfg := smtpConfig{host: u.Hostname(), port: u.Port()}
	switch u.Scheme {
	case "smtp":
		cfg.startTLS = true
		if cfg.port == "" {
			cfg.port = "587"
		}
	case "smtps":
		cfg.implicitTLS = true
		if cfg.port == "" {
			cfg.port = "465"
		}
	default:
		return smtpConfig{}, fmt.Errorf("mail: smtp url: scheme %q is not smtp or smtps", u.Scheme)
	}
	if cfg.host == "" || (u.Path != "" && u.Path != "/") || u.Opaque != "" || u.Fragment != "" {
		return smtpConfig{}, fmt.Errorf("mail: smtp url: want smtp://user:pass@host:port")
	}
	if err := cfg.applyQuery(u.Query()); err != nil {
		return smtpConfig{}, err
	}
	if u.User != nil {
		cfg.username = u.User.Username()
		cfg.password, _ = u.User.Password()
	}
	if cfg.username != "" && !cfg.startTLS && !cfg.implicitTLS {
		return smtpConfig{}, fmt.Errorf("%w: remove starttls=false or the user name from the smtp url", ErrInsecureAuth)
	}
	return cfg, nil
}

// applyQuery reads the only option, starttls, which smtps does not take.
func (cfg *smtpConfig) applyQuery(q url.Values) error {
	for key, values := range q {
		if key != "starttls" || len(values) != 1 || cfg.implicitTLS {
			return fmt.Errorf("mail: smtp url: unknown option %q", key)
		}
		on, err := strconv.ParseBool(values[0])
		if err != nil {
			return fmt.Errorf("mail: smtp url: starttls=%q is not true or false", values[0])
		}
		cfg.startTLS = on
	}
	return nil
}

// addr is host:port for dialling.
func (cfg smtpConfig) addr() string {
	return net.JoinHostPort(cfg.host, cfg.port)
}

// redacted is the URL without the password.
func (cfg smtpConfig) redacted() string {
	u := url.URL{Scheme: "smtp", Host: cfg.addr()}
	if cfg.implicitTLS {
		u.Scheme = "smtps"
	}
	if cfg.username != "" {
		u.User = url.User(cfg.username)
	}
	if !cfg.startTLS && !cfg.implicitTLS {
		u.RawQuery = "starttls=false"
	}
	return u.String()
}

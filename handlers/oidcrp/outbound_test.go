package oidcrp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/oidcrp/oidctest"
)

// TestHTTPClientRefusesMetadataAddresses: link-local and cloud metadata addresses are refused
// when the connection is made, after the name is resolved, so no listener is needed and no
// packet leaves.
func TestHTTPClientRefusesMetadataAddresses(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://[fe80::1]/",
		"http://[::ffff:169.254.169.254]/",
		"http://[64:ff9b::a9fe:a9fe]/",
		"http://100.100.100.200/latest/meta-data/",
		"http://168.63.129.16/machine",
	} {
		t.Run(u, func(t *testing.T) {
			client := NewHTTPClient()
			client.Timeout = 3 * time.Second
			start := time.Now()
			_, err := client.Get(u)
			var ae *AddressError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want the address refused", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("refusal took %s; it must come before connecting", d)
			}
		})
	}
}

// TestDialerRefusesMetadataAddresses: the client's own dialer refuses the address it would
// connect to, whatever name led there, before connecting; no listener is needed.
func TestDialerRefusesMetadataAddresses(t *testing.T) {
	t.Parallel()
	transport := NewHTTPClient().Transport.(*limitTransport).base.(*http.Transport)
	for _, addr := range []string{"169.254.169.254:80", "[fd00:ec2::254]:80", "[fe80::1]:443", "[::ffff:169.254.169.254]:80"} {
		t.Run(addr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			conn, err := transport.DialContext(ctx, "tcp", addr)
			if err == nil {
				conn.Close()
			}
			var ae *AddressError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want the address refused", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("refusal took %s; it must come before connecting", d)
			}
		})
	}
	t.Run("loopback stays allowed", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		conn, err := transport.DialContext(context.Background(), "tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatalf("got %v", err)
		}
		conn.Close()
	})
}

func TestRefusedAddress(t *testing.T) {
	t.Parallel()
	refused := []string{
		"169.254.169.254", "169.254.0.1", "fe80::1", "febf::1", "fd00:ec2::254", "::ffff:169.254.169.254",
		"64:ff9b::a9fe:a9fe", "100.100.100.200", "168.63.129.16", "0.0.0.0", "::", "224.0.0.1", "ff02::1",
		"255.255.255.255",
	}
	allowed := []string{
		"127.0.0.1", "::1", "10.0.0.5", "172.16.3.4", "192.168.1.10", "fd00::2", "fd00:ec2::253",
		"100.64.0.1", "93.184.215.14", "2606:4700::1111", "64:ff9b::808:808",
	}
	for _, s := range refused {
		if !refusedAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s allowed, want refused", s)
		}
	}
	for _, s := range allowed {
		if refusedAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s refused, want allowed (on-premises providers live on private and loopback addresses)", s)
		}
	}
}

func TestDiscoverRefusesRedirectElsewhere(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	for _, m := range []oidctest.Misbehaviour{oidctest.DiscoveryRedirectOtherHost, oidctest.DiscoveryRedirectOtherScheme} {
		t.Run(string(m), func(t *testing.T) {
			op.Misbehave(m)
			_, err := Discover(context.Background(), NewHTTPClient(), op.Issuer())
			var de *DiscoveryError
			if !errors.As(err, &de) || de.Kind != DiscoveryRedirect {
				t.Fatalf("got %v, want the redirect refused", err)
			}
			if n := op.Counts().Elsewhere; n != 0 {
				t.Errorf("the other host was asked %d times", n)
			}
		})
	}
}

func TestHTTPClientRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusFound)
		case "/here":
			w.Write([]byte("ok"))
		default:
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}
	}))
	defer srv.Close()
	t.Run("follows a redirect on the same scheme and host", func(t *testing.T) {
		resp, err := NewHTTPClient().Get(srv.URL + "/moved")
		if err != nil {
			t.Fatalf("got %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("got status %d", resp.StatusCode)
		}
	})
	t.Run("stops after a few", func(t *testing.T) {
		_, err := NewHTTPClient().Get(srv.URL + "/loop")
		var re *RedirectError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "redirects") {
			t.Errorf("got %v, want stop after a few redirects", err)
		}
	})
}

func TestCheckRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"https://idp.example.se/a", "https://idp.example.se/b", true},
		{"https://idp.example.se/a", "https://IDP.example.se/b", true},
		{"https://idp.example.se/a", "http://idp.example.se/b", false},
		{"https://idp.example.se/a", "https://idp.example.se:8443/b", false},
		{"https://idp.example.se/a", "https://10.0.0.5/b", false},
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:8081/b", false},
		{"https://idp.example.se/a", "file:///etc/passwd", false},
	}
	for _, tt := range tests {
		from, _ := http.NewRequest(http.MethodGet, tt.from, nil)
		to, _ := http.NewRequest(http.MethodGet, tt.to, nil)
		err := checkRedirect(to, []*http.Request{from})
		if (err == nil) != tt.ok {
			t.Errorf("%s -> %s: got %v, want allowed %v", tt.from, tt.to, err, tt.ok)
		}
	}
}

func TestDiscoverRefusesHugeDocument(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	op.Misbehave(oidctest.DiscoveryHuge)
	_, err := Discover(context.Background(), NewHTTPClient(), op.Issuer())
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryTooLarge || !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("got %v, want the document refused as too large", err)
	}
}

func TestSignInRefusesHugeAnswers(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	tests := []struct {
		misbehave []oidctest.Misbehaviour
		want      Kind
	}{
		{[]oidctest.Misbehaviour{oidctest.JWKSHuge}, KindUnreachable},
		{[]oidctest.Misbehaviour{oidctest.UserInfoHuge, oidctest.EmailOnlyInUserInfo}, KindUserInfo},
	}
	for _, tt := range tests {
		t.Run(string(tt.misbehave[0]), func(t *testing.T) {
			op.Misbehave(tt.misbehave...)
			_, err := signIn(t, New(nil, nil), testConfig(op))
			wantKind(t, err, tt.want)
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("got %v, want the answer refused as too large", err)
			}
		})
	}
}

// TestProviderErrorTextClipped: what a provider writes in an error reaches the audit log, the
// stored test result and the page only clipped to a few hundred characters.
func TestProviderErrorTextClipped(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	tests := []struct {
		misbehave []oidctest.Misbehaviour
		want      Kind
		excerpt   string // the start of the provider's text, kept in Detail
	}{
		{[]oidctest.Misbehaviour{oidctest.TokenHugeErrorDescription}, KindTokenEndpoint, "The code is not valid."},
		{[]oidctest.Misbehaviour{oidctest.TokenErrorPage}, KindTokenEndpoint, "Something went wrong."},
		{[]oidctest.Misbehaviour{oidctest.UserInfoErrorPage, oidctest.EmailOnlyInUserInfo}, KindUserInfo, "Something went wrong."},
		{[]oidctest.Misbehaviour{oidctest.JWKSErrorPage}, KindUnreachable, "Something went wrong."},
	}
	for _, tt := range tests {
		t.Run(string(tt.misbehave[0]), func(t *testing.T) {
			op.Misbehave(tt.misbehave...)
			_, err := signIn(t, New(nil, nil), testConfig(op))
			f := wantKind(t, err, tt.want)
			if n := len([]rune(f.Description)); n > maxProviderText+1 {
				t.Errorf("description has %d characters", n)
			}
			if n := len([]rune(f.Detail)); n > maxDetail+1 {
				t.Errorf("detail has %d characters: %.200s…", n, f.Detail)
			}
			if n := len(f.Error()); n > 4*maxDetail+100 {
				t.Errorf("error has %d bytes", n)
			}
			if !strings.Contains(f.Detail, tt.excerpt) {
				t.Errorf("detail %q does not keep the start of the provider's text", f.Detail)
			}
		})
	}
	t.Run("discovery error", func(t *testing.T) {
		de := &DiscoveryError{Kind: DiscoveryUnreachable, URL: "https://idp.example.se/.well-known/openid-configuration",
			Err: errors.New("502 Bad Gateway: " + strings.Repeat("<p>Something went wrong.", 5000))}
		if n := len([]rune(de.Error())); n > maxDetail+1 {
			t.Errorf("message has %d characters", n)
		}
	})
}

package oidcrp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/oidcrp/oidctest"
)

func TestDiscover(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	info, err := Discover(context.Background(), NewHTTPClient(), op.Issuer())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := ProviderInfo{
		Issuer: op.Issuer(), AuthorizationEndpoint: op.Issuer() + "/authorize",
		TokenEndpoint: op.Issuer() + "/token", UserInfoEndpoint: op.Issuer() + "/userinfo",
		JWKSURI: op.Issuer() + "/jwks", IssParameter: true,
	}
	want.SigningAlgs = []string{"RS256", "ES256"}
	want.TokenAuthMethods = []string{"client_secret_basic", "client_secret_post"}
	if got := info; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestDiscoverRefuses(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	tests := []struct {
		misbehave oidctest.Misbehaviour
		want      DiscoveryKind
	}{
		{oidctest.DiscoveryOtherIssuer, DiscoveryIssuerMismatch},
		{oidctest.DiscoveryNotJSON, DiscoveryNotJSON},
		{oidctest.DiscoveryStatus500, DiscoveryHTTPStatus},
		{oidctest.DiscoveryNoAuthorization, DiscoveryNoAuthorization},
		{oidctest.DiscoveryNoToken, DiscoveryNoToken},
	}
	for _, tt := range tests {
		t.Run(string(tt.misbehave), func(t *testing.T) {
			op.Misbehave(tt.misbehave)
			_, err := Discover(context.Background(), NewHTTPClient(), op.Issuer())
			var de *DiscoveryError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want *DiscoveryError", err)
			}
			if de.Kind != tt.want {
				t.Errorf("got kind %s, want %s (%v)", de.Kind, tt.want, err)
			}
		})
	}
	t.Run("issuer mismatch names both issuers", func(t *testing.T) {
		op.Misbehave(oidctest.DiscoveryOtherIssuer)
		_, err := Discover(context.Background(), NewHTTPClient(), op.Issuer())
		var de *DiscoveryError
		if !errors.As(err, &de) {
			t.Fatalf("got %v, want *DiscoveryError", err)
		}
		if de.Expected != op.Issuer() || de.Found != op.Issuer()+"/other" {
			t.Errorf("got expected %q found %q", de.Expected, de.Found)
		}
		if !strings.Contains(err.Error(), de.Expected) || !strings.Contains(err.Error(), de.Found) {
			t.Errorf("message %q does not name both issuers", err)
		}
	})
	t.Run("trailing slash differs from the provider's issuer", func(t *testing.T) {
		op.Misbehave()
		_, err := Discover(context.Background(), NewHTTPClient(), op.Issuer()+"/")
		var de *DiscoveryError
		if !errors.As(err, &de) || de.Kind != DiscoveryIssuerMismatch {
			t.Errorf("got %v, want issuer mismatch", err)
		}
	})
}

func TestDiscoverUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more
	_, err = Discover(context.Background(), NewHTTPClient(), "http://"+addr)
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryUnreachable {
		t.Errorf("got %v, want unreachable", err)
	}
}

func TestDiscoverTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // answer only when the test is over
	}))
	defer srv.Close()
	defer close(release)
	client := NewHTTPClient()
	client.Timeout = 100 * time.Millisecond
	_, err := Discover(context.Background(), client, srv.URL)
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryTimeout {
		t.Errorf("got %v, want timeout", err)
	}
}

func TestDiscoverRedirects(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path+"x", http.StatusFound)
	}))
	defer srv.Close()
	_, err := Discover(context.Background(), NewHTTPClient(), srv.URL)
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryRedirect || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("got %v, want stop after a few redirects", err)
	}
}

func TestCheckDocumentRefusesInsecureEndpoint(t *testing.T) {
	t.Parallel()
	doc := discoveryJSON{
		Issuer: "https://idp.example.se", AuthURL: "https://idp.example.se/auth",
		TokenURL: "http://idp.example.se/token", JWKSURI: "https://idp.example.se/jwks",
	}
	_, err := checkDocument("https://idp.example.se/.well-known/openid-configuration", doc.Issuer, doc)
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryInsecureEndpoint || de.Endpoint != "token_endpoint" {
		t.Errorf("got %v, want insecure token_endpoint", err)
	}
}

func TestHTTPClientRefusesOtherSchemes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer srv.Close()
	_, err := NewHTTPClient().Get(srv.URL)
	var re *RedirectError
	if !errors.As(err, &re) || re.To != "file:///etc/passwd" {
		t.Errorf("got %v, want the file redirect refused", err)
	}
}

package oidcrp

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"portvakt/handlers/oidcrp/oidctest"
)

func TestSignInAuthorizationErrors(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	tests := []struct {
		name, code, description string
		want                    Kind
	}{
		{"access denied", "access_denied", "The user declined.", KindAccessDenied},
		{"invalid client", "invalid_client", "Unknown client.", KindInvalidClient},
		{"redirect URI not registered (Entra)", "invalid_request",
			"AADSTS50011: The redirect URI specified in the request does not match.", KindRedirectURINotRegistered},
		{"other error keeps code and description", "temporarily_unavailable", "<b>Try later</b>", KindProviderError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op.FailAuthorization(tt.code, tt.description)
			defer op.FailAuthorization("", "")
			_, err := signIn(t, New(nil, nil), testConfig(op))
			f := wantKind(t, err, tt.want)
			if f.Code != tt.code || f.Description != tt.description {
				t.Errorf("got code %q description %q, want %q %q", f.Code, f.Description, tt.code, tt.description)
			}
		})
	}
	t.Run("a long description is clipped", func(t *testing.T) {
		op.FailAuthorization("server_error", strings.Repeat("x", 5000))
		defer op.FailAuthorization("", "")
		_, err := signIn(t, New(nil, nil), testConfig(op))
		f := wantKind(t, err, KindProviderError)
		if n := len([]rune(f.Description)); n != maxProviderText+1 {
			t.Errorf("description has %d characters, want %d and an ellipsis", n, maxProviderText)
		}
	})
	t.Run("redirect URI not registered", func(t *testing.T) {
		op.RegisterRedirectURI("http://127.0.0.1:9/other/callback")
		_, err := signIn(t, New(nil, nil), testConfig(op))
		wantKind(t, err, KindRedirectURINotRegistered)
	})
}

func TestFinishRefuses(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	ctx := context.Background()
	start := func(t *testing.T, rp *RP, cfg Config) (url.Values, Pending) {
		authURL, p, err := rp.Start(ctx, cfg, redirectURI, "", false)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		q, err := oidctest.Callback(ctx, authURL, redirectURI)
		if err != nil {
			t.Fatalf("front channel: %v", err)
		}
		return q, p
	}
	t.Run("a callback whose state differs", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		q.Set("state", "forged")
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindState)
	})
	t.Run("a callback without state", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		q.Del("state")
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindState)
	})
	t.Run("a sign-in started with another configuration", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		cfg.ProviderID = 8
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindState)
	})
	t.Run("a wrong client secret", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		cfg.ClientSecret = "wrong"
		q, p := start(t, rp, cfg)
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindInvalidClient)
	})
	t.Run("a PKCE verifier that does not match", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		p.Verifier = oauth2.GenerateVerifier()
		_, err := rp.Finish(ctx, cfg, q, p)
		f := wantKind(t, err, KindTokenEndpoint)
		if f.Code != "invalid_grant" {
			t.Errorf("got code %q, want invalid_grant", f.Code)
		}
	})
	t.Run("a code used twice", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		if _, err := rp.Finish(ctx, cfg, q, p); err != nil {
			t.Fatalf("first Finish: %v", err)
		}
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindTokenEndpoint)
	})
	t.Run("a callback with neither code nor error", func(t *testing.T) {
		rp, cfg := New(nil, nil), testConfig(op)
		q, p := start(t, rp, cfg)
		q.Del("code")
		_, err := rp.Finish(ctx, cfg, q, p)
		wantKind(t, err, KindMalformedResponse)
	})
}

func TestStartRefusesDiscoveryWithOtherIssuer(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	op.Misbehave(oidctest.DiscoveryOtherIssuer)
	_, _, err := New(nil, nil).Start(context.Background(), testConfig(op), redirectURI, "", false)
	var de *DiscoveryError
	if !errors.As(err, &de) || de.Kind != DiscoveryIssuerMismatch {
		t.Errorf("got %v, want issuer mismatch", err)
	}
}

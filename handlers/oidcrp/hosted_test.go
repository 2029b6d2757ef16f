package oidcrp

import (
	"testing"

	"portvakt/handlers/oidcrp/oidctest"
)

// TestGoogleHostedDomain: Google signs in every Google account, including consumer accounts
// registered with a work address; only the hd claim says that the account belongs to the
// organisation's Google Workspace. The Google preset requires it, equal to a served domain.
func TestGoogleHostedDomain(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	anna := oidctest.User{Subject: "subject-1", Email: "anna@example.com", EmailVerified: true, Name: "Anna"}
	google := func(domains ...string) Config {
		cfg := testConfig(op)
		cfg.Preset, cfg.HostedDomains = PresetGoogle, domains
		return cfg
	}
	tests := []struct {
		name string
		hd   string
		cfg  Config
		want Kind // empty: the sign-in must succeed
	}{
		{"accepts hd equal to a served domain", "example.com", google("example.org", "example.com"), ""},
		{"accepts hd in other letter case", "Example.COM", google("example.com"), ""},
		{"refuses an account without hd", "", google("example.com"), KindHostedDomain},
		{"refuses hd of another domain", "other.com", google("example.com"), KindHostedDomain},
		{"refuses a parent domain of a served one", "example.com", google("sub.example.com"), KindHostedDomain},
		{"refuses every account while no domain is served", "example.com", google(), KindHostedDomain},
		{"other presets need no hd", "", testConfig(op), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := anna
			u.HostedDomain = tt.hd
			op.SetUser(u)
			res, err := signIn(t, New(nil, nil), tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				if res.Subject != "subject-1" {
					t.Errorf("got subject %q", res.Subject)
				}
				return
			}
			f := wantKind(t, err, tt.want)
			if f.IDTokenClaims["sub"] != "subject-1" {
				t.Errorf("the refusal lacks the ID token's claims for the test page: %v", f.IDTokenClaims)
			}
		})
	}
}

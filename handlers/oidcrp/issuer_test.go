package oidcrp

import (
	"errors"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
)

func TestBuildIssuer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		preset Preset
		in     PresetInput
		want   string
	}{
		{"entra with tenant GUID", PresetEntra, PresetInput{Tenant: "72F988BF-86F1-41AF-91AB-2D7CD011DB47"},
			"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"},
		{"entra with tenant domain", PresetEntra, PresetInput{Tenant: " Contoso.onmicrosoft.com "},
			"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"},
		{"okta org authorization server", PresetOkta, PresetInput{OrgURL: "https://example.okta.com/"},
			"https://example.okta.com"},
		{"okta custom authorization server", PresetOkta, PresetInput{OrgURL: "https://example.okta.com", AuthServer: "default"},
			"https://example.okta.com/oauth2/default"},
		{"google", PresetGoogle, PresetInput{}, "https://accounts.google.com"},
		{"keycloak", PresetKeycloak, PresetInput{BaseURL: "https://sso.example.se/", Realm: "staff"},
			"https://sso.example.se/realms/staff"},
		{"keycloak with /auth", PresetKeycloak, PresetInput{BaseURL: "https://sso.example.se/auth", Realm: "staff"},
			"https://sso.example.se/auth/realms/staff"},
		{"other keeps the issuer as written", PresetOther, PresetInput{Issuer: "https://idp.example.se/oidc/"},
			"https://idp.example.se/oidc/"},
		{"other on loopback over http", PresetOther, PresetInput{Issuer: "http://127.0.0.1:5556/dex"},
			"http://127.0.0.1:5556/dex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildIssuer(tt.preset, tt.in, false)
			if err != nil {
				t.Fatalf("BuildIssuer: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuildIssuerRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		preset    Preset
		in        PresetInput
		wantField string
		want      Problem
	}{
		{"entra common", PresetEntra, PresetInput{Tenant: "common"}, "tenant", ProblemMultiTenant},
		{"entra organizations", PresetEntra, PresetInput{Tenant: "Organizations"}, "tenant", ProblemMultiTenant},
		{"entra consumers", PresetEntra, PresetInput{Tenant: "consumers"}, "tenant", ProblemMultiTenant},
		{"entra empty tenant", PresetEntra, PresetInput{}, "tenant", ProblemRequired},
		{"entra tenant that is a path", PresetEntra, PresetInput{Tenant: "common/v2.0"}, "tenant", ProblemTenantFormat},
		{"entra tenant with a space", PresetEntra, PresetInput{Tenant: "my tenant"}, "tenant", ProblemTenantFormat},
		{"entra single word tenant", PresetEntra, PresetInput{Tenant: "contoso"}, "tenant", ProblemTenantFormat},
		{"okta over http", PresetOkta, PresetInput{OrgURL: "http://example.okta.com"}, "org_url", ProblemInsecure},
		{"okta odd server id", PresetOkta, PresetInput{OrgURL: "https://example.okta.com", AuthServer: "../x"}, "auth_server", ProblemAuthServer},
		{"keycloak without realm", PresetKeycloak, PresetInput{BaseURL: "https://sso.example.se"}, "realm", ProblemRequired},
		{"keycloak realm with slash", PresetKeycloak, PresetInput{BaseURL: "https://sso.example.se", Realm: "a/b"}, "realm", ProblemRealm},
		{"other without issuer", PresetOther, PresetInput{}, "issuer", ProblemRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildIssuer(tt.preset, tt.in, false)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got error %v, want *InputError", err)
			}
			if ie.Field != tt.wantField || ie.Problem != tt.want {
				t.Errorf("got %s/%s, want %s/%s", ie.Field, ie.Problem, tt.wantField, tt.want)
			}
		})
	}
	if _, err := BuildIssuer("saml", PresetInput{}, false); !errors.Is(err, ErrUnknownPreset) {
		t.Errorf("unknown preset: got %v, want ErrUnknownPreset", err)
	}
}

func TestValidateIssuer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		issuer        string
		allowInsecure bool
		want          Problem
	}{
		{"accepts https", "https://idp.example.se", false, ""},
		{"accepts http on 127.0.0.1", "http://127.0.0.1:8081", false, ""},
		{"accepts http on ::1", "http://[::1]:8081", false, ""},
		{"accepts http on localhost", "http://localhost:8081/realms/x", false, ""},
		{"refuses http elsewhere", "http://idp.example.se", false, ProblemInsecure},
		{"accepts http elsewhere when allowed", "http://idp.example.se", true, ""},
		{"refuses another scheme", "ftp://idp.example.se", true, ProblemScheme},
		{"refuses javascript", "javascript:alert(1)", true, ProblemNotURL},
		{"refuses user info", "https://user:pw@idp.example.se", false, ProblemUserinfo},
		{"refuses a query", "https://idp.example.se/?tenant=x", false, ProblemQuery},
		{"refuses an empty query", "https://idp.example.se/?", false, ProblemQuery},
		{"refuses a fragment", "https://idp.example.se/#x", false, ProblemFragment},
		{"refuses no host", "https:///path", false, ProblemNotURL},
		{"refuses a bare word", "idp", false, ProblemNotURL},
		{"refuses empty", "  ", false, ProblemRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateIssuer(tt.issuer, tt.allowInsecure)
			var got Problem
			var ie *InputError
			if errors.As(err, &ie) {
				got = ie.Problem
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzValidateIssuer(f *testing.F) {
	for _, s := range []string{"https://idp.example.se", "http://127.0.0.1:1", "https://u@h/?#", "ftp://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateIssuer(s, false)
		if err != nil {
			return
		}
		// Whatever is accepted must pass again unchanged.
		again, err := ValidateIssuer(got, false)
		if err != nil || again != got {
			t.Errorf("accepted %q but not %q again: %v", s, got, err)
		}
	})
}

// TestGoogleIssuerWithoutScheme: Google may sign ID tokens with iss "accounts.google.com", which
// go-oidc accepts for the issuer https://accounts.google.com; the identity is still at the
// provider's issuer, or every such sign-in would be refused as coming from another provider.
func TestGoogleIssuerWithoutScheme(t *testing.T) {
	info := ProviderInfo{Issuer: GoogleIssuer}
	res := newResult(&oidc.IDToken{Issuer: "accounts.google.com", Subject: "1"}, map[string]any{}, info)
	if res.Issuer != GoogleIssuer {
		t.Errorf("identity at issuer %q, want %q", res.Issuer, GoogleIssuer)
	}
	other := newResult(&oidc.IDToken{Issuer: "accounts.google.com", Subject: "1"}, map[string]any{}, ProviderInfo{Issuer: "https://idp.example"})
	if other.Issuer != "accounts.google.com" {
		t.Errorf("another provider's token: issuer %q, want it as signed", other.Issuer)
	}
}

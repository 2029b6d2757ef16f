package oidcrp

import (
	"context"
	"errors"
	"testing"

	"portvakt/handlers/oidcrp/oidctest"
)

const tenantGUID = "72f988bf-86f1-41af-91ab-2d7cd011db47"

func TestDiscoverPresetEntraTenantDomain(t *testing.T) {
	t.Parallel()
	op := oidctest.NewAt(t, "/"+tenantGUID+"/v2.0")
	op.ServeDiscoveryAt("/contoso.onmicrosoft.com/v2.0")
	ctx := context.Background()
	t.Run("keeps the GUID issuer for a tenant's domain", func(t *testing.T) {
		got, info, err := DiscoverPreset(ctx, NewHTTPClient(), PresetEntra, op.Origin()+"/contoso.onmicrosoft.com/v2.0")
		if err != nil {
			t.Fatalf("DiscoverPreset: %v", err)
		}
		if got != op.Issuer() || info.Issuer != op.Issuer() {
			t.Errorf("got %q (%q), want %q", got, info.Issuer, op.Issuer())
		}
	})
	t.Run("only for Entra", func(t *testing.T) {
		_, _, err := DiscoverPreset(ctx, NewHTTPClient(), PresetOther, op.Origin()+"/contoso.onmicrosoft.com/v2.0")
		var de *DiscoveryError
		if !errors.As(err, &de) || de.Kind != DiscoveryIssuerMismatch {
			t.Errorf("got %v, want issuer mismatch", err)
		}
	})
}

func TestEntraCanonicalIssuer(t *testing.T) {
	t.Parallel()
	const host = "https://login.microsoftonline.com"
	tests := []struct {
		name, entered, found string
		want                 bool
	}{
		{"domain to GUID", host + "/contoso.se/v2.0", host + "/" + tenantGUID + "/v2.0", true},
		{"another host", host + "/contoso.se/v2.0", "https://evil.example/" + tenantGUID + "/v2.0", false},
		{"another scheme", host + "/contoso.se/v2.0", "http://login.microsoftonline.com/" + tenantGUID + "/v2.0", false},
		{"GUID to another GUID", host + "/" + tenantGUID + "/v2.0", host + "/11111111-1111-1111-1111-111111111111/v2.0", false},
		{"to a multi-tenant authority", host + "/contoso.se/v2.0", host + "/common/v2.0", false},
		{"to the v1 endpoint", host + "/contoso.se/v2.0", "https://sts.windows.net/" + tenantGUID + "/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := entraCanonicalIssuer(tt.entered, tt.found); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

package oidcrp

import (
	"errors"
	"testing"
)

// TestMultiTenantAuthorityRefusedInEveryPreset: Entra's common, organizations and consumers
// authorities let in accounts from every tenant. They are refused by name whichever field they
// are typed into, not only in the Entra preset's tenant field.
func TestMultiTenantAuthorityRefusedInEveryPreset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		preset Preset
		in     PresetInput
		field  string
	}{
		{"other, v2.0 common", PresetOther, PresetInput{Issuer: "https://login.microsoftonline.com/common/v2.0"}, "issuer"},
		{"other, organizations", PresetOther, PresetInput{Issuer: "https://login.microsoftonline.com/organizations/v2.0"}, "issuer"},
		{"other, consumers in capitals", PresetOther, PresetInput{Issuer: "https://LOGIN.microsoftonline.com/Consumers/v2.0/"}, "issuer"},
		{"other, v1 common", PresetOther, PresetInput{Issuer: "https://login.microsoftonline.com/common"}, "issuer"},
		{"other, login.microsoft.com", PresetOther, PresetInput{Issuer: "https://login.microsoft.com/common/v2.0"}, "issuer"},
		{"other, login.windows.net", PresetOther, PresetInput{Issuer: "https://login.windows.net/common"}, "issuer"},
		{"okta field with an Entra authority", PresetOkta, PresetInput{OrgURL: "https://login.microsoftonline.com/common/v2.0"}, "org_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildIssuer(tt.preset, tt.in, false)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Problem != ProblemMultiTenant || ie.Field != tt.field {
				t.Fatalf("BuildIssuer = %v, want %s refused as multi-tenant", err, tt.field)
			}
		})
	}
	t.Run("a tenant's own authority is accepted", func(t *testing.T) {
		for _, iss := range []string{
			"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
			"https://idp.example.se/common/v2.0", // another host may use the word
		} {
			if _, err := ValidateIssuer(iss, false); err != nil {
				t.Errorf("ValidateIssuer(%q) = %v", iss, err)
			}
		}
	})
}

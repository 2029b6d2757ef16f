package handlers

import (
	"testing"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/views"
)

// TestSSOKindsHaveTexts checks that every reason a sign-in can be refused has a message.
func TestSSOKindsHaveTexts(t *testing.T) {
	t.Parallel()
	kinds := []string{kindEmailInvalid, kindDraftChanged, "error"}
	for _, k := range store.LinkRefusalKinds {
		kinds = append(kinds, string(k))
	}
	for _, k := range []oidcrp.Kind{
		oidcrp.KindProviderError, oidcrp.KindAccessDenied, oidcrp.KindRedirectURINotRegistered, oidcrp.KindInvalidClient,
		oidcrp.KindState, oidcrp.KindMalformedResponse, oidcrp.KindTokenEndpoint, oidcrp.KindUnreachable,
		oidcrp.KindIssuerMismatch, oidcrp.KindAudienceMismatch, oidcrp.KindExpired, oidcrp.KindNotYetValid,
		oidcrp.KindBadSignature, oidcrp.KindUnsupportedAlg, oidcrp.KindInvalidToken, oidcrp.KindNonceMismatch,
		oidcrp.KindMissingSub, oidcrp.KindMissingIat, oidcrp.KindAZPMismatch, oidcrp.KindUserInfo,
		oidcrp.KindUserInfoSubMismatch, oidcrp.KindEmailMissing, oidcrp.KindEmailUnverified, oidcrp.KindHostedDomain,
	} {
		kinds = append(kinds, string(k))
	}
	for _, k := range kinds {
		if !views.HasText(refusalTextKey(k)) {
			t.Errorf("no text for refusal %q", k)
		}
	}
	for _, k := range []oidcrp.DiscoveryKind{
		oidcrp.DiscoveryUnreachable, oidcrp.DiscoveryTimeout, oidcrp.DiscoveryHTTPStatus, oidcrp.DiscoveryNotJSON,
		oidcrp.DiscoveryIssuerMismatch, oidcrp.DiscoveryNoAuthorization, oidcrp.DiscoveryNoToken, oidcrp.DiscoveryNoJWKS,
		oidcrp.DiscoveryInsecureEndpoint, oidcrp.DiscoveryRedirect, oidcrp.DiscoveryTooLarge, oidcrp.DiscoveryForbiddenAddress,
	} {
		if key := "sso.err.discovery." + string(k); !views.HasText(key) {
			t.Errorf("no text %q", key)
		}
	}
	for _, p := range oidcrp.Problems {
		if key := "sso.err.problem." + string(p); !views.HasText(key) {
			t.Errorf("no text %q", key)
		}
	}
	for _, p := range oidcrp.Presets {
		for _, suffix := range []string{"", ".about", ".howto", ".inline"} {
			if key := "sso.preset." + string(p) + suffix; !views.HasText(key) {
				t.Errorf("no text %q", key)
			}
		}
	}
}

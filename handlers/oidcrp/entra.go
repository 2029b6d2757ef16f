package oidcrp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// entraPathRE matches an Entra ID v2.0 authority path and captures the tenant.
var entraPathRE = regexp.MustCompile(`^/([^/]+)/v2\.0$`)

// DiscoverPreset discovers a preset's issuer and returns the issuer to keep. Entra ID answers
// discovery for a tenant's domain name (contoso.onmicrosoft.com) with the issuer named by the
// tenant's GUID; when that is the only difference, the GUID form is discovered again and kept,
// so go-oidc's exact issuer check still applies to what is stored.
func DiscoverPreset(ctx context.Context, client *http.Client, p Preset, issuer string) (string, ProviderInfo, error) {
	info, err := Discover(ctx, client, issuer)
	var de *DiscoveryError
	if p != PresetEntra || !errors.As(err, &de) || de.Kind != DiscoveryIssuerMismatch {
		return issuer, info, err
	}
	canonical, ok := entraCanonicalIssuer(issuer, de.Found)
	if !ok {
		return issuer, info, err
	}
	info, err = Discover(ctx, client, canonical)
	return canonical, info, err
}

// entraCanonicalIssuer accepts found in place of entered only when both are v2.0 authorities
// on the same scheme and host, entered names the tenant by a domain and found by a GUID.
func entraCanonicalIssuer(entered, found string) (string, bool) {
	e, err1 := url.Parse(entered)
	f, err2 := url.Parse(found)
	if err1 != nil || err2 != nil || e.Scheme != f.Scheme || !strings.EqualFold(e.Host, f.Host) ||
		f.RawQuery != "" || f.Fragment != "" || f.User != nil {
		return "", false
	}
	em, fm := entraPathRE.FindStringSubmatch(e.Path), entraPathRE.FindStringSubmatch(f.Path)
	if em == nil || fm == nil || guidRE.MatchString(em[1]) || !guidRE.MatchString(fm[1]) {
		return "", false
	}
	return found, true
}

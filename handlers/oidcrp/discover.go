package oidcrp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// ProviderInfo is what the discovery document says about a provider.
type ProviderInfo struct {
	Issuer                string
	AuthorizationEndpoint string
	TokenEndpoint         string
	UserInfoEndpoint      string
	JWKSURI               string
	SigningAlgs           []string
	TokenAuthMethods      []string
	// IssParameter is true when the provider promises the RFC 9207 iss
	// parameter on every authorization response.
	IssParameter bool
}

type discoveryJSON struct {
	Issuer           string   `json:"issuer"`
	AuthURL          string   `json:"authorization_endpoint"`
	TokenURL         string   `json:"token_endpoint"`
	UserInfoURL      string   `json:"userinfo_endpoint"`
	JWKSURI          string   `json:"jwks_uri"`
	Algs             []string `json:"id_token_signing_alg_values_supported"`
	TokenAuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	IssParameter     bool     `json:"authorization_response_iss_parameter_supported"`
}

// DiscoveryKind tells apart the ways a discovery can fail.
type DiscoveryKind string

// The ways fetching and checking a discovery document can fail.
const (
	DiscoveryUnreachable      DiscoveryKind = "unreachable"
	DiscoveryTimeout          DiscoveryKind = "timeout"
	DiscoveryHTTPStatus       DiscoveryKind = "http_status"
	DiscoveryNotJSON          DiscoveryKind = "not_json"
	DiscoveryIssuerMismatch   DiscoveryKind = "issuer_mismatch"
	DiscoveryNoAuthorization  DiscoveryKind = "no_authorization_endpoint"
	DiscoveryNoToken          DiscoveryKind = "no_token_endpoint"
	DiscoveryNoJWKS           DiscoveryKind = "no_jwks_uri"
	DiscoveryInsecureEndpoint DiscoveryKind = "insecure_endpoint"
	// DiscoveryRedirect: the provider redirected to another scheme or host, or too often.
	DiscoveryRedirect DiscoveryKind = "redirect"
	// DiscoveryTooLarge: the document is longer than MaxResponse.
	DiscoveryTooLarge DiscoveryKind = "too_large"
	// DiscoveryForbiddenAddress: the issuer's name leads to a link-local or cloud metadata address.
	DiscoveryForbiddenAddress DiscoveryKind = "forbidden_address"
)

// DiscoveryKinds lists every way a discovery can fail, for the texts that explain them.
var DiscoveryKinds = []DiscoveryKind{DiscoveryUnreachable, DiscoveryTimeout, DiscoveryHTTPStatus, DiscoveryNotJSON, DiscoveryIssuerMismatch, DiscoveryNoAuthorization, DiscoveryNoToken, DiscoveryNoJWKS, DiscoveryInsecureEndpoint, DiscoveryRedirect, DiscoveryTooLarge, DiscoveryForbiddenAddress}

// DiscoveryError reports why a provider's discovery document was refused.
type DiscoveryError struct {
	Kind DiscoveryKind
	// URL is the discovery document's address.
	URL string
	// Expected and Found hold both issuers for DiscoveryIssuerMismatch.
	Expected, Found string
	// Status is the HTTP status for DiscoveryHTTPStatus.
	Status int
	// ContentType is what the provider sent for DiscoveryNotJSON.
	ContentType string
	// Endpoint names the offending endpoint for DiscoveryInsecureEndpoint.
	Endpoint string
	Err      error
}

// Error says which check of the discovery document failed, for logs.
func (e *DiscoveryError) Error() string {
	switch e.Kind {
	case DiscoveryIssuerMismatch:
		return fmt.Sprintf("oidcrp: discovery at %s: issuer is %q, expected %q", e.URL, e.Found, e.Expected)
	case DiscoveryHTTPStatus:
		return fmt.Sprintf("oidcrp: discovery at %s: HTTP status %d", e.URL, e.Status)
	case DiscoveryNotJSON:
		return fmt.Sprintf("oidcrp: discovery at %s: not JSON (content type %q)", e.URL, e.ContentType)
	}
	if e.Err != nil {
		// The error may hold the provider's answer (go-oidc quotes the body of a failed request).
		return clip(fmt.Sprintf("oidcrp: discovery at %s: %s: %v", e.URL, e.Kind, e.Err), maxDetail)
	}
	return fmt.Sprintf("oidcrp: discovery at %s: %s", e.URL, e.Kind)
}

// Unwrap returns the underlying network or decoding error, if any.
func (e *DiscoveryError) Unwrap() error { return e.Err }

// DiscoveryURL returns the address of an issuer's discovery document.
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Discover fetches the issuer's discovery document and checks it. The
// document is read once for a precise diagnosis, then go-oidc's NewProvider
// reads it again and keeps the final word on the issuer.
func Discover(ctx context.Context, client *http.Client, issuer string) (ProviderInfo, error) {
	info, _, err := discover(ctx, client, issuer)
	return info, err
}

func discover(ctx context.Context, client *http.Client, issuer string) (ProviderInfo, *oidc.Provider, error) {
	info, err := fetchDocument(ctx, client, issuer)
	if err != nil {
		return ProviderInfo{}, nil, err
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, client), issuer)
	if err != nil {
		return ProviderInfo{}, nil, classifyDiscovery(DiscoveryURL(issuer), err)
	}
	return info, p, nil
}

func fetchDocument(ctx context.Context, client *http.Client, issuer string) (ProviderInfo, error) {
	wellKnown := DiscoveryURL(issuer)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wellKnown, nil)
	if err != nil {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryUnreachable, URL: wellKnown, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return ProviderInfo{}, classifyDiscovery(wellKnown, err)
	}
	defer resp.Body.Close()
	// The client bounds every answer; this bound holds for any client a caller passes.
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err == nil && len(body) > MaxResponse {
		err = ErrResponseTooLarge
	}
	if err != nil {
		return ProviderInfo{}, classifyDiscovery(wellKnown, err)
	}
	if resp.StatusCode != http.StatusOK {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryHTTPStatus, URL: wellKnown, Status: resp.StatusCode}
	}
	var doc discoveryJSON
	if err := json.Unmarshal(body, &doc); err != nil {
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryNotJSON, URL: wellKnown, ContentType: ct, Err: err}
	}
	return checkDocument(wellKnown, issuer, doc)
}

func checkDocument(wellKnown, issuer string, doc discoveryJSON) (ProviderInfo, error) {
	if doc.Issuer != issuer {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryIssuerMismatch, URL: wellKnown, Expected: issuer, Found: doc.Issuer}
	}
	if doc.AuthURL == "" {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryNoAuthorization, URL: wellKnown}
	}
	if doc.TokenURL == "" {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryNoToken, URL: wellKnown}
	}
	if doc.JWKSURI == "" {
		return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryNoJWKS, URL: wellKnown}
	}
	secure := strings.HasPrefix(issuer, "https://")
	endpoints := []struct{ name, value string }{
		{"authorization_endpoint", doc.AuthURL}, {"token_endpoint", doc.TokenURL},
		{"jwks_uri", doc.JWKSURI}, {"userinfo_endpoint", doc.UserInfoURL},
	}
	for _, ep := range endpoints {
		if ep.value != "" && !endpointOK(ep.value, secure) {
			return ProviderInfo{}, &DiscoveryError{Kind: DiscoveryInsecureEndpoint, URL: wellKnown, Endpoint: ep.name}
		}
	}
	return ProviderInfo{
		Issuer: doc.Issuer, AuthorizationEndpoint: doc.AuthURL, TokenEndpoint: doc.TokenURL,
		UserInfoEndpoint: doc.UserInfoURL, JWKSURI: doc.JWKSURI, SigningAlgs: doc.Algs,
		TokenAuthMethods: doc.TokenAuthMethods, IssParameter: doc.IssParameter,
	}, nil
}

// endpointOK accepts https endpoints, and http ones only when the issuer
// itself was allowed to be http.
func endpointOK(raw string, secure bool) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "https" || (u.Scheme == "http" && !secure)
}

func classifyDiscovery(wellKnown string, err error) error {
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		return &DiscoveryError{Kind: DiscoveryIssuerMismatch, URL: wellKnown, Expected: mismatch.Provided, Found: mismatch.Discovered}
	}
	var addr *AddressError
	var redirect *RedirectError
	switch {
	case errors.As(err, &addr):
		return &DiscoveryError{Kind: DiscoveryForbiddenAddress, URL: wellKnown, Err: err}
	case errors.As(err, &redirect):
		return &DiscoveryError{Kind: DiscoveryRedirect, URL: wellKnown, Err: err}
	case errors.Is(err, ErrResponseTooLarge):
		return &DiscoveryError{Kind: DiscoveryTooLarge, URL: wellKnown, Err: err}
	case isTimeout(err):
		return &DiscoveryError{Kind: DiscoveryTimeout, URL: wellKnown, Err: err}
	}
	return &DiscoveryError{Kind: DiscoveryUnreachable, URL: wellKnown, Err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

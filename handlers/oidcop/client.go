package oidcop

import (
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/store"
	"portvakt/views/paths"
)

// client is an application as the protocol layer sees it.
type client struct{ app store.Application }

var _ op.Client = client{}

func (c client) GetID() string                    { return c.app.ClientID }
func (c client) RedirectURIs() []string           { return c.app.RedirectURIs }
func (c client) PostLogoutRedirectURIs() []string { return c.app.PostLogoutURIs }

// ApplicationType tells the protocol layer which redirect URIs the app may use: single-page apps
// https only, mobile and desktop apps their own schemes and loopback on any port.
func (c client) ApplicationType() op.ApplicationType {
	switch c.app.Kind {
	case store.AppSPA:
		return op.ApplicationTypeUserAgent
	case store.AppNative:
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}

// AuthMethod is how the app proves itself at the token endpoint: public apps with PKCE alone,
// the others with their secret (in the Authorization header or the form).
func (c client) AuthMethod() oidc.AuthMethod {
	if c.app.Kind.Public() {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c client) ResponseTypes() []oidc.ResponseType {
	if !c.app.Kind.SignsPeopleIn() {
		return nil
	}
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes: the authorization code flow with refresh tokens for apps that sign people in;
// client credentials only for integrations. No implicit flow, no password grant.
func (c client) GrantTypes() []oidc.GrantType {
	if !c.app.Kind.SignsPeopleIn() {
		return []oidc.GrantType{oidc.GrantTypeClientCredentials}
	}
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}

// LoginURL is where a person goes to sign in for the sign-in id: portvakt's own sign-in.
func (c client) LoginURL(id string) string { return paths.OPContinueFor(id) }

// AccessTokenType is "bearer" for the library, which then asks its Crypto for the token: that
// signs an RFC 9068 JWT (crypto.go).
func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }

func (c client) IDTokenLifetime() time.Duration       { return c.app.AccessTTL }
func (c client) DevMode() bool                        { return false }
func (c client) IsScopeAllowed(string) bool           { return false }
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) ClockSkew() time.Duration             { return 0 }

func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

package oidctest

// Misbehaviour is one rule the provider can be told to break.
type Misbehaviour string

// Ways the provider can misbehave. Each breaks exactly one rule.
const (
	// UnknownKey signs ID tokens with a key whose kid is not in the JWKS.
	UnknownKey Misbehaviour = "unknown key"
	// ForgedSignature signs with another key under the published kid.
	ForgedSignature Misbehaviour = "forged signature"
	// SignES256 signs with the published EC P-256 key (allowed).
	SignES256 Misbehaviour = "sign ES256"
	// AlgNone sends an unsigned ID token (alg none).
	AlgNone Misbehaviour = "alg none"
	// HS256WithSecret signs with HMAC keyed by the client secret.
	HS256WithSecret Misbehaviour = "HS256 with client secret"
	// WrongIssuer puts another issuer in the ID token.
	WrongIssuer Misbehaviour = "wrong iss"
	// WrongAudience issues the ID token to another client.
	WrongAudience Misbehaviour = "wrong aud"
	// ExtraAudience adds a second audience without azp.
	ExtraAudience Misbehaviour = "several aud without azp"
	// ExtraAudienceWithAZP adds a second audience with azp = client id (allowed).
	ExtraAudienceWithAZP Misbehaviour = "several aud with azp"
	// WrongAZP names another client in azp.
	WrongAZP Misbehaviour = "wrong azp"
	// MissingSub leaves sub out of the ID token.
	MissingSub Misbehaviour = "missing sub"
	// MissingIat leaves iat out of the ID token.
	MissingIat Misbehaviour = "missing iat"
	// WrongAtHash puts an at_hash that does not match the access token.
	WrongAtHash Misbehaviour = "wrong at_hash"
	// WrongNonce puts another nonce in the ID token.
	WrongNonce Misbehaviour = "wrong nonce"
	// MissingNonce leaves the nonce out of the ID token.
	MissingNonce Misbehaviour = "missing nonce"
	// Expired issues an ID token that expired ten minutes ago.
	Expired Misbehaviour = "expired"
	// ExpiredWithinLeeway issues an ID token that expired a minute ago.
	ExpiredWithinLeeway Misbehaviour = "expired within leeway"
	// IssuedInFuture sets iat ten minutes ahead.
	IssuedInFuture Misbehaviour = "iat in the future"
	// OldAuthTime answers from a sign-in an hour old (auth_time), as a provider that ignores
	// prompt=login and max_age=0 does.
	OldAuthTime Misbehaviour = "auth_time an hour old"
	// NoAuthTime leaves auth_time out of the ID token, as Entra ID does unless it is configured.
	NoAuthTime Misbehaviour = "no auth_time"
	// NotBeforeFuture sets nbf ten minutes ahead.
	NotBeforeFuture Misbehaviour = "nbf in the future"
	// EmailUnverified says email_verified false.
	EmailUnverified Misbehaviour = "email unverified"
	// EmailOnlyInUserInfo leaves email and email_verified out of the ID
	// token; UserInfo has them (allowed, OIDC Core 5.4).
	EmailOnlyInUserInfo Misbehaviour = "email only in userinfo"
	// NoEmail sends no e-mail anywhere.
	NoEmail Misbehaviour = "no email"
	// UserInfoOtherSub makes UserInfo describe another subject.
	UserInfoOtherSub Misbehaviour = "userinfo sub differs"
	// TokenInvalidClient makes the token endpoint refuse the client.
	TokenInvalidClient Misbehaviour = "token invalid_client"
	// WrongIssParam sends another issuer in the RFC 9207 iss parameter.
	WrongIssParam Misbehaviour = "wrong iss parameter"
	// NoIssParam leaves out the iss parameter although discovery promises it.
	NoIssParam Misbehaviour = "no iss parameter"
	// NoIssSupport neither promises nor sends the iss parameter (allowed).
	NoIssSupport Misbehaviour = "no iss support"
	// DiscoveryOtherIssuer announces another issuer in discovery.
	DiscoveryOtherIssuer Misbehaviour = "discovery issuer differs"
	// DiscoveryNotJSON serves an HTML page as the discovery document.
	DiscoveryNotJSON Misbehaviour = "discovery not json"
	// DiscoveryNoAuthorization leaves out authorization_endpoint.
	DiscoveryNoAuthorization Misbehaviour = "discovery without authorization endpoint"
	// DiscoveryNoToken leaves out token_endpoint.
	DiscoveryNoToken Misbehaviour = "discovery without token endpoint"
	// DiscoveryStatus500 answers discovery with HTTP 500.
	DiscoveryStatus500 Misbehaviour = "discovery status 500"
	// DiscoveryRedirectOtherHost redirects discovery to the same document
	// served on another port of 127.0.0.1, standing in for an internal address.
	DiscoveryRedirectOtherHost Misbehaviour = "discovery redirects to another host"
	// DiscoveryRedirectOtherScheme redirects discovery to https on the same host and port.
	DiscoveryRedirectOtherScheme Misbehaviour = "discovery redirects to another scheme"
	// DiscoveryHuge pads the discovery document to more than 2 MiB.
	DiscoveryHuge Misbehaviour = "discovery huge"
	// JWKSHuge pads the JWKS to more than 2 MiB.
	JWKSHuge Misbehaviour = "jwks huge"
	// JWKSErrorPage answers JWKS with HTTP 500 and a 100 KiB HTML page.
	JWKSErrorPage Misbehaviour = "jwks error page"
	// UserInfoHuge pads the UserInfo answer to more than 2 MiB.
	UserInfoHuge Misbehaviour = "userinfo huge"
	// UserInfoErrorPage answers UserInfo with HTTP 500 and a 100 KiB HTML page.
	UserInfoErrorPage Misbehaviour = "userinfo error page"
	// TokenHugeErrorDescription refuses the code with a 100 KiB error_description.
	TokenHugeErrorDescription Misbehaviour = "token huge error_description"
	// TokenErrorPage answers the token request with HTTP 502 and a 100 KiB HTML page.
	TokenErrorPage Misbehaviour = "token error page"
)

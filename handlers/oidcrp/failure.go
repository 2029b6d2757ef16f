package oidcrp

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/oauth2"
)

// Kind says why a sign-in through an identity provider was refused. The
// values are stable: they are written to the audit log.
type Kind string

// The reasons a sign-in can be refused.
const (
	// KindProviderError: the provider answered the authorization request with
	// an error other than the ones below (Failure.Code and Description hold it).
	KindProviderError Kind = "provider_error"
	// KindAccessDenied: the person (or a provider policy) declined.
	KindAccessDenied Kind = "access_denied"
	// KindRedirectURINotRegistered: the provider does not know portvakt's
	// redirect URI for this client.
	KindRedirectURINotRegistered Kind = "redirect_uri_not_registered"
	// KindInvalidClient: the client id or secret is wrong.
	KindInvalidClient Kind = "invalid_client"
	// KindState: unknown, reused, expired or foreign state; or the provider's
	// configuration changed between the start and the callback.
	KindState Kind = "state"
	// KindMalformedResponse: no code on the callback, or no ID token.
	KindMalformedResponse Kind = "malformed_response"
	// KindTokenEndpoint: the token endpoint refused the code for another reason.
	KindTokenEndpoint Kind = "token_endpoint"
	// KindUnreachable: the provider could not be reached (discovery, token,
	// keys or UserInfo).
	KindUnreachable Kind = "unreachable"
	// KindIssuerMismatch: the ID token's iss or the iss response parameter
	// (RFC 9207) is not the configured issuer.
	KindIssuerMismatch Kind = "issuer_mismatch"
	// KindAudienceMismatch: the ID token was not issued to this client.
	KindAudienceMismatch Kind = "audience_mismatch"
	// KindExpired: the ID token has expired (or the clocks differ).
	KindExpired Kind = "expired"
	// KindNotYetValid: the ID token is issued in the future (clock skew).
	KindNotYetValid Kind = "not_yet_valid"
	// KindBadSignature: the signature does not verify, or the key is unknown.
	KindBadSignature Kind = "bad_signature"
	// KindUnsupportedAlg: the token is signed with none, HS256 or another
	// algorithm portvakt does not accept.
	KindUnsupportedAlg Kind = "unsupported_alg"
	// KindInvalidToken: the ID token is malformed in another way.
	KindInvalidToken Kind = "invalid_token"
	// KindNonceMismatch: the nonce is absent or differs from the one sent.
	KindNonceMismatch Kind = "nonce_mismatch"
	// KindMissingSub: the ID token has no subject.
	KindMissingSub Kind = "missing_sub"
	// KindMissingIat: the ID token has no issued-at time.
	KindMissingIat Kind = "missing_iat"
	// KindAZPMismatch: several audiences without azp equal to the client id,
	// or an azp naming another client.
	KindAZPMismatch Kind = "azp_mismatch"
	// KindUserInfo: the UserInfo endpoint failed.
	KindUserInfo Kind = "userinfo"
	// KindUserInfoSubMismatch: UserInfo describes another subject.
	KindUserInfoSubMismatch Kind = "userinfo_sub_mismatch"
	// KindEmailMissing: neither the ID token nor UserInfo has an e-mail.
	KindEmailMissing Kind = "email_missing"
	// KindEmailUnverified: the provider does not vouch for the e-mail.
	KindEmailUnverified Kind = "email_unverified"
	// KindHostedDomain: a Google Workspace sign-in whose hd claim is missing or is not a domain
	// the provider serves (a consumer Google account, or another organisation's).
	KindHostedDomain Kind = "hosted_domain"
	// KindStaleAuthentication: asked for a new sign-in, the provider answered from an earlier
	// one (auth_time before the request).
	KindStaleAuthentication Kind = "stale_authentication"
)

// Kinds lists every reason a sign-in can be refused, for the texts that explain them.
var Kinds = []Kind{KindProviderError, KindAccessDenied, KindRedirectURINotRegistered, KindInvalidClient, KindState, KindMalformedResponse, KindTokenEndpoint, KindUnreachable, KindIssuerMismatch, KindAudienceMismatch, KindExpired, KindNotYetValid, KindBadSignature, KindUnsupportedAlg, KindInvalidToken, KindNonceMismatch, KindMissingSub, KindMissingIat, KindAZPMismatch, KindUserInfo, KindUserInfoSubMismatch, KindEmailMissing, KindEmailUnverified, KindHostedDomain, KindStaleAuthentication}

// Bounds on text a provider chooses, before it reaches the audit log, the stored test result
// and the page.
const (
	maxProviderCode = 100 // an error code
	maxProviderText = 300 // an error description, or the start of an error page
	maxDetail       = 500 // a Failure's Detail, the provider's text within it included
)

// Failure is a refused sign-in. Detail is technical and in English, for the
// audit log and the test sign-in page; Code and Description are the
// provider's own words for an error response, to be shown escaped.
type Failure struct {
	Kind        Kind
	Detail      string
	Code        string
	Description string
	// IDTokenClaims and UserInfoClaims hold what was received and verified
	// before the refusal, for the test sign-in page.
	IDTokenClaims  map[string]any
	UserInfoClaims map[string]any
	Err            error
}

// Error names the kind of refusal and its detail, for logs.
func (f *Failure) Error() string {
	s := "oidcrp: sign-in refused: " + string(f.Kind)
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}

// Unwrap returns the error that caused the refusal, if any.
func (f *Failure) Unwrap() error { return f.Err }

func fail(kind Kind, format string, args ...any) *Failure {
	return &Failure{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// AsFailure returns the *Failure in err's chain, if any.
func AsFailure(err error) (*Failure, bool) {
	var f *Failure
	ok := errors.As(err, &f)
	return f, ok
}

// errorResponseFailure maps an error response on the callback (RFC 6749
// 4.1.2.1, OIDC Core 3.1.2.6) to a Failure.
func errorResponseFailure(code, description string) *Failure {
	code, description = providerText(code, maxProviderCode), providerText(description, maxProviderText)
	f := &Failure{Kind: KindProviderError, Code: code, Description: description,
		Detail: fmt.Sprintf("provider returned error %q: %s", code, description)}
	switch {
	case mentionsRedirectURI(description):
		f.Kind = KindRedirectURINotRegistered
	case code == "invalid_client" || code == "unauthorized_client":
		f.Kind = KindInvalidClient
	case code == "access_denied":
		f.Kind = KindAccessDenied
	}
	return f
}

// mentionsRedirectURI recognises the providers' ways of saying that the
// redirect URI is not registered (Entra answers AADSTS50011).
func mentionsRedirectURI(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "redirect_uri") || strings.Contains(l, "redirect uri") ||
		strings.Contains(l, "reply url") || strings.Contains(l, "aadsts50011")
}

// exchangeFailure maps an error from the token endpoint.
func exchangeFailure(err error) *Failure {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if answeredButNoToken(err) {
			// Reached, and it answered 2xx, but not with a token (an HTML page, say).
			return &Failure{Kind: KindMalformedResponse, Detail: "token endpoint: " + providerText(err.Error(), maxDetail), Err: err}
		}
		return &Failure{Kind: KindUnreachable, Detail: "token endpoint: " + err.Error(), Err: err}
	}
	re.ErrorCode, re.ErrorDescription = providerText(re.ErrorCode, maxProviderCode), providerText(re.ErrorDescription, maxProviderText)
	f := &Failure{Kind: KindTokenEndpoint, Code: re.ErrorCode, Description: re.ErrorDescription, Err: err,
		Detail: fmt.Sprintf("token endpoint returned error %q: %s", re.ErrorCode, re.ErrorDescription)}
	if re.ErrorCode == "" && re.Response != nil {
		// Not an OAuth error response (a proxy's error page, say): keep the start of the answer.
		f.Detail = fmt.Sprintf("token endpoint answered %s: %s", re.Response.Status, providerText(string(re.Body), maxProviderText))
	}
	switch {
	case re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
		f.Kind = KindInvalidClient
	case re.ErrorCode == "invalid_grant" && mentionsRedirectURI(re.ErrorDescription):
		f.Kind = KindRedirectURINotRegistered
	case re.ErrorCode == "" && re.Response != nil && re.Response.StatusCode == 401:
		f.Kind = KindInvalidClient
	}
	return f
}

// answeredButNoToken reports whether a token request failed on what the endpoint answered
// rather than on the way there: x/oauth2 says so only in words, for a 2xx answer it cannot parse
// or that has no access token.
func answeredButNoToken(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) {
		return false // the request itself failed: refused, timed out, not HTTP
	}
	msg := err.Error()
	return strings.HasPrefix(msg, "oauth2: cannot parse") || strings.HasPrefix(msg, "oauth2: server response missing")
}

// providerText bounds text that a provider chose, before it reaches the audit log and the
// page: control characters and runs of white space become one space, and it is clipped to n
// characters.
func providerText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return clip(strings.Join(strings.Fields(s), " "), n)
}

// clip cuts s to n characters, marking the cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

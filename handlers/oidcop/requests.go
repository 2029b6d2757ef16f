package oidcop

import (
	"encoding/json"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/store"
)

// Authentication methods apps are told of (amr): a password, or federated through an identity
// provider (the idp claim names which).
const (
	amrPassword  = "pwd"
	amrFederated = "fed"
)

func amrFor(method string) []string {
	switch method {
	case store.MethodPassword:
		return []string{amrPassword}
	case store.MethodSSO:
		return []string{amrFederated}
	}
	return nil
}

// storedRequest is what the store keeps of an authorization request: the request, and whom its
// id_token_hint named (the library checked the hint's signature).
type storedRequest struct {
	oidc.AuthRequest
	HintSubject string `json:"hint_subject,omitempty"`
}

// authRequest is a sign-in from an application as the protocol layer sees it.
type authRequest struct {
	rec store.OPAuthRequest
	req storedRequest
}

var _ op.AuthRequest = (*authRequest)(nil)

func newAuthRequest(rec store.OPAuthRequest) (*authRequest, error) {
	a := &authRequest{rec: rec}
	if err := json.Unmarshal(rec.Request, &a.req); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *authRequest) GetID() string                      { return a.rec.ID }
func (a *authRequest) GetACR() string                     { return "" }
func (a *authRequest) GetAMR() []string                   { return amrFor(a.rec.Method) }
func (a *authRequest) GetAudience() []string              { return []string{a.rec.ClientID} }
func (a *authRequest) GetAuthTime() time.Time             { return a.rec.AuthTime }
func (a *authRequest) GetClientID() string                { return a.rec.ClientID }
func (a *authRequest) GetNonce() string                   { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.req.RedirectURI }
func (a *authRequest) GetScopes() []string                { return a.req.Scopes }
func (a *authRequest) GetState() string                   { return a.req.State }
func (a *authRequest) GetSubject() string                 { return a.rec.Subject }
func (a *authRequest) Done() bool                         { return a.rec.Done() }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.req.ResponseType }

func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.req.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}

// Prompt is what the app asked of the sign-in ("none", "login", ...).
func (a *authRequest) Prompt() []string { return a.req.Prompt }

// MaxAge is the oldest sign-in the app accepts, in seconds (0 with prompt=login); nil: any.
func (a *authRequest) MaxAge() *uint { return a.req.MaxAge }

// HintSubject is the person the app's id_token_hint named, or "".
func (a *authRequest) HintSubject() string { return a.req.HintSubject }

// refreshRequest is a refresh token's grant as the protocol layer sees it.
type refreshRequest struct {
	grant  store.OPGrant
	scopes []string
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return amrFor(r.grant.Method) }
func (r *refreshRequest) GetAudience() []string       { return []string{r.grant.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.grant.AuthTime }
func (r *refreshRequest) GetClientID() string         { return r.grant.ClientID }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return r.grant.Subject }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// clientRequest is an integration asking for a token for itself (client credentials).
type clientRequest struct {
	clientID string
	scopes   []string
}

func (r *clientRequest) GetSubject() string    { return r.clientID }
func (r *clientRequest) GetAudience() []string { return []string{r.clientID} }
func (r *clientRequest) GetScopes() []string   { return r.scopes }

// AuthRequestFor is a stored sign-in as the protocol layer sees it.
func AuthRequestFor(rec store.OPAuthRequest) (interface {
	op.AuthRequest
	Prompt() []string
	MaxAge() *uint
	HintSubject() string
}, error) {
	return newAuthRequest(rec)
}

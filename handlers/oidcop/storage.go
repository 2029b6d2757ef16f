// Package oidcop makes portvakt the OpenID provider of the organisation's applications: it backs
// the protocol library (github.com/zitadel/oidc/v3/pkg/op, which implements the endpoints) with
// portvakt's store. The rules (who may use an app, single-use codes, refresh rotation with reuse
// detection, the sign-in policy reaching the apps) are checked in the store, inside the
// transaction that depends on them; this package translates.
package oidcop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/store"
)

// Storage is the protocol library's storage, backed by the store.
type Storage struct {
	st   *store.Store
	keys keyRing
}

var (
	_ op.Storage                        = (*Storage)(nil)
	_ op.ClientCredentialsStorage       = (*Storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*Storage)(nil)
	_ op.CanTerminateSessionFromRequest = (*Storage)(nil)
)

// NewStorage backs the provider with st; sealKey opens the signing keys.
func NewStorage(st *store.Store, sealKey [32]byte) *Storage {
	return &Storage{st: st, keys: keyRing{sealKey: sealKey}}
}

// notFound marks errors the library reports as "not found" rather than as a server fault.
type notFound struct{ error }

func (notFound) IsNotFound() {}

// CreateAuthRequest records a validated authorization request. Public apps must use PKCE with
// S256, and no app may use the plain method.
func (s *Storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, hintSubject string) (op.AuthRequest, error) {
	app, err := s.st.ApplicationByClientID(ctx, req.ClientID)
	if err != nil {
		return nil, oidc.ErrInvalidClient().WithParent(err)
	}
	if req.ResponseMode != "" && req.ResponseMode != oidc.ResponseModeQuery {
		// Only the query mode: a form_post answer needs a script that portvakt's pages forbid.
		// The error itself goes back in the query.
		req.ResponseMode = ""
		return nil, oidc.ErrInvalidRequest().WithDescription("response_mode must be query")
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	if app.Kind.Public() && req.CodeChallenge == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE (code_challenge with S256) is required for this application")
	}
	stored := storedRequest{AuthRequest: *req, HintSubject: hintSubject}
	stored.RequestParam = ""
	body, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	rec, err := s.st.CreateOPAuthRequest(ctx, req.ClientID, body)
	if err != nil {
		return nil, oidc.ErrInvalidClient().WithParent(err)
	}
	return newAuthRequest(rec)
}

// AuthRequestByID returns a sign-in in progress.
func (s *Storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	rec, err := s.st.OPAuthRequestByID(ctx, id)
	if err != nil {
		return nil, notFound{err}
	}
	return newAuthRequest(rec)
}

// AuthRequestByCode takes an authorization code: once, and only while the person may still use
// the app. A second use revokes what the first one issued.
func (s *Storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	rec, err := s.st.TakeOPCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return newAuthRequest(rec)
}

// SaveAuthCode attaches the code that ends a completed sign-in.
func (s *Storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.st.SaveOPCode(ctx, id, code)
}

// DeleteAuthRequest does nothing: a used code stays recorded until it would have expired, so
// that a second use can be recognised.
func (s *Storage) DeleteAuthRequest(context.Context, string) error { return nil }

// CreateAccessToken issues an access token: after a code exchange without offline_access, or to
// an integration (client credentials).
func (s *Storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	var out store.OPIssued
	var err error
	switch r := req.(type) {
	case *authRequest:
		out, err = s.st.IssueOPTokens(ctx, r.rec, r.GetScopes(), false)
	case *clientRequest:
		out, err = s.st.IssueOPClientToken(ctx, r.clientID, r.scopes)
	default:
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	if err != nil {
		return "", time.Time{}, err
	}
	return out.AccessID, out.AccessExpires, nil
}

// CreateAccessAndRefreshTokens issues an access token with a refresh token: after a code
// exchange with offline_access, or by rotating the refresh token current.
func (s *Storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	var out store.OPIssued
	var err error
	switch r := req.(type) {
	case *authRequest:
		out, err = s.st.IssueOPTokens(ctx, r.rec, r.GetScopes(), true)
	case *refreshRequest:
		out, err = s.st.RotateOPRefresh(ctx, r.grant.ClientID, current)
		if err != nil {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithParent(err)
		}
	default:
		return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	if err != nil {
		return "", "", time.Time{}, err
	}
	return out.AccessID, out.Refresh, out.AccessExpires, nil
}

// TokenRequestByRefreshToken returns the grant of a refresh token that may still be used.
func (s *Storage) TokenRequestByRefreshToken(ctx context.Context, refresh string) (op.RefreshTokenRequest, error) {
	g, err := s.st.OPRefreshGrant(ctx, refresh)
	if err != nil {
		return nil, err
	}
	return &refreshRequest{grant: g, scopes: g.Scopes}, nil
}

// TerminateSession is not used: TerminateSessionFromRequest handles RP-initiated logout.
func (s *Storage) TerminateSession(context.Context, string, string) error { return nil }

// TerminateSessionFromRequest signs the person out of portvakt, and with that out of every app
// (back-channel logout), when the app proved who it signs out with an ID token of this
// browser's person. Without that proof nothing ends: a link on another site cannot sign people
// out. It returns where to send the browser.
func (s *Storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	token := sessionTokenFrom(ctx)
	if token != "" && req.IDTokenHintClaims != nil {
		sess, err := s.st.SessionByToken(ctx, token)
		if err == nil {
			subject, err := s.st.SubjectOfUser(ctx, sess.UserID)
			if err != nil {
				return "", err
			}
			if subject == req.IDTokenHintClaims.Subject {
				if err := s.st.SignOut(ctx, token); err != nil {
					return "", err
				}
			}
		}
	}
	return req.RedirectURI, nil
}

// refreshMark tells RevokeToken that GetRefreshTokenInfo recognised the token as a refresh token.
const refreshMark = "refresh:"

// RevokeToken ends an access token (by its ID) or the family of a refresh token (RFC 7009).
func (s *Storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	var err error
	switch {
	case strings.HasPrefix(tokenOrID, refreshMark):
		err = s.st.RevokeOPRefresh(ctx, clientID, strings.TrimPrefix(tokenOrID, refreshMark))
	case userID != "":
		err = s.st.RevokeOPAccessToken(ctx, clientID, tokenOrID)
	default:
		err = s.st.RevokeOPRefresh(ctx, clientID, tokenOrID)
	}
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

// GetRefreshTokenInfo tells whether token is a refresh token of clientID, and whose.
func (s *Storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	subject, err := s.st.OPRefreshSubject(ctx, clientID, token)
	if errors.Is(err, store.ErrTokenInvalid) {
		return "", "", op.ErrInvalidRefreshToken
	}
	if err != nil {
		return "", "", err
	}
	return subject, refreshMark + token, nil
}

// SigningKey is the key that signs now.
func (s *Storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	keys, err := s.st.PublishedSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	k, ok := store.CurrentSigningKey(keys, s.st.Now())
	if !ok {
		return nil, errors.New("oidcop: no signing key; portvakt creates one at start")
	}
	priv, err := s.keys.private(k)
	if err != nil {
		return nil, err
	}
	return signingKey{kid: k.KID, key: priv}, nil
}

// SignatureAlgorithms lists the one algorithm portvakt signs with.
func (s *Storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{signingAlg}, nil
}

// KeySet is the published keys: the one signing now, the next one, and replaced ones until
// the tokens they signed have expired.
func (s *Storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := s.st.PublishedSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, 0, len(keys))
	for _, k := range keys {
		var jwk jose.JSONWebKey
		if err := json.Unmarshal([]byte(k.PublicJWK), &jwk); err != nil {
			return nil, fmt.Errorf("oidcop: public key %s: %w", k.KID, err)
		}
		out = append(out, publicKey{jwk: jwk})
	}
	return out, nil
}

// GetClientByClientID returns an enabled application.
func (s *Storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	app, err := s.st.ApplicationByClientID(ctx, clientID)
	// An unknown or disabled app is the client's error, never a server fault: some of the
	// library's callers turn any error that is not an *oidc.Error into a 500.
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, oidc.ErrInvalidClient().WithDescription("unknown application").WithParent(err)
		}
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if !app.Enabled {
		return nil, oidc.ErrInvalidClient().WithDescription("the application is switched off")
	}
	return client{app: app}, nil
}

// AuthorizeClientIDSecret checks an app's client secret.
func (s *Storage) AuthorizeClientIDSecret(ctx context.Context, clientID, secret string) error {
	_, err := s.st.CheckApplicationSecret(ctx, clientID, secret)
	if err != nil && !errors.Is(err, store.ErrWrongSecret) {
		return oidc.ErrServerError().WithParent(err)
	}
	return err
}

// ClientCredentials checks an integration's secret.
func (s *Storage) ClientCredentials(ctx context.Context, clientID, secret string) (op.Client, error) {
	app, err := s.st.CheckApplicationSecret(ctx, clientID, secret)
	if err != nil {
		if errors.Is(err, store.ErrWrongSecret) {
			return nil, err
		}
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if app.Kind != store.AppIntegration {
		return nil, errors.New("only integrations use client credentials")
	}
	return client{app: app}, nil
}

// ClientCredentialsTokenRequest is an integration asking for a token for itself.
func (s *Storage) ClientCredentialsTokenRequest(_ context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	return &clientRequest{clientID: clientID, scopes: scopes}, nil
}

// Health reports whether the provider can serve.
func (s *Storage) Health(context.Context) error { return nil }

type sessionKey struct{}

// WithSessionToken gives the storage the portvakt session of the browser making the request,
// for RP-initiated logout.
func WithSessionToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionKey{}, token)
}

func sessionTokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(sessionKey{}).(string)
	return t
}

// StillRegistered checks, when a sign-in is about to end with a code, that its redirect URI is
// still one of the enabled app's: an address removed since the sign-in began gets nothing.
func (s *Storage) StillRegistered(ctx context.Context, clientID, redirectURI string) error {
	c, err := s.GetClientByClientID(ctx, clientID)
	if err != nil {
		return err
	}
	return op.ValidateAuthReqRedirectURI(c, redirectURI, oidc.ResponseTypeCode)
}

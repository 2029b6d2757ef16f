package oidcop

import (
	"context"
	"errors"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/store"
)

// SetUserinfoFromScopes is the library's older hook; SetUserinfoFromRequest does the work.
func (s *Storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims about the person.
func (s *Storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.fillPerson(ctx, info, req.GetSubject(), scopes); err != nil {
		return err
	}
	switch r := req.(type) {
	case *authRequest:
		return s.addSession(ctx, info, r.rec.SID, r.rec.Method, r.rec.IdPID)
	case *refreshRequest:
		return s.addSession(ctx, info, r.grant.SID, r.grant.Method, r.grant.IdPID)
	}
	return nil
}

// addSession adds the portvakt session (sid, for back-channel logout) and, for a federated
// sign-in, the identity provider's issuer (idp).
func (s *Storage) addSession(ctx context.Context, info *oidc.UserInfo, sid, method string, idpID int64) error {
	if sid != "" {
		info.AppendClaims("sid", sid)
	}
	if method == store.MethodSSO && idpID != 0 {
		p, err := s.st.IdP(ctx, idpID)
		if err == nil {
			info.AppendClaims("idp", p.Issuer)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint for a live access token.
func (s *Storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	g, err := s.st.OPAccessGrant(ctx, tokenID)
	if err != nil {
		return err
	}
	if g.UserID == 0 {
		return errors.New("an integration's token has no person")
	}
	return s.fillPerson(ctx, info, g.Subject, g.Scopes)
}

// SetIntrospectionFromToken answers introspection (RFC 7662) for the app the token was issued
// to. Any error makes the answer {"active": false}.
func (s *Storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, _, clientID string) error {
	g, err := s.st.OPAccessGrant(ctx, tokenID)
	if err != nil {
		return err
	}
	if g.ClientID != clientID {
		return errors.New("token of another application")
	}
	resp.Scope = g.Scopes
	resp.ClientID = g.ClientID
	resp.Subject = g.Subject
	resp.Audience = []string{g.ClientID}
	if g.UserID != 0 {
		info := new(oidc.UserInfo)
		if err := s.fillPerson(ctx, info, g.Subject, g.Scopes); err != nil {
			return err
		}
		resp.SetUserInfo(info)
	}
	return nil
}

// fillPerson sets the claims the scopes ask for.
func (s *Storage) fillPerson(ctx context.Context, info *oidc.UserInfo, subject string, scopes []string) error {
	p, err := s.st.OPPersonBySubject(ctx, subject)
	if err != nil {
		return err
	}
	info.Subject = p.Subject
	if slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email = p.Email
		info.EmailVerified = oidc.Bool(p.EmailVerified)
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name = p.Name
		info.GivenName = p.GivenName
		info.FamilyName = p.FamilyName
	}
	return nil
}

// GetPrivateClaimsFromScopes adds nothing to access tokens beyond the standard claims.
func (s *Storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID: apps do not sign their own requests (no JWT profile).
func (s *Storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT profile is not supported")
}

// ValidateJWTProfileScopes: apps do not sign their own requests (no JWT profile).
func (s *Storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile is not supported")
}

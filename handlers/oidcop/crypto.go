package oidcop

import (
	"context"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// accessTokenType is the JWT type of portvakt's access tokens (RFC 9068 2.1): an app's API that
// checks it cannot be handed an ID token (same issuer, keys and audience) instead.
const accessTokenType = "at+jwt"

// accessTokens makes the access tokens: the library asks its Crypto to turn "tokenID:subject"
// into an opaque bearer token, and portvakt answers with a signed RFC 9068 JWT, which an app's
// API can verify offline and the provider reads back here. Everything else the library seals
// (its authorization codes) is sealed as before.
type accessTokens struct {
	sealed  op.Crypto
	storage *Storage
	issuer  string
}

// Encrypt signs an access token for "tokenID:subject", or seals anything else.
func (a *accessTokens) Encrypt(s string) (string, error) {
	id, _, ok := strings.Cut(s, ":")
	if !ok {
		return a.sealed.Encrypt(s)
	}
	ctx := context.Background()
	g, expires, err := a.storage.st.OPAccessToken(ctx, id)
	if err != nil {
		return "", err
	}
	key, err := a.storage.SigningKey(ctx)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.SignatureAlgorithm(),
		Key: &jose.JSONWebKey{Key: key.Key(), KeyID: key.ID()}}, (&jose.SignerOptions{}).WithType(accessTokenType))
	if err != nil {
		return "", err
	}
	now := a.storage.st.Now()
	claims := map[string]any{
		"iss": a.issuer, "sub": g.Subject, "aud": g.ClientID, "client_id": g.ClientID,
		"exp": expires.Unix(), "iat": now.Unix(), "jti": id, "scope": strings.Join(g.Scopes, " "),
	}
	if !g.AuthTime.IsZero() {
		claims["auth_time"] = g.AuthTime.Unix()
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

// Decrypt reads an access token back to "tokenID:subject" after checking its signature, type,
// issuer and expiry; anything else is unsealed.
func (a *accessTokens) Decrypt(s string) (string, error) {
	if strings.Count(s, ".") != 2 {
		return a.sealed.Decrypt(s)
	}
	tok, err := jwt.ParseSigned(s, []jose.SignatureAlgorithm{signingAlg})
	if err != nil {
		return "", err
	}
	if len(tok.Headers) != 1 || tok.Headers[0].ExtraHeaders[jose.HeaderType] != accessTokenType {
		return "", errors.New("oidcop: not an access token")
	}
	keys, err := a.storage.KeySet(context.Background())
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.ID() != tok.Headers[0].KeyID {
			continue
		}
		var c struct {
			jwt.Claims
		}
		if err := tok.Claims(k.Key(), &c); err != nil {
			return "", err
		}
		if err := c.Claims.ValidateWithLeeway(jwt.Expected{Issuer: a.issuer, Time: a.storage.st.Now()}, time.Minute); err != nil {
			return "", err
		}
		return c.ID + ":" + c.Subject, nil
	}
	return "", errors.New("oidcop: access token signed with an unknown key")
}

package oidctest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// idToken builds and signs the ID token for a redeemed code, breaking the
// rules the test asked for.
func (p *Provider) idToken(g *grant, accessToken string) (string, error) {
	payload, err := json.Marshal(p.idClaims(g, accessToken))
	if err != nil {
		return "", fmt.Errorf("oidctest: encoding claims: %w", err)
	}
	return p.sign(payload)
}

func (p *Provider) idClaims(g *grant, accessToken string) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": p.Issuer(), "sub": g.user.Subject, "aud": p.clientID,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Unix(),
		"nonce": g.nonce, "name": g.user.Name, "email": g.user.Email,
		"email_verified": g.user.EmailVerified, "at_hash": atHash(accessToken),
	}
	if g.user.HostedDomain != "" {
		c["hd"] = g.user.HostedDomain
	}
	b := p.bad
	switch {
	case b[WrongIssuer]:
		c["iss"] = "https://issuer.invalid"
	case b[WrongAudience]:
		c["aud"] = "another-client"
	case b[ExtraAudience]:
		c["aud"] = []string{p.clientID, "another-client"}
	case b[ExtraAudienceWithAZP]:
		c["aud"] = []string{p.clientID, "another-client"}
		c["azp"] = p.clientID
	case b[WrongAZP]:
		c["azp"] = "another-client"
	case b[MissingSub]:
		delete(c, "sub")
	case b[MissingIat]:
		delete(c, "iat")
	case b[WrongNonce]:
		c["nonce"] = "not-the-nonce-that-was-sent"
	case b[MissingNonce]:
		delete(c, "nonce")
	case b[WrongAtHash]:
		c["at_hash"] = atHash("another access token")
	case b[Expired]:
		c["iat"], c["exp"] = now.Add(-70*time.Minute).Unix(), now.Add(-10*time.Minute).Unix()
	case b[ExpiredWithinLeeway]:
		c["iat"], c["exp"] = now.Add(-61*time.Minute).Unix(), now.Add(-time.Minute).Unix()
	case b[NoAuthTime]:
		delete(c, "auth_time")
	case b[OldAuthTime]:
		c["auth_time"] = now.Add(-time.Hour).Unix()
	case b[IssuedInFuture]:
		c["iat"], c["exp"] = now.Add(10*time.Minute).Unix(), now.Add(70*time.Minute).Unix()
	case b[NotBeforeFuture]:
		c["nbf"] = now.Add(10 * time.Minute).Unix()
	}
	switch {
	case b[EmailUnverified]:
		c["email_verified"] = false
	case b[EmailOnlyInUserInfo], b[NoEmail]:
		delete(c, "email")
		delete(c, "email_verified")
	}
	return c
}

// atHash is the left half of the SHA-256 of the access token (OIDC Core 3.1.3.6).
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

func (p *Provider) sign(payload []byte) (string, error) {
	var key jose.SigningKey
	switch {
	case p.bad[AlgNone]:
		head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		return head + "." + base64.RawURLEncoding.EncodeToString(payload) + ".", nil
	case p.bad[HS256WithSecret]:
		key = jose.SigningKey{Algorithm: jose.HS256, Key: []byte(p.clientSecret)}
	case p.bad[UnknownKey]:
		key = jose.SigningKey{Algorithm: jose.RS256, Key: p.rogue}
	case p.bad[ForgedSignature]:
		forged := p.rogue
		forged.KeyID = p.current.KeyID
		key = jose.SigningKey{Algorithm: jose.RS256, Key: forged}
	case p.bad[SignES256]:
		key = jose.SigningKey{Algorithm: jose.ES256, Key: p.ec}
	default:
		key = jose.SigningKey{Algorithm: jose.RS256, Key: p.current}
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("oidctest: making signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("oidctest: signing: %w", err)
	}
	return jws.CompactSerialize()
}

package oidcrp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// verifyFailure maps an error from go-oidc's IDTokenVerifier.Verify. go-oidc
// v3 returns typed errors only for expiry; the other messages are matched
// here and each one is pinned by a test against a misbehaving provider.
func verifyFailure(raw string, err error) *Failure {
	f := &Failure{Kind: KindInvalidToken, Detail: err.Error(), Err: err}
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	if strings.Contains(msg, ErrResponseTooLarge.Error()) {
		// go-oidc reports a failed read of the key set with %v, which loses the error itself.
		f.Err = errors.Join(ErrResponseTooLarge, err)
	}
	switch {
	case errors.As(err, &expired):
		f.Kind = KindExpired
	case strings.Contains(msg, "malformed jwt"):
		if alg, _ := JWSHeader(raw); !slices.Contains(SigningAlgs, alg) {
			f.Kind = KindUnsupportedAlg
			f.Detail = "the ID token is signed with " + quote(alg) + ": " + msg
		}
	case strings.Contains(msg, "failed to verify signature: fetching keys"):
		f.Kind = KindUnreachable
	case strings.Contains(msg, "failed to verify signature"):
		f.Kind = KindBadSignature
	case strings.Contains(msg, "issued by a different provider"):
		f.Kind = KindIssuerMismatch
	case strings.Contains(msg, "expected audience"):
		f.Kind = KindAudienceMismatch
	case strings.Contains(msg, "before the nbf"):
		f.Kind = KindNotYetValid
	}
	return f
}

// JWSHeader reads the alg and typ of a compact JWS without trusting them: to name the reason
// for a refusal that go-oidc already made, or to tell an ID token (JWT) from an access token
// (at+jwt) before anything else is done with it.
func JWSHeader(raw string) (alg, typ string) {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return "", ""
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", ""
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if json.Unmarshal(b, &h) != nil {
		return "", ""
	}
	return h.Alg, h.Typ
}

func decodeClaims(raw []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func tokenClaims(idt *oidc.IDToken) (map[string]any, error) {
	var raw json.RawMessage
	if err := idt.Claims(&raw); err != nil {
		return nil, &Failure{Kind: KindInvalidToken, Detail: "reading ID token claims: " + err.Error(), Err: err}
	}
	m, err := decodeClaims(raw)
	if err != nil {
		return nil, &Failure{Kind: KindInvalidToken, Detail: "reading ID token claims: " + err.Error(), Err: err}
	}
	return m, nil
}

func userInfoClaims(ui *oidc.UserInfo) (map[string]any, error) {
	var raw json.RawMessage
	err := ui.Claims(&raw)
	var m map[string]any
	if err == nil {
		m, err = decodeClaims(raw)
	}
	if err != nil {
		return nil, &Failure{Kind: KindUserInfo, Detail: "reading userinfo claims: " + err.Error(), Err: err}
	}
	return m, nil
}

// boolClaim reads a boolean claim, accepting the string forms "true" and
// "false" that some providers send.
func boolClaim(m map[string]any, name string) (value, present bool) {
	switch v := m[name].(type) {
	case bool:
		return v, true
	case string:
		b, err := strconv.ParseBool(v)
		return err == nil && b, true
	}
	return false, false
}

// hasEmailClaims reports whether the ID token carries both email and
// email_verified; otherwise they are read from UserInfo, as a pair.
func hasEmailClaims(m map[string]any) bool {
	email, _ := m["email"].(string)
	_, present := boolClaim(m, "email_verified")
	return email != "" && present
}

func nameClaim(m map[string]any) string {
	if n, _ := m["name"].(string); n != "" {
		return n
	}
	given, _ := m["given_name"].(string)
	family, _ := m["family_name"].(string)
	return strings.TrimSpace(given + " " + family)
}

func quote(s string) string { return strconv.Quote(s) }

package oidcop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"portvakt/store"
)

// backchannelEvent is the event a logout token carries (OpenID Connect Back-Channel Logout 1.0).
const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// LogoutSender delivers back-channel logouts: when a person's portvakt session ends (sign-out,
// deactivation, Password OFF), every app that registered a back-channel URI is told, with a
// logout token signed by portvakt, so that it ends its own session for them.
type LogoutSender struct {
	Store   *store.Store
	Storage *Storage
	Issuer  string
	Client  *http.Client
}

// SendDue delivers the logouts whose time has come and returns how many were delivered. A
// failed delivery is retried later with a growing delay.
func (l *LogoutSender) SendDue(ctx context.Context) (int, error) {
	due, err := l.Store.DueOPLogouts(ctx, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		failure := ""
		if err := l.send(ctx, d); err != nil {
			failure = err.Error()
		} else {
			sent++
		}
		if err := l.Store.RecordOPLogout(ctx, d.ID, failure); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (l *LogoutSender) send(ctx context.Context, d store.OPLogout) error {
	token, err := l.logoutToken(ctx, d)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.BackchannelURI,
		strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the app answered %s", resp.Status)
	}
	return nil
}

// logoutToken signs the logout token for d: who (sub, sid), for which app (aud), and the event.
func (l *LogoutSender) logoutToken(ctx context.Context, d store.OPLogout) (string, error) {
	key, err := l.Storage.SigningKey(ctx)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.SignatureAlgorithm(),
		Key: &jose.JSONWebKey{Key: key.Key(), KeyID: key.ID()}}, (&jose.SignerOptions{}).WithType("logout+jwt"))
	if err != nil {
		return "", err
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	now := l.Store.Now()
	claims := map[string]any{
		"iss":    l.Issuer,
		"aud":    d.ClientID,
		"iat":    now.Unix(),
		"exp":    now.Add(2 * time.Minute).Unix(),
		"jti":    hex.EncodeToString(jti),
		"sub":    d.Subject,
		"sid":    d.SID,
		"events": map[string]any{backchannelEvent: map[string]any{}},
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

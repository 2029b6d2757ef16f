package oidcrp

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Result is a verified sign-in. Identity is (Issuer, Subject); Email and
// EmailVerified are only for linking on the first sign-in (see VerifiedEmail).
type Result struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// EmailFromUserInfo is true when the ID token lacked the e-mail claims
	// and they were read from the UserInfo endpoint.
	EmailFromUserInfo bool
	IDTokenClaims     map[string]any
	UserInfoClaims    map[string]any
	Provider          ProviderInfo
}

// VerifiedEmail returns the e-mail for linking, or a *Failure when the
// provider sent none or does not vouch for it.
func (r *Result) VerifiedEmail() (string, error) {
	if r.Email == "" {
		return "", &Failure{Kind: KindEmailMissing, Detail: "no email claim in the ID token or UserInfo",
			IDTokenClaims: r.IDTokenClaims, UserInfoClaims: r.UserInfoClaims}
	}
	if !r.EmailVerified {
		return "", &Failure{Kind: KindEmailUnverified, Detail: "email_verified is not true for " + r.Email,
			IDTokenClaims: r.IDTokenClaims, UserInfoClaims: r.UserInfoClaims}
	}
	return r.Email, nil
}

// Finish completes a sign-in from the callback's query parameters and the
// Pending stored by Start. Every refusal is a *Failure, its Detail bounded.
func (rp *RP) Finish(ctx context.Context, cfg Config, query url.Values, p Pending) (*Result, error) {
	res, err := rp.finish(ctx, cfg, query, p)
	if f, ok := AsFailure(err); ok {
		// Details quote errors from go-oidc and x/oauth2, which may quote the provider's answer.
		f.Detail = providerText(f.Detail, maxDetail)
	}
	return res, err
}

func (rp *RP) finish(ctx context.Context, cfg Config, query url.Values, p Pending) (*Result, error) {
	if err := checkPending(cfg, query, p); err != nil {
		return nil, err
	}
	e, err := rp.entry(ctx, cfg)
	if err != nil {
		return nil, &Failure{Kind: KindUnreachable, Detail: err.Error(), Err: err}
	}
	if err := checkIssParameter(e.info, query); err != nil {
		return nil, err
	}
	if code := query.Get("error"); code != "" {
		return nil, errorResponseFailure(code, query.Get("error_description"))
	}
	code := query.Get("code")
	if code == "" {
		return nil, fail(KindMalformedResponse, "callback has neither code nor error")
	}
	cctx := oidc.ClientContext(ctx, rp.client)
	tok, idt, claims, err := rp.redeem(cctx, e, cfg, p, code)
	if err != nil {
		return nil, err
	}
	res := newResult(idt, claims, e.info)
	if !hasEmailClaims(claims) {
		if err := rp.addUserInfo(cctx, e, tok, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// redeem exchanges the code (with the PKCE verifier) and verifies the ID token that comes back.
func (rp *RP) redeem(ctx context.Context, e *entry, cfg Config, p Pending, code string) (*oauth2.Token, *oidc.IDToken, map[string]any, error) {
	tok, err := e.oauth2Config(cfg, p.RedirectURI).Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, nil, nil, exchangeFailure(err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, nil, nil, fail(KindMalformedResponse, "token response has no id_token")
	}
	idt, err := e.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, nil, nil, verifyFailure(raw, err)
	}
	claims, err := tokenClaims(idt)
	if err != nil {
		return nil, nil, nil, err
	}
	if f := rp.checkIDToken(cfg, p, idt, claims); f != nil {
		f.IDTokenClaims = claims
		return nil, nil, nil, f
	}
	// at_hash is optional in the code flow; when present it must match.
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, nil, nil, &Failure{Kind: KindInvalidToken, Detail: err.Error(), Err: err, IDTokenClaims: claims}
		}
	}
	return tok, idt, claims, nil
}

// checkPending compares the callback's state with the stored one (the caller
// found the Pending by state; this guards against a mix-up) and checks that
// the configuration is still the one the sign-in started with.
func checkPending(cfg Config, query url.Values, p Pending) error {
	got := query.Get("state")
	if got == "" || p.State == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.State)) != 1 {
		return fail(KindState, "state on the callback does not match the pending sign-in")
	}
	if p.ProviderID != cfg.ProviderID || p.Issuer != cfg.Issuer || p.ClientID != cfg.ClientID {
		return fail(KindState, "the provider's configuration changed since the sign-in started")
	}
	return nil
}

// checkIssParameter applies RFC 9207: an iss response parameter must equal
// the issuer, and it must be present when the provider promised it.
func checkIssParameter(info ProviderInfo, query url.Values) error {
	iss, present := query["iss"]
	if !present {
		if info.IssParameter {
			return fail(KindIssuerMismatch, "the provider promises the iss response parameter but sent none")
		}
		return nil
	}
	if len(iss) != 1 || iss[0] != info.Issuer {
		return fail(KindIssuerMismatch, "iss response parameter is %q, expected %q", iss, info.Issuer)
	}
	return nil
}

// checkIDToken applies the rules go-oidc's verifier leaves to its caller.
func (rp *RP) checkIDToken(cfg Config, p Pending, idt *oidc.IDToken, claims map[string]any) *Failure {
	if idt.Nonce == "" {
		return fail(KindNonceMismatch, "the ID token has no nonce")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		return fail(KindNonceMismatch, "the ID token's nonce differs from the one sent")
	}
	if idt.Subject == "" {
		return fail(KindMissingSub, "the ID token has no sub")
	}
	if idt.IssuedAt.IsZero() {
		return fail(KindMissingIat, "the ID token has no iat")
	}
	if limit := rp.now().Add(Leeway); idt.IssuedAt.After(limit) {
		return fail(KindNotYetValid, "the ID token is issued at %s, in the future (now %s)",
			idt.IssuedAt.UTC().Format(time.RFC3339), rp.now().UTC().Format(time.RFC3339))
	}
	if f := checkAuthTime(p, claims); f != nil {
		return f
	}
	azp, hasAZP := claims["azp"].(string)
	if len(idt.Audience) > 1 && (!hasAZP || azp != cfg.ClientID) {
		return fail(KindAZPMismatch, "the ID token has audiences %q and azp %q, expected azp %q", idt.Audience, azp, cfg.ClientID)
	}
	if _, present := claims["azp"]; present && azp != cfg.ClientID {
		return fail(KindAZPMismatch, "the ID token's azp is %v, expected %q", claims["azp"], cfg.ClientID)
	}
	return checkHostedDomain(cfg, claims)
}

// checkAuthTime refuses, when a new sign-in was asked for, an answer from a sign-in the provider
// says was made before the request (auth_time, with Leeway for the clocks). OpenID Connect
// requires auth_time when max_age is sent; a provider that leaves it out all the same cannot be
// checked, and its answer is taken as the new sign-in asked for.
func checkAuthTime(p Pending, claims map[string]any) *Failure {
	if p.AskedNewAt.IsZero() {
		return nil
	}
	raw, present := claims["auth_time"]
	if !present {
		return nil
	}
	n, _ := raw.(json.Number) // claims are decoded with UseNumber
	secs, err := n.Float64()  // a NumericDate: seconds, possibly with a fraction
	if err != nil || secs < 0 || secs > 1<<40 {
		return fail(KindInvalidToken, "the ID token's auth_time is %v, not a time in seconds", raw)
	}
	if at := time.Unix(int64(secs), 0); at.Before(p.AskedNewAt.Add(-Leeway)) {
		return fail(KindStaleAuthentication, "asked for a new sign-in at %s, the provider answered from one at %s",
			p.AskedNewAt.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkHostedDomain applies the Google preset's rule: Google signs in every Google account,
// consumer accounts registered with a work address included, and only the hd claim says that
// the account belongs to a Google Workspace domain. It must be one the provider serves.
func checkHostedDomain(cfg Config, claims map[string]any) *Failure {
	if cfg.Preset != PresetGoogle {
		return nil
	}
	hd, _ := claims["hd"].(string)
	if hd == "" {
		return fail(KindHostedDomain, "the ID token has no hd claim: not a Google Workspace account")
	}
	for _, d := range cfg.HostedDomains {
		if strings.EqualFold(hd, d) {
			return nil
		}
	}
	if len(cfg.HostedDomains) == 0 {
		return fail(KindHostedDomain, "the ID token's hd is %q, but the provider serves no domain yet", hd)
	}
	return fail(KindHostedDomain, "the ID token's hd is %q, not a domain the provider serves (%s)",
		hd, strings.Join(cfg.HostedDomains, ", "))
}

func newResult(idt *oidc.IDToken, claims map[string]any, info ProviderInfo) *Result {
	email, _ := claims["email"].(string)
	verified, _ := boolClaim(claims, "email_verified")
	issuer := idt.Issuer
	if issuer == googleIssuerNoScheme && info.Issuer == GoogleIssuer {
		issuer = GoogleIssuer // the token was verified as Google's; its identity is at Google's issuer
	}
	return &Result{
		Issuer: issuer, Subject: idt.Subject, Email: email, EmailVerified: verified,
		Name: nameClaim(claims), IDTokenClaims: claims, Provider: info,
	}
}

// addUserInfo reads the e-mail claims from UserInfo (OIDC Core 5.4) when
// the ID token lacks them; UserInfo must describe the same subject.
func (rp *RP) addUserInfo(ctx context.Context, e *entry, tok *oauth2.Token, res *Result) error {
	if e.info.UserInfoEndpoint == "" {
		return nil
	}
	ui, err := e.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return &Failure{Kind: KindUserInfo, Detail: "userinfo: " + err.Error(), Err: err, IDTokenClaims: res.IDTokenClaims}
	}
	uiClaims, err := userInfoClaims(ui)
	if err != nil {
		return err
	}
	if ui.Subject != res.Subject {
		return &Failure{Kind: KindUserInfoSubMismatch, IDTokenClaims: res.IDTokenClaims, UserInfoClaims: uiClaims,
			Detail: "userinfo sub " + quote(ui.Subject) + " differs from the ID token's " + quote(res.Subject)}
	}
	res.UserInfoClaims = uiClaims
	res.Email, res.EmailVerified, res.EmailFromUserInfo = ui.Email, ui.EmailVerified, true
	if res.Name == "" {
		res.Name = nameClaim(uiClaims)
	}
	return nil
}

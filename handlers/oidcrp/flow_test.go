package oidcrp

import (
	"context"
	"encoding/base64"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"portvakt/handlers/oidcrp/oidctest"
)

// redirectURI is never requested: oidctest.Callback stops before it.
const redirectURI = "http://127.0.0.1:9/auth/oidc/callback"

func testConfig(op *oidctest.Provider) Config {
	return Config{
		ProviderID: 7, Issuer: op.Issuer(), ClientID: op.ClientID(), ClientSecret: op.ClientSecret(),
		Scopes: []string{"openid", "email", "profile"},
	}
}

// signIn runs one whole sign-in: Start, the front channel, Finish.
func signIn(t *testing.T, rp *RP, cfg Config) (*Result, error) {
	t.Helper()
	ctx := context.Background()
	authURL, pending, err := rp.Start(ctx, cfg, redirectURI, "anna@example.com", false)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	q, err := oidctest.Callback(ctx, authURL, redirectURI)
	if err != nil {
		t.Fatalf("front channel: %v", err)
	}
	return rp.Finish(ctx, cfg, q, pending)
}

func wantKind(t *testing.T, err error, want Kind) *Failure {
	t.Helper()
	f, ok := AsFailure(err)
	if !ok {
		t.Fatalf("got error %v, want a *Failure of kind %s", err, want)
	}
	if f.Kind != want {
		t.Fatalf("got kind %s, want %s (%v)", f.Kind, want, f)
	}
	return f
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	rp := New(nil, nil)
	res, err := signIn(t, rp, testConfig(op))
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	want := Result{Issuer: op.Issuer(), Subject: "subject-1", Email: "anna@example.com", EmailVerified: true, Name: "Anna Andersson"}
	got := Result{Issuer: res.Issuer, Subject: res.Subject, Email: res.Email, EmailVerified: res.EmailVerified, Name: res.Name}
	if got.Issuer != want.Issuer || got.Subject != want.Subject || got.Email != want.Email ||
		got.EmailVerified != want.EmailVerified || got.Name != want.Name {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if email, err := res.VerifiedEmail(); err != nil || email != "anna@example.com" {
		t.Errorf("VerifiedEmail: got %q, %v", email, err)
	}
	if res.IDTokenClaims["sub"] != "subject-1" || res.Provider.TokenEndpoint != op.Issuer()+"/token" {
		t.Errorf("claims or endpoints missing: %v %+v", res.IDTokenClaims, res.Provider)
	}
	if c := op.Counts(); c.UserInfo != 0 {
		t.Errorf("UserInfo called %d times although the ID token had the e-mail", c.UserInfo)
	}
}

func TestStartSendsPKCEStateNonceAndLoginHint(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	rp := New(nil, nil)
	cfg := testConfig(op)
	cfg.Scopes = []string{"email"}
	authURL, p, err := rp.Start(context.Background(), cfg, redirectURI, "anna@example.com", false)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	checks := []struct{ name, got, want string }{
		{"code_challenge_method", q.Get("code_challenge_method"), "S256"},
		{"code_challenge", q.Get("code_challenge"), oauth2.S256ChallengeFromVerifier(p.Verifier)},
		{"state", q.Get("state"), p.State},
		{"nonce", q.Get("nonce"), p.Nonce},
		{"login_hint", q.Get("login_hint"), "anna@example.com"},
		{"scope", q.Get("scope"), "openid email"},
		{"redirect_uri", q.Get("redirect_uri"), redirectURI},
		{"response_type", q.Get("response_type"), "code"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	for name, v := range map[string]string{"state": p.State, "nonce": p.Nonce, "verifier": p.Verifier} {
		if b, err := base64.RawURLEncoding.DecodeString(v); err != nil || len(b) < 16 {
			t.Errorf("%s %q has fewer than 128 random bits", name, v)
		}
	}
	_, p2, _ := rp.Start(context.Background(), cfg, redirectURI, "", false)
	if p2.State == p.State || p2.Nonce == p.Nonce || p2.Verifier == p.Verifier {
		t.Error("two sign-ins share state, nonce or verifier")
	}
	if p.ProviderID != 7 || p.Issuer != op.Issuer() || p.ClientID != op.ClientID() || p.RedirectURI != redirectURI {
		t.Errorf("pending not bound to its configuration: %+v", p)
	}
}

func TestSignInMisbehavingProvider(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	tests := []struct {
		misbehave oidctest.Misbehaviour
		want      Kind // empty: the sign-in must succeed
	}{
		{oidctest.UnknownKey, KindBadSignature},
		{oidctest.ForgedSignature, KindBadSignature},
		{oidctest.AlgNone, KindUnsupportedAlg},
		{oidctest.HS256WithSecret, KindUnsupportedAlg},
		{oidctest.SignES256, ""},
		{oidctest.WrongIssuer, KindIssuerMismatch},
		{oidctest.WrongAudience, KindAudienceMismatch},
		{oidctest.ExtraAudience, KindAZPMismatch},
		{oidctest.ExtraAudienceWithAZP, ""},
		{oidctest.WrongAZP, KindAZPMismatch},
		{oidctest.MissingSub, KindMissingSub},
		{oidctest.MissingIat, KindMissingIat},
		{oidctest.WrongNonce, KindNonceMismatch},
		{oidctest.MissingNonce, KindNonceMismatch},
		{oidctest.WrongAtHash, KindInvalidToken},
		{oidctest.Expired, KindExpired},
		{oidctest.ExpiredWithinLeeway, ""},
		{oidctest.IssuedInFuture, KindNotYetValid},
		{oidctest.NotBeforeFuture, KindNotYetValid},
		{oidctest.UserInfoOtherSub, ""}, // UserInfo is not asked when the ID token has the e-mail
		{oidctest.TokenInvalidClient, KindInvalidClient},
		{oidctest.WrongIssParam, KindIssuerMismatch},
		{oidctest.NoIssParam, KindIssuerMismatch},
		{oidctest.NoIssSupport, ""},
	}
	for _, tt := range tests {
		name := "refuses " + string(tt.misbehave)
		if tt.want == "" {
			name = "accepts " + string(tt.misbehave)
		}
		t.Run(name, func(t *testing.T) {
			op.Misbehave(tt.misbehave)
			res, err := signIn(t, New(nil, nil), testConfig(op))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				if res.Subject != "subject-1" {
					t.Errorf("got subject %q", res.Subject)
				}
				return
			}
			wantKind(t, err, tt.want)
		})
	}
}

func TestSignInUserInfo(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	t.Run("reads the e-mail from UserInfo when the ID token lacks it", func(t *testing.T) {
		op.Misbehave(oidctest.EmailOnlyInUserInfo)
		before := op.Counts().UserInfo
		res, err := signIn(t, New(nil, nil), testConfig(op))
		if err != nil {
			t.Fatalf("sign-in: %v", err)
		}
		if got := op.Counts().UserInfo - before; got != 1 {
			t.Errorf("UserInfo called %d times, want 1", got)
		}
		email, err := res.VerifiedEmail()
		if err != nil || email != "anna@example.com" || !res.EmailFromUserInfo {
			t.Errorf("got %q, %v, from UserInfo %v", email, err, res.EmailFromUserInfo)
		}
		if res.UserInfoClaims["sub"] != "subject-1" {
			t.Errorf("UserInfo claims: %v", res.UserInfoClaims)
		}
	})
	t.Run("refuses UserInfo about another subject", func(t *testing.T) {
		op.Misbehave(oidctest.EmailOnlyInUserInfo, oidctest.UserInfoOtherSub)
		_, err := signIn(t, New(nil, nil), testConfig(op))
		wantKind(t, err, KindUserInfoSubMismatch)
	})
	emailTests := []struct {
		name      string
		misbehave []oidctest.Misbehaviour
		want      Kind
	}{
		{"refuses an unverified e-mail for linking", []oidctest.Misbehaviour{oidctest.EmailUnverified}, KindEmailUnverified},
		{"refuses an unverified e-mail from UserInfo", []oidctest.Misbehaviour{oidctest.EmailUnverified, oidctest.EmailOnlyInUserInfo}, KindEmailUnverified},
		{"refuses a missing e-mail", []oidctest.Misbehaviour{oidctest.NoEmail}, KindEmailMissing},
	}
	for _, tt := range emailTests {
		t.Run(tt.name, func(t *testing.T) {
			op.Misbehave(tt.misbehave...)
			res, err := signIn(t, New(nil, nil), testConfig(op))
			if err != nil {
				t.Fatalf("sign-in: %v (the identity itself is valid)", err)
			}
			_, err = res.VerifiedEmail()
			wantKind(t, err, tt.want)
		})
	}
}

func TestSignInKeyRotation(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	rp := New(nil, nil)
	cfg := testConfig(op)
	if _, err := signIn(t, rp, cfg); err != nil {
		t.Fatalf("first sign-in: %v", err)
	}
	if got := op.Counts().JWKS; got != 1 {
		t.Fatalf("JWKS fetched %d times after one sign-in, want 1", got)
	}
	if _, err := signIn(t, rp, cfg); err != nil {
		t.Fatalf("second sign-in: %v", err)
	}
	if got := op.Counts().JWKS; got != 1 {
		t.Errorf("JWKS fetched %d times after two sign-ins, want 1 (cached)", got)
	}
	op.RotateKeys()
	if _, err := signIn(t, rp, cfg); err != nil {
		t.Fatalf("sign-in after key rotation: %v", err)
	}
	if got := op.Counts().JWKS; got != 2 {
		t.Errorf("JWKS fetched %d times after rotation, want 2 (one re-fetch)", got)
	}
	if got := op.Counts().Discovery; got != 2 {
		// Discover reads the document twice: once to diagnose, once in go-oidc.
		t.Errorf("discovery read %d times for three sign-ins, want 2 (cached)", got)
	}
}

func TestSignInUnknownKeyRefetchesOnce(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	rp := New(nil, nil)
	cfg := testConfig(op)
	if _, err := signIn(t, rp, cfg); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	op.Misbehave(oidctest.UnknownKey)
	_, err := signIn(t, rp, cfg)
	wantKind(t, err, KindBadSignature)
	if got := op.Counts().JWKS; got != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (one re-fetch for the unknown kid)", got)
	}
}

func TestSignInConcurrently(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	rp := New(nil, nil)
	cfg := testConfig(op)
	errs := make(chan error, 5)
	for range 5 {
		go func() {
			ctx := context.Background()
			authURL, p, err := rp.Start(ctx, cfg, redirectURI, "", false)
			if err != nil {
				errs <- err
				return
			}
			q, err := oidctest.Callback(ctx, authURL, redirectURI)
			if err != nil {
				errs <- err
				return
			}
			_, err = rp.Finish(ctx, cfg, q, p)
			errs <- err
		}()
	}
	for range 5 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent sign-in: %v", err)
		}
	}
}

// TestFreshSignInRefusesAnOldOne: asked for a new sign-in (prompt=login, max_age=0), a provider
// that answers from a sign-in made before the request (auth_time) is refused: portvakt would
// otherwise tell the app that asked that the person has just signed in. An ordinary sign-in
// takes the provider's session as it is.
func TestFreshSignInRefusesAnOldOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := oidctest.New(t)
	op.Misbehave(oidctest.OldAuthTime)
	cfg := testConfig(op)
	rp := New(nil, nil)
	if _, err := signIn(t, rp, cfg); err != nil {
		t.Fatalf("an ordinary sign-in from the provider's hour-old session: %v", err)
	}
	authURL, pending, err := rp.Start(ctx, cfg, redirectURI, "anna@example.com", true)
	if err != nil {
		t.Fatal(err)
	}
	q, err := oidctest.Callback(ctx, authURL, redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rp.Finish(ctx, cfg, q, pending)
	wantKind(t, err, KindStaleAuthentication)

	op.Misbehave() // a provider that signs the person in again
	authURL, pending, err = rp.Start(ctx, cfg, redirectURI, "anna@example.com", true)
	if err != nil {
		t.Fatal(err)
	}
	if q, err = oidctest.Callback(ctx, authURL, redirectURI); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.Finish(ctx, cfg, q, pending); err != nil {
		t.Errorf("a new sign-in at the provider: %v", err)
	}
}

package oidcop

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"portvakt/store"
	"portvakt/views/paths"
)

// Config is what the provider needs from portvakt.
type Config struct {
	Issuer  string   // portvakt's base URL, without a trailing slash
	SealKey [32]byte // the key file's secrets key: opens signing keys
	// MakeKey makes the first signing key of a fresh installation (nil: NewSigningKey).
	MakeKey KeyMaker
}

// New builds the provider on st, creating the first signing key when there is none yet.
func New(ctx context.Context, cfg Config, st *store.Store) (*op.Provider, *Storage, error) {
	storage := NewStorage(st, cfg.SealKey)
	if cfg.MakeKey == nil {
		cfg.MakeKey = NewSigningKey
	}
	if err := EnsureSigningKey(ctx, st, cfg.SealKey, cfg.MakeKey); err != nil {
		return nil, nil, err
	}
	issuer := cfg.Issuer
	conf := &op.Config{
		// The library seals its authorization codes with this key (access tokens are signed
		// JWTs, see crypto.go): it only has to be secret and stable.
		CryptoKey:                         sha256.Sum256(append([]byte("portvakt op crypto key:"), cfg.SealKey[:]...)),
		DefaultLogoutRedirectURI:          paths.Home,
		CodeMethodS256:                    true,
		AuthMethodPost:                    true,
		GrantTypeRefreshToken:             true,
		SupportedUILocales:                []language.Tag{language.Swedish, language.English},
		SupportedScopes:                   []string{"openid", "email", "profile", "offline_access"},
		SupportedClaims:                   []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "email", "email_verified", "name", "given_name", "family_name", "sid", "idp"},
		BackChannelLogoutSupported:        true,
		BackChannelLogoutSessionSupported: true,
	}
	opts := []op.Option{
		op.WithCustomEndpoints(
			op.NewEndpoint(strings.TrimPrefix(paths.OPAuthorize, "/")),
			op.NewEndpoint(strings.TrimPrefix(paths.OPToken, "/")),
			op.NewEndpoint(strings.TrimPrefix(paths.OPUserinfo, "/")),
			op.NewEndpoint(strings.TrimPrefix(paths.OPRevoke, "/")),
			op.NewEndpoint(strings.TrimPrefix(paths.OPLogout, "/")),
			op.NewEndpoint(strings.TrimPrefix(paths.OPKeys, "/")),
		),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint(strings.TrimPrefix(paths.OPIntrospect, "/"))),
	}
	opts = append(opts, op.WithCrypto(&accessTokens{sealed: op.NewAES256GCMCrypto(conf.CryptoKey, "portvakt"), storage: storage, issuer: issuer}))
	if strings.HasPrefix(issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewProvider(conf, storage, op.StaticIssuer(issuer), opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("oidcop: %w", err)
	}
	return p, storage, nil
}

// EnsureSigningKey creates a key that signs at once when none does: on a fresh installation.
func EnsureSigningKey(ctx context.Context, st *store.Store, sealKey [32]byte, newKey KeyMaker) error {
	keys, err := st.PublishedSigningKeys(ctx)
	if err != nil {
		return err
	}
	if _, ok := store.CurrentSigningKey(keys, st.Now()); ok {
		return nil
	}
	k, err := newKey(sealKey)
	if err != nil {
		return err
	}
	_, err = st.AddFirstSigningKey(ctx, k)
	return err
}

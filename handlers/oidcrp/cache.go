package oidcrp

import (
	"context"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// discoveryTTL is how long a discovered provider (and with it the JWKS
// cache of its verifier) is reused before the discovery document is read again.
const discoveryTTL = 10 * time.Minute

// failureTTL is how long a failed discovery is remembered. Anyone may start a sign-in
// (POST /login/sso/:id needs no account), and each start needs the discovery: without this
// pause, every start would make portvakt ask a failing provider again.
const failureTTL = 30 * time.Second

// maxCached bounds the number of configurations remembered. Only configured providers are
// looked up, but edited ones leave old entries behind until they expire or are pushed out.
const maxCached = 256

type cacheKey struct{ issuer, clientID string }

// entry is a discovery's outcome: a provider and its verifier, or the error.
type entry struct {
	info     ProviderInfo
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	err      error
	expires  time.Time
}

// flight is a discovery under way, which every caller asking meanwhile waits for.
type flight struct {
	done chan struct{}
	e    *entry
}

// Forget drops the cached discovery of a configuration, failed or not, e.g. after it was edited.
func (rp *RP) Forget(issuer, clientID string) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	delete(rp.cache, cacheKey{issuer, clientID})
}

// Provider returns the cached discovery of cfg, fetching it when needed.
func (rp *RP) Provider(ctx context.Context, cfg Config) (ProviderInfo, error) {
	e, err := rp.entry(ctx, cfg)
	if err != nil {
		return ProviderInfo{}, err
	}
	return e.info, nil
}

// CachedProvider returns the discovery of cfg if a successful one is cached, without any
// request; pages that only need a provider's endpoints use it so that a slow provider cannot
// hold them up.
func (rp *RP) CachedProvider(cfg Config) (ProviderInfo, bool) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	e, ok := rp.cache[cacheKey{cfg.Issuer, cfg.ClientID}]
	if !ok || e.err != nil {
		return ProviderInfo{}, false
	}
	return e.info, true
}

// entry returns the discovery of cfg: the cached one while it lasts, else a fresh one. Callers
// asking while a discovery is under way wait for it instead of starting their own; the
// discovery itself does not end when the first caller gives up, and is bounded by the
// client's timeouts.
func (rp *RP) entry(ctx context.Context, cfg Config) (*entry, error) {
	key := cacheKey{cfg.Issuer, cfg.ClientID}
	rp.mu.Lock()
	if e, ok := rp.cache[key]; ok && rp.now().Before(e.expires) {
		rp.mu.Unlock()
		return e, e.err
	}
	f, ok := rp.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		rp.flights[key] = f
		go rp.fetch(context.WithoutCancel(ctx), key, f)
	}
	rp.mu.Unlock()
	select {
	case <-f.done:
		return f.e, f.e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (rp *RP) fetch(ctx context.Context, key cacheKey, f *flight) {
	e := &entry{}
	var p *oidc.Provider
	e.info, p, e.err = discover(ctx, rp.client, key.issuer)
	if e.err == nil {
		e.provider = p
		e.verifier = p.Verifier(&oidc.Config{
			ClientID:             key.clientID,
			SupportedSigningAlgs: SigningAlgs,
			Now:                  func() time.Time { return rp.now().Add(-Leeway) },
		})
		e.expires = rp.now().Add(discoveryTTL)
	} else {
		e.expires = rp.now().Add(failureTTL)
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.makeRoom()
	rp.cache[key] = e
	delete(rp.flights, key)
	f.e = e
	close(f.done)
}

// makeRoom drops expired entries when the cache is full, then the one closest to expiry.
// The caller holds rp.mu.
func (rp *RP) makeRoom() {
	if len(rp.cache) < maxCached {
		return
	}
	now := rp.now()
	var first cacheKey
	var firstExp time.Time
	for k, e := range rp.cache {
		if !now.Before(e.expires) {
			delete(rp.cache, k)
			continue
		}
		if firstExp.IsZero() || e.expires.Before(firstExp) {
			first, firstExp = k, e.expires
		}
	}
	if len(rp.cache) >= maxCached {
		delete(rp.cache, first)
	}
}

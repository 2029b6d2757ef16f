package oidcrp

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"portvakt/handlers/oidcrp/oidctest"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestDiscoveryFailureCached: an unauthenticated visitor can start a sign-in as often as they
// like; a provider whose discovery fails is asked again only after a short pause.
func TestDiscoveryFailureCached(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	op.Misbehave(oidctest.DiscoveryStatus500)
	clock := newTestClock()
	rp := New(nil, clock.Now)
	cfg := testConfig(op)
	ctx := context.Background()
	start := func() error {
		_, _, err := rp.Start(ctx, cfg, redirectURI, "", false)
		return err
	}
	for range 5 {
		var de *DiscoveryError
		if err := start(); !errors.As(err, &de) || de.Kind != DiscoveryHTTPStatus {
			t.Fatalf("Start: got %v, want the discovery failure", err)
		}
	}
	if got := op.Counts().Discovery; got != 1 {
		t.Errorf("discovery fetched %d times for five starts, want 1", got)
	}

	t.Run("concurrent starts share one fetch", func(t *testing.T) {
		clock.Advance(failureTTL + time.Second)
		before := op.Counts().Discovery
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if start() == nil {
					t.Error("Start succeeded with a failing discovery")
				}
			}()
		}
		wg.Wait()
		if got := op.Counts().Discovery - before; got != 1 {
			t.Errorf("discovery fetched %d times for eight concurrent starts, want 1", got)
		}
	})
	t.Run("asked again after the pause, and the answer is used at once", func(t *testing.T) {
		op.Misbehave()
		if err := start(); err == nil {
			t.Fatal("Start succeeded within the pause after a failure")
		}
		clock.Advance(failureTTL + time.Second)
		if err := start(); err != nil {
			t.Fatalf("Start after the pause: %v", err)
		}
	})
	t.Run("another client of the same issuer is not served the old answer", func(t *testing.T) {
		op.Misbehave(oidctest.DiscoveryStatus500)
		other := cfg
		other.ClientID = "another-client"
		_, _, err := rp.Start(ctx, other, redirectURI, "", false)
		if err == nil {
			t.Fatal("Start for a new configuration was served the cached discovery of the old one")
		}
		if _, _, err := rp.Start(ctx, cfg, redirectURI, "", false); err != nil {
			t.Errorf("Start for the unchanged configuration: %v, want the cached discovery", err)
		}
	})
	t.Run("Forget drops a cached failure", func(t *testing.T) {
		other := cfg
		other.ClientID = "another-client"
		op.Misbehave()
		rp.Forget(other.Issuer, other.ClientID)
		if _, _, err := rp.Start(ctx, other, redirectURI, "", false); err != nil {
			t.Errorf("Start after Forget: %v", err)
		}
	})
}

func TestDiscoveryCacheExpires(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	clock := newTestClock()
	rp := New(nil, clock.Now)
	cfg := testConfig(op)
	if _, err := rp.Provider(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	first := op.Counts().Discovery
	clock.Advance(discoveryTTL - time.Second)
	if _, err := rp.Provider(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if got := op.Counts().Discovery; got != first {
		t.Errorf("discovery fetched again within its lifetime (%d, then %d)", first, got)
	}
	clock.Advance(2 * time.Second)
	if _, err := rp.Provider(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if got := op.Counts().Discovery; got == first {
		t.Error("discovery not fetched again after its lifetime")
	}
	if discoveryTTL > 30*time.Minute || failureTTL > time.Minute {
		t.Errorf("discovery kept %s and failures %s; keep both short", discoveryTTL, failureTTL)
	}
}

func TestDiscoveryCacheBounded(t *testing.T) {
	t.Parallel()
	op := oidctest.New(t)
	op.Misbehave(oidctest.DiscoveryStatus500)
	rp := New(nil, nil)
	cfg := testConfig(op)
	for i := range maxCached + 20 {
		cfg.ClientID = "client-" + strconv.Itoa(i)
		rp.Provider(context.Background(), cfg)
	}
	rp.mu.Lock()
	n := len(rp.cache)
	rp.mu.Unlock()
	if n > maxCached {
		t.Errorf("the cache holds %d entries, want at most %d", n, maxCached)
	}
	if _, ok := rp.CachedProvider(cfg); ok {
		t.Error("CachedProvider returned a failed discovery")
	}
}

package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestOIDCStateSingleUseUnderRace: a callback replayed many times at once (a double click, or
// an attacker racing the browser with a copy of its cookie) gets through exactly once.
func TestOIDCStateSingleUseUnderRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTestStore(t)
	expires := s.Now().Add(10 * time.Minute)
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := s.UseOIDCState(ctx, "raced", expires); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d of %d concurrent callbacks used the state, want exactly 1", wins, n)
	}
}

// TestOIDCUsedStates: a state is used once; its record lasts until the state's expiry and is
// swept after it, so the table holds only the states used within one lifetime.
func TestOIDCUsedStates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTestStore(t)
	now := time.Unix(1_800_000_000, 0)
	setNow(t, s, func() time.Time { return now })
	count := func() int {
		var n int
		if err := s.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM oidc_used_states").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("is used once", func(t *testing.T) {
		if err := s.UseOIDCState(ctx, "s1", now.Add(10*time.Minute)); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if err := s.UseOIDCState(ctx, "s1", now.Add(10*time.Minute)); !errors.Is(err, ErrExpired) {
			t.Errorf("replay: got %v, want ErrExpired", err)
		}
		if err := s.UseOIDCState(ctx, "s2", now.Add(10*time.Minute)); err != nil {
			t.Errorf("another state: %v", err)
		}
	})
	t.Run("is kept until its expiry, then swept", func(t *testing.T) {
		now = now.Add(10 * time.Minute)
		if err := s.UseOIDCState(ctx, "s1", now); !errors.Is(err, ErrExpired) {
			t.Errorf("replay at the expiry: got %v, want ErrExpired", err)
		}
		now = now.Add(time.Second)
		if err := s.UseOIDCState(ctx, "s3", now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 1 {
			t.Errorf("%d records after the first two expired, want 1", got)
		}
	})
}

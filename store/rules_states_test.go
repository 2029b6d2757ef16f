package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestOIDCStateSingleUseUnderRace: a callback replayed many times at once (a double click, or
// an attacker racing the browser) gets through exactly once.
func TestOIDCStateSingleUseUnderRace(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	id, err := s.CreateIdP(ctx, CLIActor, IdPInput{Name: "P", Preset: "other", Issuer: "https://p", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid"})
	if err != nil {
		t.Fatal(err)
	}
	st := OIDCState{State: "raced", Binding: "browser", IdPID: id, Purpose: PurposeLogin, Nonce: "n", Verifier: "v",
		RedirectURI: "http://127.0.0.1/cb", Issuer: "https://p", ClientID: "c"}
	if err := s.SaveOIDCState(ctx, st, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
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
			if _, err := s.TakeOIDCState(ctx, "raced", "browser"); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d of %d concurrent callbacks took the state, want exactly 1", wins, n)
	}
}

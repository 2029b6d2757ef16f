package store_test

import (
	"context"
	"sync"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestCachedStatementsUnderConcurrency runs the same reads from many goroutines, so that the
// race detector and the pool see the cached statements shared across connections.
func TestCachedStatementsUnderConcurrency(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "a@example.se"})
	token, err := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if s, err := st.SessionByToken(ctx, token); err != nil || s.User.ID != u.ID {
					t.Errorf("SessionByToken = %+v, %v", s, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"portvakt/store"
)

// TestBackgroundStopWaitsForLoops: serve's loops may be in the middle of a database write when
// serve ends; Stop returns only after every loop has returned, so the store that closes next
// never meets a loop still using it.
func TestBackgroundStopWaitsForLoops(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	bg := startBackground(ctx)
	for range 2 {
		bg.Go(func(ctx context.Context) {
			<-ctx.Done()
			time.Sleep(50 * time.Millisecond) // a write that was under way
			_, err := st.HasAdmin(context.Background())
			errs <- err
		})
	}
	bg.Stop()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case err := <-errs:
			if err != nil {
				t.Errorf("a loop met the closed store: %v", err)
			}
		default:
			t.Fatal("Stop returned before a loop did")
		}
	}
}

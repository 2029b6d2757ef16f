package main

import (
	"context"
	"sync"
)

// background runs serve's loops (session sweep, domain re-check, the password confirmation
// window). They write to the database, so serve stops them and waits for them before the store
// closes: a loop must never meet a closed store half-way through a transaction.
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startBackground(ctx context.Context) *background {
	b := &background{}
	b.ctx, b.cancel = context.WithCancel(ctx)
	return b
}

// Go runs loop in its own goroutine until Stop; loop must return when its context ends.
func (b *background) Go(loop func(ctx context.Context)) {
	b.wg.Go(func() { loop(b.ctx) })
}

// Stop ends the loops and waits until every one has returned.
func (b *background) Stop() {
	b.cancel()
	b.wg.Wait()
}

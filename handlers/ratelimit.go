package handlers

import (
	"sync"
	"time"
)

// Sign-in attempt limits: failures allowed per window, per account and per client address.
const (
	limitWindow     = 15 * time.Minute
	limitPerAccount = 5
	limitPerClient  = 30
)

// loginLimiter counts failed sign-ins per key in fixed windows. It is in memory: a restart
// forgets, which is acceptable for a single-binary portal.
type loginLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	windows map[string]*limitWindowState
}

type limitWindowState struct {
	start    time.Time
	failures int
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, windows: map[string]*limitWindowState{}}
}

// blocked reports whether key has used up its failures, and how long until it may try again.
func (l *loginLimiter) blocked(key string, limit int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[key]
	now := l.now()
	if w == nil || now.Sub(w.start) >= limitWindow {
		return false, 0
	}
	if w.failures >= limit {
		return true, limitWindow - now.Sub(w.start)
	}
	return false, 0
}

// fail records a failure for key.
func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= limitWindow {
		if len(l.windows) > 100_000 {
			l.sweep(now)
		}
		w = &limitWindowState{start: now}
		l.windows[key] = w
	}
	w.failures++
}

// reset forgets key, after a successful sign-in.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
}

// sweep drops ended windows so the map cannot grow without bound. Callers hold mu.
func (l *loginLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= limitWindow {
			delete(l.windows, k)
		}
	}
}

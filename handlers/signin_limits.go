package handlers

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

// Sign-in attempt limits: failures allowed per window, per account and per client address. Only
// failures count: a sign-in in progress is held back while the failures plus the attempts in
// progress would pass the limit (limitWaitMax at most), and counts nothing once it succeeds. So
// eight people sharing an account, or an office behind one address signing in at nine on Monday,
// all get in, while a guesser gets no more tries by sending them at once.
const (
	limitWindow     = 15 * time.Minute
	limitPerAccount = 5
	limitPerClient  = 30
	limitWaitMax    = 20 * time.Second
)

// Limits on the steps before the password, per client address and window. They count every
// request, not only failures, since these steps cannot fail: what they bound is the work an
// anonymous client may cause (a look-up of the address's domain, and for an SSO start a call to
// the provider and at the callback one used-state record). They are generous, well above what an
// office of several hundred people behind one address does in a quarter of an hour (one e-mail
// step and at most one or two SSO starts each), and still far below what would strain the server.
const (
	limitEmailStepPerClient = 600
	limitSSOStartPerClient  = 300
)

// loginLimiter counts failed sign-ins per key in fixed windows. It is in memory: a restart
// forgets, which is acceptable for a single-binary portal.
type loginLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	windows map[string]*limitWindowState
	changed chan struct{} // closed and replaced whenever an attempt in progress ends
}

type limitWindowState struct {
	start    time.Time
	failures int
	pending  int  // attempts in progress
	refused  bool // an attempt has been refused in this window
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, windows: map[string]*limitWindowState{}, changed: make(chan struct{})}
}

// limit is one key with its allowance of failures per window.
type limit struct {
	key string
	max int
}

// window returns the current window of key, starting a new one if needed. Callers hold mu.
func (l *loginLimiter) window(key string, now time.Time) *limitWindowState {
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= limitWindow {
		if len(l.windows) > 100_000 {
			l.sweep(now)
		}
		w = &limitWindowState{start: now}
		l.windows[key] = w
	}
	return w
}

// reserve starts an attempt against every key, unless one of them has used up its allowance of
// failures, in which case it counts nothing and reports how long until it may try again. While
// the failures plus the attempts in progress of a key reach its allowance, it waits for one of
// them to end (until ctx ends or limitWaitMax passes, then it refuses like a used-up key), so that
// a burst of concurrent attempts cannot all pass the check before the first failure is recorded,
// and a burst of correct ones is not refused. The caller ends a started attempt with fail,
// release or reset. A refusal also reports whether it is the first in the window of a key that
// has used up its allowance, so that the caller can log a lockout once per key and window
// instead of once per refused attempt.
func (l *loginLimiter) reserve(ctx context.Context, limits ...limit) (ok bool, wait time.Duration, firstRefusal bool) {
	var deadline <-chan time.Time
	for {
		l.mu.Lock()
		now := l.now()
		busy := false
		for _, lim := range limits {
			w := l.windows[lim.key]
			if w == nil || now.Sub(w.start) >= limitWindow {
				continue
			}
			switch {
			case w.failures >= lim.max:
				wait = max(wait, limitWindow-now.Sub(w.start))
				firstRefusal = firstRefusal || !w.refused
				w.refused = true
			case w.failures+w.pending >= lim.max:
				busy = true
			}
		}
		if wait > 0 {
			l.mu.Unlock()
			return false, wait, firstRefusal
		}
		if !busy {
			for _, lim := range limits {
				l.window(lim.key, now).pending++
			}
			l.mu.Unlock()
			return true, 0, false
		}
		changed := l.changed
		l.mu.Unlock()
		if deadline == nil {
			t := time.NewTimer(limitWaitMax)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false, time.Minute, false
		case <-deadline:
			return false, time.Minute, false
		}
	}
}

// count counts one request against every key at once, for the limits that count every request
// rather than failures. It reports like reserve, without waiting.
func (l *loginLimiter) count(limits ...limit) (ok bool, wait time.Duration, firstRefusal bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, lim := range limits {
		if w := l.windows[lim.key]; w != nil && now.Sub(w.start) < limitWindow && w.failures >= lim.max {
			wait = max(wait, limitWindow-now.Sub(w.start))
			firstRefusal = firstRefusal || !w.refused
			w.refused = true
		}
	}
	if wait > 0 {
		return false, wait, firstRefusal
	}
	for _, lim := range limits {
		l.window(lim.key, now).failures++
	}
	return true, 0, false
}

// end ends an attempt in progress on each key, counting it as a failure or not. Callers hold mu.
func (l *loginLimiter) end(failed bool, keys ...string) {
	now := l.now()
	for _, key := range keys {
		w := l.windows[key]
		if failed {
			w = l.window(key, now)
			w.failures++
		}
		if w != nil && w.pending > 0 {
			w.pending--
		}
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// fail ends an attempt started by reserve as a failure.
func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.end(true, keys...)
}

// release ends an attempt started by reserve that did not fail.
func (l *loginLimiter) release(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.end(false, keys...)
}

// reset forgets the failures of key, after a successful sign-in; attempts still in progress on
// it stay counted as such.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.windows[key]; w != nil {
		w.failures, w.refused = 0, false
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// sweep drops ended windows so the map cannot grow without bound. Callers hold mu.
func (l *loginLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= limitWindow {
			delete(l.windows, k)
		}
	}
}

// clientBucket names the client for rate limits: its IPv4 address, or the /64 network of an IPv6
// address, since one IPv6 client usually holds a whole /64 and could otherwise pick a new address
// for every attempt.
func clientBucket(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Unmap().Is4() {
		return ip
	}
	prefix, err := addr.Prefix(64)
	if err != nil {
		return ip
	}
	return prefix.String()
}

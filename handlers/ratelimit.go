package handlers

import (
	"net/netip"
	"sync"
	"time"
)

// Sign-in attempt limits: failures allowed per window, per account and per client address.
const (
	limitWindow     = 15 * time.Minute
	limitPerAccount = 5
	limitPerClient  = 30
)

// Limits on the steps before the password, per client address and window. They count every
// request, not only failures, since these steps cannot fail: what they bound is the work an
// anonymous client may cause (a call to the provider, and at the callback one used-state record
// per started sign-in). They are generous, so that an office behind one address still gets in.
const (
	limitEmailStepPerClient = 100
	limitSSOStartPerClient  = 60
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
	refused  bool // an attempt has been refused in this window
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, windows: map[string]*limitWindowState{}}
}

// limit is one key with its allowance of failures per window.
type limit struct {
	key string
	max int
}

// reserve counts an attempt against every key, unless one of them has used up its allowance,
// in which case it counts nothing and reports how long until it may try again. Checking and
// counting happen under one lock, so that a burst of concurrent attempts cannot all pass the
// check before the first failure is recorded. The attempt stays counted as a failure unless the
// caller gives it back with release. A refusal also reports whether it is the first in the
// window of a key that has used up its allowance, so that the caller can log a lockout once per
// key and window instead of once per refused attempt.
func (l *loginLimiter) reserve(limits ...limit) (ok bool, wait time.Duration, firstRefusal bool) {
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
		w := l.windows[lim.key]
		if w == nil || now.Sub(w.start) >= limitWindow {
			if len(l.windows) > 100_000 {
				l.sweep(now)
			}
			w = &limitWindowState{start: now}
			l.windows[lim.key] = w
		}
		w.failures++
	}
	return true, 0, false
}

// release gives back an attempt counted by reserve that did not fail.
func (l *loginLimiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.windows[key]; w != nil && w.failures > 0 {
		w.failures--
	}
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

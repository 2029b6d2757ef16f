package handlers

import (
	"context"
	"testing"
	"time"
)

// TestLimiterReportsTheFirstRefusalOnce: while a key is used up, only its first refusal in the
// window is reported as first, so that the audit log gets one row per key and window; a new
// window, or another key running out, is reported again.
func TestLimiterReportsTheFirstRefusalOnce(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := newLoginLimiter(func() time.Time { return now })
	anna := func(client string) []limit {
		return []limit{{"account:anna", 2}, {"client:" + client, 3}}
	}
	type step struct {
		name      string
		after     time.Duration // the clock moves on this much first
		limits    []limit
		wantOK    bool
		wantFirst bool
	}
	steps := []step{
		{name: "counts the first failure", limits: anna("a"), wantOK: true},
		{name: "counts the second failure", limits: anna("a"), wantOK: true},
		{name: "reports the first refusal", limits: anna("a"), wantFirst: true},
		{name: "does not report the next refusal", limits: anna("a")},
		{name: "does not report a refusal from another client", limits: anna("b")},
		{name: "counts another account from the client", limits: []limit{{"account:bo", 2}, {"client:a", 3}}, wantOK: true},
		{name: "reports the client's own first refusal", limits: []limit{{"account:cai", 2}, {"client:a", 3}}, wantFirst: true},
		{name: "does not report it twice", limits: []limit{{"account:dan", 2}, {"client:a", 3}}},
		{name: "lets the account try again in a new window", after: limitWindow, limits: anna("c"), wantOK: true},
		{name: "counts its failure", limits: anna("c"), wantOK: true},
		{name: "reports the first refusal of the new window", limits: anna("c"), wantFirst: true},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		ok, _, first := l.count(s.limits...)
		if ok != s.wantOK || first != s.wantFirst {
			t.Errorf("%s: got ok %t, first %t; want %t, %t", s.name, ok, first, s.wantOK, s.wantFirst)
		}
	}
}

func TestClientBucket(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"::ffff:192.0.2.7":     "::ffff:192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"not an address":       "not an address",
	} {
		if got := clientBucket(ip); got != want {
			t.Errorf("clientBucket(%q) = %q, want %q", ip, got, want)
		}
	}
}

// TestLimiterHoldsAttemptsInProgress: attempts in progress are not failures. Past the allowance
// an attempt waits for one in progress to end: it goes on when that one succeeds, and is refused
// when the ones in progress all fail, so a burst of guesses gets no more tries than one by one.
func TestLimiterHoldsAttemptsInProgress(t *testing.T) {
	l := newLoginLimiter(time.Now)
	anna := limit{"account:anna", 2}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if ok, _, _ := l.reserve(ctx, anna); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	third := make(chan bool)
	go func() {
		ok, _, _ := l.reserve(ctx, anna)
		third <- ok
	}()
	select {
	case ok := <-third:
		t.Fatalf("third attempt did not wait for the two in progress (ok %t)", ok)
	case <-time.After(50 * time.Millisecond):
	}
	l.release(anna.key)
	if ok := <-third; !ok {
		t.Fatal("third attempt refused after one in progress succeeded")
	}
	go func() {
		ok, _, _ := l.reserve(ctx, anna)
		third <- ok
	}()
	time.Sleep(20 * time.Millisecond)
	l.fail(anna.key)
	l.fail(anna.key)
	if ok := <-third; ok {
		t.Fatal("an attempt went on after two failures used up the allowance")
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	b := limit{"account:bo", 1}
	l.reserve(ctx, b)
	if ok, _, _ := l.reserve(short, b); ok {
		t.Fatal("an attempt went on past its allowance without waiting")
	}
}

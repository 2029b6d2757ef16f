package handlers

import (
	"net/url"
	"runtime"
	"testing"

	"portvakt/store/storetest"
)

// TestNewAllocatesLittle: building the server at production cost allocates little. It once
// hashed a password there to get the hash that unknown accounts are checked against, which
// left 19 MiB of argon2 memory in the idle process (its RSS) and cost every start a hash.
//
// Not parallel: it reads the process's allocation counter.
func TestNewAllocatesLittle(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1")
	st := storetest.Open(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, s, err := New(Config{BaseURL: base, Keys: NewRandomKeys()}, st)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("New allocated %.1f MiB, want less than 4 MiB", float64(got)/(1<<20))
	}
	if ok, err := s.hasher.Verify(s.dummyPwd, "portvakt-timing-equaliser"); ok || err != nil {
		t.Errorf("the hash unknown accounts are checked against: matched %t, %v; want no match and no error", ok, err)
	}
}

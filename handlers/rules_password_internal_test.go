package handlers

import (
	"net/url"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"

	"portvakt/store/storetest"
)

// TestPasswordRules pins SECURITY.md's "length 8..128; reject the most common passwords" at
// its edges, counting characters, not bytes.
func TestPasswordRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, password, want string
	}{
		{"refuses seven characters", "abcdefg", "password.err.short"},
		{"accepts eight characters", "kvh3#pla", ""},
		{"accepts 128 characters", strings.Repeat("å", 128), ""},
		{"refuses 129 characters", strings.Repeat("å", 129), "password.err.long"},
		{"refuses a common password in any case", "PassWord123", "password.err.common"},
		{"refuses a common Swedish password", "Lösenord1", "password.err.common"},
		{"refuses the e-mail as password", "Anna@Example.se", "password.err.email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PasswordProblem(tc.password, "anna@example.se"); got != tc.want {
				t.Errorf("PasswordProblem = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPasswordHashingIsBounded: a hash waits while every slot is busy, so that a burst of
// sign-ins cannot take more than slots x 19 MiB; the server uses one slot per CPU. synctest.Wait
// returns once the hash is blocked for good, or has finished; no timer decides it, so a slow
// machine cannot let it pass.
func TestPasswordHashingIsBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := NewPasswordHasher(2)
		h.cost = CheapPasswordHasherForTests().cost
		h.slots <- struct{}{}
		h.slots <- struct{}{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := h.Hash("a long enough password"); err != nil {
				t.Error(err)
			}
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("a hash ran while every slot was taken")
		default:
		}
		<-h.slots
		<-done
	})
	if got := cap(NewPasswordHasher(0).slots); got != runtime.NumCPU() {
		t.Errorf("default slots %d, want one per CPU (%d)", got, runtime.NumCPU())
	}
}

// TestServerHashesAtProductionCost: a server built without Config.PasswordHasher hashes at the
// production cost, and a hash made at the tests' cheap cost still verifies on it (the cost is
// read from each hash).
func TestServerHashesAtProductionCost(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("http://127.0.0.1")
	_, s, err := New(Config{BaseURL: base, Keys: NewRandomKeys()}, storetest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.hasher.cost != productionCost || !strings.HasPrefix(s.dummyPwd, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("server hasher cost %+v, dummy hash %q: want the production cost", s.hasher.cost, s.dummyPwd)
	}
	cheap, err := CheapPasswordHasherForTests().Hash("a long and good password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.hasher.Verify(cheap, "a long and good password"); !ok || err != nil {
		t.Errorf("a cheap hash does not verify on a production hasher: %t, %v", ok, err)
	}
}

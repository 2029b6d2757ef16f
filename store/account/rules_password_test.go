package account

import (
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// TestPasswordRules pins SECURITY.md's "length 8..128; reject the most common passwords" at
// its edges, counting characters, not bytes.
func TestPasswordRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, password string
		want           PasswordProblem
	}{
		{"refuses seven characters", "abcdefg", PasswordShort},
		{"accepts eight characters", "kvh3#pla", ""},
		{"accepts 128 characters", strings.Repeat("å", 128), ""},
		{"refuses 129 characters", strings.Repeat("å", 129), PasswordLong},
		{"refuses a common password in any case", "PassWord123", PasswordCommon},
		{"refuses a common Swedish password", "Lösenord1", PasswordCommon},
		{"refuses the e-mail as password", "Anna@Example.se", PasswordEmail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPassword(tc.password, "anna@example.se"); got != tc.want {
				t.Errorf("CheckPassword = %q, want %q", got, tc.want)
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

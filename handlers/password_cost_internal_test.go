package handlers

import (
	"net/url"
	"strings"
	"testing"

	"portvakt/store/account"
	"portvakt/store/storetest"
)

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
	if !strings.HasPrefix(s.dummyPwd, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("dummy hash %q: want the production cost", s.dummyPwd)
	}
	cheap, err := account.CheapPasswordHasherForTests().Hash("a long and good password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.hasher.Verify(cheap, "a long and good password"); !ok || err != nil {
		t.Errorf("a cheap hash does not verify on a production hasher: %t, %v", ok, err)
	}
}

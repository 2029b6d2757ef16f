package handlers

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/url"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"portvakt/handlers/oidcop"
	"portvakt/store/storetest"
)

// TestServerMakesItsOwnSigningKey: a server built without Config.SigningKeyMaker makes a fresh
// 2048-bit RSA key of its own, so two installations never share one; the tests' maker still
// gives every key a kid of its own.
func TestServerMakesItsOwnSigningKey(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("http://127.0.0.1")
	published := func(maker oidcop.KeyMaker) (kid string, key *rsa.PublicKey) {
		t.Helper()
		st := storetest.Open(t)
		if _, _, err := New(Config{BaseURL: base, Keys: NewRandomKeys(), SigningKeyMaker: maker}, st); err != nil {
			t.Fatal(err)
		}
		keys, err := st.PublishedSigningKeys(context.Background())
		if err != nil || len(keys) != 1 {
			t.Fatalf("published keys: %d, %v; want one", len(keys), err)
		}
		var jwk jose.JSONWebKey
		if err := json.Unmarshal([]byte(keys[0].PublicJWK), &jwk); err != nil {
			t.Fatal(err)
		}
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok {
			t.Fatalf("published key is %T, want RSA", jwk.Key)
		}
		return keys[0].KID, pub
	}
	kid1, k1 := published(nil)
	kid2, k2 := published(nil)
	if k1.N.BitLen() != 2048 || k2.N.BitLen() != 2048 {
		t.Errorf("key sizes %d and %d bits, want 2048", k1.N.BitLen(), k2.N.BitLen())
	}
	if k1.Equal(k2) || kid1 == kid2 {
		t.Error("two installations made the same signing key")
	}
	reused := oidcop.ReusedKeysForTests()
	seen := map[string]bool{}
	for range 6 {
		kid, _ := published(reused)
		if seen[kid] {
			t.Errorf("kid %s given twice", kid)
		}
		seen[kid] = true
	}
}

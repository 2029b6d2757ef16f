package oidcop

import (
	"bytes"
	"crypto/x509"
	"testing"
)

// TestSigningKeyIsSealed: what the database keeps of a signing key holds its private part only
// sealed (AES-GCM) under the key file's secrets key, which alone opens it (SECURITY.md).
func TestSigningKeyIsSealed(t *testing.T) {
	t.Parallel()
	sealKey := [32]byte{1, 2, 3}
	k, err := ReusedKeysForTests()(sealKey)
	if err != nil {
		t.Fatal(err)
	}
	ring := keyRing{sealKey: sealKey}
	priv, err := ring.private(k)
	if err != nil {
		t.Fatalf("the key file's key does not open the signing key: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(k.SealedPrivate, der[len(der)-64:]) {
		t.Error("the stored signing key holds its private part in the clear")
	}
	other := keyRing{sealKey: [32]byte{9}}
	if _, err := other.private(k); err == nil {
		t.Error("another key opens the signing key")
	}
}

package handlers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFile: the keys are made once, in a file only the owner can read, and read back
// unchanged; a file others can read, or of the wrong size, is refused.
func TestKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "portvakt.key")
	first, err := LoadOrCreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("new key file mode %v, want 0600", st.Mode().Perm())
	}
	if first == (Keys{}) || first.SessionAuth == [64]byte{} || first.SessionEnc == [32]byte{} || first.Secrets == [32]byte{} {
		t.Error("a key is all zeros")
	}
	again, err := LoadOrCreateKeys(path)
	if err != nil || again != first {
		t.Fatalf("second load: %v, same keys %t", err, again == first)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKeys(path); err == nil || !strings.Contains(err.Error(), "readable by others") {
			t.Errorf("mode %v: %v, want refused", mode, err)
		}
	}
	short := filepath.Join(t.TempDir(), "short.key")
	if err := os.WriteFile(short, make([]byte, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKeys(short); err == nil {
		t.Error("a key file of the wrong size was accepted")
	}
}

// TestSealedSecrets: a sealed secret does not contain the plain text, differs each time (random
// nonce), opens only with the same key, and fails on any change.
func TestSealedSecrets(t *testing.T) {
	t.Parallel()
	s := &Server{cfg: Config{Keys: NewRandomKeys()}}
	plain := "client-secret-value"
	a, err := s.sealSecret(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.sealSecret(plain)
	if strings.Contains(string(a), plain) || string(a) == string(b) {
		t.Errorf("sealed %q twice as %x and %x", plain, a, b)
	}
	if got, err := s.openSecret(a); err != nil || got != plain {
		t.Errorf("open = %q, %v", got, err)
	}
	a[len(a)-1] ^= 1
	if _, err := s.openSecret(a); err == nil {
		t.Error("a changed secret opened")
	}
	other := &Server{cfg: Config{Keys: NewRandomKeys()}}
	if _, err := other.openSecret(b); err == nil {
		t.Error("a secret opened with another key file")
	}
}

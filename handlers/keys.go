package handlers

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Keys are portvakt's secrets: the session cookie's authentication and encryption keys, and the
// key that encrypts stored secrets such as IdP client secrets.
type Keys struct {
	SessionAuth [64]byte
	SessionEnc  [32]byte
	Secrets     [32]byte
}

const keyFileSize = 64 + 32 + 32

// NewRandomKeys returns fresh random keys.
func NewRandomKeys() Keys {
	var k Keys
	_, _ = rand.Read(k.SessionAuth[:])
	_, _ = rand.Read(k.SessionEnc[:])
	_, _ = rand.Read(k.Secrets[:])
	return k
}

// LoadOrCreateKeys reads the key file, creating it with mode 0600 when it does not exist. A key
// file readable by others is refused.
func LoadOrCreateKeys(path string) (Keys, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k := NewRandomKeys()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return Keys{}, fmt.Errorf("keys: create %s: %w", path, err)
		}
		buf := append(append(append([]byte{}, k.SessionAuth[:]...), k.SessionEnc[:]...), k.Secrets[:]...)
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return Keys{}, fmt.Errorf("keys: write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return Keys{}, fmt.Errorf("keys: write %s: %w", path, err)
		}
		return k, nil
	}
	if err != nil {
		return Keys{}, fmt.Errorf("keys: read %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return Keys{}, fmt.Errorf("keys: stat %s: %w", path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return Keys{}, fmt.Errorf("keys: %s is readable by others (mode %v); run chmod 600 on it", path, st.Mode().Perm())
	}
	if len(b) != keyFileSize {
		return Keys{}, fmt.Errorf("keys: %s has %d bytes, want %d", path, len(b), keyFileSize)
	}
	var k Keys
	copy(k.SessionAuth[:], b[:64])
	copy(k.SessionEnc[:], b[64:96])
	copy(k.Secrets[:], b[96:])
	return k, nil
}

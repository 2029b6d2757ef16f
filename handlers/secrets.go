package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// secretAAD binds a sealed value to its use, so that a sealed client secret cannot be passed
// off as another kind of secret.
const secretAAD = "portvakt idp client secret v1"

// sealSecret encrypts a client secret with the key file's secrets key (AES-256-GCM, random
// nonce first).
func (s *Server) sealSecret(plain string) ([]byte, error) {
	aead, err := s.secretsAEAD()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(plain), []byte(secretAAD)), nil
}

// openSecret decrypts a value made by sealSecret.
func (s *Server) openSecret(sealed []byte) (string, error) {
	aead, err := s.secretsAEAD()
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("handlers: open secret: too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(secretAAD))
	if err != nil {
		return "", fmt.Errorf("handlers: open secret (was the key file replaced?): %w", err)
	}
	return string(plain), nil
}

func (s *Server) secretsAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.cfg.Keys.Secrets[:])
	if err != nil {
		return nil, fmt.Errorf("handlers: secrets key: %w", err)
	}
	return cipher.NewGCM(block)
}

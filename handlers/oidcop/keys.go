package oidcop

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	jose "github.com/go-jose/go-jose/v4"

	"portvakt/store"
)

// signingAlg is the algorithm of every signing key: RS256 is what every OpenID client verifies.
const signingAlg = jose.RS256

// sealLabel binds sealed signing keys to their use, so that a sealed key cannot be passed off as
// another sealed secret under the same key.
var sealLabel = []byte("portvakt op signing key")

// KeyMaker makes a signing key sealed under sealKey; NewSigningKey is the one portvakt uses.
type KeyMaker func(sealKey [32]byte) (store.SigningKey, error)

// NewSigningKey makes a fresh RSA key, returned with its private part sealed under sealKey (the
// key file's secrets key) and its public part as a JSON Web Key.
func NewSigningKey(sealKey [32]byte) (store.SigningKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return store.SigningKey{}, fmt.Errorf("oidcop: generate signing key: %w", err)
	}
	return sealSigningKey(sealKey, priv)
}

// reusedKeys are the RSA keys ReusedKeysForTests hands out, made once per process.
var reusedKeys struct {
	once sync.Once
	keys [4]*rsa.PrivateKey
	next atomic.Uint32
	err  error
}

// ReusedKeysForTests returns a KeyMaker for tests that start hundreds of portvakts in one
// process: each key it makes has a kid of its own, but its RSA material is one of four made
// once, since making a 2048-bit RSA key costs a tenth of a second or more and was half of the
// handler tests' time. Never for a real installation, whose keys must be its own.
func ReusedKeysForTests() KeyMaker {
	return func(sealKey [32]byte) (store.SigningKey, error) {
		reusedKeys.once.Do(func() {
			for i := range reusedKeys.keys {
				if reusedKeys.keys[i], reusedKeys.err = rsa.GenerateKey(rand.Reader, 2048); reusedKeys.err != nil {
					return
				}
			}
		})
		if reusedKeys.err != nil {
			return store.SigningKey{}, fmt.Errorf("oidcop: generate signing key: %w", reusedKeys.err)
		}
		priv := reusedKeys.keys[reusedKeys.next.Add(1)%uint32(len(reusedKeys.keys))]
		return sealSigningKey(sealKey, priv)
	}
}

// sealSigningKey seals priv under sealKey and publishes it with a new kid.
func sealSigningKey(sealKey [32]byte, priv *rsa.PrivateKey) (store.SigningKey, error) {
	kidBytes := make([]byte, 12)
	_, _ = rand.Read(kidBytes)
	kid := fmt.Sprintf("%x", kidBytes)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return store.SigningKey{}, fmt.Errorf("oidcop: encode signing key: %w", err)
	}
	sealed, err := seal(sealKey, der)
	if err != nil {
		return store.SigningKey{}, err
	}
	pub, err := json.Marshal(jose.JSONWebKey{Key: &priv.PublicKey, KeyID: kid, Algorithm: string(signingAlg), Use: "sig"})
	if err != nil {
		return store.SigningKey{}, fmt.Errorf("oidcop: encode public key: %w", err)
	}
	return store.SigningKey{KID: kid, Alg: string(signingAlg), SealedPrivate: sealed, PublicJWK: string(pub)}, nil
}

func aead(key [32]byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func seal(key [32]byte, plain []byte) ([]byte, error) {
	g, err := aead(key)
	if err != nil {
		return nil, fmt.Errorf("oidcop: seal signing key: %w", err)
	}
	nonce := make([]byte, g.NonceSize())
	_, _ = rand.Read(nonce)
	return g.Seal(nonce, nonce, plain, sealLabel), nil
}

func open(key [32]byte, sealed []byte) ([]byte, error) {
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize() {
		return nil, errors.New("oidcop: sealed signing key too short")
	}
	plain, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], sealLabel)
	if err != nil {
		return nil, errors.New("oidcop: signing key cannot be opened with this key file")
	}
	return plain, nil
}

// keyRing opens sealed signing keys once and keeps them.
type keyRing struct {
	sealKey [32]byte
	mu      sync.Mutex
	opened  map[string]*rsa.PrivateKey
}

func (r *keyRing) private(k store.SigningKey) (*rsa.PrivateKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.opened[k.KID]; ok {
		return p, nil
	}
	der, err := open(r.sealKey, k.SealedPrivate)
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("oidcop: parse signing key %s: %w", k.KID, err)
	}
	p, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("oidcop: signing key %s is not an RSA key", k.KID)
	}
	if r.opened == nil {
		r.opened = map[string]*rsa.PrivateKey{}
	}
	r.opened[k.KID] = p
	return p, nil
}

// signingKey is a key that signs, as the protocol layer wants it.
type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return signingAlg }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.kid }

// publicKey is a published key, as the protocol layer wants it.
type publicKey struct{ jwk jose.JSONWebKey }

func (k publicKey) ID() string { return k.jwk.KeyID }
func (k publicKey) Algorithm() jose.SignatureAlgorithm {
	return jose.SignatureAlgorithm(k.jwk.Algorithm)
}
func (k publicKey) Use() string { return "sig" }
func (k publicKey) Key() any    { return k.jwk.Key }

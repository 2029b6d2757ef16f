package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SigningKeyPublishAhead is how long a new signing key is published before it signs: clients
// cache the key set for hours, and must have seen a key before a token signed with it arrives.
const SigningKeyPublishAhead = 24 * time.Hour

// SigningKeyRetireAfter is how long a replaced key stays published after its successor began
// signing: the longest a token signed with it can live, and then some.
const SigningKeyRetireAfter = MaxAccessTTL + 10*time.Minute

// SigningKey is a key that signs the tokens portvakt issues. The private key is sealed: only the
// holder of the key file can open it.
type SigningKey struct {
	KID           string
	Alg           string
	SealedPrivate []byte
	PublicJWK     string // the public key as a JSON Web Key
	CreatedAt     time.Time
	SignsFrom     time.Time
	RetireAt      time.Time // zero: not replaced
}

// PublishedSigningKeys returns the keys to publish at now: every key not yet retired, newest
// first.
func (s *Store) PublishedSigningKeys(ctx context.Context) ([]SigningKey, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT kid, alg, sealed_private, public_jwk, created_at, signs_from, retire_at
		FROM op_signing_keys WHERE retire_at IS NULL OR retire_at > ? ORDER BY signs_from DESC, created_at DESC`, s.now())
	if err != nil {
		return nil, fmt.Errorf("store: signing keys: %w", err)
	}
	defer rows.Close()
	var out []SigningKey
	for rows.Next() {
		var k SigningKey
		var created, from int64
		var retire sql.NullInt64
		if err := rows.Scan(&k.KID, &k.Alg, &k.SealedPrivate, &k.PublicJWK, &created, &from, &retire); err != nil {
			return nil, fmt.Errorf("store: signing keys: %w", err)
		}
		k.CreatedAt, k.SignsFrom, k.RetireAt = time.Unix(created, 0), time.Unix(from, 0), unixTime(retire)
		out = append(out, k)
	}
	return out, rows.Err()
}

// CurrentSigningKey picks the key that signs at now from the published keys: the newest whose
// time to sign has come.
func CurrentSigningKey(keys []SigningKey, now time.Time) (SigningKey, bool) {
	for _, k := range keys {
		if !k.SignsFrom.After(now) {
			return k, true
		}
	}
	return SigningKey{}, false
}

// AddFirstSigningKey stores k, signing at once, when no key signs now (a fresh installation);
// otherwise it does nothing and reports false. A fresh installation has no clients that cached a key set;
// the key comes with the installation, so it is not an event of the audit log.
func (s *Store) AddFirstSigningKey(ctx context.Context, k SigningKey) (bool, error) {
	added := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM op_signing_keys WHERE signs_from <= ?
			AND (retire_at IS NULL OR retire_at > ?)`, now, now).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := insertSigningKey(ctx, tx, k, now, now); err != nil {
			return err
		}
		added = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: add first signing key: %w", err)
	}
	return added, nil
}

// RotateSigningKey adds k, published now and signing after publishAhead, and retires every key
// it replaces SigningKeyRetireAfter after that. It returns when k begins to sign.
func (s *Store) RotateSigningKey(ctx context.Context, a Actor, k SigningKey, publishAhead time.Duration) (time.Time, error) {
	now := s.now()
	from := now + int64(publishAhead/time.Second)
	retire := from + int64(SigningKeyRetireAfter/time.Second)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE op_signing_keys SET retire_at = ? WHERE retire_at IS NULL OR retire_at > ?", retire, retire); err != nil {
			return err
		}
		if err := insertSigningKey(ctx, tx, k, now, from); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionSigningKeyAdd, Target: k.KID,
			After: "signs_from=" + time.Unix(from, 0).UTC().Format(time.RFC3339) + " previous_retire_at=" + time.Unix(retire, 0).UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: rotate signing key: %w", err)
	}
	return time.Unix(from, 0), nil
}

func insertSigningKey(ctx context.Context, tx *sql.Tx, k SigningKey, created, from int64) error {
	if k.KID == "" || len(k.SealedPrivate) == 0 || k.PublicJWK == "" {
		return errors.New("signing key is incomplete")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO op_signing_keys (kid, alg, sealed_private, public_jwk, created_at, signs_from)
		VALUES (?, ?, ?, ?, ?, ?)`, k.KID, k.Alg, k.SealedPrivate, k.PublicJWK, created, from)
	return err
}

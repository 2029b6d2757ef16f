package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// setting reads one instance-wide setting.
func (s *Store) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: setting %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %q: %w", key, err)
	}
	return v, nil
}

// PasswordLoginEnabled reports whether the built-in password provider is switched on.
func (s *Store) PasswordLoginEnabled(ctx context.Context) (bool, error) {
	v, err := s.setting(ctx, "password_login")
	if err != nil {
		return false, err
	}
	return v == "on", nil
}

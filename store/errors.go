package store

import "errors"

// Sentinel errors. Handlers map them to HTTP statuses in one place (handlers/errors.go).
var (
	// ErrNotFound means the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change clashes with existing data, e.g. a duplicate e-mail.
	ErrConflict = errors.New("conflict")
	// ErrLastAdmin means the change would leave the organisation without an administrator.
	ErrLastAdmin = errors.New("last administrator")
	// ErrExpired means a token or link is past its lifetime or already used.
	ErrExpired = errors.New("expired or used")
	// ErrUnknownMigration means the database was migrated by a newer portvakt.
	ErrUnknownMigration = errors.New("unknown migration")
)

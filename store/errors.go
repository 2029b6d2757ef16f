package store

import (
	"errors"
	"fmt"
)

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
	// ErrMigrationChanged means a migration file differs from the one applied to the database.
	ErrMigrationChanged = errors.New("migration changed after it was applied")

	// ErrEmailNotNormalised means an e-mail address came to the store in another form than
	// account.NormaliseEmail gives: callers normalise, and the store keeps one form so that one
	// address can never be two people.
	ErrEmailNotNormalised = errors.New("e-mail address not normalised")

	// ErrLinked means the change needs the user's SSO link removed first: the e-mail of a linked user
	// cannot change.
	ErrLinked = errors.New("user has an SSO link")

	// ErrDomainServed means a chosen domain is already served by another enabled provider.
	ErrDomainServed = fmt.Errorf("domain served by another provider: %w", ErrConflict)

	// ErrPasswordLoginOff means a password session cannot start because password sign-in is off.
	ErrPasswordLoginOff = errors.New("password sign-in is off")

	// ErrPasswordAlreadyOff means password sign-in was off already.
	ErrPasswordAlreadyOff = fmt.Errorf("password sign-in is already off: %w", ErrConflict)

	// ErrDraftRequired means a change of a tested provider's sign-in settings must go through a
	// draft (SaveIdPDraft) instead of UpdateIdP.
	ErrDraftRequired = fmt.Errorf("the provider is tested: stage the change as a draft: %w", ErrConflict)

	// ErrDraftChanged means the draft was saved again, discarded or applied since the test began, or
	// the test was made by someone other than the draft's author.
	ErrDraftChanged = fmt.Errorf("the draft changed or belongs to someone else: %w", ErrConflict)

	// ErrNoGrant means the person finishing a test sign-in no longer holds the Authentication
	// Settings grant: it was revoked while the test ran. Nothing is recorded.
	ErrNoGrant = errors.New("the person testing no longer holds the Authentication Settings grant")

	// ErrNeededWhilePasswordOff means the change would stop a provider from serving a domain while
	// password sign-in is off, which could leave its people with no way in.
	ErrNeededWhilePasswordOff = fmt.Errorf("provider needed while password sign-in is off: %w", ErrConflict)

	// ErrSecretRequired means the issuer or client ID changes and no new client secret came with
	// it: a sealed secret belongs to the issuer and client ID it was given for.
	ErrSecretRequired = errors.New("store: a new issuer or client ID needs its own client secret")

	// ErrLastWayIn means the change would leave nobody with Authentication Settings access who
	// can sign in while password sign-in is off: nobody could switch it back on from the pages.
	ErrLastWayIn = errors.New("would leave nobody with Authentication Settings access who can sign in")

	// ErrLocksOutPrivileged means the change would leave an administrator or Authentication
	// Settings user without a way to sign in while password sign-in is off.
	ErrLocksOutPrivileged = errors.New("would leave an administrator or Authentication Settings user without a way to sign in")

	// ErrInvalidSettings means settings were given to the store with problems their Problems
	// method reports: callers check and show those first.
	ErrInvalidSettings = errors.New("settings have problems")

	// ErrWrongSecret means a client ID and secret do not belong together (or the app is unknown
	// or disabled: the answer does not tell which).
	ErrWrongSecret = errors.New("wrong client ID or secret")

	// ErrTokenInvalid means an OpenID provider token or code is unknown, used, expired or revoked.
	ErrTokenInvalid = errors.New("token unknown, used, expired or revoked")

	// ErrTokenReused means a refresh token or code was presented again after it was used: what it
	// issued has been revoked.
	ErrTokenReused = fmt.Errorf("token used again: %w", ErrTokenInvalid)

	// ErrNotAllowedOnApp means the person may not use the application (not listed, deactivated,
	// or the app is disabled).
	ErrNotAllowedOnApp = errors.New("not allowed on the application")
)

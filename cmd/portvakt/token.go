package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"portvakt/handlers"
	"portvakt/store"
)

// tokenCommand is `portvakt token create`, for automated installs that set up provisioning
// or a SIEM without a browser.
func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, args, err := subcommand("token", args)
	if err != nil {
		return err
	}
	return tokenCreate(ctx, args, getenv, stdout, stderr)
}

// tokenCreate prints the new token alone on standard output, so that a script can capture it,
// and what it made on standard error.
func tokenCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var name, purpose, expires string
	var never, vouches bool
	f := newFlags("token create", getenv, stderr)
	f.common(&c)
	f.StringVar(&name, "name", "", "what the token is for, e.g. \"Entra ID provisioning\" (required)")
	f.StringVar(&purpose, "purpose", "", "scim (provisioning from an identity provider) or audit (reading the audit log) (required)")
	f.StringVar(&expires, "expires", "365d", "lifetime in days, at most 730d, or never (with --confirm-never)")
	f.BoolVar(&never, "confirm-never", false, "confirm a token that never expires")
	f.BoolVar(&vouches, "idp-vouches", false, "scim: the identity provider vouches for addresses, so provisioned addresses on verified domains count as verified")
	if err := f.parse(args, 0); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > maxTokenNameRunes {
		return fmt.Errorf("--name is required (at most %d characters)", maxTokenNameRunes)
	}
	if !store.ValidPurpose(purpose) {
		return errors.New("--purpose must be scim or audit")
	}
	if vouches && purpose != store.PurposeSCIM {
		return errors.New("--idp-vouches is for scim tokens only")
	}
	life, isNever, err := handlers.ParseTokenLifetime(expires)
	if err != nil {
		return fmt.Errorf("--expires: %w", err)
	}
	if isNever && !never {
		return errors.New("--expires never makes a token that works until it is revoked; add --confirm-never if that is what you want")
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	nt := store.NewAPIToken{Name: name, Purpose: purpose, IdPVouches: vouches}
	if !isNever {
		nt.ExpiresAt = st.Now().Add(life)
	}
	t, secret, err := st.CreateAPIToken(ctx, store.HostActor("portvakt token create"), nt)
	if err != nil {
		return err
	}
	expiry := "never"
	if !t.ExpiresAt.IsZero() {
		expiry = t.ExpiresAt.Format(time.DateOnly)
	}
	fmt.Fprintf(stderr, "Created API token %d %q for %s, expires %s. It is shown once; keep it in a secret store.\n", t.ID, t.Name, t.Purpose, expiry)
	fmt.Fprintln(stdout, secret)
	return nil
}

// maxTokenNameRunes bounds a token's name, as the web form does.
const maxTokenNameRunes = handlers.MaxTokenName

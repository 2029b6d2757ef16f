package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/oidcop"
	"portvakt/store"
)

// keysCommand is `portvakt keys rotate`: a new key to sign the tokens portvakt issues to apps.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, args, err := subcommand("keys", args)
	if err != nil {
		return err
	}
	return keysRotate(ctx, args, getenv, stdout, stderr)
}

// keysRotate adds a signing key that is published at once and signs after --publish-for, so
// that apps, which cache portvakt's key set for hours, have it before the first token signed
// with it arrives. The key it replaces stays published until the tokens it signed have expired.
func keysRotate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var ahead time.Duration
	f := newFlags("keys rotate", getenv, stderr)
	f.common(&c)
	f.DurationVar(&ahead, "publish-for", store.SigningKeyPublishAhead, "how long the new key is published before it signs (at least 1h unless --now)")
	now := f.Bool("now", false, "sign with the new key at once: for a key that leaked, accepting that apps with a cached key set fail until they fetch it again")
	if err := f.parse(args, 0); err != nil {
		return err
	}
	if *now {
		ahead = 0
	} else if ahead < time.Hour {
		return errors.New("--publish-for must be at least 1h: apps cache the key set; use --now for a key that leaked")
	}
	if _, err := os.Stat(c.keyPath()); err != nil {
		return fmt.Errorf("no key file at %s: run this on the folder portvakt serves from (--data)", c.keyPath())
	}
	keys, err := handlers.LoadOrCreateKeys(c.keyPath())
	if err != nil {
		return err
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := oidcop.NewSigningKey(keys.Secrets)
	if err != nil {
		return err
	}
	from, err := st.RotateSigningKey(ctx, store.HostActor("portvakt keys rotate"), k, ahead)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added signing key %s: published now, signs from %s; the keys it replaces stay published until %s.\n",
		k.KID, from.UTC().Format(time.RFC3339), from.Add(store.SigningKeyRetireAfter).UTC().Format(time.RFC3339))
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"

	"portvakt/store"
)

// recoverCommand is the break-glass on the host: `portvakt recover password-login` switches
// password sign-in back on. It works while the server runs (the server reads the setting on every
// sign-in), and it is audit-logged. It also ends a confirmation window still running after a
// switch-off (DESIGN.md, flow 14).
func recoverCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, args, err := subcommand("recover", args) // password-login is the only one
	if err != nil {
		return err
	}
	var c common
	f := newFlags("recover password-login", getenv, stderr)
	f.common(&c)
	if err := f.parse(args, 0); err != nil {
		return err
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	was, err := st.EnablePasswordLogin(ctx, store.HostActor("portvakt recover password-login"))
	if err != nil {
		return err
	}
	if was {
		fmt.Fprintf(stdout, "Password sign-in was already ON in %s. Nothing changed; the check is in the audit log.\n"+
			"If the portal still refuses passwords, it uses another database: run this again with its --data or PORTVAKT_DATA.\n", c.dbPathAbs())
		return nil
	}
	fmt.Fprintf(stdout, "Password sign-in was OFF and is now ON in %s.\n"+
		"People with a password can sign in with it again at once. The change is in the audit log.\n", c.dbPathAbs())
	return nil
}

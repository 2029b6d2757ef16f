package main

import (
	"context"
	"fmt"
	"io"
)

// migrateCommand creates or upgrades the database and lists the applied migrations.
func migrateCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("migrate", getenv, stderr)
	f.common(&c)
	if err := f.parse(args, 0); err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	names, err := st.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Database %s is up to date (%d migrations):\n", c.dbPathAbs(), len(names))
	for _, n := range names {
		fmt.Fprintln(stdout, "  "+n)
	}
	return nil
}

// backupCommand writes a consistent copy of the live database, safe while the server runs.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("backup", getenv, stderr)
	f.common(&c)
	if err := f.parse(args, 1); err != nil {
		return err
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, f.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote a copy of %s to %s\n", c.dbPathAbs(), f.Arg(0))
	return nil
}

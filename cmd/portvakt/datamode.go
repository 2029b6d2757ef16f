package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// tightenDataFiles takes every permission of group and others away from the data folder and the
// database files (the database, and SQLite's -wal and -shm files beside it), logging a warning
// for each one that had any. portvakt made them and is their only reader; a looser mode comes
// from a umask or a folder made by hand, and lets other local users read password hashes,
// sessions and the audit log. They are tightened rather than refused, so that a host command,
// the break-glass `recover password-login` above all, still works when it is needed.
func tightenDataFiles(data, db string, log *slog.Logger) error {
	for _, path := range []string{data, db, db + "-wal", db + "-shm"} {
		if err := tighten(path, log); err != nil {
			return err
		}
	}
	return nil
}

// tighten removes the group and other permissions of path, if it exists and has any.
func tighten(path string, log *slog.Logger) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check permissions of %s: %w", path, err)
	}
	was := st.Mode().Perm()
	if was&0o077 == 0 {
		return nil
	}
	now := was &^ 0o077
	if err := os.Chmod(path, now); err != nil {
		return fmt.Errorf("%s is open to other users (mode %v) and could not be tightened; run chmod %o %s: %w", path, was, now, path, err)
	}
	log.Warn("data file was open to other users; group and other permissions removed",
		"path", path, "was", fmt.Sprintf("%#o", was), "now", fmt.Sprintf("%#o", now))
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"portvakt/store"
)

// flags wraps a FlagSet whose defaults come from PORTVAKT_* environment variables, so that the
// precedence is: flag, then environment, then built-in default. A command adds its flags with
// str, boolean and duration (or the FlagSet's own methods), then calls parse.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
	stderr io.Writer // where a command warns while it runs
}

// newFlags makes the flags of the command name, as listed in commands.
func newFlags(name string, getenv func(string) string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports problems and help itself
	return &flags{FlagSet: fs, getenv: getenv, stderr: stderr}
}

// parse reads args, which must leave exactly nargs arguments after the flags. -h and --help give
// a *helpRequest, anything it does not understand a *usageError, both with the command's usage.
func (f *flags) parse(args []string, nargs int) error {
	err := f.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return &helpRequest{f.usage()}
	case err != nil:
		return &usageError{err, f.usage()}
	case f.NArg() != nargs && nargs == 0:
		return &usageError{fmt.Errorf("%s takes no arguments, not %q", f.Name(), f.Arg(0)), f.usage()}
	case f.NArg() != nargs:
		return &usageError{fmt.Errorf("%s needs exactly %d argument(s) after its flags, not %d", f.Name(), nargs, f.NArg()), f.usage()}
	}
	return nil
}

// usage is the command's help: its synopsis, what it does and its flags.
func (f *flags) usage() string {
	var b strings.Builder
	b.WriteString(commandUsage(f.Name()))
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nFlags:\n")
		f.SetOutput(&b)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
	return b.String()
}

func (f *flags) env(name, def string) string {
	if v := f.getenv(name); v != "" {
		return v
	}
	return def
}

func (f *flags) str(p *string, name, env, def, help string) {
	f.StringVar(p, name, f.env(env, def), help+" ("+env+")")
}

func (f *flags) boolean(p *bool, name, env string, def bool, help string) {
	v := def
	if s := f.getenv(env); s != "" {
		if b, err := strconv.ParseBool(s); err == nil {
			v = b
		}
	}
	f.BoolVar(p, name, v, help+" ("+env+")")
}

func (f *flags) duration(p *time.Duration, name, env string, def time.Duration, help string) {
	v := def
	if s := f.getenv(env); s != "" {
		if d, err := time.ParseDuration(s); err == nil {
			v = d
		}
	}
	f.DurationVar(p, name, v, help+" ("+env+")")
}

func (f *flags) integer(p *int, name, env string, def int, help string) {
	v := def
	if s := f.getenv(env); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			v = n
		}
	}
	f.IntVar(p, name, v, help+" ("+env+")")
}

// common are the flags every command that touches the database shares.
type common struct {
	data      string
	logFormat string
	stderr    io.Writer // where openStore warns about loose permissions
}

func (f *flags) common(c *common) {
	c.stderr = f.stderr
	f.str(&c.data, "data", "PORTVAKT_DATA", "portvakt-data", "data folder: the SQLite database and the key file")
	f.str(&c.logFormat, "log-format", "PORTVAKT_LOG_FORMAT", "text", "log format: text or json")
}

// logger builds the structured logger for the chosen format.
func (c common) logger(w io.Writer) (*slog.Logger, error) {
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)
}

// openExistingStore opens the database that `portvakt serve` or `portvakt migrate` made in the
// data folder, and refuses, creating nothing, when there is none. Every host command but those
// two uses it: run from another folder without --data, `recover password-login` would otherwise
// switch password sign-in on in a new, empty database and report success while the real server
// stays locked, and `backup` would write a copy of nothing.
func (c common) openExistingStore(ctx context.Context) (*store.Store, error) {
	db := c.dbPathAbs()
	st, err := os.Stat(db)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no portvakt database at %s; nothing was changed. "+
			"Give the data folder the server uses with --data or PORTVAKT_DATA", db)
	case err != nil:
		return nil, fmt.Errorf("check database %s: %w", db, err)
	case !st.Mode().IsRegular() || st.Size() == 0:
		return nil, fmt.Errorf("%s is not a portvakt database (empty or not a file); nothing was changed. "+
			"Give the data folder the server uses with --data or PORTVAKT_DATA", db)
	}
	return c.openStore(ctx)
}

// dbPathAbs is the database's full path, for messages that must say which database they mean.
func (c common) dbPathAbs() string {
	if abs, err := filepath.Abs(c.dbPath()); err == nil {
		return abs
	}
	return c.dbPath()
}

// dbPath and keyPath are the files in the data folder.
func (c common) dbPath() string  { return filepath.Join(c.data, "portvakt.db") }
func (c common) keyPath() string { return filepath.Join(c.data, "portvakt.key") }

// openStore creates the data folder (mode 0700) and opens the migrated database. A data folder
// or database open to other users is tightened first, with a warning (see tightenDataFiles).
func (c common) openStore(ctx context.Context) (*store.Store, error) {
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", c.data, store.ExplainStorage(err, c.dbPath()))
	}
	w := c.stderr
	if w == nil {
		w = io.Discard
	}
	log, err := c.logger(w)
	if err != nil {
		return nil, err
	}
	if err := tightenDataFiles(c.data, c.dbPath(), log); err != nil {
		return nil, err
	}
	return store.Open(ctx, c.dbPath())
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"portvakt/store"
)

// flags wraps a FlagSet whose defaults come from PORTVAKT_* environment variables, so that the
// precedence is: flag, then environment, then built-in default.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
}

func newFlags(name string, getenv func(string) string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flags{FlagSet: fs, getenv: getenv}
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

// common are the flags every command that touches the database shares.
type common struct {
	data      string
	logFormat string
	stderr    io.Writer // where openStore warns about loose permissions
}

func (f *flags) common(c *common) {
	c.stderr = f.Output()
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

// dbPath and keyPath are the files in the data folder.
func (c common) dbPath() string  { return filepath.Join(c.data, "portvakt.db") }
func (c common) keyPath() string { return filepath.Join(c.data, "portvakt.key") }

// openStore creates the data folder (mode 0700) and opens the migrated database. A data folder
// or database open to other users is tightened first, with a warning (see tightenDataFiles).
func (c common) openStore(ctx context.Context) (*store.Store, error) {
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", c.data, err)
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

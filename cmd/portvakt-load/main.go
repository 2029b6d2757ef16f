// Command portvakt-load measures portvakt under a Monday-morning rush: it starts portvakt on
// loopback on a seeded data folder (10,000 people, 100 verified domains, 10 providers), drives the
// sign-in and administration pages with many connections at once, and prints one table beside a
// bare echo handler serving the same number of bytes in the same run. With -soak it instead runs
// 100 clients mixing reads and writes and checks that nothing failed and no acknowledged write
// was lost. With -memory it times portvakt's start and reads its memory idle and under a burst
// of password sign-ins (memory.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is what the command line says.
type config struct {
	duration    time.Duration
	connections int
	people      int
	soak        bool
	clients     int // soak clients
	keep        bool
	binary      string // portvakt to run; empty: build ./cmd/portvakt
	only        string // comma-separated parts of endpoint names to drive; empty: all

	// -memory: time the start, read the RSS after idling for idle, then under burst password
	// attempts at once (memory.go).
	memory bool
	burst  int
	idle   time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portvakt-load:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	f := flag.NewFlagSet("portvakt-load", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.DurationVar(&c.duration, "duration", 5*time.Second, "how long to drive each endpoint (with -soak: the whole soak)")
	f.IntVar(&c.connections, "connections", 32, "connections at once per endpoint")
	f.IntVar(&c.people, "people", 10_000, "people in the seeded database")
	f.BoolVar(&c.soak, "soak", false, "run the soak (100 clients mixing reads and writes) instead of the table")
	f.IntVar(&c.clients, "clients", 100, "clients in the soak")
	f.BoolVar(&c.memory, "memory", false, "time portvakt's start and read its memory idle and under -burst password attempts at once, instead of the table")
	f.IntVar(&c.burst, "burst", 200, "password attempts at once with -memory")
	f.DurationVar(&c.idle, "idle", 3*time.Second, "with -memory: how long portvakt idles after its start before its RSS is read")
	f.StringVar(&c.binary, "binary", "", "run this portvakt binary (default: build ./cmd/portvakt into the temporary folder)")
	f.BoolVar(&c.keep, "keep", false, "keep the temporary data folder and print where it is")
	f.StringVar(&c.only, "only", "", "drive only the endpoints whose name contains one of these comma-separated parts (\"search,SSO start\")")
	if err := f.Parse(args); err != nil {
		return err
	}
	switch {
	case c.duration <= 0 || c.duration > time.Hour:
		return fmt.Errorf("-duration must be more than 0 and at most 1h, not %s", c.duration)
	case c.connections < 1 || c.connections > 1000:
		return fmt.Errorf("-connections must be between 1 and 1000, not %d", c.connections)
	case c.people < 1 || c.people > 1_000_000:
		return fmt.Errorf("-people must be between 1 and 1000000, not %d", c.people)
	case c.clients < 1 || c.clients > 1000:
		return fmt.Errorf("-clients must be between 1 and 1000, not %d", c.clients)
	case c.burst < 1 || c.burst > 1000:
		return fmt.Errorf("-burst must be between 1 and 1000, not %d", c.burst)
	case len(selected(endpoints(&env{}), c.only)) == 0:
		return fmt.Errorf("-only %q names no endpoint", c.only)
	}
	dir, err := os.MkdirTemp("", "portvakt-load-")
	if err != nil {
		return err
	}
	if c.keep {
		fmt.Fprintln(stderr, "data folder:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if c.memory {
		rep, err := memory(ctx, dir, c, stderr)
		if err != nil {
			return err
		}
		rep.print(stdout)
		if !rep.ok() {
			return errors.New("a startup or memory target was missed")
		}
		return nil
	}
	if c.soak {
		sum, err := soak(ctx, dir, c, stderr)
		if err != nil {
			return err
		}
		sum.print(stdout)
		if v := sum.violations(); len(v) > 0 {
			return fmt.Errorf("soak failed: %d violation(s)", len(v))
		}
		return nil
	}
	rows, err := measure(ctx, dir, c, stderr)
	if err != nil {
		return err
	}
	printTable(stdout, c, rows)
	return nil
}

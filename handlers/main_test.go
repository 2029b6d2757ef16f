package handlers_test

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain runs the tests with the garbage collector at a fifth of its usual pace: the tests
// keep little alive but allocate a lot (thousands of requests, each with its forms, sessions and
// pages), and with the default GOGC=100 collection took a third of the package's CPU time.
// GOGC in the environment still wins.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(500)
	}
	os.Exit(m.Run())
}

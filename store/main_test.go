package store_test

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain runs the tests with the garbage collector at a fifth of its usual pace, as in
// handlers: little stays alive, and collecting often cost more than the tests themselves under
// -race. GOGC in the environment still wins.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(500)
	}
	os.Exit(m.Run())
}

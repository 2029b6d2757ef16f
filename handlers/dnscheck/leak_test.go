package dnscheck_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them: a lookup, connection or
// request to a peer that is down, silent or answering garbage must end with the call.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

package main

import (
	"strings"
	"testing"
)

// TestUserCommandsHashAtProductionCost: without the cheap hasher that TestMain sets for the
// other tests, the user commands hash at argon2id's production cost (19 MiB, 2 passes). Not
// parallel: it changes passwordHasher, which no other test runs beside while it does.
func TestUserCommandsHashAtProductionCost(t *testing.T) {
	saved := passwordHasher
	passwordHasher = nil
	t.Cleanup(func() { passwordHasher = saved })
	h, err := passwordHashFrom(strings.NewReader(testPassword+"\n"), "anna@example.se")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q, want argon2id at the production cost", h)
	}
}

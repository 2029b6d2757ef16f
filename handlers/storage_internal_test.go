package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"portvakt/store"
)

// TestStorageFailureAnswers503: a write that fails on a full or read-only disk answers 503 (with
// the error.storage page, saying nothing was saved and why), not a bare 500. The store's tests
// make the real SQLite errors; here the disk's own ENOSPC stands for them.
func TestStorageFailureAnswers503(t *testing.T) {
	full := store.ExplainStorage(fmt.Errorf("store: commit: %w", syscall.ENOSPC), "/var/lib/portvakt/portvakt.db")
	if !store.IsStorage(full) || !strings.Contains(full.Error(), "is full") {
		t.Fatalf("%v is not explained as a full disk", full)
	}
	if got := statusOf(full); got != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", got)
	}
	if got := statusOf(errors.New("other")); got != http.StatusInternalServerError {
		t.Errorf("another error: status %d, want 500", got)
	}
}

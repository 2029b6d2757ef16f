package handlers

import (
	"testing"

	"portvakt/store"
	"portvakt/views"
)

func TestEveryPasswordOffReasonHasText(t *testing.T) {
	t.Parallel()
	for _, r := range store.PasswordOffReasons {
		if !views.HasText(reasonKey(r)) {
			t.Errorf("reason %s has no text", r)
		}
	}
	for _, r := range store.LossReasons {
		if !views.HasText(lossKey(r)) {
			t.Errorf("loss %s has no text", r)
		}
	}
	for _, r := range store.ConfirmRefusals {
		if !views.HasText(confirmRefusalKey(r)) {
			t.Errorf("confirmation refusal %s has no text", r)
		}
	}
}

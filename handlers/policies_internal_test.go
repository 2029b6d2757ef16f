package handlers

import (
	"testing"

	"portvakt/store"
	"portvakt/views"
)

func TestEveryPasswordOffReasonHasText(t *testing.T) {
	t.Parallel()
	reasons := []store.PasswordOffReason{store.ReasonNoVerifiedDomain, store.ReasonNoServedDomain, store.ReasonNotTested,
		store.ReasonNoSSOSession, store.ReasonSSOTooOld, store.ReasonLocksOutSelf, store.ReasonNotReviewed, store.ReasonNotConfirmed}
	for _, r := range reasons {
		if !views.HasText(reasonKey(r)) {
			t.Errorf("reason %s has no text", r)
		}
	}
	for _, r := range store.LossReasons {
		if !views.HasText(lossKey(r)) {
			t.Errorf("loss %s has no text", r)
		}
	}
}

package views_test

import (
	"testing"

	"portvakt/store/account"
	"portvakt/views"
)

// TestAccountProblemsHaveTexts: every refusal of an address or a new password has words, in the
// pages and in the host commands that print them.
func TestAccountProblemsHaveTexts(t *testing.T) {
	for _, p := range account.PasswordProblems {
		if key := views.PasswordProblemKey(p); !views.HasText(key) {
			t.Errorf("password problem %s: no text %q", p, key)
		}
	}
	for _, err := range []error{account.ErrEmailEmpty, account.ErrEmailTooLong, account.ErrEmailInvalid, account.ErrEmailNotNormal} {
		if key := views.EmailErrorKey(err); !views.HasText(key) {
			t.Errorf("%v: no text %q", err, key)
		}
	}
	if views.PasswordProblemKey("") != "" || views.EmailErrorKey(nil) != "" {
		t.Error("no problem has a text key")
	}
}

package views

import (
	"errors"

	"portvakt/store/account"
)

// EmailErrorKey is the text key that explains why account.NormaliseEmail refused an address, or
// "" when it did not.
func EmailErrorKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, account.ErrEmailTooLong):
		return "login.err.email.long"
	case errors.Is(err, account.ErrEmailNotNormal):
		return "login.err.email.nfkc"
	}
	return "login.err.email"
}

// PasswordProblemKey is the text key that explains a problem with a new password, or "" for none.
func PasswordProblemKey(p account.PasswordProblem) string {
	if p == "" {
		return ""
	}
	return "password.err." + string(p)
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
)

// userCommand is `portvakt user add|grant`.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub, args, err := subcommand("user", args)
	if err != nil {
		return err
	}
	if sub == "grant" {
		return userGrant(ctx, args, getenv, stdout, stderr)
	}
	return userAdd(ctx, args, getenv, stdin, stdout, stderr)
}

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var rawEmail, name string
	var admin, verified, pwStdin bool
	f := newFlags("user add", getenv, stderr)
	f.common(&c)
	f.StringVar(&rawEmail, "email", "", "the user's e-mail address (required)")
	f.StringVar(&name, "name", "", "the user's name (required)")
	f.BoolVar(&admin, "admin", false, "make the user an administrator")
	f.BoolVar(&verified, "verified", false, "mark the e-mail address as verified")
	f.BoolVar(&pwStdin, "password-stdin", false, "read a password from the first line of standard input (without it the user has no password)")
	if err := f.parse(args, 0); err != nil {
		return err
	}
	email, err := normaliseEmailFlag(rawEmail)
	if err != nil {
		return err
	}
	name, err = account.CheckName(name)
	switch {
	case errors.Is(err, account.ErrNameInvalid):
		return errors.New("--name cannot contain control characters (such as NUL or line breaks), characters that change the text direction (U+202A..U+202E, U+2066..U+2069) or invalid UTF-8")
	case err != nil:
		return fmt.Errorf("--name is required (at most %d characters)", account.MaxName)
	}
	nu := store.NewUser{Email: email, Name: name, Admin: admin, EmailVerified: verified}
	if pwStdin {
		if nu.PasswordHash, err = passwordHashFrom(stdin, email); err != nil {
			return err
		}
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if nu.PasswordHash != "" {
		on, err := st.PasswordLoginEnabled(ctx)
		if err != nil {
			return err
		}
		if !on {
			return errors.New("password sign-in is off, so no new passwords are made; add the user without --password-stdin")
		}
	}
	u, err := st.CreateUser(ctx, store.HostActor("portvakt user add"), nu)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user with e-mail %s already exists", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added user %d: %s <%s> administrator=%t verified=%t password=%t\n",
		u.ID, u.Name, u.Email, u.IsAdmin, u.EmailVerified, u.HasPassword)
	return nil
}

// normaliseEmailFlag checks --email as the pages check an address, and says why it is refused.
func normaliseEmailFlag(raw string) (string, error) {
	email, err := account.NormaliseEmail(raw)
	if err != nil {
		return "", fmt.Errorf("--email %q is not a valid e-mail address: %s", raw, views.EN.T(views.EmailErrorKey(err)))
	}
	return email, nil
}

// passwordHashFrom reads a password from the first line of r, checks it by the same rules as the
// pages, and returns its hash.
func passwordHashFrom(r io.Reader, email string) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if key := views.PasswordProblemKey(account.CheckPassword(password, email)); key != "" {
		return "", errors.New(views.EN.T(key))
	}
	h := passwordHasher
	if h == nil {
		h = account.NewPasswordHasher(1)
	}
	return h.Hash(password)
}

// passwordHasher hashes the passwords that serve and the user commands set; nil means the
// production cost. Only this package's tests set it, to account.CheapPasswordHasherForTests, as
// handlertest does for the web layer: verifying reads the cost from each hash.
// TestUserCommandsHashAtProductionCost checks the default.
var passwordHasher *account.PasswordHasher

func userGrant(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c common
	var rawEmail string
	f := newFlags("user grant", getenv, stderr)
	f.common(&c)
	f.StringVar(&rawEmail, "email", "", "the user's e-mail address (required)")
	if err := f.parse(args, 0); err != nil {
		return err
	}
	email, err := normaliseEmailFlag(rawEmail)
	if err != nil {
		return err
	}
	st, err := c.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with e-mail %s", email)
	}
	if err != nil {
		return err
	}
	if err := st.GrantAuthSettings(ctx, store.HostActor("portvakt user grant"), u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s <%s> now has access to Authentication Settings\n", u.Name, u.Email)
	return nil
}

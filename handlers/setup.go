package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// First run: while no administrator exists, portvakt prints a one-time link; opening it shows
// this form, which creates the first administrator and signs them in.

// handleSetupForm shows the form when the link's token is valid. It changes nothing.
func (s *Server) handleSetupForm(c echo.Context) error {
	token := c.QueryParam("token")
	if len(token) > 100 || s.store.CheckSetupToken(c.Request().Context(), token) != nil {
		return render(c, http.StatusGone, views.SetupInvalidPage(s.page(c, "setup.invalid.title", "")))
	}
	return render(c, http.StatusOK, views.SetupPage(s.page(c, "setup.title", ""), s.setupView(c, token, "", "")))
}

func (s *Server) setupView(c echo.Context, token, name, email string) views.SetupView {
	l := lang(c)
	return views.SetupView{
		Token: token,
		Name: views.Field{ID: "name", Name: "name", Label: l.T("setup.name"), Value: name,
			Autocomplete: "name", MaxLen: maxName, Required: true, Autofocus: true},
		Email: views.Field{ID: "email", Name: "email", Label: l.T("setup.email"), Hint: l.T("setup.email.hint"),
			Type: "email", Value: email, Autocomplete: "username", MaxLen: maxEmail, Required: true},
		Password: views.Field{ID: "password", Name: "password", Label: l.T("setup.password"), Hint: l.T("setup.password.hint"),
			Type: "password", Autocomplete: "new-password", MaxLen: maxPassword, Required: true},
		Confirm: views.Field{ID: "confirm", Name: "confirm", Label: l.T("setup.confirm"),
			Type: "password", Autocomplete: "new-password", MaxLen: maxPassword, Required: true},
	}
}

// handleSetupSubmit validates the form and creates the administrator. Refused input shows the
// form again with every value kept except the passwords.
func (s *Server) handleSetupSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.FormValue("token")
	if len(token) > 100 || s.store.CheckSetupToken(ctx, token) != nil {
		return render(c, http.StatusGone, views.SetupInvalidPage(s.page(c, "setup.invalid.title", "")))
	}
	rawName := c.FormValue("name")
	name, nameErr := account.CheckName(rawName)
	rawEmail := c.FormValue("email")
	password, confirm := c.FormValue("password"), c.FormValue("confirm")
	v := s.setupView(c, token, truncate(account.ShowName(strings.TrimSpace(rawName)), maxName*4), truncate(rawEmail, maxEmail*2))
	l := lang(c)
	var problems fieldProblems
	switch {
	case errors.Is(nameErr, account.ErrNameEmpty):
		problems.add(&v.Name, l.T("setup.err.name"))
	case errors.Is(nameErr, account.ErrNameTooLong):
		problems.add(&v.Name, l.T("setup.err.name.long"))
	case nameErr != nil:
		problems.add(&v.Name, l.T("setup.err.name.chars"))
	}
	email, err := account.NormaliseEmail(rawEmail)
	if key := views.EmailErrorKey(err); key != "" {
		problems.add(&v.Email, l.T(key))
	}
	if key := views.PasswordProblemKey(account.CheckPassword(password, email)); key != "" {
		problems.add(&v.Password, l.T(key))
	} else if password != confirm {
		problems.add(&v.Confirm, l.T("setup.err.confirm"))
	}
	if len(problems) == 0 {
		hash, err := s.hasher.Hash(password)
		if err != nil {
			return err
		}
		u, err := s.store.CompleteSetup(ctx, s.actor(c), token, store.NewUser{Email: email, Name: name, PasswordHash: hash})
		switch {
		case errors.Is(err, store.ErrConflict):
			problems.add(&v.Email, l.T("setup.err.exists"))
		case errors.Is(err, store.ErrExpired):
			return render(c, http.StatusGone, views.SetupInvalidPage(s.page(c, "setup.invalid.title", "")))
		case err != nil:
			return err
		default:
			if err := s.startSession(c, u, store.MethodPassword, 0); err != nil {
				return err
			}
			s.setFlash(c, "setup.done")
			return redirect(c, paths.Home)
		}
	}
	p := s.page(c, "setup.title", "")
	p.Errors = problems
	return unprocessable(c, views.SetupPage(p, v))
}

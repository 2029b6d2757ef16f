package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// E-mail verification: the link in the mail opens a page that asks the person to confirm (a GET
// changes nothing, so mail scanners that open links do not use them up); confirming verifies the
// address. The pages speak the person's language when the administrator chose one.

const maxToken = 100

// handleVerifyForm shows the confirmation for a valid link, or says why it cannot be used.
func (s *Server) handleVerifyForm(c echo.Context) error {
	token := c.QueryParam("token")
	v, err := s.verification(c, token)
	if err != nil {
		return err
	}
	if v.Invalid {
		return render(c, http.StatusGone, views.VerifyInvalidPage(s.page(c, "verify.invalid.title", "")))
	}
	return render(c, http.StatusOK, views.VerifyPage(s.page(c, "verify.title", ""), v))
}

// handleVerifySubmit uses the link.
func (s *Server) handleVerifySubmit(c echo.Context) error {
	token := c.FormValue("token")
	v, err := s.verification(c, token)
	if err != nil {
		return err
	}
	if v.Invalid {
		return render(c, http.StatusGone, views.VerifyInvalidPage(s.page(c, "verify.invalid.title", "")))
	}
	_, err = s.store.CompleteVerification(c.Request().Context(), s.actor(c), token)
	if errors.Is(err, store.ErrExpired) || errors.Is(err, store.ErrNotFound) {
		return render(c, http.StatusGone, views.VerifyInvalidPage(s.page(c, "verify.invalid.title", "")))
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.VerifyDonePage(s.page(c, "verify.done.title", ""), v))
}

// verification looks the token up and switches the page to the person's language, unless
// the visitor chose one with the language switch. An unknown,
// used or expired link gives Invalid, not an error.
func (s *Server) verification(c echo.Context, token string) (views.VerifyView, error) {
	if token == "" || len(token) > maxToken {
		return views.VerifyView{Invalid: true}, nil
	}
	v, err := s.store.VerificationByToken(c.Request().Context(), token)
	if chosen, _ := cookie(c).Values[keyLang].(string); chosen == "" && v.Lang != "" {
		if l, ok := views.ParseLang(v.Lang); ok {
			c.Set(ctxLang, l)
		}
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired) {
		return views.VerifyView{Invalid: true}, nil
	}
	if err != nil {
		return views.VerifyView{}, err
	}
	return views.VerifyView{Token: token, Name: v.Name, Email: v.Email}, nil
}

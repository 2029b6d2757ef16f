package handlers

import (
	"context"
	"errors"
	"net/url"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/mail"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// verificationMail makes a new verification link for a person and the sealed mail that carries
// it, in the person's language (or the instance default).
func (s *Server) verificationMail(ctx context.Context, name, email, userLang string) (store.VerificationMail, error) {
	token := store.NewToken()
	l := s.cfg.DefaultLang
	if ul, ok := views.ParseLang(userLang); ok {
		l = ul
	}
	link := s.cfg.BaseURL.String() + paths.Verify + "?token=" + url.QueryEscape(token)
	subject, text, html, err := views.RenderVerificationMail(ctx, l, views.VerificationMailView{
		Name: name, Email: email, Link: link, OrgName: s.cfg.OrgName,
		Expires: s.store.Now().Add(store.VerificationTTL),
	})
	if err != nil {
		return store.VerificationMail{}, err
	}
	return store.VerificationMail{Token: token, Mail: store.NewMail{
		Kind: "verification", To: email, ToName: name, Subject: subject, Body: s.mailer.seal(text, html),
	}}, nil
}

// flashDelivery confirms a change (key, with the e-mail) and says what became of its mail: sent,
// kept in the outbox because no mail server is set up, or refused (with the server's answer).
func (s *Server) flashDelivery(c echo.Context, key, email string, sendErr error) {
	l := lang(c)
	msg := l.T(key, email)
	var se *mail.ServerError
	switch {
	case sendErr == nil:
		msg += " " + l.T("mail.outcome.sent", email)
	case errors.Is(sendErr, errNoMailServer):
		msg += " " + l.T("mail.outcome.queued")
	case errors.As(sendErr, &se):
		msg += " " + l.T("mail.outcome.refused", se.Code, se.Message)
	default:
		s.log.Warn("mail: not delivered", "to", email, "error", sendErr)
		msg += " " + l.T("mail.outcome.failed")
	}
	cookie(c).Values[keyFlash] = msg
	_ = s.saveCookie(c)
}

// isConflict reports a clash with existing data, such as an e-mail another user has.
func isConflict(err error) bool {
	return errors.Is(err, store.ErrConflict)
}

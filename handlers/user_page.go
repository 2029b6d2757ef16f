package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// userParam loads the user named by the :id path parameter.
func (s *Server) userParam(c echo.Context) (store.UserListItem, error) {
	id, err := idParam(c)
	if err != nil {
		return store.UserListItem{}, err
	}
	return s.store.UserItem(c.Request().Context(), id)
}

// handleUser shows one user: details, the edit form, verification and its mails, the
// administrator role and the SSO link.
func (s *Server) handleUser(c echo.Context) error {
	it, err := s.userParam(c)
	if err != nil {
		return err
	}
	v, err := s.userPageView(c, it, userForm{name: it.Name, email: it.Email, lang: it.Lang})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.UserPage(s.userPage(c, it), v))
}

func (s *Server) userPage(c echo.Context, it store.UserListItem) views.Page {
	p := s.page(c, "users.user.title", "users", crumb(c, "nav.general", ""), crumb(c, "nav.users", paths.Users),
		views.Crumb{Label: it.Name})
	p.Title = it.Name
	return p
}

func (s *Server) userPageView(c echo.Context, it store.UserListItem, f userForm) (views.UserPageView, error) {
	mails, _, err := s.store.ListMail(c.Request().Context(), store.MailFilter{UserID: it.ID, Limit: 5})
	if err != nil {
		return views.UserPageView{}, err
	}
	v := views.UserPageView{
		User: userRow(it), Form: s.userFields(c, f, emailHint(it)),
		Self: currentSession(c).User.ID == it.ID, MailConfigured: s.cfg.Mail != nil,
	}
	for _, m := range mails {
		v.Mails = append(v.Mails, mailRow(m))
	}
	if it.Source == store.SourceSCIM {
		hint := lang(c).T("users.scim.owned", it.SourceToken)
		v.Form.Name.Hint, v.Form.Email.Hint = hint, hint
	}
	return v, nil
}

// handleUserUpdate saves name, e-mail and language. A new e-mail is unverified and gets a
// verification mail; the e-mail of a linked user cannot change until the link is removed.
func (s *Server) handleUserUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	it, err := s.userParam(c)
	if err != nil {
		return err
	}
	v, err := s.userPageView(c, it, userForm{})
	if err != nil {
		return err
	}
	f, problems := readUserForm(c, &v.Form)
	l := lang(c)
	if it.Source == store.SourceSCIM && len(problems) == 0 { // the provider's next update would undo the change
		if f.name != it.Name {
			problems.add(&v.Form.Name, l.T("users.err.scim.owned", it.SourceToken))
		}
		if f.email != it.Email {
			problems.add(&v.Form.Email, l.T("users.err.scim.owned", it.SourceToken))
		}
	}
	if len(problems) == 0 {
		var vm *store.VerificationMail
		if f.email != it.Email {
			m, err := s.verificationMail(ctx, f.name, f.email, f.lang)
			if err != nil {
				return err
			}
			vm = &m
		}
		mailID, err := s.store.UpdateUser(ctx, s.actor(c), it.ID, store.UserUpdate{Name: f.name, Email: f.email, Lang: f.lang}, vm)
		switch {
		case err == nil && mailID != 0:
			s.flashDelivery(c, "users.updated.email", f.email, s.mailer.deliver(ctx, s.actor(c), mailID))
			return redirect(c, paths.User(it.ID))
		case err == nil:
			s.setFlash(c, "users.updated")
			return redirect(c, paths.User(it.ID))
		case errors.Is(err, store.ErrLinked):
			problems.add(&v.Form.Email, l.T("users.err.email.linked", it.Link.Issuer))
		case isConflict(err):
			problems.add(&v.Form.Email, l.T("users.err.email.taken"))
		default:
			return err
		}
	}
	p := s.userPage(c, it)
	p.Errors = problems
	return unprocessable(c, views.UserPage(p, v))
}

// handleUserAdmin makes a user an administrator or takes the role away ("admin" is "on" or
// "off"). The last administrator stays one; the page says why.
func (s *Server) handleUserAdmin(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var on bool
	switch c.FormValue("admin") {
	case "on":
		on = true
	case "off":
	default:
		return badRequest("admin must be on or off")
	}
	err = s.store.SetAdmin(ctx, s.actor(c), id, on)
	if errors.Is(err, store.ErrLastAdmin) {
		return s.userRefused(c, id, "admin", "users.err.lastadmin")
	}
	if errors.Is(err, store.ErrLocksOutPrivileged) {
		return s.userRefused(c, id, "admin", "users.err.admin.unlinked")
	}
	if err != nil {
		return err
	}
	switch {
	case on:
		s.setFlash(c, "users.admin.on")
	case id == currentSession(c).User.ID:
		// The Users pages are closed to them now; the overview is not.
		s.setFlash(c, "users.admin.off.self")
		return redirect(c, paths.Home)
	default:
		s.setFlash(c, "users.admin.off")
	}
	return redirect(c, paths.User(id))
}

// userRefused shows the user page again (409) with a message about a refused action.
func (s *Server) userRefused(c echo.Context, id int64, field, key string, args ...any) error {
	it, err := s.store.UserItem(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v, err := s.userPageView(c, it, userForm{name: it.Name, email: it.Email, lang: it.Lang})
	if err != nil {
		return err
	}
	p := s.userPage(c, it)
	p.Errors = []views.FieldError{{Field: field, Message: lang(c).T(key, args...)}}
	return render(c, http.StatusConflict, views.UserPage(p, v))
}

// handleUserUnlink removes the user's SSO link ("Ta bort koppling").
func (s *Server) handleUserUnlink(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = s.store.RemoveLink(c.Request().Context(), s.actor(c), id)
	if errors.Is(err, store.ErrLocksOutPrivileged) {
		return s.userRefused(c, id, "link", "users.err.unlink.privileged")
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "users.unlinked")
	return redirect(c, paths.User(id))
}

// handleUserResend sends a new verification link and voids the old one.
func (s *Server) handleUserResend(c echo.Context) error {
	ctx := c.Request().Context()
	it, err := s.userParam(c)
	if err != nil {
		return err
	}
	if it.EmailVerified {
		return s.userRefused(c, it.ID, "verification", "users.err.alreadyverified")
	}
	vm, err := s.verificationMail(ctx, it.Name, it.Email, it.Lang)
	if err != nil {
		return err
	}
	mailID, err := s.store.ResendVerification(ctx, s.actor(c), it.ID, vm)
	if err != nil {
		return err
	}
	s.flashDelivery(c, "users.resent", it.Email, s.mailer.deliver(ctx, s.actor(c), mailID))
	return redirect(c, paths.User(it.ID))
}

// emailHint says what changing the user's e-mail address does, or why it cannot change yet.
func emailHint(it store.UserListItem) string {
	if it.Link != nil {
		return "users.email.hint.linked"
	}
	return "users.email.hint"
}

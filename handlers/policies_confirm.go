package handlers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Commit-confirmed password OFF (DESIGN.md, flow 14): the countdown banner, the Confirm button
// on the Policies page, and the background loop that mails the switcher when the window ran
// out. The store decides everything: who may confirm, and whether the deadline has passed.

// confirmBanner is the countdown for the page's layout, or nil when no switch-off waits. A
// failed read only costs the banner: the page itself still shows.
func (s *Server) confirmBanner(c echo.Context) *views.ConfirmBanner {
	w, ok, err := s.store.PasswordConfirmWindow(c.Request().Context())
	if err != nil {
		s.log.WarnContext(c.Request().Context(), "read the confirmation window", slog.Any("error", err))
		return nil
	}
	if !ok {
		return nil
	}
	return views.NewConfirmBanner(lang(c), w.Deadline, s.store.Now())
}

// policyWindow is the Policies page's Confirm panel, and whether this person's session can
// confirm as it is.
func (s *Server) policyWindow(c echo.Context) (*views.PolicyWindow, error) {
	w, ok, err := s.store.PasswordConfirmWindow(c.Request().Context())
	if err != nil || !ok {
		return nil, err
	}
	l := lang(c)
	v := &views.PolicyWindow{SwitchedBy: w.SwitchedBy, SwitchedAt: w.SwitchedAt.Local().Format("15:04"),
		Banner: *views.NewConfirmBanner(l, w.Deadline, s.store.Now())}
	if v.SwitchedBy == "" {
		v.SwitchedBy = l.T("policies.window.someone")
	}
	sess := currentSession(c)
	switch {
	case sess == nil || sess.Method != store.MethodSSO:
		v.NotReady = l.T(confirmRefusalKey(store.ConfirmNotSSO))
	case !sess.CreatedAt.After(w.SwitchedAt):
		v.NotReady = l.T(confirmRefusalKey(store.ConfirmBeforeSwitch))
	default:
		v.Ready = l.T("policies.window.ready", sess.CreatedAt.Local().Format("15:04"))
	}
	return v, nil
}

func confirmRefusalKey(r store.ConfirmRefusal) string {
	if r == store.ConfirmNoSession {
		r = store.ConfirmNotSSO
	}
	return "policies.window.refused." + string(r)
}

// handlePasswordConfirm confirms the switch-off, keeping password sign-in off. The store checks,
// in the confirming transaction, that the session comes from an SSO sign-in begun after the
// switch; a refusal shows the Policies page again with the reason.
func (s *Server) handlePasswordConfirm(c echo.Context) error {
	token, _ := c.Get(ctxToken).(string)
	err := s.store.ConfirmPasswordOff(c.Request().Context(), s.actor(c), token)
	var refused *store.ConfirmError
	if errors.As(err, &refused) {
		if refused.Reason != store.ConfirmNoWindow && refused.Reason != store.ConfirmTooLate {
			audit := store.AuditEntry{Action: store.ActionPasswordLoginConfirmRefused, Target: "password", Detail: string(refused.Reason)}
			if err := s.store.AppendAudit(c.Request().Context(), s.actor(c), audit); err != nil {
				return err
			}
		}
		msg := lang(c).T(confirmRefusalKey(refused.Reason))
		return s.renderPolicies(c, []views.FieldError{{Field: "password-confirm", Message: msg}})
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "policies.window.done")
	return redirect(c, paths.Policies)
}

// RunPasswordConfirm reverts an unconfirmed switch-off once its window has run out and mails
// the person who switched, checking every interval until ctx ends. The sign-in pages apply an
// overdue revert themselves as well, so a stopped loop only delays the mail.
func (s *Server) RunPasswordConfirm(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.SettlePasswordConfirm(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "password confirmation window", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SettlePasswordConfirm is one round of RunPasswordConfirm: the revert when it is due, then a
// mail for each reverted window whose switcher has not been told.
func (s *Server) SettlePasswordConfirm(ctx context.Context) error {
	if reverted, err := s.store.RevertExpiredPasswordOff(ctx); err != nil {
		return err
	} else if reverted {
		s.log.WarnContext(ctx, "password sign-in is on again: the switch-off was not confirmed in time")
	}
	due, err := s.store.RevertMailsDue(ctx)
	if err != nil {
		return err
	}
	for _, w := range due {
		if err := s.mailReverted(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

// mailReverted tells the switcher, in their language, that password sign-in is back on.
func (s *Server) mailReverted(ctx context.Context, w store.RevertedWindow) error {
	var m store.NewMail
	if w.Email != "" {
		l := s.cfg.DefaultLang
		if ul, ok := views.ParseLang(w.Lang); ok {
			l = ul
		}
		subject, text, html, err := views.RenderRevertedMail(ctx, l, views.RevertedMailView{Name: w.Name,
			SwitchedAt: w.SwitchedAt, RevertedAt: w.RevertedAt, Length: w.Length,
			Link: s.cfg.BaseURL.String() + paths.Policies})
		if err != nil {
			return err
		}
		m = store.NewMail{Kind: "password_reverted", UserID: w.UserID, To: w.Email, ToName: w.Name, Subject: subject,
			Body: s.mailer.seal(text, html)}
	}
	id, err := s.store.QueueRevertMail(ctx, w.ID, m)
	if err != nil || id == 0 {
		return err
	}
	if err := s.mailer.deliver(ctx, store.SystemActor, id); err != nil && !errors.Is(err, errNoMailServer) {
		s.log.WarnContext(ctx, "mail about the reverted switch-off not delivered; it stays in the outbox", "mail_id", id, slog.Any("error", err))
	}
	return nil
}

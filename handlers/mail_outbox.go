package handlers

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// The outbox: every mail portvakt has sent or tried to send. Without a mail server, this is
// where administrators read verification mails and pass the links on. Administrators only.

const mailsPerPage = 50

// tokenInLink finds the secret part of a link in a mail.
var tokenInLink = regexp.MustCompile(`([?&]token=)[^\s&"<>]+`)

func mailRow(m store.Mail) views.MailRow {
	return views.MailRow{
		ID: m.ID, CreatedAt: m.CreatedAt, To: m.To, ToName: m.ToName, Subject: m.Subject, Status: m.Status,
		Attempts: m.Attempts, LastError: m.LastError, SentAt: m.SentAt,
		CanRetry: m.Status == store.MailQueued || m.Status == store.MailFailed, NextAttemptAt: m.NextAttemptAt,
	}
}

// handleOutbox lists mails, newest first.
func (s *Server) handleOutbox(c echo.Context) error {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	mails, total, err := s.store.ListMail(c.Request().Context(), store.MailFilter{Offset: (page - 1) * mailsPerPage, Limit: mailsPerPage})
	if err != nil {
		return err
	}
	v := views.OutboxView{MailConfigured: s.cfg.Mail != nil, Total: total}
	for _, m := range mails {
		v.Mails = append(v.Mails, mailRow(m))
	}
	if page > 1 {
		v.PrevHref = paths.Outbox + "?page=" + strconv.Itoa(page-1)
	}
	if page*mailsPerPage < total {
		v.NextHref = paths.Outbox + "?page=" + strconv.Itoa(page+1)
	}
	return render(c, http.StatusOK, views.OutboxPage(s.outboxPage(c, ""), v))
}

func (s *Server) outboxPage(c echo.Context, subject string) views.Page {
	crumbs := []views.Crumb{crumb(c, "nav.general", ""), crumb(c, "nav.users", paths.Users), crumb(c, "outbox.title", paths.Outbox)}
	if subject != "" {
		crumbs = append(crumbs, views.Crumb{Label: subject})
	}
	p := s.page(c, "outbox.title", "users", crumbs...)
	if subject != "" {
		p.Title = subject
	}
	return p
}

// handleOutboxMail shows one mail: its status and its text, link included.
func (s *Server) handleOutboxMail(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	m, err := s.store.MailByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := views.OutboxMailView{Mail: mailRow(m), MailConfigured: s.cfg.Mail != nil}
	body, err := s.mailer.open(m.Body)
	if err != nil {
		// Sealed with another key file: the rest of the page still helps.
		s.log.Warn("outbox: cannot open mail body", "mail_id", id, "error", err)
		body.Text = lang(c).T("outbox.unreadable")
	}
	v.Text = body.Text
	if m.Status == store.MailSent {
		// Verifying proves the recipient reads the mailbox; an administrator reading the link of a
		// delivered mail could verify in their place.
		v.Text, v.LinkHidden = tokenInLink.ReplaceAllString(v.Text, "${1}…"), true
	}
	return render(c, http.StatusOK, views.OutboxMailPage(s.outboxPage(c, m.Subject), v))
}

// handleOutboxRetry sends a queued or failed mail again.
func (s *Server) handleOutboxRetry(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	m, err := s.store.MailByID(ctx, id)
	if err != nil {
		return err
	}
	err = s.mailer.deliver(ctx, s.actor(c), id)
	if errors.Is(err, store.ErrConflict) {
		s.setFlash(c, "outbox.retry.busy")
		return redirect(c, paths.OutboxMail(id))
	}
	s.flashDelivery(c, "outbox.retry.done", m.To, err)
	return redirect(c, paths.OutboxMail(id))
}

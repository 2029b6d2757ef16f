package handlers

import (
	"context"
	"errors"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Staged provider changes (DESIGN.md flow 12): an edit of a tested provider's sign-in settings
// is a draft until a test sign-in with it passes for the person who saved it; then it is applied.

// withDraft returns p with the settings of its draft at revision, the one a test started with;
// store.ErrDraftChanged when the draft was saved again, discarded or applied since.
func (s *Server) withDraft(ctx context.Context, p store.IdP, revision int64) (store.IdP, error) {
	d, err := s.store.IdPDraft(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Revision != revision) {
		return p, store.ErrDraftChanged
	}
	if err != nil {
		return p, err
	}
	return d.On(p), nil
}

// idpChangeMails renders, for store.FinishSSOTest applying a draft, the mail that tells each administrator in their
// language that a provider now points elsewhere.
func (s *Server) idpChangeMails(ctx context.Context) func(store.DraftApplied, []store.MailRecipient) ([]store.NewMail, error) {
	return func(d store.DraftApplied, to []store.MailRecipient) ([]store.NewMail, error) {
		var out []store.NewMail
		for _, r := range to {
			l := s.cfg.DefaultLang
			if ul, ok := views.ParseLang(r.Lang); ok {
				l = ul
			}
			subject, text, html, err := views.RenderIdPChangeMail(ctx, l, views.IdPChangeMailView{
				Name: r.Name, Provider: d.Name, OrgName: s.cfg.OrgName, Link: s.cfg.BaseURL.String() + paths.Audit,
				OldIssuer: d.Before.Issuer, NewIssuer: d.After.Issuer, OldClientID: d.Before.ClientID, NewClientID: d.After.ClientID,
				By: d.By,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, store.NewMail{Kind: "idp_change", To: r.Email, ToName: r.Name, Subject: subject, Body: s.mailer.seal(text, html)})
		}
		return out, nil
	}
}

// handleIdPDraftDiscard drops the provider's draft; the live settings stay.
func (s *Server) handleIdPDraftDiscard(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	err = s.store.DiscardIdPDraft(c.Request().Context(), s.actor(c), p.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.setFlash(c, "sso.draft.discarded", p.Name)
	return redirect(c, paths.IdP(p.ID))
}

// draftView compares the draft with the live settings for the provider's page.
func draftView(l views.Lang, p store.IdP, d store.IdPDraft, me int64) *views.IdPDraftView {
	v := &views.IdPDraftView{Author: d.Author, At: l.Time(d.UpdatedAt), Mine: d.AuthorID == me, Issuer: d.Issuer, ClientID: d.ClientID}
	row := func(key, live, draft string) {
		v.Rows = append(v.Rows, views.DraftRow{Label: l.T(key), Live: live, Draft: draft, Changed: live != draft})
	}
	row("sso.col.issuer", p.Issuer, d.Issuer)
	row("sso.field.client_id", p.ClientID, d.ClientID)
	secretLive, secretDraft := l.T("sso.draft.secret.saved"), l.T("sso.draft.secret.saved")
	if string(d.SecretEnc) != string(p.SecretEnc) {
		secretDraft = l.T("sso.draft.secret.new")
	}
	row("sso.field.client_secret", secretLive, secretDraft)
	row("sso.field.scopes", p.Scopes, d.Scopes)
	v.NewIssuer = d.Issuer != p.Issuer || d.ClientID != p.ClientID
	v.IssuerChanges = d.Issuer != p.Issuer
	return v
}

// othersLinkedAt counts the people other than the one signed in who are linked at issuer: their
// links stop matching when the provider moves to another issuer.
func (s *Server) othersLinkedAt(c echo.Context, issuer string) (int, error) {
	ctx := c.Request().Context()
	n, err := s.store.LinkCountOfIdP(ctx, issuer)
	if err != nil {
		return 0, err
	}
	if l, err := s.store.LinkOfUser(ctx, currentSession(c).UserID); err == nil && l.Issuer == issuer {
		n--
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	return n, nil
}

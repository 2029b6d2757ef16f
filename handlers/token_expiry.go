package handlers

import (
	"context"
	"log/slog"
	"time"

	"portvakt/store"
	"portvakt/views"
)

// TokenExpiryNotice is how long before a token's expiry the administrators are told.
const TokenExpiryNotice = 14 * 24 * time.Hour

// WarnTokenExpiry mails every administrator about each token that expires within
// TokenExpiryNotice, once per token, and sends the mails (without a mail server they wait in the
// outbox).
func (s *Server) WarnTokenExpiry(ctx context.Context) error {
	ids, err := s.store.QueueTokenExpiryMails(ctx, s.store.Now().Add(TokenExpiryNotice),
		func(t store.APIToken, to []store.MailRecipient) ([]store.NewMail, error) {
			var out []store.NewMail
			for _, r := range to {
				l := s.cfg.DefaultLang
				if ul, ok := views.ParseLang(r.Lang); ok {
					l = ul
				}
				subject, text, html, err := views.RenderTokenExpiryMail(ctx, l, views.TokenExpiryMailView{
					Name: r.Name, Token: t.Name, Purpose: t.Purpose, Expires: t.ExpiresAt,
					Link: s.cfg.BaseURL.String() + tokensPath,
				})
				if err != nil {
					return nil, err
				}
				out = append(out, store.NewMail{Kind: "token_expiry", To: r.Email, ToName: r.Name, Subject: subject, Body: s.mailer.seal(text, html)})
			}
			return out, nil
		})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.mailer.deliver(ctx, store.SystemActor, id); err != nil && err != errNoMailServer {
			s.log.WarnContext(ctx, "token expiry mail not sent", slog.Int64("mail_id", id), slog.Any("error", err))
		}
	}
	return nil
}

// RunTokenExpiryCheck looks for tokens about to expire every interval until ctx ends. The
// caller waits for it to return before closing the store.
func (s *Server) RunTokenExpiryCheck(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.WarnTokenExpiry(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "token expiry check", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

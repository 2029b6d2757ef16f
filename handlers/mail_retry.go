package handlers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"portvakt/store"
)

// mailRetryBatch bounds the mails one round of RetryMail tries.
const mailRetryBatch = 50

// RetryMail tries again, once each, the failed mails whose next attempt is due
// (store.DueMail: the wait doubles after each failure). Without a mail server there is nothing
// to try. A mail taken meanwhile by an administrator's retry is left to that retry.
func (s *Server) RetryMail(ctx context.Context) error {
	if s.mailer.sender == nil {
		return nil
	}
	ids, err := s.store.DueMail(ctx, mailRetryBatch)
	if err != nil {
		return err
	}
	for _, id := range ids {
		actx, cancel := context.WithTimeout(ctx, sendTimeout)
		err := s.mailer.attempt(actx, store.SystemActor, id)
		cancel()
		if ctx.Err() != nil {
			return nil // stopping; an attempt cut short is taken over later (store.DueMail)
		}
		if err != nil && !errors.Is(err, store.ErrConflict) {
			s.log.WarnContext(ctx, "mail retry failed", slog.Int64("mail_id", id), slog.Any("error", err))
		}
	}
	return nil
}

// RunMailRetry looks for mail to try again every interval until ctx ends. The caller waits for
// it to return before closing the store.
func (s *Server) RunMailRetry(ctx context.Context, interval time.Duration) {
	if interval <= 0 || s.mailer.sender == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.RetryMail(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "mail retry", slog.Any("error", err))
		}
	}
}

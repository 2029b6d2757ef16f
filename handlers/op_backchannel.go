package handlers

import (
	"context"
	"log/slog"
	"time"
)

// opSweepEvery is how often the provider's spent codes and tokens are removed.
const opSweepEvery = 10 * time.Minute

// RunAppLogouts delivers back-channel logouts to apps every interval, and sweeps the
// provider's expired codes and tokens now and then, until ctx ends.
func (s *Server) RunAppLogouts(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	lastSweep := time.Time{}
	for {
		if _, err := s.SendAppLogouts(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "back-channel logout", slog.Any("error", err))
		}
		if time.Since(lastSweep) > opSweepEvery {
			if err := s.store.SweepOP(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "sweep the OpenID provider's data", slog.Any("error", err))
			}
			lastSweep = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendAppLogouts is one round of RunAppLogouts' deliveries; it returns how many were delivered.
func (s *Server) SendAppLogouts(ctx context.Context) (int, error) {
	return s.logouts.SendDue(ctx)
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/dnscheck"
	"portvakt/store"
	"portvakt/views/paths"
)

// DomainChecker looks up the TXT record that proves control of a domain.
// dnscheck.Checker is the real one; tests point it at a DNS server of their
// own on 127.0.0.1.
type DomainChecker interface {
	Check(ctx context.Context, domain, token string) dnscheck.Result
}

// checkDomain looks a domain's record up and records what was found. A
// check ended by ctx is not recorded: it says nothing about the domain.
func (s *Server) checkDomain(ctx context.Context, a store.Actor, d store.Domain, background bool) (store.Domain, error) {
	res := s.cfg.DomainChecker.Check(ctx, d.Name, d.Token)
	if res.Outcome == dnscheck.Cancelled {
		return d, fmt.Errorf("handlers: check domain %q: %w", d.Name, context.Cause(ctx))
	}
	s.log.InfoContext(ctx, "domain checked", slog.String("domain", d.Name),
		slog.String("outcome", string(res.Outcome)), slog.String("detail", res.Detail))
	_, after, err := s.store.RecordDomainCheck(ctx, a, d.ID, store.DomainCheck{
		Kind:       checkKind(res.Outcome),
		Result:     string(res.Outcome),
		Rcode:      res.Rcode,
		Found:      res.Found,
		Detail:     res.Detail,
		Background: background,
	})
	return after, err
}

// checkKind is what an outcome means for a domain's status.
func checkKind(o dnscheck.Outcome) store.CheckKind {
	switch o {
	case dnscheck.Verified:
		return store.CheckVerified
	case dnscheck.NotFound, dnscheck.WrongValue:
		return store.CheckMissing
	}
	return store.CheckUnanswered
}

// RecheckDomains checks once every verified domain (including those that
// need attention) not checked within the last interval. A domain whose
// record is gone is flagged as needing attention and audit-logged; it keeps
// counting as verified.
func (s *Server) RecheckDomains(ctx context.Context, interval time.Duration) error {
	due, err := s.store.ListDomains(ctx, store.DomainFilter{
		Statuses:      []store.DomainStatus{store.DomainVerified, store.DomainNeedsAttention},
		CheckedBefore: s.store.Now().Add(-interval),
	})
	if err != nil {
		return fmt.Errorf("handlers: re-check domains: %w", err)
	}
	for _, d := range due {
		after, err := s.checkDomain(ctx, store.SystemActor, d, true)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// One domain's trouble (say, removed meanwhile) must not stop
			// the others from being checked.
			s.log.WarnContext(ctx, "re-check domain", slog.String("domain", d.Name), slog.Any("error", err))
			continue
		}
		if after.Status != d.Status {
			s.log.WarnContext(ctx, "domain status changed by re-check", slog.String("domain", d.Name),
				slog.String("before", string(d.Status)), slog.String("after", string(after.Status)))
		}
	}
	return nil
}

// RunDomainRecheck re-checks verified domains every interval until ctx
// ends. It looks for due domains more often than the interval, so that a
// restart does not postpone a check by a whole interval.
func (s *Server) RunDomainRecheck(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	tick := min(max(interval/10, time.Second), 10*time.Minute)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if err := s.RecheckDomains(ctx, interval); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "re-check domains", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// handleDomainVerify looks the record up now and shows what was found.
func (s *Server) handleDomainVerify(c echo.Context) error {
	d, err := s.domainParam(c)
	if err != nil {
		return err
	}
	// The page explains the recorded result, so nothing needs to be
	// carried over to it.
	if _, err := s.checkDomain(c.Request().Context(), s.actor(c), d, false); err != nil {
		return err
	}
	return redirect(c, paths.Domain(d.ID))
}

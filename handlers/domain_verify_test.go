package handlers_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func TestDomainRecheckFlagsALostRecord(t *testing.T) {
	t.Parallel()
	const record = "_portvakt-challenge.example.se"
	ctx := context.Background()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	path := addDomain(t, app.IT, "example.se")
	app.DNS.SetTXT(record, dnscheck.RecordValue(app.DomainNamed(t, "example.se").Token))
	app.IT.Post(t, path+"/verify", url.Values{})
	recheck := func() {
		t.Helper()
		app.Clock.Advance(13 * time.Hour)
		if err := app.Server.RecheckDomains(ctx, 12*time.Hour); err != nil {
			t.Fatalf("RecheckDomains: %v", err)
		}
	}

	t.Run("leaves a present record alone", func(t *testing.T) {
		recheck()
		if got := app.DomainNamed(t, "example.se").Status; got != store.DomainVerified {
			t.Errorf("status = %s, want verified", got)
		}
	})
	t.Run("keeps the status when DNS fails", func(t *testing.T) {
		app.DNS.SetRcode(record, dns.RcodeServerFailure)
		recheck()
		if got := app.DomainNamed(t, "example.se").Status; got != store.DomainVerified {
			t.Errorf("status = %s, want verified", got)
		}
	})
	t.Run("flags a record that disappeared", func(t *testing.T) {
		app.DNS.Remove(record)
		recheck()
		d := app.DomainNamed(t, "example.se")
		if d.Status != store.DomainNeedsAttention || !d.Status.CountsAsVerified() {
			t.Errorf("status = %s, want needs_attention, still counting as verified", d.Status)
		}
		// The clock has moved past the first session's lifetime.
		list := app.ClientAs(t, app.ITUser).Get(t, "/auth-settings/domains").Doc(t)
		if got := list.Find("[data-testid=attention]").Text(); !strings.Contains(got, "example.se") {
			t.Errorf("attention notice = %q, want it to name example.se", got)
		}
		if got := list.Find("[data-testid='domain-example.se'] [data-testid=domain-status]").Text(); got != "Behöver åtgärdas" {
			t.Errorf("list status = %q, want Behöver åtgärdas", got)
		}
	})
	t.Run("does not flag twice", func(t *testing.T) {
		recheck()
		got := storetest.AuditActions(t, app.Store, "example.se")
		want := []string{"domain.add", "domain.verify", "domain.record_lost"}
		if !slices.Equal(got, want) {
			t.Errorf("audit = %q, want %q", got, want)
		}
	})
	t.Run("restores a record put back", func(t *testing.T) {
		app.DNS.SetTXT(record, dnscheck.RecordValue(app.DomainNamed(t, "example.se").Token))
		recheck()
		if got := app.DomainNamed(t, "example.se").Status; got != store.DomainVerified {
			t.Errorf("status = %s, want verified", got)
		}
		if got := storetest.AuditActions(t, app.Store, "example.se"); got[len(got)-1] != "domain.record_restored" {
			t.Errorf("audit = %q, want it to end with domain.record_restored", got)
		}
	})
	t.Run("checks nothing that is not due", func(t *testing.T) {
		queries := len(app.DNS.Queries())
		if err := app.Server.RecheckDomains(ctx, 12*time.Hour); err != nil {
			t.Fatal(err)
		}
		if got := len(app.DNS.Queries()); got != queries {
			t.Errorf("%d queries for a domain checked moments ago", got-queries)
		}
	})
}

func TestDomainRecheckSkipsUnverified(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	addDomain(t, app.IT, "example.se")
	app.Clock.Advance(24 * time.Hour)
	if err := app.Server.RecheckDomains(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := app.DNS.Queries(); len(got) != 0 {
		t.Errorf("queries = %q, want none for a pending domain", got)
	}
}

package views

import (
	"strings"
	"testing"
	"time"

	"portvakt/handlers/dnscheck"
	"portvakt/store"
)

// TestDomainTextsExist checks the texts whose keys are built at run time, for every status and
// outcome the store and the checker produce, in both languages.
func TestDomainTextsExist(t *testing.T) {
	outcomes := []DomainResult{{}}
	for _, o := range dnscheck.Outcomes {
		outcomes = append(outcomes, DomainResult{Outcome: string(o), Rcode: "SERVFAIL", Timeout: 5 * time.Second},
			DomainResult{Outcome: string(o), Timeout: 5 * time.Second})
	}
	for _, l := range Langs {
		p := Page{Lang: l}
		for _, status := range store.DomainStatuses {
			if got := p.T(domainStatusKey(status)); strings.HasPrefix(got, "[") {
				t.Errorf("%s: status %s has no text: %s", l, status, got)
			}
		}
		for _, r := range outcomes {
			for _, got := range []string{resultSummary(p, r), resultMessage(p, "example.se", "_portvakt-challenge.example.se", r)} {
				if strings.Contains(got, "[") || strings.Contains(got, "%!") {
					t.Errorf("%s: outcome %+v gives %q", l, r, got)
				}
			}
		}
	}
	if got := seconds(EN, 5*time.Second); got != "5 seconds" {
		t.Errorf("seconds(5s) = %q", got)
	}
}

// Status badges share one colour scheme: verified green, failed red, anything not yet done amber.
func TestDomainBadgeClass(t *testing.T) {
	tests := []struct {
		status store.DomainStatus
		want   string
	}{
		{store.DomainVerified, "badge--ok"},
		{store.DomainFailed, "badge--bad"},
		{store.DomainPending, "badge--warn"},
		{store.DomainNeedsAttention, "badge--warn"},
	}
	for _, tt := range tests {
		if got := domainBadgeClass(tt.status); got != tt.want {
			t.Errorf("domainBadgeClass(%q) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

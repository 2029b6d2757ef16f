package views

import (
	"strings"
	"time"

	"portvakt/store"
)

// domainStatusKey is the text key of a domain status.
func domainStatusKey(status store.DomainStatus) string {
	switch status {
	case store.DomainVerified:
		return "status.verified"
	case store.DomainFailed:
		return "status.failed"
	case store.DomainNeedsAttention:
		return "status.attention"
	}
	return "status.pending"
}

// domainBadgeClass colours a status as every status badge is coloured: verified green, failed
// red, and anything not yet done (pending, needs attention) amber. The word is always shown beside it.
func domainBadgeClass(status store.DomainStatus) string {
	switch status {
	case store.DomainVerified:
		return "badge--ok"
	case store.DomainFailed:
		return "badge--bad"
	}
	return "badge--warn"
}

// resultNoticeClass colours the explanation of a check.
func resultNoticeClass(outcome string) string {
	switch outcome {
	case "verified":
		return "notice--success"
	case "not_found", "wrong_value":
		return "notice--danger"
	}
	return "notice--warning"
}

// resultSummary says in a few words what a check found, for the list.
func resultSummary(p Page, r DomainResult) string {
	switch r.Outcome {
	case "verified":
		return p.T("domains.result.verified")
	case "not_found":
		return p.T("domains.result.not_found")
	case "wrong_value":
		return p.T("domains.result.wrong_value")
	case "timeout":
		return p.T("domains.result.timeout")
	case "dns_error":
		if r.Rcode == "" {
			return p.T("domains.result.unreachable")
		}
		return p.T("domains.result.dns_error", r.Rcode)
	}
	return p.T("domains.result.none")
}

// resultMessage explains a check and says what to do next.
func resultMessage(p Page, domain, record string, r DomainResult) string {
	switch r.Outcome {
	case "verified":
		return p.T("domain.msg.verified", domain)
	case "not_found":
		return p.T("domain.msg.not_found", record)
	case "wrong_value":
		return p.T("domain.msg.wrong_value", record)
	case "dns_error":
		if r.Rcode == "" {
			return p.T("domain.msg.unreachable")
		}
		return p.T("domain.msg.dns_error", r.Rcode)
	case "timeout":
		return p.T("domain.msg.timeout", seconds(p.Lang, r.Timeout))
	}
	return ""
}

// seconds writes a duration as whole seconds in the language.
func seconds(l Lang, d time.Duration) string {
	n := int((d + time.Second/2) / time.Second)
	if n <= 1 {
		return l.T("domain.duration.second")
	}
	return l.T("domain.duration.seconds", n)
}

// hasOtherToken reports whether a value found is a portvakt record with
// another token, as left behind by an earlier attempt.
func hasOtherToken(found []string) bool {
	for _, f := range found {
		if strings.HasPrefix(f, "portvakt-verification=") {
			return true
		}
	}
	return false
}

// joinNames lists names for a sentence.
func joinNames(names []string) string {
	return strings.Join(names, ", ")
}

// attentionNames names the domains that need attention, and counts those not named.
func attentionNames(p Page, v DomainsView) string {
	names := joinNames(v.Attention)
	if v.AttentionMore > 0 {
		return p.T("domains.attention.more", names, v.AttentionMore)
	}
	return names
}

// domainsCount says which domains of how many the page shows.
func domainsCount(p Page, v DomainsView) string {
	if v.Total == 0 {
		return p.T("domains.count.none")
	}
	first := (v.Page-1)*v.PerPage + 1
	last := min(v.Page*v.PerPage, v.Total)
	return p.T("domains.count", first, last, v.Total)
}

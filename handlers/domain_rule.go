package handlers

import (
	"errors"
	"strings"

	"portvakt/handlers/domainname"
	"portvakt/views"
)

// domainNameMessage says what is wrong with a typed domain and what to type instead. Both the
// allowed-domains list and the organisation's domains refuse names through package domainname,
// so both show the same words for the same refusal.
func domainNameMessage(l views.Lang, typed string, err error) string {
	shown := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(typed), "."))
	switch {
	case errors.Is(err, domainname.ErrEmpty):
		return l.T("domainname.err.empty")
	case errors.Is(err, domainname.ErrTooLong):
		return l.T("domainname.err.toolong")
	case errors.Is(err, domainname.ErrSingleLabel):
		return l.T("domainname.err.single", shown)
	case errors.Is(err, domainname.ErrPublicSuffix):
		return l.T("domainname.err.suffix", shown, shown)
	case errors.Is(err, domainname.ErrConsumerMail):
		return l.T("domainname.err.consumer", shown)
	}
	return l.T("domainname.err.invalid", shown)
}

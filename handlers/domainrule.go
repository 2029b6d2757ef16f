package handlers

import (
	"errors"

	"portvakt/handlers/domainname"
)

// Reasons an allowed domain is refused; each has its own message.
var (
	errDomainInvalid  = errors.New("not a domain name")
	errDomainSuffix   = errors.New("a public suffix")
	errDomainConsumer = errors.New("a consumer mail service")
)

// normaliseAllowedDomain returns the stored form of a domain typed for the allowed-domains list,
// by the same rule as the organisation's domains (package domainname): IDNA to lower-case ASCII,
// no trailing dot. Public suffixes and consumer mail domains are refused, since their addresses
// belong to unrelated people.
func normaliseAllowedDomain(s string) (string, error) {
	name, err := domainname.Normalise(s)
	switch {
	case err == nil:
		return name, nil
	case errors.Is(err, domainname.ErrPublicSuffix):
		return "", errDomainSuffix
	case errors.Is(err, domainname.ErrConsumerMail):
		return "", errDomainConsumer
	}
	return "", errDomainInvalid
}

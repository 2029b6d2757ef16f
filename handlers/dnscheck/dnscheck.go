// Package dnscheck proves control of a domain: it looks up the TXT record
// portvakt asks the owner to create and says, in terms a page can explain,
// what it found.
package dnscheck

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// recordPrefix is the label under which the challenge record lives. Only
// this exact name under the domain is looked at, so a record for a
// subdomain never verifies its parent.
const recordPrefix = "_portvakt-challenge"

// valuePrefix starts the record value, so that the owner can tell the record
// apart from other TXT records and portvakt can tell a stale token from an
// unrelated record.
const valuePrefix = "portvakt-verification="

// tokenBytes is the number of random bytes in a token: 160 bits.
const tokenBytes = 20

// RecordName returns the name of the TXT record that verifies domain, for
// example "_portvakt-challenge.example.se".
func RecordName(domain string) string {
	return recordPrefix + "." + domain
}

// RecordHost returns the part of the record name that many DNS panels want
// as the host, the name relative to the domain: "_portvakt-challenge".
func RecordHost() string { return recordPrefix }

// RecordValue returns the value the TXT record must hold for token.
func RecordValue(token string) string {
	return valuePrefix + token
}

// NewToken returns a new random token of 160 bits, written in lower-case
// base32 without padding so that it survives DNS panels and copying.
func NewToken() string {
	b := make([]byte, tokenBytes)
	// crypto/rand.Read never fails; it crashes the program when the
	// system's random source is broken.
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	filter "github.com/scim2/filter-parser/v2"

	"portvakt/store/account"
)

// Bounds on a SCIM filter before it reaches the parser: a provider's filters are one or two
// comparisons, and the parser recurses once per level of nesting.
const (
	scimMaxFilterLen   = 512
	scimMaxFilterDepth = 5
)

// scimLookup is what a supported filter asks for: people with this e-mail and/or external id.
// nothing is set when the filter can match nobody (e.g. a malformed address, or a home e-mail:
// portvakt keeps one address, the work one).
type scimLookup struct {
	email, externalID string
	nothing           bool
}

func invalidFilter(detail string) error {
	return scimErr(http.StatusBadRequest, "invalidFilter", detail)
}

// parseSCIMFilter reads the filters that identity providers send when they look for a person
// before creating or updating them: userName eq, externalId eq and emails[type eq "work"].value
// eq, alone or joined by "and". Anything else is answered 400 invalidFilter.
func parseSCIMFilter(raw string) (scimLookup, error) {
	if len(raw) > scimMaxFilterLen {
		return scimLookup{}, invalidFilter("The filter is longer than 512 characters.")
	}
	if filterDepth(raw) > scimMaxFilterDepth {
		return scimLookup{}, invalidFilter("The filter is nested too deeply.")
	}
	if q, ok := simpleFilter(raw); ok {
		return q, nil
	}
	expr, err := filter.ParseFilter([]byte(rewriteValuePathFilter(raw)))
	if err != nil || expr == nil {
		return scimLookup{}, invalidFilter("The filter is not a valid SCIM filter.")
	}
	var q scimLookup
	if err := q.add(expr); err != nil {
		return scimLookup{}, err
	}
	return q, nil
}

// unsupportedFilter is the answer to a well-formed filter portvakt does not search by.
var unsupportedFilter = invalidFilter(`Supported filters: userName eq "...", externalId eq "...", emails[type eq "work"].value eq "...", joined by "and".`)

// add narrows q by one node of the filter.
func (q *scimLookup) add(e filter.Expression) error {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if e.Operator != filter.AND {
			return unsupportedFilter
		}
		if err := q.add(e.Left); err != nil {
			return err
		}
		return q.add(e.Right)
	case *filter.AttributeExpression:
		return q.addComparison(e.AttributePath, e.Operator, e.CompareValue)
	case *filter.ValuePath:
		if !strings.EqualFold(e.AttributePath.AttributeName, "emails") || e.AttributePath.SubAttribute != nil || !coreUserURI(e.AttributePath) {
			return unsupportedFilter
		}
		return q.addEmailFilter(e.ValueFilter)
	}
	return unsupportedFilter
}

// addComparison handles "attr eq value".
func (q *scimLookup) addComparison(p filter.AttributePath, op filter.CompareOperator, v any) error {
	s, ok := v.(string)
	if op != filter.EQ || !ok || !coreUserURI(p) {
		return unsupportedFilter
	}
	name, sub := strings.ToLower(p.AttributeName), strings.ToLower(p.SubAttributeName())
	switch {
	case name == "username" && sub == "", name == "emails" && sub == "value":
		q.setEmail(s)
	case name == "externalid" && sub == "":
		q.setExternalID(s)
	default:
		return unsupportedFilter
	}
	return nil
}

// addEmailFilter handles the inside of emails[...]: value eq, and type eq "work".
func (q *scimLookup) addEmailFilter(e filter.Expression) error {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if e.Operator != filter.AND {
			return unsupportedFilter
		}
		if err := q.addEmailFilter(e.Left); err != nil {
			return err
		}
		return q.addEmailFilter(e.Right)
	case *filter.AttributeExpression:
		s, ok := e.CompareValue.(string)
		if e.Operator != filter.EQ || !ok || e.AttributePath.SubAttribute != nil || e.AttributePath.URIPrefix != nil {
			return unsupportedFilter
		}
		switch strings.ToLower(e.AttributePath.AttributeName) {
		case "value":
			q.setEmail(s)
		case "type":
			if !strings.EqualFold(s, "work") {
				q.nothing = true
			}
		default:
			return unsupportedFilter
		}
		return nil
	}
	return unsupportedFilter
}

// setExternalID narrows q to an external id. An empty one names nobody: a person without an
// external id has none, not an empty one.
func (q *scimLookup) setExternalID(s string) {
	if s == "" || (q.externalID != "" && q.externalID != s) {
		q.nothing = true
	}
	q.externalID = s
}

func (q *scimLookup) setEmail(s string) {
	email, err := account.NormaliseEmail(s)
	if err != nil || (q.email != "" && q.email != email) {
		q.nothing = true
		return
	}
	q.email = email
}

// coreUserURI reports whether an attribute path is of the core User schema (with or without
// its URI).
func coreUserURI(p filter.AttributePath) bool {
	return p.URIPrefix == nil || strings.EqualFold(p.URI(), scimUserSchema)
}

// filterDepth is the deepest nesting of brackets and parentheses outside quoted strings.
func filterDepth(s string) int {
	depth, deepest, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == ')' || c == ']':
			depth--
		}
	}
	return deepest
}

// rewriteValuePathFilter turns `emails[type eq "work"].value eq "x"`, which providers send but
// RFC 7644's filter grammar (and so the parser) does not have, into the equivalent
// `emails[type eq "work" and value eq "x"]`. Any other filter is returned as it is.
func rewriteValuePathFilter(raw string) string {
	s := strings.TrimSpace(raw)
	if len(s) < 7 || !strings.EqualFold(s[:7], "emails[") {
		return raw
	}
	end, quoted := -1, false
	for i := 7; i < len(s) && end < 0; i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && (c == '[' || c == '('):
			return raw
		case !quoted && c == ']':
			end = i
		}
	}
	if end < 0 {
		return raw
	}
	rest := s[end+1:]
	if len(rest) < 7 || !strings.EqualFold(rest[:7], ".value ") {
		return raw
	}
	return s[:end] + " and value " + strings.TrimSpace(rest[7:]) + "]"
}

// simpleFilter reads, without the parser, the one filter an identity provider sends for every
// person it looks up: `userName eq "..."` or `externalId eq "..."`, with a value free of quotes
// and backslashes. The parser allocates a few thousand times for it, most of a look-up's cost.
// Anything else, or anything in doubt, is left to the parser (ok false).
func simpleFilter(raw string) (q scimLookup, ok bool) {
	attr, rest, found := strings.Cut(raw, " ")
	if !found {
		return scimLookup{}, false
	}
	op, value, found := strings.Cut(rest, " ")
	if !found || !strings.EqualFold(op, "eq") || len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
		return scimLookup{}, false
	}
	value = value[1 : len(value)-1]
	if strings.ContainsAny(value, "\"\\") || !utf8.ValidString(value) {
		return scimLookup{}, false
	}
	switch {
	case strings.EqualFold(attr, "userName"):
		q.setEmail(value)
	case strings.EqualFold(attr, "externalId"):
		q.setExternalID(value)
	default:
		return scimLookup{}, false
	}
	return q, true
}

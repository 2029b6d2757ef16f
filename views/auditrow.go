package views

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AuditActorKind tells who did what an audit row records.
type AuditActorKind int

// The kinds of actor of an audit row.
const (
	AuditByPerson AuditActorKind = iota // a person: signed in, or the address typed at a refused sign-in
	AuditBySystem                       // portvakt by itself
	AuditByHost                         // a command on the host, named by Actor ("cli" in old rows)
)

// The text keys of the words and fields of the log's values: valuePrefix+"no_access",
// fieldPrefix+"issuer".
const (
	valuePrefix  = "audit.value."
	fieldPrefix  = "audit.field."
	reasonPrefix = "audit.reason."
)

// legacyHostActor is the actor of host commands in rows written before commands were named.
const legacyHostActor = "cli"

// AuditRowView is one row of the audit log, with the codes the store wrote; the page turns them
// into a sentence in the reader's language (AuditLine).
type AuditRowView struct {
	At         time.Time
	ActorKind  AuditActorKind
	Actor      string // e-mail, or the host command
	ActorName  string // the actor's name when the actor is a person with an account
	Action     string
	Target     string
	TargetName string // the target's name when the target is a person with an account
	ClientIP   string
	RequestID  string
	Before     string
	After      string
	Detail     string
}

// AuditLine is an audit row as the page shows it.
type AuditLine struct {
	// Sentence says what happened, e.g. "Anna Andersson gave Bo Berg access to Authentication
	// Settings". It is "" for an action this version does not know (from an older or newer
	// portvakt): then Code, Who and Target are shown as they are.
	Sentence string
	Code     string
	Who      string
	Target   string
	// People are the e-mail addresses behind the names in the sentence.
	People []string
	Before []string
	After  []string
	Detail []string
}

// AuditKind is the short name of an action for the filter, or the action's code when this version
// does not know it.
func (l Lang) AuditKind(action string) string {
	if k := "audit.kind." + action; HasText(k) {
		return l.T(k)
	}
	return action
}

// AuditLine puts a row into words.
func (l Lang) AuditLine(r AuditRowView) AuditLine {
	who, whoPhrase := l.auditWho(r)
	target := r.Target
	if r.TargetName != "" {
		target = r.TargetName
	}
	out := AuditLine{Code: r.Action, Who: who, Target: r.Target}
	key, variant := auditEventKey(r)
	detail := r.Detail
	if variant == "password" || variant == "sso" {
		detail = "" // the sign-in method, said in the sentence
	}
	if HasText(key) {
		tmpl := l.T(key)
		if whoPhrase && strings.HasPrefix(tmpl, "{who}") {
			who = upperFirst(who)
		}
		out.Sentence = strings.NewReplacer("{who}", who, "{target}", target).Replace(tmpl)
		if r.ActorName != "" && strings.Contains(tmpl, "{who}") {
			out.People = append(out.People, r.Actor)
		}
		if r.TargetName != "" && strings.Contains(tmpl, "{target}") && !slices.Contains(out.People, r.Target) {
			out.People = append(out.People, r.Target)
		}
	}
	out.Before, out.After = l.auditChange(r.Before, r.After)
	out.Detail = l.auditValue(detail)
	return out
}

// auditWho names the actor, and tells whether the name is a phrase of the texts (which starts a
// sentence with a capital) rather than a person's name or address.
func (l Lang) auditWho(r AuditRowView) (string, bool) {
	switch {
	case r.ActorKind == AuditBySystem:
		return l.T("audit.who.system"), true
	case r.ActorKind == AuditByHost && r.Actor == legacyHostActor:
		return l.T("audit.who.host"), true
	case r.ActorKind == AuditByHost:
		return l.T("audit.who.command", r.Actor), true
	case r.ActorName != "":
		return r.ActorName, false
	case r.Actor != "":
		return r.Actor, false
	}
	return l.T("audit.who.nobody"), true
}

// auditEventKey picks the sentence for the row: a variant of the action's sentence when the row's
// values tell more (how somebody signed in, on or off), else the action's own.
func auditEventKey(r AuditRowView) (key, variant string) {
	switch r.Action {
	case "login.success":
		variant = strings.TrimPrefix(r.Detail, "method=")
	case "user.admin":
		variant = map[string]string{"admin=true": "on", "admin=false": "off"}[r.After]
	case "domain.verify":
		variant = r.After
	case "policy.password_login":
		variant = r.After
		if r.ActorKind == AuditBySystem && r.After == "on" {
			variant = "reverted"
		}
	}
	if variant == "" && r.ActorKind == AuditByPerson && r.Actor != "" && r.Actor == r.Target {
		variant = "self" // e.g. a person who gave themselves access
	}
	base := "audit.event." + r.Action
	if k := base + "." + variant; variant != "" && HasText(k) {
		return k, variant
	}
	return base, ""
}

// auditChange puts the before and after values into words. When both list the same fields, only
// the fields that changed are shown.
func (l Lang) auditChange(before, after string) ([]string, []string) {
	bf, bok := parseAuditFields(before)
	af, aok := parseAuditFields(after)
	if bok && aok && sameKeys(bf, af) {
		var b, a []auditField
		for i := range bf {
			if bf[i].value != af[i].value {
				b, a = append(b, bf[i]), append(a, af[i])
			}
		}
		if len(b) > 0 {
			return l.auditFields(b), l.auditFields(a)
		}
	}
	return l.auditValue(before), l.auditValue(after)
}

// auditValue puts one value of the log into words: a word of the log's vocabulary ("no access"),
// a list of fields (issuer="…" subject="…"), or else the value as it is.
func (l Lang) auditValue(s string) []string {
	if s == "" {
		return nil
	}
	if k := valuePrefix + strings.ReplaceAll(s, " ", "_"); !strings.Contains(s, ".") && HasText(k) {
		return []string{l.T(k)}
	}
	if fs, ok := parseAuditFields(s); ok {
		return l.auditFields(fs)
	}
	if rs, ok := l.auditReasons(s); ok {
		return rs
	}
	return []string{s}
}

// auditReasons puts a list of refusal codes ("not_tested, locks_out_self") into words, or reports
// false when a part is no known code.
func (l Lang) auditReasons(s string) ([]string, bool) {
	var out []string
	for _, code := range strings.Split(s, ", ") {
		if !HasText(reasonPrefix + code) {
			return nil, false
		}
		out = append(out, l.T(reasonPrefix+code))
	}
	return out, true
}

func (l Lang) auditFields(fs []auditField) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		v := f.value
		switch {
		case v == "":
			v = l.T("audit.value.empty")
		case f.key == "expires":
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				v = l.Time(t)
			}
		case HasText(valuePrefix + f.key + "." + v):
			v = l.T(valuePrefix + f.key + "." + v)
		case !f.quoted && (v == "true" || v == "false"):
			v = l.T(valuePrefix + v)
		}
		out[i] = l.T(fieldPrefix+f.key) + ": " + v
	}
	return out
}

// auditField is one key=value of a value the store writes, such as name="Anna" admin=true.
type auditField struct {
	key, value string
	quoted     bool
}

// parseAuditFields reads s as space-separated key=value fields whose values are Go-quoted strings
// or single words, all with known keys. It reports false for anything else, which is then shown
// as it is.
func parseAuditFields(s string) ([]auditField, bool) {
	var out []auditField
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, false
		}
		f := auditField{key: s[:eq]}
		if !HasText(fieldPrefix + f.key) {
			return nil, false
		}
		s = s[eq+1:]
		if strings.HasPrefix(s, `"`) {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, false
			}
			if f.value, err = strconv.Unquote(q); err != nil {
				return nil, false
			}
			f.quoted, s = true, s[len(q):]
		} else {
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				end = len(s)
			}
			f.value, s = s[:end], s[end:]
		}
		if s != "" {
			if s[0] != ' ' {
				return nil, false
			}
			s = s[1:]
		}
		out = append(out, f)
	}
	return out, len(out) > 0
}

func sameKeys(a, b []auditField) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
	}
	return true
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

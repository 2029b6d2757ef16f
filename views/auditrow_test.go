package views_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"portvakt/store"
	"portvakt/views"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestEveryAuditActionHasSentences walks the store's list of actions: each needs a sentence and
// a name for the filter in both languages, with the same placeholders in both.
func TestEveryAuditActionHasSentences(t *testing.T) {
	if len(store.AuditActionList) < 30 {
		t.Fatalf("store lists only %d actions", len(store.AuditActionList))
	}
	for _, a := range store.AuditActionList {
		for _, key := range []string{"audit.event." + string(a), "audit.kind." + string(a)} {
			if !views.HasText(key) {
				t.Errorf("action %s has no text %s", a, key)
				continue
			}
			sv, en := views.SV.T(key), views.EN.T(key)
			if sv == en && strings.HasPrefix(key, "audit.event.") {
				t.Errorf("%s: the Swedish sentence is the English one: %q", key, sv)
			}
			if ps, pe := placeholder.FindAllString(sv, -1), placeholder.FindAllString(en, -1); !sameSet(ps, pe) {
				t.Errorf("%s: placeholders %v in Swedish, %v in English", key, ps, pe)
			}
		}
	}
	// Every sentence belongs to a listed action, and says nothing but {who} and {target}.
	for _, k := range views.TextKeys() {
		rest, ok := strings.CutPrefix(k, "audit.event.")
		if !ok {
			continue
		}
		if !slices.ContainsFunc(store.AuditActionList, func(a store.AuditAction) bool {
			return rest == string(a) || strings.HasPrefix(rest, string(a)+".")
		}) {
			t.Errorf("%s is the sentence of no action the store writes", k)
		}
		for _, p := range placeholder.FindAllString(views.SV.T(k)+views.EN.T(k), -1) {
			if p != "{who}" && p != "{target}" {
				t.Errorf("%s: unknown placeholder %s", k, p)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func TestAuditLineSaysWhatHappened(t *testing.T) {
	anna := views.AuditRowView{ActorKind: views.AuditByPerson, Actor: "anna@example.se", ActorName: "Anna Andersson"}
	with := func(r views.AuditRowView, f func(*views.AuditRowView)) views.AuditRowView { f(&r); return r }
	tests := []struct {
		name   string
		lang   views.Lang
		row    views.AuditRowView
		want   string
		people []string
		before []string
		after  []string
		detail []string
	}{
		{"access given, in Swedish", views.SV, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.TargetName, r.Before, r.After = "grant.add", "bo@example.se", "Bo Berg", "no access", "access"
		}), "Anna Andersson gav Bo Berg åtkomst till Authentication Settings", []string{"anna@example.se", "bo@example.se"},
			[]string{"ingen åtkomst"}, []string{"åtkomst"}, nil},
		{"access given, in English", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.TargetName, r.Before, r.After = "grant.add", "bo@example.se", "Bo Berg", "no access", "access"
		}), "Anna Andersson gave Bo Berg access to Authentication Settings", []string{"anna@example.se", "bo@example.se"},
			[]string{"no access"}, []string{"access"}, nil},
		{"access given to oneself", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.TargetName, r.Before, r.After = "grant.add", "anna@example.se", "Anna Andersson", "no access", "access"
		}), "Anna Andersson gave themselves access to Authentication Settings", []string{"anna@example.se"},
			[]string{"no access"}, []string{"access"}, nil},
		{"a verification link's expiry as a time", views.SV, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Detail = "verification.send", "bo@example.se", "mail=4 expires=2026-12-01T15:31:34Z"
		}), "Anna Andersson skickade en länk till bo@example.se för att verifiera e-postadressen", []string{"anna@example.se"},
			nil, nil, []string{"E-postmeddelande nr: 4", "Giltig till: " + views.SV.Time(time.Date(2026, 12, 1, 15, 31, 34, 0, time.UTC))}},
		{"a refused switch says why", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Detail = "policy.password_login.refused", "password", "not_tested, locks_out_self"
		}), "Anna Andersson tried to switch password sign-in off, but it was not allowed", []string{"anna@example.se"}, nil, nil,
			[]string{"the identity provider was not tested with its current settings", "the person would not have been able to sign in afterwards"}},
		{"a wrong password in Swedish", views.SV, views.AuditRowView{Action: "login.failure", Actor: "bo@example.se",
			Target: "bo@example.se", TargetName: "Bo Berg", Detail: "wrong password"},
			"En inloggning som Bo Berg nekades", []string{"bo@example.se"}, nil, nil, []string{"fel lösenord"}},
		{"sign-in with SSO says the method, not the detail", views.SV, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Detail = "login.success", "anna@example.se", "method=sso"
		}), "Anna Andersson loggade in med single sign-on", []string{"anna@example.se"}, nil, nil, nil},
		{"sign-in with a password", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Detail = "login.success", "anna@example.se", "method=password"
		}), "Anna Andersson signed in with a password", []string{"anna@example.se"}, nil, nil, nil},
		{"a refused sign-in names the typed address", views.SV, views.AuditRowView{Action: "login.failure",
			Actor: "cli", Target: "cli", Detail: "no such user"},
			"En inloggning som cli nekades", nil, nil, nil, []string{"no such user"}},
		{"a person without a name is their address", views.EN, views.AuditRowView{Action: "logout", Actor: "bo@example.se", Target: "bo@example.se"},
			"bo@example.se signed out", nil, nil, nil, nil},
		{"a host command is named", views.SV, views.AuditRowView{ActorKind: views.AuditByHost, Actor: "portvakt user add",
			Action: "user.create", Target: "bo@example.se", TargetName: "Bo Berg", After: `name="Bo Berg" admin=true verified=false password=true`},
			"Kommandot portvakt user add skapade ett konto för Bo Berg", []string{"bo@example.se"}, nil,
			[]string{"Namn: Bo Berg", "Administratör: ja", "E-postadress verifierad: nej", "Lösenord satt: ja"}, nil},
		{"an old host row reads as a command on the server", views.EN, views.AuditRowView{ActorKind: views.AuditByHost, Actor: "cli",
			Action: "policy.password_login", Target: "password", Before: "off", After: "on"},
			"A command on the server switched password sign-in on", nil, []string{"off"}, []string{"on"}, nil},
		{"portvakt's own revert", views.SV, views.AuditRowView{ActorKind: views.AuditBySystem, Actor: "system",
			Action: "policy.password_login", Target: "password", Before: "off", After: "on", Detail: "not confirmed within 15 minutes"},
			"Inloggning med lösenord slogs på igen, eftersom avstängningen inte bekräftades i tid", nil, []string{"av"}, []string{"på"},
			[]string{"not confirmed within 15 minutes"}},
		{"administrator taken away", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Before, r.After = "user.admin", "bo@example.se", "admin=true", "admin=false"
		}), "Anna Andersson removed bo@example.se as an administrator", []string{"anna@example.se"},
			[]string{"Administrator: yes"}, []string{"Administrator: no"}, nil},
		{"an edit shows only what changed", views.SV, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target = "user.update", "bo@example.se"
			r.Before, r.After = `name="Bo" email="bo@example.se" lang="" verified=true`, `name="Bo Berg" email="bo@example.se" lang="en" verified=true`
		}), "Anna Andersson ändrade uppgifterna för bo@example.se", []string{"anna@example.se"},
			[]string{"Namn: Bo", "Språk: (tomt)"}, []string{"Namn: Bo Berg", "Språk: engelska"}, nil},
		{"a link's identity in words, quotes and all", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Before, r.After = "link.remove", "bo@example.se", `issuer="https://idp.example" subject="a \"b\" c"`, "no link"
		}), "Anna Andersson removed the link between bo@example.se and the identity provider", []string{"anna@example.se"},
			[]string{"Issuer: https://idp.example", `User ID: a "b" c`}, []string{"no link"}, nil},
		{"signing in links oneself", views.SV, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.After = "link.create", "anna@example.se", `issuer="https://idp.example" subject="42"`
		}), "Anna Andersson kopplades till sin identitet hos identitetsleverantören vid inloggningen", []string{"anna@example.se"},
			nil, []string{"Utfärdare: https://idp.example", "Användar-id: 42"}, nil},
		{"a domain's status in words", views.SV, views.AuditRowView{ActorKind: views.AuditBySystem, Actor: "system",
			Action: "domain.record_lost", Target: "example.se", Before: "verified", After: "needs_attention", Detail: "TXT record not found"},
			"TXT-posten för domänen example.se hittades inte längre, så domänen behöver åtgärdas", nil,
			[]string{"verifierad"}, []string{"behöver åtgärdas"}, []string{"TXT record not found"}},
		{"a value that is no known word or field stays as it is", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.After = "allowed_domain.add", "on.example", "on.example"
		}), "Anna Andersson added on.example to the allowed domains for linking", []string{"anna@example.se"},
			nil, []string{"on.example"}, nil},
		{"unknown fields stay as they are", views.EN, with(anna, func(r *views.AuditRowView) {
			r.Action, r.Target, r.Detail = "mail.failed", "bo@example.se", "mail=3 error=dial tcp: refused"
		}), "An e-mail to bo@example.se could not be sent", nil, nil, nil, []string{"mail=3 error=dial tcp: refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.lang.AuditLine(tt.row)
			if l.Sentence != tt.want {
				t.Errorf("sentence %q, want %q", l.Sentence, tt.want)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"people", l.People, tt.people}, {"before", l.Before, tt.before}, {"after", l.After, tt.after}, {"detail", l.Detail, tt.detail}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestAuditLineOfAnUnknownAction checks that an action this version does not know (a legacy row,
// or one from a newer portvakt) shows its code, who and what, instead of a made-up sentence.
func TestAuditLineOfAnUnknownAction(t *testing.T) {
	for _, lang := range views.Langs {
		l := lang.AuditLine(views.AuditRowView{ActorKind: views.AuditByPerson, Actor: "anna@example.se", ActorName: "Anna",
			Action: "sso.legacy_thing", Target: "bo@example.se", Before: "off", After: "something=1"})
		if l.Sentence != "" || l.Code != "sso.legacy_thing" || l.Who != "Anna" || l.Target != "bo@example.se" {
			t.Errorf("%s: %+v, want no sentence and the code, actor and target", lang, l)
		}
		if !slices.Equal(l.Before, []string{lang.T("audit.value.off")}) || !slices.Equal(l.After, []string{"something=1"}) {
			t.Errorf("%s: before %q after %q", lang, l.Before, l.After)
		}
		if got := lang.AuditKind("sso.legacy_thing"); got != "sso.legacy_thing" {
			t.Errorf("%s: filter name %q, want the code", lang, got)
		}
		if got := lang.AuditKind("grant.add"); got == "grant.add" || got == "" {
			t.Errorf("%s: filter name of grant.add is %q", lang, got)
		}
	}
}

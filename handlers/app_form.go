package handlers

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// The form that adds or edits an application: the settings its type needs and nothing more,
// who may use it, and its token lifetimes. Refused input shows the form again (422) with a
// message per field and every value as typed.

// maxAppURIText bounds a list of addresses as typed (one per line), and maxTTLText a lifetime.
const (
	maxAppURIText = store.MaxAppURIs * (store.MaxAppURILen + 2)
	maxTTLText    = 6
)

// appForm is the application form as typed.
type appForm struct {
	kind        store.AppKind
	name        string
	redirects   string
	logouts     string
	backchannel string
	everyone    bool
	rows        []views.GrantRow // the people listed, as typed or as stored
	access      string           // minutes
	refresh     string           // days
	enabled     bool
	problems    map[string]string // what reading the form found, by field
}

// appFormFromSettings is the form filled in with stored (or default) settings.
func appFormFromSettings(st store.AppSettings, people []store.AppPerson) appForm {
	f := appForm{kind: st.Kind, name: st.Name, redirects: strings.Join(st.RedirectURIs, "\n"),
		logouts: strings.Join(st.PostLogoutURIs, "\n"), backchannel: st.BackchannelURI, everyone: st.Everyone,
		access: strconv.Itoa(int(st.AccessTTL / time.Minute)), refresh: strconv.Itoa(int(st.RefreshTTL / (24 * time.Hour))),
		enabled: st.Enabled}
	for i, p := range people {
		f.rows = append(f.rows, views.GrantRow{Index: i, Value: p.Email, Name: p.Name, Email: p.Email})
	}
	return f
}

// readAppForm reads the posted form as the pressed button leaves it (a person's row added,
// removed or picked), with the button itself.
func readAppForm(c echo.Context, kind store.AppKind) (appForm, rowAction) {
	f := appForm{kind: kind, problems: map[string]string{}}
	f.name = truncate(strings.TrimSpace(c.FormValue("name")), store.MaxAppNameLen*4)
	f.redirects = f.uriText(c, "redirect_uris", store.AppFieldRedirect)
	f.logouts = f.uriText(c, "post_logout_uris", store.AppFieldPostLogout)
	f.backchannel = truncate(strings.TrimSpace(c.FormValue("backchannel_uri")), store.MaxAppURILen*4)
	f.everyone = c.FormValue("access") != "people"
	f.access = truncate(strings.TrimSpace(c.FormValue("access_ttl")), maxTTLText*4)
	f.refresh = truncate(strings.TrimSpace(c.FormValue("refresh_ttl")), maxTTLText*4)
	f.enabled = c.FormValue("enabled") == "on"
	params, _ := c.FormParams()
	values := params["person"]
	if len(values) > store.MaxAppPeople {
		values, f.problems[store.AppFieldPeople] = values[:store.MaxAppPeople], "many"
	}
	rows := make([]string, len(values))
	for i, v := range values {
		v, _ = formText(v, maxEmail)
		rows[i] = truncate(v, maxEmail*4)
	}
	act := parseRowAction(c, len(rows))
	rows = applyRowAction(rows, act)
	if act.kind == "add" {
		f.everyone = false // adding a person means the list is wanted
	}
	for i, v := range rows {
		f.rows = append(f.rows, views.GrantRow{Index: i, Value: v})
	}
	return f, act
}

// uriText reads a list of addresses, one per line, noting a list too long to be one.
func (f *appForm) uriText(c echo.Context, name, field string) string {
	raw := strings.TrimSpace(c.FormValue(name))
	if utf8.RuneCountInString(raw) > maxAppURIText {
		f.problems[field] = "long"
		return truncate(raw, maxAppURIText)
	}
	return raw
}

// settings are the typed settings, normalized, with the people ids given. Settings the type does
// not have keep what old had, so that editing never drops what the form does not show.
func (f appForm) settings(old *store.Application, people []int64) store.AppSettings {
	st := store.AppSettings{Name: f.name, Kind: f.kind, Enabled: f.enabled, Everyone: f.everyone, People: people}
	if old != nil {
		st.RedirectURIs, st.PostLogoutURIs, st.BackchannelURI = old.RedirectURIs, old.PostLogoutURIs, old.BackchannelURI
		st.RefreshTTL = old.RefreshTTL
	}
	if f.kind.SignsPeopleIn() {
		// Every app that signs people in may send them back after signing out (RP-initiated
		// logout); only a web app has a server to receive back-channel logouts.
		st.RedirectURIs, st.PostLogoutURIs = strings.Split(f.redirects, "\n"), strings.Split(f.logouts, "\n")
		st.RefreshTTL = f.ttl(f.refresh, 24*time.Hour, store.AppFieldRefreshTTL, store.AppProblemRefreshTTL)
	}
	if f.kind == store.AppWeb {
		st.BackchannelURI = f.backchannel
	}
	st.AccessTTL = f.ttl(f.access, time.Minute, store.AppFieldAccessTTL, store.AppProblemAccessTTL)
	return st.Normalize()
}

// ttl reads a lifetime in whole units; empty is the default (zero). What is not a positive
// whole number is noted as problem code for field.
func (f appForm) ttl(raw string, unit time.Duration, field, code string) time.Duration {
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 || n > 100_000 {
		f.problems[field] = code
		return 0
	}
	return time.Duration(n) * unit
}

// appFormView builds the form's view with the values typed.
func (s *Server) appFormView(c echo.Context, old *store.Application, f appForm) views.AppFormView {
	l := lang(c)
	k := f.kind
	v := views.AppFormView{Kind: string(k), KindName: appKindName(l, k), Heading: l.T(dynamicKey("apps.kind.", string(k)+".new")),
		SignsPeopleIn: k.SignsPeopleIn(), ShowBackchannel: k == store.AppWeb, Everyone: f.everyone, People: f.rows, Enabled: f.enabled}
	field := func(id, value string, max int) views.Field {
		return views.Field{ID: id, Name: id, Label: l.T(dynamicKey("apps.field.", id)), Hint: l.T(dynamicKey("apps.field.", id+".hint")),
			Value: value, MaxLen: max, Autocomplete: "off"}
	}
	v.Name = field("name", f.name, store.MaxAppNameLen)
	v.Name.Required = true
	v.RedirectURIs = field("redirect_uris", f.redirects, maxAppURIText)
	v.RedirectURIs.Hint = l.T(dynamicKey("apps.field.redirect_uris.hint.", string(k)))
	v.PostLogoutURIs = field("post_logout_uris", f.logouts, maxAppURIText)
	v.BackchannelURI = field("backchannel_uri", f.backchannel, store.MaxAppURILen)
	v.BackchannelURI.Type = "url"
	v.AccessTTL = field("access_ttl", f.access, maxTTLText)
	v.RefreshTTL = field("refresh_ttl", f.refresh, maxTTLText)
	if old != nil {
		v.ID, v.Heading = old.ID, old.Name
		v.Connect = s.appConnect(*old, "")
		if old.Kind.HasSecret() {
			v.Secret = &views.AppSecretView{Hint: old.SecretHint, Overlap: l.Duration(store.AppSecretOverlap)}
			if !old.OldSecretUntil.IsZero() && old.OldSecretUntil.After(s.store.Now()) {
				v.Secret.OldUntil = l.Time(old.OldSecretUntil)
			}
		}
	}
	return v
}

// showProblems puts each problem code next to its field; it reports whether there were any.
func showProblems(l views.Lang, v *views.AppFormView, problems map[string]string) bool {
	text := func(code string) string {
		switch code {
		case "long":
			return l.T("apps.err.uris.long")
		case "many":
			return l.T("apps.err.people.many")
		}
		return l.T(dynamicKey("app.problem.", code))
	}
	fields := map[string]*views.Field{store.AppFieldName: &v.Name, store.AppFieldRedirect: &v.RedirectURIs,
		store.AppFieldPostLogout: &v.PostLogoutURIs, store.AppFieldBackchannel: &v.BackchannelURI,
		store.AppFieldAccessTTL: &v.AccessTTL, store.AppFieldRefreshTTL: &v.RefreshTTL}
	for field, code := range problems {
		if f, ok := fields[field]; ok {
			f.Error = text(code)
			if bad := offendingURI(store.AppKind(v.Kind), field, f.Value); bad != "" {
				f.Error += " " + l.T("apps.err.uri.which", bad)
			}
		} else {
			v.PeopleError = text(code)
		}
	}
	return len(problems) > 0
}

// offendingURI is the first address of a list of redirect or logout URIs that the store refuses,
// cut to a readable length, so that the message can say which one it means ("" when the problem
// is with the list as a whole).
func offendingURI(kind store.AppKind, field, list string) string {
	if field != store.AppFieldRedirect && field != store.AppFieldPostLogout {
		return ""
	}
	lines := strings.Split(list, "\n")
	if len(lines) < 2 {
		return ""
	}
	for _, line := range lines {
		one := store.AppSettings{Name: "x", Kind: kind, Everyone: true, RedirectURIs: []string{line}}.Normalize()
		if len(one.RedirectURIs) == 1 && one.Problems()[store.AppFieldRedirect] != "" {
			return truncate(strings.TrimSpace(line), 80)
		}
	}
	return ""
}

// appConnect is what the app needs to be connected; secret is given only right after it was made.
func (s *Server) appConnect(a store.Application, secret string) *views.AppConnectView {
	c := &views.AppConnectView{Issuer: s.issuer(), ClientID: a.ClientID, Secret: secret, HasSecret: a.Kind.HasSecret(),
		Public: a.Kind.Public(), Machine: !a.Kind.SignsPeopleIn()}
	if len(a.RedirectURIs) > 0 {
		c.RedirectURI = a.RedirectURIs[0]
	}
	return c
}

package handlers

import (
	"cmp"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// The audit log page: administrators see everything; people with access to Authentication
// Settings see the actions of that area.

// authSettingsAreas are the action prefixes of Authentication Settings: domains, identity
// providers and their test sign-ins, policies, the SSO links they create, and the applications
// that sign in through portvakt with the provider's signing keys.
var authSettingsAreas = []string{"domain.", "idp.", "sso.", "test.", "policy.", "password_login.", "link.", "app.", "signing_key."}

const auditPerPage = 50

// auditQuery is the filter as typed, kept for the form and the links.
type auditQuery struct {
	action, actor, from, to string
	page                    int
}

// readAuditFilter turns the query string into a store filter for this person. Bad dates are
// reported, not guessed.
func (s *Server) readAuditFilter(c echo.Context) (auditQuery, store.AuditFilter, []views.FieldError) {
	l := lang(c)
	q := auditQuery{action: c.QueryParam("action"), from: c.QueryParam("from"), to: c.QueryParam("to")}
	q.actor, _ = formText(c.QueryParam("actor"), maxEmail)
	q.actor, q.action = truncate(q.actor, maxEmail), truncate(q.action, 100)
	q.page, _ = strconv.Atoi(c.QueryParam("page"))
	q.page = max(q.page, 1)
	f := store.AuditFilter{Action: q.action, Actor: q.actor, Offset: (q.page - 1) * auditPerPage, Limit: auditPerPage}
	if sess := currentSession(c); !sess.User.IsAdmin {
		f.Areas = authSettingsAreas
	}
	var problems []views.FieldError
	if d, ok := parseDay(q.from); ok {
		f.From = d
	} else {
		problems = append(problems, views.FieldError{Field: "from", Message: l.T("audit.err.date")})
	}
	if d, ok := parseDay(q.to); ok && !d.IsZero() {
		f.To = d.AddDate(0, 0, 1) // the whole "to" day
	} else if !ok {
		problems = append(problems, views.FieldError{Field: "to", Message: l.T("audit.err.date")})
	}
	return q, f, problems
}

// parseDay reads a YYYY-MM-DD date in local time; empty is the zero time.
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	return t, err == nil
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"action": q.action, "actor": q.actor, "from": q.from, "to": q.to} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// handleAudit shows one page of the log with the filter form.
func (s *Server) handleAudit(c echo.Context) error {
	ctx := c.Request().Context()
	q, f, problems := s.readAuditFilter(c)
	actions, err := s.store.AuditActions(ctx, f.Areas)
	if err != nil {
		return err
	}
	v := views.AuditView{Action: q.action, Actor: q.actor, From: q.from, To: q.to, Actions: auditOptions(lang(c), actions)}
	status := http.StatusOK
	if len(problems) == 0 {
		rows, more, err := s.store.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			v.Rows = append(v.Rows, auditRowView(r))
		}
		vals := q.values()
		v.CSVHref = paths.AuditCSV + "?" + vals.Encode()
		if q.page > 1 {
			vals.Set("page", strconv.Itoa(q.page-1))
			v.PrevHref = paths.Audit + "?" + vals.Encode()
		}
		if more {
			vals.Set("page", strconv.Itoa(q.page+1))
			v.NextHref = paths.Audit + "?" + vals.Encode()
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	// The log sits in the Authentication Settings group of the navigation, like the guide's;
	// its overview is a link only for those who may open it.
	group := crumb(c, "nav.authsettings", "")
	if currentSession(c).AuthSettings {
		group.Href = paths.AuthSettings
	}
	p := s.page(c, "audit.title", "audit", group, crumb(c, "nav.audit", paths.Audit))
	p.Errors = problems
	return render(c, status, views.AuditPage(p, v))
}

// auditActorKinds maps who did it, as the store tells, to the page's kinds.
var auditActorKinds = map[store.ActorKind]views.AuditActorKind{
	store.ActorPerson: views.AuditByPerson,
	store.ActorSystem: views.AuditBySystem,
	store.ActorHost:   views.AuditByHost,
}

func auditRowView(r store.AuditRow) views.AuditRowView {
	return views.AuditRowView{At: r.At, ActorKind: auditActorKinds[r.Kind()], Actor: r.Actor, ActorName: r.ActorName,
		Action: string(r.Action), Target: r.Target, TargetName: r.TargetName, ClientIP: r.ClientIP,
		RequestID: r.RequestID, Before: r.Before, After: r.After, Detail: r.Detail}
}

// auditOptions names the actions in the log for the filter, in the order of store.AuditActionList
// (by area); actions this version does not know follow under their codes.
func auditOptions(l views.Lang, actions []string) []views.AuditOption {
	rank := make(map[string]int, len(store.AuditActionList))
	for i, a := range store.AuditActionList {
		rank[string(a)] = i
	}
	slices.SortStableFunc(actions, func(a, b string) int {
		ra, oka := rank[a]
		rb, okb := rank[b]
		switch {
		case oka && okb:
			return cmp.Compare(ra, rb)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	out := make([]views.AuditOption, len(actions))
	for i, a := range actions {
		out[i] = views.AuditOption{Action: a, Label: l.AuditKind(a)}
	}
	return out
}

// handleAuditCSV streams every matching row as CSV, newest first.
func (s *Server) handleAuditCSV(c echo.Context) error {
	_, f, problems := s.readAuditFilter(c)
	if len(problems) > 0 {
		return badRequest("bad date")
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="portvakt-audit-`+time.Now().Format("20060102-150405")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = writeCSVRow(w, "id", "time", "actor", "action", "target", "client_ip", "request_id", "before", "after", "detail")
	err := s.store.EachAudit(c.Request().Context(), f, func(r store.AuditRow) error {
		return writeCSVRow(w, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339), r.Actor,
			string(r.Action), r.Target, r.ClientIP, r.RequestID, r.Before, r.After, r.Detail)
	})
	w.Flush()
	if err != nil {
		s.log.Error("audit export stopped", "error", err)
	}
	return nil
}

// writeCSVRow writes one row with every cell through csvSafe: no column is trusted to be free of
// formulas, not even those portvakt fills itself, since their values can come from a client.
func writeCSVRow(w *csv.Writer, cells ...string) error {
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	return w.Write(cells)
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV injection): a leading
// =, +, - or @ gets a quote in front.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

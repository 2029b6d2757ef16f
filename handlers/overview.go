package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// The readiness overview of Authentication Settings (DESIGN.md, flow 17): the guide's steps as a
// live checklist, the people in numbers, sign-ins per day, and the invitations to link.

// The chart's periods, in days.
const defaultChartDays = 30

var chartPeriods = []int{30, 90}

// handleAuthSettings shows how far the organisation is from SSO-only and who holds it back.
func (s *Server) handleAuthSettings(c echo.Context) error {
	ctx := c.Request().Context()
	days := defaultChartDays
	for _, d := range chartPeriods {
		if c.QueryParam("days") == strconv.Itoa(d) {
			days = d
		}
	}
	st, err := s.store.AuthSettingsStatus(ctx)
	if err != nil {
		return err
	}
	ps, err := s.store.IdPs(ctx)
	if err != nil {
		return err
	}
	ov, err := s.store.ReadOverview(ctx)
	if err != nil {
		return err
	}
	signIns, err := s.store.SignInsPerDay(ctx, days)
	if err != nil {
		return err
	}
	history, err := s.store.ReadInviteHistory(ctx)
	if err != nil {
		return err
	}
	admin := currentSession(c).User.IsAdmin
	serving, tested := 0, 0
	for _, p := range ps {
		if p.Enabled && len(p.Domains) > 0 {
			serving++
			if !p.TestedAt.IsZero() {
				tested++
			}
		}
	}
	l := lang(c)
	v := views.AuthSettingsView{
		PasswordOn:      st.PasswordOn,
		VerifiedDomains: st.VerifiedDomains,
		Steps:           checklist(l, admin, st, serving, tested, ov.Counts),
		Numbers:         readinessNumbers(admin, ov.Counts),
		Chart:           signInChart(l, signIns),
		Invite:          inviteView(admin, ov, history),
	}
	p := s.page(c, "authsettings.title", "authsettings", crumb(c, "nav.authsettings", ""))
	return render(c, http.StatusOK, views.AuthSettingsPage(p, v))
}

// checklist is the guide's steps with where each stands. Links to the administrators' pages
// (General > Security, Users) are shown to administrators only.
func checklist(l views.Lang, admin bool, st store.AuthSettingsStatus, serving, tested int, counts store.UserCounts) []views.Step {
	adminHref := func(href string) string {
		if admin {
			return href
		}
		return ""
	}
	password := views.Step{TitleKey: "authsettings.step.policy", BodyKey: "authsettings.step.policy.about", TestID: "password",
		Href: paths.Policies, Done: !st.PasswordOn, Status: l.T("overview.step.password.status.on")}
	if !st.PasswordOn {
		password.Status = l.T("overview.step.password.status.off")
	}
	steps := []views.Step{
		{TitleKey: "overview.step.access", BodyKey: "overview.step.access.about", TestID: "access",
			Href: adminHref(paths.Security), Done: st.Grants > 0, Status: l.T("overview.step.access.status", st.Grants)},
		{TitleKey: "authsettings.step.domain", BodyKey: "authsettings.step.domain.about", TestID: "domain",
			Href: paths.Domains, Done: st.VerifiedDomains > 0, Status: l.T("overview.step.domain.status", st.VerifiedDomains)},
		{TitleKey: "authsettings.step.idp", BodyKey: "authsettings.step.idp.about", TestID: "idp",
			Href: paths.SSO, Done: serving > 0, Status: l.T("overview.step.idp.status", serving)},
		{TitleKey: "authsettings.step.test", BodyKey: "authsettings.step.test.about", TestID: "test",
			Href: paths.SSO, Done: tested > 0, Status: l.T("overview.step.test.status", tested)},
		{TitleKey: "overview.step.allowed", BodyKey: "overview.step.allowed.about", TestID: "allowed",
			Href: adminHref(paths.Security), Done: st.AllowedDomains > 0, Status: l.T("overview.step.allowed.status", st.AllowedDomains)},
		{TitleKey: "overview.step.people", BodyKey: "overview.step.people.about", TestID: "people",
			Href: adminHref(usersHref(store.ShowLosing, "")), Done: tested > 0 && counts[store.ShowLosing] == 0,
			Status: l.T("overview.step.people.status", counts[store.ShowLosing], counts[store.ShowAll])},
		// Applications (DESIGN.md, flow 15) get their step here, before Password OFF, once they
		// exist: "applications registered", linking to Authentication Settings > Applications.
		password,
	}
	return steps
}

// readinessNumbers are the counts of people, each leading to the Users list of the people it
// counts (for administrators, who may see that list).
func readinessNumbers(admin bool, counts store.UserCounts) []views.Number {
	groups := []struct {
		g    store.UserShow
		key  string
		warn bool
	}{
		{store.ShowAll, "overview.number.all", false},
		{store.ShowVerified, "overview.number.verified", false},
		{store.ShowReady, "overview.number.ready", false},
		{store.ShowLinked, "overview.number.linked", false},
		{store.ShowNotLinked, "overview.number.notlinked", false},
		{store.ShowSSO, "overview.number.sso", false},
		{store.ShowPassword, "overview.number.password", false},
		{store.ShowLosing, "overview.number.lose", true},
	}
	out := make([]views.Number, len(groups))
	for i, g := range groups {
		out[i] = views.Number{Key: g.key, Count: counts[g.g], Group: string(g.g), Warn: g.warn}
		if out[i].Group == "" {
			out[i].Group = "all"
		}
		if admin {
			out[i].Href = usersHref(g.g, "")
		}
	}
	return out
}

// signInChart names the roll-up's methods for the chart.
func signInChart(l views.Lang, d store.SignInDays) views.Chart {
	ch := views.Chart{Days: d.Days, First: d.First}
	for _, days := range chartPeriods {
		ch.Periods = append(ch.Periods, views.ChartPeriod{Days: days, Href: overviewHref(days), Current: days == d.Days})
	}
	for i, m := range d.Methods {
		label := m.Name
		switch {
		case m.Method == store.MethodPassword:
			label = l.T("overview.chart.password")
		case m.IdPID == 0:
			label = l.T("overview.chart.sso.earlier")
		case m.Name == "":
			label = l.T("overview.chart.sso.removed", m.IdPID)
		}
		ch.Series = append(ch.Series, views.ChartSeries{Label: label, Counts: d.Counts[i], Total: d.Total(i)})
	}
	return ch
}

// inviteView is the invitation section.
func inviteView(admin bool, ov store.Overview, inv store.InviteHistory) views.InviteView {
	v := views.InviteView{Possible: ov.InvitePossible, Due: ov.InviteDue, DueProfile: ov.InviteProfile,
		Waiting: ov.InviteWaiting, Blocked: ov.InviteBlocked, Sent: inv.Sent, Invited: inv.Invited, LinkedSince: inv.LinkedSince}
	if admin {
		v.BlockedHref = usersHref(store.ShowNotLinked, "")
	}
	for _, r := range inv.Recent {
		v.Recent = append(v.Recent, views.InviteRow{Name: r.Name, Email: r.Email, SentAt: r.SentAt,
			ViaProfile: r.ViaProfile, MailStatus: r.MailStatus, LinkedAt: r.LinkedAt})
	}
	return v
}

// handleInvitesSend mails everybody who can be invited to link now, each in their language,
// and sends the mails after the page has answered.
func (s *Server) handleInvitesSend(c echo.Context) error {
	ctx := c.Request().Context()
	inv, err := s.store.LinkInvites(ctx)
	if err != nil {
		return err
	}
	mails := make([]store.InviteMail, 0, len(inv.Due))
	for _, t := range inv.Due {
		m, err := s.inviteMail(ctx, t)
		if err != nil {
			return err
		}
		mails = append(mails, m)
	}
	a := s.actor(c)
	ids, err := s.store.SendLinkInvites(ctx, a, mails)
	if err != nil {
		return err
	}
	switch {
	case len(ids) == 0:
		s.setFlash(c, "overview.invite.nobody.flash")
	case s.mailer.sender == nil:
		s.setFlash(c, "overview.invite.queued.flash", len(ids))
	default:
		s.setFlash(c, "overview.invite.sent.flash", len(ids))
		go s.deliverAll(a, ids)
	}
	return redirect(c, paths.AuthSettings+"#invite")
}

// inviteMail is the invitation for one person, in their language (or the instance default):
// the sign-in with their address filled in, or, for a privileged person, their profile.
func (s *Server) inviteMail(ctx context.Context, t store.InviteTarget) (store.InviteMail, error) {
	l := s.cfg.DefaultLang
	if ul, ok := views.ParseLang(t.Lang); ok {
		l = ul
	}
	link := s.cfg.BaseURL.String() + paths.Login + "?email=" + url.QueryEscape(t.Email)
	if t.Privileged {
		link = s.cfg.BaseURL.String() + paths.Profile
	}
	subject, text, html, err := views.RenderLinkInviteMail(ctx, l, views.LinkInviteMailView{
		Name: t.Name, Email: t.Email, OrgName: s.cfg.OrgName, Provider: t.Provider, Link: link, ViaProfile: t.Privileged,
	})
	if err != nil {
		return store.InviteMail{}, err
	}
	return store.InviteMail{UserID: t.ID, ViaProfile: t.Privileged, Mail: store.NewMail{
		Kind: "link_invite", To: t.Email, ToName: t.Name, Subject: subject, Body: s.mailer.seal(text, html),
	}}, nil
}

// deliverAll sends queued mails one after the other, apart from the request that queued them:
// a few hundred invitations take longer than a page may. A mail that fails stays in the outbox
// with its error, where an administrator can retry it.
func (s *Server) deliverAll(a store.Actor, ids []int64) {
	for _, id := range ids {
		if err := s.mailer.deliver(context.Background(), a, id); err != nil {
			s.log.Warn("mail: invitation not delivered", "mail_id", id, "error", err)
		}
	}
}

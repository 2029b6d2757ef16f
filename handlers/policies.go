package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Authentication Settings > Policies > Identity providers: the ways to sign in, ON or OFF, and
// the guarded switch that turns password sign-in off (DESIGN.md, flow 9). The pages only show
// what the store decides: the store checks everything again in the transaction that switches.

// maxAffectedShown caps the review page's list of people; the count is always whole.
const maxAffectedShown = 200

func (s *Server) policiesCrumbs(c echo.Context, last ...views.Crumb) []views.Crumb {
	return authSettingsCrumbs(c, "nav.policies", paths.Policies, last...)
}

// passwordOffState reads the preconditions for the person of this request.
func (s *Server) passwordOffState(c echo.Context) (store.PasswordOffState, error) {
	token, _ := c.Get(ctxToken).(string)
	return s.store.PasswordOffCheck(c.Request().Context(), token)
}

// handlePolicies lists the providers with their state and what switching passwords off needs.
func (s *Server) handlePolicies(c echo.Context) error {
	return s.renderPolicies(c, nil)
}

// renderPolicies shows the Policies page; with errs, as the refusal of a form on it (422).
func (s *Server) renderPolicies(c echo.Context, errs []views.FieldError) error {
	ps, err := s.store.IdPs(c.Request().Context())
	if err != nil {
		return err
	}
	st, err := s.passwordOffState(c)
	if err != nil {
		return err
	}
	l := lang(c)
	v := views.PoliciesView{PasswordOn: st.PasswordOn, Checks: policyChecks(c, st), WindowText: l.Duration(s.cfg.ConfirmWindow)}
	if v.Window, err = s.policyWindow(c); err != nil {
		return err
	}
	if v.Apps, err = s.policyApps(c); err != nil {
		return err
	}
	v.Providers = append(v.Providers, views.PolicyProvider{Name: l.T("policies.password"), About: l.T("policies.password.about"),
		DomainText: l.T("policies.password.domains"), On: st.PasswordOn, Tested: "n/a", TestID: "policy-password"})
	for _, p := range ps {
		row := views.PolicyProvider{Name: p.Name, About: l.T(presetKey(p.Preset, "")), Href: paths.IdP(p.ID), On: p.Enabled,
			Tested: "no", TestID: "policy-idp"}
		for _, d := range p.Domains {
			row.Domains = append(row.Domains, d.Name)
		}
		if !p.TestedAt.IsZero() {
			row.Tested, row.TestedText = "yes", l.T("sso.tested.by", p.TestedBy, l.Time(p.TestedAt))
		}
		v.Providers = append(v.Providers, row)
	}
	pg := s.page(c, "policies.title", "policies", s.policiesCrumbs(c, crumb(c, "policies.title", ""))...)
	if pg.Errors = errs; len(errs) > 0 {
		return unprocessable(c, views.PoliciesPage(pg, v))
	}
	return render(c, http.StatusOK, views.PoliciesPage(pg, v))
}

// policyChecks turns the store's reasons into the page's checklist.
func policyChecks(c echo.Context, st store.PasswordOffState) []views.PolicyCheck {
	l := lang(c)
	has := func(rs ...store.PasswordOffReason) bool {
		return slices.ContainsFunc(st.Reasons, func(r store.PasswordOffReason) bool { return slices.Contains(rs, r) })
	}
	state := func(done bool) string {
		if done {
			return "done"
		}
		return "todo"
	}
	sso := views.PolicyCheck{Text: l.T("policies.check.sso"), State: state(!has(store.ReasonNoSSOSession, store.ReasonSSOTooOld))}
	if st.SessionMethod == store.MethodSSO {
		sso.Detail = l.T("policies.check.sso.at", l.Time(st.SignedInAt))
	}
	servedHref := paths.SSO
	if has(store.ReasonNoVerifiedDomain) {
		servedHref = paths.Domains
	}
	return []views.PolicyCheck{
		{Text: l.T("policies.check.served"), State: state(!has(store.ReasonNoVerifiedDomain, store.ReasonNoServedDomain)), Href: servedHref},
		{Text: l.T("policies.check.tested"), State: state(len(st.Domains) > 0), Href: paths.SSO},
		sso,
		{Text: l.T("policies.check.self"), State: state(!has(store.ReasonLocksOutSelf) && len(st.Domains) > 0)},
		{Text: l.T("policies.check.review"), State: "next"},
	}
}

// reasonTexts explains each reason in plain words.
func reasonTexts(c echo.Context, rs []store.PasswordOffReason, domain string) []string {
	l := lang(c)
	out := make([]string, len(rs))
	for i, r := range rs {
		if r == store.ReasonNotConfirmed {
			out[i] = l.T("policies.reason.not_confirmed", domain)
			continue
		}
		out[i] = l.T(reasonKey(r))
	}
	return out
}

func reasonKey(r store.PasswordOffReason) string { return "policies.reason." + string(r) }

func lossKey(r store.LossReason) string { return "policies.loss." + string(r) }

// passwordOffView builds the review page from the state, with the typed value kept.
func (s *Server) passwordOffView(c echo.Context, st store.PasswordOffState, typed string) (views.PasswordOffView, error) {
	l := lang(c)
	v := views.PasswordOffView{Reasons: reasonTexts(c, st.Reasons, ""), PasswordSessions: st.PasswordSessions, Users: st.Users,
		Reviewed: st.Reviewed, DomainList: strings.Join(st.Domains, ", "), ProviderList: strings.Join(st.Providers, ", "),
		WindowText: l.Duration(s.cfg.ConfirmWindow)}
	if len(st.Domains) > 0 {
		v.Domain = st.Domains[0]
	}
	for i, u := range st.Affected {
		if i == maxAffectedShown {
			v.More = len(st.Affected) - maxAffectedShown
			break
		}
		v.Affected = append(v.Affected, views.AffectedRow{Name: u.Name, Email: u.Email, Why: l.T(lossKey(u.Why))})
	}
	v.Confirm = views.Field{ID: "confirm", Name: "confirm", Label: l.T("policies.confirm.label", v.Domain),
		Hint: l.T("policies.confirm.hint"), Value: typed, MaxLen: maxDomainTyped, Required: true, Autocomplete: "off"}
	apps, err := s.store.AppsSignedIn(c.Request().Context())
	if err != nil {
		return views.PasswordOffView{}, err
	}
	password, signsIn := 0, false
	for _, a := range apps {
		if a.Kind.SignsPeopleIn() {
			password, signsIn = password+a.Password, true
		}
	}
	if signsIn {
		v.AppsText = l.T("policies.apps.what", password)
	}
	return v, nil
}

// policyApps is what the switch does to each application, for the Policies page.
func (s *Server) policyApps(c echo.Context) ([]views.PolicyApp, error) {
	apps, err := s.store.AppsSignedIn(c.Request().Context())
	if err != nil {
		return nil, err
	}
	l := lang(c)
	out := make([]views.PolicyApp, 0, len(apps))
	for _, a := range apps {
		row := views.PolicyApp{Name: a.Name, Href: paths.App(a.AppID), Kind: appKindName(l, a.Kind), People: a.People, Password: a.Password}
		switch {
		case !a.Kind.SignsPeopleIn():
			row.Reached = l.T("policies.apps.integration")
		case !a.Enabled:
			row.Reached = l.T("policies.apps.off")
		case a.Password > 0:
			row.Reached = l.T("policies.apps.password", a.Password)
		default:
			row.Reached = l.T("policies.apps.none")
		}
		out = append(out, row)
	}
	return out, nil
}

// maxDomainTyped bounds the typed confirmation (a domain name is at most 253 characters).
const maxDomainTyped = 253

func (s *Server) passwordOffPage(c echo.Context) views.Page {
	return s.page(c, "policies.review.title", "policies", s.policiesCrumbs(c, crumb(c, "policies.review.title", ""))...)
}

// handlePasswordOffReview shows what switching passwords off would do and to whom, or why it
// cannot be done yet. It changes nothing.
func (s *Server) handlePasswordOffReview(c echo.Context) error {
	st, err := s.passwordOffState(c)
	if err != nil {
		return err
	}
	if !st.PasswordOn {
		s.setFlash(c, "policies.off.already")
		return redirect(c, paths.Policies)
	}
	v, err := s.passwordOffView(c, st, "")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PasswordOffPage(s.passwordOffPage(c), v))
}

// handlePasswordOff switches password sign-in off once the store, inside its transaction,
// finds every precondition met. A refusal shows the review page again with each reason.
func (s *Server) handlePasswordOff(c echo.Context) error {
	ctx := c.Request().Context()
	typed, _ := formText(c.FormValue("confirm"), maxDomainTyped*2)
	reviewed, _ := formText(c.FormValue("reviewed"), 100)
	token, _ := c.Get(ctxToken).(string)
	ended, err := s.store.DisablePasswordLogin(ctx, s.actor(c), store.PasswordOffGuard{SessionToken: token, Reviewed: reviewed,
		ConfirmDomain: typed, ConfirmWindow: s.cfg.ConfirmWindow})
	if errors.Is(err, store.ErrPasswordAlreadyOff) {
		s.setFlash(c, "policies.off.already")
		return redirect(c, paths.Policies)
	}
	var refused *store.PasswordOffError
	if !errors.As(err, &refused) {
		if err != nil {
			return err
		}
		s.setFlash(c, "policies.off.done", ended)
		return redirect(c, paths.Policies)
	}
	return s.refusePasswordOff(c, refused, typed)
}

// refusePasswordOff records a refused switch and shows the review page again: the unmet
// preconditions in place of the form, or the problems with the confirmation at its field.
func (s *Server) refusePasswordOff(c echo.Context, refused *store.PasswordOffError, typed string) error {
	rs := make([]string, len(refused.Reasons))
	for i, r := range refused.Reasons {
		rs[i] = string(r)
	}
	err := s.store.AppendAudit(c.Request().Context(), s.actor(c), store.AuditEntry{Action: store.ActionPasswordLoginRefused,
		Target: "password", Detail: strings.Join(rs, ", ")})
	if err != nil {
		return err
	}
	st, err := s.passwordOffState(c)
	if err != nil {
		return err
	}
	v, err := s.passwordOffView(c, st, typed)
	if err != nil {
		return err
	}
	pg := s.passwordOffPage(c)
	var unmet []store.PasswordOffReason
	for _, r := range refused.Reasons {
		text := reasonTexts(c, []store.PasswordOffReason{r}, v.Domain)[0]
		switch r {
		case store.ReasonNotConfirmed:
			v.Confirm.Error = text
			pg.Errors = append(pg.Errors, views.FieldError{Field: v.Confirm.ID, Message: text})
		case store.ReasonNotReviewed:
			pg.Errors = append(pg.Errors, views.FieldError{Field: "main", Message: text})
		default:
			unmet = append(unmet, r)
		}
	}
	if v.Reasons = reasonTexts(c, unmet, v.Domain); len(unmet) > 0 {
		pg.Errors = nil // the page lists the reasons in place of the form
	}
	return unprocessable(c, views.PasswordOffPage(pg, v))
}

// handlePasswordOn switches password sign-in back on. That only opens a way in, so a button is
// enough; it is audit-logged like every change, and ends a confirmation window still running.
func (s *Server) handlePasswordOn(c echo.Context) error {
	was, err := s.store.EnablePasswordLogin(c.Request().Context(), s.actor(c))
	if err != nil {
		return err
	}
	if was {
		s.setFlash(c, "policies.on.already")
	} else {
		s.setFlash(c, "policies.on.done")
	}
	return redirect(c, paths.Policies)
}

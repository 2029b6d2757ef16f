package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Test sign-in: a real sign-in through a provider with its saved configuration, ending on a
// page that reports what came back. A success by the person testing, matched to their own
// account, marks the provider as tested and counts as their SSO sign-in.

// testResult is what the result page shows; it is kept on the provider as JSON.
type testResult struct {
	At                time.Time
	By                string
	OK                bool
	Marked            bool
	NoSession         bool // it passed but signed nobody in: the provider is switched off
	Kind              string
	Detail            string
	Code              string
	Description       string
	Endpoints         *oidcrp.ProviderInfo
	Issuer            string
	Subject           string
	Email             string
	EmailVerified     bool
	EmailFromUserInfo bool
	IDTokenClaims     map[string]any
	UserInfoClaims    map[string]any
	UserEmail         string
	UserName          string
	ByLink            bool
	Linked            bool     // the test linked the identity to the person (by e-mail)
	Draft             bool     // a test of the provider's draft
	Relinked          bool     // the person's link moves to the draft's issuer with it
	Applied           bool     // the draft passed and is now the live settings
	NotApplied        []string // why a passing draft was not applied (store.PasswordOffReason, or store.RefuseDraftChanged)
	SessionsEnded     string
	Mailed            int // administrators told about a new issuer or client ID
}

// handleIdPTestStart starts a test sign-in with the saved configuration.
func (s *Server) handleIdPTestStart(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	sess := currentSession(c)
	if c.FormValue("draft") == "1" {
		d, err := s.store.IdPDraft(c.Request().Context(), p.ID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && d.AuthorID != sess.UserID) {
			s.setFlash(c, "sso.draft.notyours")
			return redirect(c, paths.IdP(p.ID))
		}
		if err != nil {
			return err
		}
		p = d.On(p)
	}
	err = s.startOIDC(c, p, store.PurposeTest, sess.UserID, sess.User.Email, paths.IdPTest(p.ID))
	if err == nil {
		return nil
	}
	r := refusalOf(err)
	tr := testResult{At: s.store.Now(), By: sess.User.Email, Kind: r.Kind, Detail: r.Detail, Draft: p.Draft}
	if err := s.recordTest(c, p, p.Revision, tr, nil); err != nil {
		return err
	}
	return redirect(c, paths.IdPTest(p.ID))
}

// finishTest finishes a test sign-in and shows its result.
func (s *Server) finishTest(c echo.Context, p store.IdP, st store.OIDCState, res *oidcrp.Result, ferr error) error {
	ctx := c.Request().Context()
	sess := currentSession(c)
	if sess == nil || sess.UserID != st.UserID || !sess.AuthSettings {
		_ = s.auditSignInFailure(c, store.MethodSSO, "", "sso test of "+p.Name+": callback in a session other than the one that started it")
		return echo.NewHTTPError(http.StatusForbidden)
	}
	tr := testResult{At: s.store.Now(), By: sess.User.Email, Draft: st.Draft}
	switch {
	case errors.Is(ferr, store.ErrDraftChanged):
		tr.Kind, tr.Detail = string(store.RefuseDraftChanged), "the draft was saved again, discarded or applied while the test ran"
		res = nil
	case ferr != nil:
		r := refusalOf(ferr)
		tr.Kind, tr.Detail, tr.Code, tr.Description = r.Kind, r.Detail, r.Code, r.Description
		if f, ok := oidcrp.AsFailure(ferr); ok {
			tr.IDTokenClaims, tr.UserInfoClaims = f.IDTokenClaims, f.UserInfoClaims
		}
		if cfg, err := s.rpConfig(p); err == nil {
			if info, err := s.rp.Provider(ctx, cfg); err == nil {
				tr.Endpoints = &info
			}
		}
		res = nil
	default:
		tr.Endpoints = &res.Provider
		tr.Issuer, tr.Subject, tr.Email, tr.EmailVerified = res.Issuer, res.Subject, res.Email, res.EmailVerified
		tr.EmailFromUserInfo, tr.IDTokenClaims, tr.UserInfoClaims = res.EmailFromUserInfo, res.IDTokenClaims, res.UserInfoClaims
	}
	err := s.recordTest(c, p, st.Revision, tr, res)
	if errors.Is(err, store.ErrNoGrant) {
		_ = s.auditSignInFailure(c, store.MethodSSO, "", "sso test of "+p.Name+": the person testing lost Authentication Settings access while it ran")
		return echo.NewHTTPError(http.StatusForbidden)
	}
	if err != nil {
		return err
	}
	return redirect(c, paths.IdPTest(p.ID))
}

// recordTest finishes a test of p (of its draft when tr.Draft) begun at revision, in one store
// transaction: with res, the verified answer, the sign-in and what follows from it (the provider
// marked tested, or the draft applied and the person signed in through it); without, the failure
// tr holds. The result page keeps tr with the outcome. Then the browser gets the new session and
// the administrators the mails the store queued.
func (s *Server) recordTest(c echo.Context, p store.IdP, revision int64, tr testResult, res *oidcrp.Result) error {
	ctx := c.Request().Context()
	sess := currentSession(c)
	in := store.SSOTest{Revision: revision, Draft: tr.Draft, Notify: s.idpChangeMails(ctx),
		SignIn: store.SSOSignIn{Identity: store.SSOIdentity{IdPID: p.ID}, Self: sess.UserID, Actor: s.actor(c)},
		Record: tr.with}
	if res != nil {
		in.SignIn = s.ssoSignIn(c, p, res, sess.UserID)
	} else {
		in.Failure = &store.LinkRefusal{Kind: store.LinkRefusalKind(tr.Kind), Detail: tr.Detail}
	}
	out, err := s.store.FinishSSOTest(ctx, in)
	if err != nil {
		return err
	}
	if err := s.useSSOSession(c, out.Session); err != nil {
		return err
	}
	if r := out.SignInRefused; r != nil {
		s.log.WarnContext(ctx, "sign-in after applying a draft", "idp", p.Name, "refusal", r.Kind, "detail", r.Detail)
	}
	if a := out.Applied; a != nil {
		s.rp.Forget(a.Before.Issuer, a.Before.ClientID)
		s.rp.Forget(a.After.Issuer, a.After.ClientID)
		for _, id := range a.MailIDs {
			if err := s.mailer.deliver(ctx, s.actor(c), id); err != nil && !errors.Is(err, errNoMailServer) {
				s.log.WarnContext(ctx, "mail about a provider change", "mail_id", id, "error", err)
			}
		}
	}
	return nil
}

// with is the result with what the store made of the test, as the result page keeps it (JSON).
func (tr testResult) with(o store.SSOTestOutcome) (string, error) {
	tr.OK, tr.Marked, tr.NoSession = o.Passed(), o.Marked, o.Passed() && o.Session == ""
	if r := o.Refusal; r != nil {
		tr.Kind, tr.Detail = string(r.Kind), r.Detail
	}
	tr.UserEmail, tr.UserName, tr.ByLink, tr.Linked, tr.Relinked = o.User.Email, o.User.Name, o.ByLink, o.Linked, o.Relink
	tr.NotApplied = o.NotApplied
	if a := o.Applied; a != nil {
		tr.Applied, tr.SessionsEnded, tr.Mailed = true, a.SessionsEnded, len(a.MailIDs)
	}
	b, err := json.Marshal(tr)
	return string(b), err
}

// handleIdPTestResult shows the latest test sign-in of a provider.
func (s *Server) handleIdPTestResult(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	pg := s.page(c, "sso.test.title", "sso", s.ssoCrumbs(c, views.Crumb{Label: p.Name, Href: paths.IdP(p.ID)},
		crumb(c, "sso.test.title", ""))...)
	pg.Title = pg.T("sso.test.heading", p.Name)
	v := views.SSOTestView{ID: p.ID, Name: p.Name, Tested: !p.TestedAt.IsZero()}
	if p.LastTest != "" {
		var tr testResult
		if err := json.Unmarshal([]byte(p.LastTest), &tr); err == nil {
			v.Result = testView(pg, tr)
		}
	}
	allowFormTargets(c, s.idpOrigins(p)...)
	return render(c, http.StatusOK, views.SSOTestPage(pg, v))
}

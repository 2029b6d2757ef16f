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
	Draft             bool     // a test of the provider's draft
	Relinked          bool     // the person's link moves to the draft's issuer with it
	Applied           bool     // the draft passed and is now the live settings
	NotApplied        []string // why a passing draft was not applied (store.PasswordOffReason, or kindDraftChanged)
	SessionsEnded     string
	Mailed            int // administrators told about a new issuer or client ID
}

// kindDraftChanged: the draft was saved again, discarded or applied while its test ran.
const kindDraftChanged = "draft_changed"

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
	if p.Draft {
		err = s.saveDraftTest(c, p, tr)
	} else {
		err = s.saveTest(c, p, p.Revision, tr)
	}
	if err != nil {
		return err
	}
	return redirect(c, paths.IdPTest(p.ID))
}

// finishTest records the result of a test sign-in and shows it.
func (s *Server) finishTest(c echo.Context, p store.IdP, st store.OIDCState, res *oidcrp.Result, ferr error) error {
	ctx := c.Request().Context()
	sess := currentSession(c)
	if sess == nil || sess.UserID != st.UserID || !sess.AuthSettings {
		_ = s.auditSignInFailure(c, store.MethodSSO, "", "sso test of "+p.Name+": callback in a session other than the one that started it")
		return echo.NewHTTPError(http.StatusForbidden)
	}
	tr := testResult{At: s.store.Now(), By: sess.User.Email, Draft: st.Draft}
	if errors.Is(ferr, store.ErrDraftChanged) {
		tr.Kind, tr.Detail = kindDraftChanged, "the draft was saved again, discarded or applied while the test ran"
		return s.endTest(c, p, st, tr, nil)
	}
	if ferr != nil {
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
		return s.endTest(c, p, st, tr, res)
	}
	tr.Endpoints = &res.Provider
	tr.Issuer, tr.Subject, tr.Email, tr.EmailVerified = res.Issuer, res.Subject, res.Email, res.EmailVerified
	tr.EmailFromUserInfo, tr.IDTokenClaims, tr.UserInfoClaims = res.EmailFromUserInfo, res.IDTokenClaims, res.UserInfoClaims
	out, r, err := s.signInSSO(c, p, res, sess.UserID, st.Draft)
	if err != nil {
		return err
	}
	tr.UserEmail, tr.UserName, tr.ByLink = out.User.Email, out.User.Name, out.ByLink
	tr.Kind, tr.Detail, tr.Relinked = r.Kind, r.Detail, out.Relink
	tr.OK = tr.Kind == ""
	return s.endTest(c, p, st, tr, res)
}

// endTest saves the result and shows it. A passing test of the live settings has signed the
// person in again through SSO; a passing test of the draft applies it, and then signs the person
// in through the settings now live.
func (s *Server) endTest(c echo.Context, p store.IdP, st store.OIDCState, tr testResult, res *oidcrp.Result) error {
	if !st.Draft {
		tr.Marked = tr.OK && st.Revision == p.Revision
		if err := s.saveTest(c, p, st.Revision, tr); err != nil {
			return err
		}
		return redirect(c, paths.IdPTest(p.ID))
	}
	if tr.OK {
		if err := s.applyDraft(c, p, st, &tr); err != nil {
			return err
		}
	}
	if err := s.saveDraftTest(c, p, tr); err != nil {
		return err
	}
	if tr.Applied {
		if _, r, err := s.signInSSO(c, p, res, st.UserID, false); err != nil {
			return err
		} else if r.Kind != "" {
			s.log.WarnContext(c.Request().Context(), "sign-in after applying a draft", "idp", p.Name, "refusal", r.Kind, "detail", r.Detail)
		}
	}
	return redirect(c, paths.IdPTest(p.ID))
}

func (s *Server) saveTest(c echo.Context, p store.IdP, revision int64, tr testResult) error {
	result, detail, err := testRecord(tr)
	if err != nil {
		return err
	}
	return s.store.SaveIdPTest(c.Request().Context(), s.actor(c), p.ID, revision, tr.OK, result, detail)
}

// testRecord is a test result as the store keeps it: the whole result for its page, and the
// kind and detail of a refusal for the audit log.
func testRecord(tr testResult) (result, detail string, err error) {
	b, err := json.Marshal(tr)
	if err != nil {
		return "", "", err
	}
	detail = tr.Kind
	if tr.Detail != "" {
		detail += ": " + tr.Detail
	}
	return string(b), detail, nil
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

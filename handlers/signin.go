package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// The sign-in flow: e-mail first (Next), then the methods that apply to that address (home-realm
// discovery), then the chosen method. It is kept apart from the admin pages so that it can serve
// other applications later.

// loginStepTTL is how long the e-mail typed in the first step is remembered.
const loginStepTTL = 10 * time.Minute

func (s *Server) emailField(c echo.Context, value, errKey string) views.Field {
	l := lang(c)
	f := views.Field{ID: "email", Name: "email", Label: l.T("login.email"), Hint: l.T("login.email.hint"),
		Type: "email", Value: value, Autocomplete: "username", MaxLen: maxEmail, Required: true, Autofocus: true}
	if errKey != "" {
		f.Error = l.T(errKey)
	}
	return f
}

// handleLoginEmailForm shows the first step.
func (s *Server) handleLoginEmailForm(c echo.Context) error {
	if currentSession(c) != nil && cookie(c).Values[keyReauth] == nil {
		// Signed in already, unless an app asked for a new sign-in.
		return redirect(c, paths.Home)
	}
	typed, _ := cookie(c).Values[keyLoginEmail].(string)
	if e, err := account.NormaliseEmail(c.QueryParam("email")); err == nil && typed == "" {
		typed = e // an invitation to link fills the address in
	}
	p := s.page(c, "login.title", "")
	msg := p.Flash
	p.Flash = ""
	s.allowSignInTargets(c, s.allIdPOrigins(c.Request().Context())...)
	return render(c, http.StatusOK, views.LoginEmailPage(p, views.LoginEmailView{Email: s.emailField(c, typed, ""), Message: msg,
		App: s.pendingAppName(c)}))
}

// handleLoginEmailSubmit takes the e-mail address and moves on to the methods for it. It says
// nothing about whether an account exists.
func (s *Server) handleLoginEmailSubmit(c echo.Context) error {
	raw := c.FormValue("email")
	key := "email-step:" + clientBucket(c.RealIP())
	if ok, wait, first := s.limiter.count(limit{key, limitEmailStepPerClient}); !ok {
		if first {
			s.log.WarnContext(c.Request().Context(), "e-mail step rate limited", "client", clientBucket(c.RealIP()))
		}
		p := s.page(c, "login.title", "")
		f := s.emailField(c, truncate(raw, maxEmail*2), "")
		f.Error = lang(c).T("login.err.ratelimited", int(wait.Minutes())+1)
		p.Errors = []views.FieldError{{Field: f.ID, Message: f.Error}}
		return render(c, http.StatusTooManyRequests, views.LoginEmailPage(p, views.LoginEmailView{Email: f}))
	}
	email, err := account.NormaliseEmail(raw)
	if key := views.EmailErrorKey(err); key != "" {
		p := s.page(c, "login.title", "")
		f := s.emailField(c, truncate(raw, maxEmail*2), key)
		p.Errors = []views.FieldError{{Field: f.ID, Message: f.Error}}
		return unprocessable(c, views.LoginEmailPage(p, views.LoginEmailView{Email: f}))
	}
	cs := cookie(c)
	cs.Values[keyLoginEmail] = email
	cs.Values[keyLoginAt] = s.store.Now().Unix()
	if direct, err := s.ssoDirect(c, email); err != nil || direct {
		return err
	}
	if err := s.saveCookie(c); err != nil {
		return err
	}
	return redirect(c, paths.LoginMethod)
}

// pendingLoginEmail returns the address typed in the first step, if it is recent enough.
func (s *Server) pendingLoginEmail(c echo.Context) (string, bool) {
	cs := cookie(c)
	email, _ := cs.Values[keyLoginEmail].(string)
	at, _ := cs.Values[keyLoginAt].(int64)
	if email == "" || s.store.Now().Sub(time.Unix(at, 0)) > loginStepTTL {
		return "", false
	}
	return email, true
}

// handleLoginMethod shows the ways to sign in for the typed address.
func (s *Server) handleLoginMethod(c echo.Context) error {
	email, ok := s.pendingLoginEmail(c)
	if !ok {
		s.setFlash(c, "login.err.expired")
		return redirect(c, paths.Login)
	}
	v, origins, err := s.signInOptions(c.Request().Context(), email)
	if err != nil {
		return err
	}
	if v.Password != nil {
		*v.Password = s.passwordField(c, "")
	}
	s.allowSignInTargets(c, origins...)
	v.App = s.pendingAppName(c)
	return render(c, http.StatusOK, views.LoginMethodPage(s.page(c, "login.title", ""), v))
}

// signInOptions is home-realm discovery: which methods apply to this address. It depends only on
// the address's domain and the instance's settings, never on whether the account exists. It also
// returns the origins that the page's forms lead to (identity providers), for the CSP.
func (s *Server) signInOptions(ctx context.Context, email string) (views.LoginMethodView, []string, error) {
	v := views.LoginMethodView{Email: email}
	on, err := s.store.PasswordLoginEnabled(ctx)
	if err != nil {
		return v, nil, err
	}
	if on {
		v.Password = &views.Field{}
	}
	origins, err := s.ssoOptions(ctx, email, &v)
	if err != nil {
		return v, nil, err
	}
	v.NoMethod = v.Password == nil && len(v.Providers) == 0
	return v, origins, nil
}

func (s *Server) passwordField(c echo.Context, errKey string) views.Field {
	l := lang(c)
	f := views.Field{ID: "password", Name: "password", Label: l.T("login.password"), Type: "password",
		Autocomplete: "current-password", MaxLen: maxPassword, Required: true, Autofocus: true}
	if errKey != "" {
		f.Error = l.T(errKey)
	}
	return f
}

// handleLoginPassword checks the password for the address typed in the first step. Unknown
// accounts, accounts without a password and wrong passwords get the same answer and take the same
// time; the audit log records the real reason.
func (s *Server) handleLoginPassword(c echo.Context) error {
	ctx := c.Request().Context()
	email, ok := s.pendingLoginEmail(c)
	if !ok {
		s.setFlash(c, "login.err.expired")
		return redirect(c, paths.Login)
	}
	on, err := s.store.PasswordLoginEnabled(ctx)
	if err != nil {
		return err
	}
	if !on {
		return s.refusePassword(c, email, http.StatusForbidden, "login.err.passwordoff", "password sign-in is off")
	}
	password := c.FormValue("password")
	if password == "" || len(password) > 4*maxPassword {
		return s.refusePassword(c, email, http.StatusUnprocessableEntity, "login.err.password", "")
	}
	accountKey, clientKey := "account:"+email, "client:"+clientBucket(c.RealIP())
	if ok, wait, first := s.limiter.reserve(ctx, limit{accountKey, limitPerAccount}, limit{clientKey, limitPerClient}); !ok {
		minutes := int(wait.Minutes()) + 1
		p := s.page(c, "login.title", "")
		v := views.LoginMethodView{Email: email}
		f := s.passwordField(c, "")
		f.Error = lang(c).T("login.err.ratelimited", minutes)
		v.Password = &f
		p.Errors = []views.FieldError{{Field: f.ID, Message: f.Error}}
		s.auditLimited(c, store.MethodPassword, email, first)
		return render(c, http.StatusTooManyRequests, views.LoginMethodPage(p, v))
	}
	u, reason, err := s.checkPassword(ctx, email, password)
	if err != nil {
		s.limiter.release(accountKey, clientKey)
		return err
	}
	if reason != "" {
		s.limiter.fail(accountKey, clientKey)
		return s.refusePassword(c, email, http.StatusUnprocessableEntity, "login.err.wrong", reason)
	}
	s.limiter.release(accountKey, clientKey)
	s.limiter.reset(accountKey)
	err = s.startSession(c, u, store.MethodPassword, 0)
	if errors.Is(err, store.ErrPasswordLoginOff) { // switched off while the password was checked
		return s.refusePassword(c, email, http.StatusForbidden, "login.err.passwordoff", "password sign-in is off")
	}
	if err != nil {
		return err
	}
	return redirect(c, takeNext(c))
}

// checkPassword returns the user when password is right, else the reason for the audit log.
func (s *Server) checkPassword(ctx context.Context, email, password string) (store.User, string, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		_, _ = s.hasher.Verify(s.dummyPwd, password) // same time as a real check
		return store.User{}, "unknown account", nil
	}
	if err != nil {
		return store.User{}, "", err
	}
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return store.User{}, "", err
	}
	if hash == "" {
		_, _ = s.hasher.Verify(s.dummyPwd, password)
		return store.User{}, "account has no password", nil
	}
	if u.Deactivated {
		_, _ = s.hasher.Verify(s.dummyPwd, password)
		return store.User{}, "account deactivated", nil
	}
	ok, err := s.hasher.Verify(hash, password)
	if err != nil {
		return store.User{}, "", err
	}
	if !ok {
		return store.User{}, "wrong password", nil
	}
	return u, "", nil
}

// refusePassword shows the password step again with a message, and logs the reason when given.
func (s *Server) refusePassword(c echo.Context, email string, status int, msgKey, reason string) error {
	if reason != "" {
		if err := s.auditSignInFailure(c, store.MethodPassword, email, reason); err != nil {
			return err
		}
	}
	v, origins, err := s.signInOptions(c.Request().Context(), email)
	if err != nil {
		return err
	}
	p := s.page(c, "login.title", "")
	msg := lang(c).T(msgKey)
	if v.Password != nil {
		f := s.passwordField(c, msgKey)
		v.Password = &f
		p.Errors = []views.FieldError{{Field: f.ID, Message: msg}}
	} else {
		p.Errors = []views.FieldError{{Field: "main", Message: msg}}
	}
	s.allowSignInTargets(c, origins...)
	v.App = s.pendingAppName(c)
	return render(c, status, views.LoginMethodPage(p, v))
}

// auditSignInFailure records a refused sign-in with its reason (within the client's audit
// budget), and counts it. The row names the typed address, except when a signed-in person's own
// SSO test sign-in was refused: then it names that person.
func (s *Server) auditSignInFailure(c echo.Context, method, email, reason string) error {
	s.metrics.login(method, false)
	write, note := s.auditBudget(c)
	if !write {
		return nil
	}
	a := s.actor(c)
	if method == store.MethodPassword || a.UserID == 0 {
		a.Label = email
	}
	return s.store.AppendAudit(c.Request().Context(), a, store.AuditEntry{Action: store.ActionLoginFailure, Target: email, Detail: reason + note})
}

// auditLimited records a sign-in refused by the rate limits. Only the first refusal per limited
// key and window gets an audit row, so that anonymous clients cannot grow the log by repeating
// refused attempts; the metrics count every one.
func (s *Server) auditLimited(c echo.Context, method, email string, first bool) {
	if !first {
		s.metrics.login(method, false)
		return
	}
	_ = s.auditSignInFailure(c, method, email, "rate limited; further refusals until the limit lifts are not logged")
}

// refuseLimited shows the method page again with the rate-limit message, for a step refused by
// a limit that lifts in wait.
func (s *Server) refuseLimited(c echo.Context, email string, wait time.Duration) error {
	v, origins, err := s.signInOptions(c.Request().Context(), email)
	if err != nil {
		return err
	}
	if v.Password != nil {
		f := s.passwordField(c, "")
		v.Password = &f
	}
	p := s.page(c, "login.title", "")
	p.Errors = []views.FieldError{{Field: "main", Message: lang(c).T("login.err.ratelimited", int(wait.Minutes())+1)}}
	s.allowSignInTargets(c, origins...)
	v.App = s.pendingAppName(c)
	return render(c, http.StatusTooManyRequests, views.LoginMethodPage(p, v))
}

// handleLogout ends the session and returns to the sign-in page.
func (s *Server) handleLogout(c echo.Context) error {
	if sess := currentSession(c); sess != nil {
		if err := s.store.AppendAudit(c.Request().Context(), s.actor(c), store.AuditEntry{Action: store.ActionLogout, Target: sess.User.Email}); err != nil {
			return err
		}
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	s.setFlash(c, "login.signedout")
	return redirect(c, paths.Login)
}

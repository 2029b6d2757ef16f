package handlers

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"portvakt/store"
)

const ctxAPIToken = "portvakt.apitoken"

// Default request rate per API token: enough for an identity provider's provisioning cycle
// (Entra ID and Okta send a few requests a second) and a SIEM's pulls, not for a flood.
const (
	defaultTokenRate  = 50 // requests per second, sustained
	defaultTokenBurst = 200
)

// lastUsedPeriod is how stale a token's "last used" may get before a request writes it again;
// a provisioning cycle of thousands of requests then costs a handful of writes.
const lastUsedPeriod = time.Minute

// apiError is what a token check refuses with; the API it belongs to writes it in its own shape.
type apiError struct {
	status   int
	scimType string // SCIM only
	detail   string
}

func (e *apiError) Error() string { return e.detail }

// tokenLimiter keeps one rate limiter per token, in memory.
type tokenLimiter struct {
	mu     sync.Mutex
	limit  rate.Limit
	burst  int
	byID   map[int64]*rate.Limiter
	maxIDs int
}

func newTokenLimiter(perSecond float64, burst int) *tokenLimiter {
	if perSecond <= 0 {
		perSecond = defaultTokenRate
	}
	if burst <= 0 {
		burst = defaultTokenBurst
	}
	return &tokenLimiter{limit: rate.Limit(perSecond), burst: burst, byID: map[int64]*rate.Limiter{}, maxIDs: 10_000}
}

func (l *tokenLimiter) allow(id int64) bool {
	l.mu.Lock()
	lim := l.byID[id]
	if lim == nil {
		if len(l.byID) >= l.maxIDs {
			l.byID = map[int64]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byID[id] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}

// requireToken lets a request through only with a usable API token of the given purpose in the
// Authorization header. The token's creator and the sign-in policy play no part: a token keeps
// working when password sign-in is off, when its creator loses access, and when SSO is down.
func (s *Server) requireToken(purpose string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			secret, ok := bearer(c.Request())
			if !ok {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="portvakt"`)
				return &apiError{status: http.StatusUnauthorized, detail: "An API token is required in the Authorization header: Bearer pvk_..."}
			}
			ctx := c.Request().Context()
			t, err := s.store.APITokenBySecret(ctx, secret)
			switch {
			case errors.Is(err, store.ErrNotFound):
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="portvakt", error="invalid_token"`)
				return &apiError{status: http.StatusUnauthorized, detail: "The API token is unknown or revoked."}
			case errors.Is(err, store.ErrExpired):
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="portvakt", error="invalid_token"`)
				return &apiError{status: http.StatusUnauthorized, detail: "The API token has expired. Create a new one under Authentication Settings > API tokens."}
			case err != nil:
				return err
			}
			if t.Purpose != purpose {
				return &apiError{status: http.StatusForbidden, detail: "This API token is for " + t.Purpose + ", not for " + purpose + "."}
			}
			if !s.tokenLimits.allow(t.ID) {
				c.Response().Header().Set("Retry-After", "1")
				return &apiError{status: http.StatusTooManyRequests, detail: "Too many requests with this API token; slow down."}
			}
			ip := c.RealIP()
			if s.store.Now().Sub(t.LastUsedAt) > lastUsedPeriod || t.LastUsedIP != ip {
				if err := s.store.RecordAPITokenUse(ctx, t.ID, ip); err != nil {
					return err
				}
			}
			c.Set(ctxAPIToken, &t)
			return next(c)
		}
	}
}

// bearer reads "Authorization: Bearer TOKEN". Nothing else carries a token: never the URL.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// currentAPIToken is the token of this request, or nil.
func currentAPIToken(c echo.Context) *store.APIToken {
	t, _ := c.Get(ctxAPIToken).(*store.APIToken)
	return t
}

// tokenActor is who the audit log names for a change made with an API token.
func tokenActor(c echo.Context) store.Actor {
	a := store.Actor{ClientIP: c.RealIP(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if t := currentAPIToken(c); t != nil {
		a.Label = "token:" + t.Name
	}
	return a
}

// skipForAPI runs mw for browser routes only: the machine API has no session and no CSRF token,
// and its one credential (the Authorization header) is not sent by browsers on their own.
func skipForAPI(mw echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withMW := mw(next)
		return func(c echo.Context) error {
			if p := c.Request().URL.Path; isAPIPath(p) || isOPMachinePath(p) {
				return next(c)
			}
			return withMW(c)
		}
	}
}

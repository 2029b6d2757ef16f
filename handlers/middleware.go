package handlers

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"portvakt/views/paths"
)

// maxBody bounds every request body; no form of portvakt's comes near it.
const maxBody = "256K"

// useMiddleware installs the chain every request passes, outermost first.
func (s *Server) useMiddleware(e *echo.Echo) {
	e.Use(middleware.Recover())
	e.Use(requestID)
	e.Use(s.logRequests())
	e.Use(s.metrics.observe)
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit(maxBody))
	e.Use(skipForAPI(refuseCrossSite))
	e.Use(skipForAPI(csrfTokenNotFromQuery))
	e.Use(skipForAPI(middleware.CSRFWithConfig(s.csrfConfig())))
	e.Use(skipForAPI(s.loadSession))
}

// requestID gives every request an id, sent back in X-Request-ID and written to its log line and
// audit rows. A client's own X-Request-ID (from a proxy that traces requests) is kept only when it
// is a short plain token; anything else is replaced, so that no client puts kilobytes of text or a
// spreadsheet formula into every log line and audit row. The request header is rewritten too,
// because echo's request logger reads the id from there.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !isPlainRequestID(id) {
			id = rand.Text()
		}
		c.Request().Header.Set(echo.HeaderXRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// isPlainRequestID reports whether id matches [A-Za-z0-9._-]{1,64}.
func isPlainRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// csrfConfig checks a token on every state-changing request. HTML forms send it as the _csrf
// field (echo looks only at a header unless told otherwise); scripts may send X-CSRF-Token.
// Never the query string: see csrfTokenNotFromQuery.
func (s *Server) csrfConfig() middleware.CSRFConfig {
	name := "_csrf"
	if s.secure {
		name = "__Host-csrf" // bound to this exact origin, https only
	}
	return middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     name,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return errCSRF
		},
	}
}

// csrfTokenNotFromQuery makes the _csrf form field mean the request body only. echo's "form:"
// lookup reads the merged form, where a _csrf in the URL counts as well; a token in a URL leaks
// through logs, history and Referer. The body is parsed here (within the body limit, as echo
// would parse it), and a _csrf that came only from the query string is dropped.
func csrfTokenNotFromQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if isSafeMethod(r.Method) || !r.URL.Query().Has("_csrf") {
			return next(c)
		}
		_ = r.ParseMultipartForm(32 << 10) // errors show when the handler reads the form
		if r.Form != nil {
			if v, ok := r.PostForm["_csrf"]; ok {
				r.Form["_csrf"] = v
			} else {
				delete(r.Form, "_csrf")
			}
		}
		return next(c)
	}
}

// refuseCrossSite refuses a state-changing request that the browser says comes from another
// site. It then removes the Sec-Fetch-Site header, so that echo's CSRF middleware checks the
// token on every such request instead of waving same-origin ones through on the header alone.
func refuseCrossSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !isSafeMethod(r.Method) && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			return errCSRF
		}
		r.Header.Del("Sec-Fetch-Site")
		return next(c)
	}
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// securityHeaders sets the response headers of SECURITY.md on every response.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy())
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// contentSecurityPolicy allows only portvakt's own scripts and styles, no framing, and forms that
// post to portvakt itself plus the given origins (a page offering SSO adds its providers, since
// browsers apply form-action to the redirect that follows the POST).
func contentSecurityPolicy(formOrigins ...string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'" +
		strings.Join(append([]string{""}, formOrigins...), " ")
}

// allowFormTargets widens this response's form-action to origins such as an IdP's.
func allowFormTargets(c echo.Context, origins ...string) {
	c.Response().Header().Set("Content-Security-Policy", contentSecurityPolicy(origins...))
}

// logRequests writes one structured log line per request, with its request id.
func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

// require checks a route's access rule. A person who is not signed in is sent to sign-in and
// brought back afterwards; a signed-in person without access gets 403.
func (s *Server) require(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a == public {
				return next(c)
			}
			if purpose, ok := tokenPurposes[a]; ok {
				return s.requireToken(purpose)(next)(c)
			}
			sess := currentSession(c)
			if sess == nil {
				if c.Request().Method == http.MethodGet {
					s.rememberNext(c, c.Request().URL.RequestURI())
				}
				return c.Redirect(http.StatusSeeOther, paths.Login)
			}
			u := sess.User
			allowed := a == signedIn ||
				(a == adminOnly && u.IsAdmin) ||
				(a == authSettings && sess.AuthSettings) ||
				(a == adminOrAuthSettings && (u.IsAdmin || sess.AuthSettings))
			if !allowed {
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		}
	}
}

// safeNext returns next when it is a path on this site, else "/". It stops sign-in from
// sending people to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return paths.Home
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return paths.Home
	}
	return next
}

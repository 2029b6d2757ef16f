package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/views/paths"
)

// Limits on an authorization request, which anyone can send with an app's public client ID: it
// is stored until the person signs in, so its size and rate are bounded.
const (
	maxAuthorizeQuery       = 4096
	limitAuthorizePerClient = 300  // per client address, per limit window
	keyOPSignIns            = "op" // the app sign-ins this browser started
	maxOPSignInsRemembered  = 5
	limitAuthorizeBucket    = "op-authorize:"
	responseModeQuery       = "query"
	issParam                = "iss"
)

// handleOPAuthorize checks an app's authorization request before the protocol library stores
// it, remembers in this browser's cookie that it started the sign-in (only this browser may
// continue it), and adds the issuer to every answer that goes back to the app (RFC 9207).
func (s *Server) handleOPAuthorize(c echo.Context) error {
	r := c.Request()
	if len(r.URL.RawQuery) > maxAuthorizeQuery {
		return s.opPage(c, http.StatusRequestURITooLong, "op.badrequest.title", "op.badrequest.toolong")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return s.opPage(c, http.StatusBadRequest, "op.badrequest.title", "op.badrequest.body")
	}
	for _, name := range singleParams {
		if len(q[name]) > 1 {
			// The library reads one value, a check may read another: a parameter comes once.
			return s.opPage(c, http.StatusBadRequest, "op.badrequest.title", "op.badrequest.body")
		}
	}
	if q.Has("request") || q.Has("request_uri") {
		return s.opPage(c, http.StatusBadRequest, "op.badrequest.title", "op.badrequest.body")
	}
	if ru := q.Get("redirect_uri"); strings.Contains(ru, "#") || hasUserinfo(ru) {
		return s.opPage(c, http.StatusBadRequest, "op.badrequest.title", "op.badrequest.redirect")
	}
	if ok, _, first := s.limiter.count(limit{limitAuthorizeBucket + clientBucket(c.RealIP()), limitAuthorizePerClient}); !ok {
		if first {
			s.log.WarnContext(r.Context(), "app sign-ins rate limited", "client", clientBucket(c.RealIP()))
		}
		c.Response().Header().Set("Retry-After", "60")
		return s.opPage(c, http.StatusTooManyRequests, "op.badrequest.title", "op.badrequest.busy")
	}
	c.Response().Before(func() {
		s.rememberOPSignIn(c)
		s.addIssuer(c)
	})
	return s.handleOP(c)
}

// singleParams are the authorization request's parameters that have one value.
var singleParams = []string{"client_id", "redirect_uri", "response_type", "response_mode", "scope", "state", "nonce",
	"prompt", "max_age", "code_challenge", "code_challenge_method", "id_token_hint", "login_hint", "ui_locales",
	"acr_values", "display"}

func hasUserinfo(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User != nil
}

// rememberOPSignIn keeps the id of the sign-in this answer sends the browser to continue, so
// that the continue step serves only the browser that started it.
func (s *Server) rememberOPSignIn(c echo.Context) {
	loc := c.Response().Header().Get(echo.HeaderLocation)
	rest, ok := strings.CutPrefix(loc, paths.OPContinue+"?")
	if !ok {
		return
	}
	q, err := url.ParseQuery(rest)
	if err != nil || q.Get("id") == "" {
		return
	}
	cs := cookie(c)
	ids, _ := cs.Values[keyOPSignIns].([]string)
	ids = append(ids, q.Get("id"))
	if len(ids) > maxOPSignInsRemembered {
		ids = ids[len(ids)-maxOPSignInsRemembered:]
	}
	cs.Values[keyOPSignIns] = ids
	_ = s.saveCookie(c)
}

// startedHere reports whether this browser started the app sign-in id.
func startedHere(c echo.Context, id string) bool {
	ids, _ := cookie(c).Values[keyOPSignIns].([]string)
	return slices.Contains(ids, id)
}

// addIssuer adds iss to an authorization response on its way to an app: the code, or an error.
func (s *Server) addIssuer(c echo.Context) {
	h := c.Response().Header()
	loc := h.Get(echo.HeaderLocation)
	if loc == "" || strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, s.issuer()+"/") {
		return
	}
	u, err := url.Parse(loc)
	if err != nil {
		return
	}
	q := u.Query()
	if !q.Has("code") && !q.Has("error") {
		return
	}
	q.Set(issParam, s.issuer())
	u.RawQuery = q.Encode()
	h.Set(echo.HeaderLocation, u.String())
}

// handleOPDiscovery serves the provider's discovery document, saying only what portvakt does:
// the code flow (query responses with iss), refresh tokens and client credentials. The document
// does not change while portvakt runs, so it is made once.
func (s *Server) handleOPDiscovery(c echo.Context) error {
	s.discoveryMu.Lock()
	defer s.discoveryMu.Unlock()
	if s.discovery == nil {
		doc, err := s.makeDiscovery(c.Request())
		if err != nil {
			return err
		}
		s.discovery = doc
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.discovery)
}

// makeDiscovery asks the library for its discovery document and narrows it to what is served.
func (s *Server) makeDiscovery(r *http.Request) ([]byte, error) {
	rec := httptest.NewRecorder()
	s.op.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("handlers: discovery document: the library answered %d", rec.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		return nil, fmt.Errorf("handlers: discovery document: %w", err)
	}
	doc["response_types_supported"] = []string{"code"}
	doc["response_modes_supported"] = []string{responseModeQuery}
	doc["grant_types_supported"] = []string{"authorization_code", "refresh_token", "client_credentials"}
	doc["code_challenge_methods_supported"] = []string{"S256"}
	doc["authorization_response_iss_parameter_supported"] = true
	delete(doc, "device_authorization_endpoint")
	delete(doc, "request_object_signing_alg_values_supported")
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("handlers: discovery document: %w", err)
	}
	return out.Bytes(), nil
}

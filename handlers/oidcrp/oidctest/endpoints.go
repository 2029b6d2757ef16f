package oidctest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (p *Provider) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.Discovery++
	iss := p.Issuer()
	doc := map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/authorize",
		"token_endpoint":                                 iss + "/token",
		"userinfo_endpoint":                              iss + "/userinfo",
		"jwks_uri":                                       iss + "/jwks",
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256", "ES256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":               []string{"S256"},
		"scopes_supported":                               []string{"openid", "email", "profile"},
		"authorization_response_iss_parameter_supported": !p.bad[NoIssSupport],
	}
	if p.redirectDiscovery(w, r) {
		return
	}
	switch {
	case p.bad[DiscoveryHuge]:
		doc["x_padding"] = padding()
	case p.bad[DiscoveryStatus500]:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case p.bad[DiscoveryNotJSON]:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Sign in</title><p>Welcome"))
		return
	case p.bad[DiscoveryOtherIssuer]:
		doc["issuer"] = iss + "/other"
	case p.bad[DiscoveryNoAuthorization]:
		delete(doc, "authorization_endpoint")
	case p.bad[DiscoveryNoToken]:
		delete(doc, "token_endpoint")
	}
	writeJSON(w, http.StatusOK, doc)
}

// redirectDiscovery sends a discovery request that reached the provider's main port elsewhere,
// when told to; the second port always answers.
func (p *Provider) redirectDiscovery(w http.ResponseWriter, r *http.Request) bool {
	if r.Host != strings.TrimPrefix(p.srv.URL, "http://") {
		return false
	}
	switch {
	case p.bad[DiscoveryRedirectOtherHost]:
		http.Redirect(w, r, p.elsewhere.URL+r.URL.Path, http.StatusFound)
	case p.bad[DiscoveryRedirectOtherScheme]:
		http.Redirect(w, r, "https://"+r.Host+r.URL.Path, http.StatusFound)
	default:
		return false
	}
	return true
}

// padding is more than 2 MiB of text, to make an answer too large.
func padding() string { return strings.Repeat("x", 2<<20+1) }

// errorPage answers like a proxy in front of a failing provider: an error status and a large
// HTML page.
func errorPage(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte("<!doctype html><title>Error</title><p>" + strings.Repeat("Something went wrong. ", 100<<10/22)))
}

func (p *Provider) handleJWKS(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.JWKS++
	if p.bad[JWKSErrorPage] {
		errorPage(w, http.StatusInternalServerError)
		return
	}
	keys := make([]any, 0, len(p.published))
	for _, k := range p.published {
		keys = append(keys, k.Public())
	}
	set := map[string]any{"keys": keys}
	if p.bad[JWKSHuge] {
		set["x_padding"] = padding()
	}
	writeJSON(w, http.StatusOK, set)
}

// handleAuthorize answers at once, without a sign-in page. Unlike a
// production provider, which shows its own error page for an unregistered
// redirect URI, it reports that error to the redirect URI so that tests
// (and the test sign-in page) can observe it.
func (p *Provider) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.Authorize++
	q := r.URL.Query()
	p.lastAuth = q
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	if q.Get("client_id") != p.clientID {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	code, desc := p.authorizeProblem(q)
	if code != "" {
		p.redirect(w, r, redirect, url.Values{"error": {code}, "error_description": {desc}, "state": {q.Get("state")}})
		return
	}
	c := randomString()
	p.codes[c] = &grant{
		clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), user: p.user, expires: time.Now().Add(time.Minute),
	}
	p.redirect(w, r, redirect, url.Values{"code": {c}, "state": {q.Get("state")}})
}

func (p *Provider) authorizeProblem(q url.Values) (code, description string) {
	switch {
	case !p.redirectAllowed(q.Get("redirect_uri")):
		return "invalid_request", "Invalid parameter: redirect_uri is not registered for this client"
	case p.authErr[0] != "":
		return p.authErr[0], p.authErr[1]
	case q.Get("response_type") != "code":
		return "unsupported_response_type", "only the code flow is supported"
	case !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		return "invalid_scope", "the openid scope is required"
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		return "invalid_request", "PKCE with S256 is required"
	}
	return "", ""
}

func (p *Provider) redirect(w http.ResponseWriter, r *http.Request, to *url.URL, params url.Values) {
	switch {
	case p.bad[WrongIssParam]:
		params.Set("iss", "https://attacker.invalid")
	case p.bad[NoIssParam], p.bad[NoIssSupport]:
	default:
		params.Set("iss", p.Issuer())
	}
	q := to.Query()
	for k, v := range params {
		q[k] = v
	}
	u := *to
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *Provider) handleToken(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	during := p.duringToken
	p.duringToken = nil
	p.mu.Unlock()
	if during != nil {
		during()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.Token++
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_request", "unreadable form"))
		return
	}
	if !p.clientAuthenticated(r) || p.bad[TokenInvalidClient] {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		writeJSON(w, http.StatusUnauthorized, oauthError("invalid_client", "client authentication failed"))
		return
	}
	switch {
	case p.bad[TokenHugeErrorDescription]:
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_grant", strings.Repeat("The code is not valid. ", 100<<10/23)))
		return
	case p.bad[TokenErrorPage]:
		errorPage(w, http.StatusBadGateway)
		return
	}
	g, problem := p.redeem(r.PostForm)
	if problem != "" {
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_grant", problem))
		return
	}
	access := randomString()
	p.tokens[access] = g.user
	idToken, err := p.idToken(g, access)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, oauthError("server_error", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 3600, "id_token": idToken,
	})
}

func oauthError(code, description string) map[string]string {
	return map[string]string{"error": code, "error_description": description}
}

// clientAuthenticated accepts client_secret_basic (RFC 6749 2.3.1: both
// parts form-urlencoded) and client_secret_post.
func (p *Provider) clientAuthenticated(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.secretsSeen = append(p.secretsSeen, secret)
	return id == p.clientID && subtle.ConstantTimeCompare([]byte(secret), []byte(p.clientSecret)) == 1
}

// redeem checks and consumes a code: single use, unexpired, same client and
// redirect URI, and a PKCE verifier that matches the S256 challenge.
func (p *Provider) redeem(form url.Values) (*grant, string) {
	if form.Get("grant_type") != "authorization_code" {
		return nil, "unsupported grant_type"
	}
	g, ok := p.codes[form.Get("code")]
	if !ok {
		return nil, "unknown or used code"
	}
	delete(p.codes, form.Get("code"))
	sum := sha256.Sum256([]byte(form.Get("code_verifier")))
	switch {
	case time.Now().After(g.expires):
		return nil, "code expired"
	case g.redirectURI != form.Get("redirect_uri"):
		return nil, "redirect_uri differs from the authorization request"
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		return nil, "PKCE verification failed"
	}
	return g, ""
}

func (p *Provider) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.UserInfo++
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	u, known := p.tokens[token]
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, oauthError("invalid_token", "unknown access token"))
		return
	}
	if p.bad[UserInfoErrorPage] {
		errorPage(w, http.StatusInternalServerError)
		return
	}
	claims := map[string]any{"sub": u.Subject, "name": u.Name}
	if p.bad[UserInfoHuge] {
		claims["x_padding"] = padding()
	}
	if p.bad[UserInfoOtherSub] {
		claims["sub"] = "someone-else"
	}
	if !p.bad[NoEmail] {
		claims["email"] = u.Email
		claims["email_verified"] = u.EmailVerified && !p.bad[EmailUnverified]
	}
	writeJSON(w, http.StatusOK, claims)
}

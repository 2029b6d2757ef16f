package store

import (
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"portvakt/store/account"
)

// AppKind is the type of an application, which decides how it proves who it is and where its
// people may be sent back to.
type AppKind string

// The kinds of application.
const (
	// AppWeb is a web application with a server that keeps a client secret (confidential).
	AppWeb AppKind = "web"
	// AppNative is a mobile or desktop app (public, RFC 8252): PKCE, private-use URI schemes and
	// loopback redirects on any port.
	AppNative AppKind = "native"
	// AppSPA is a single-page app in the browser (public): PKCE and exact https redirect URIs.
	AppSPA AppKind = "spa"
	// AppIntegration is a machine: client credentials only, no people, never touched by the
	// sign-in policy.
	AppIntegration AppKind = "integration"
)

// AppKinds lists the kinds in the order forms offer them.
var AppKinds = []AppKind{AppWeb, AppNative, AppSPA, AppIntegration}

// Public reports whether apps of kind k cannot keep a secret and prove themselves with PKCE.
func (k AppKind) Public() bool { return k == AppNative || k == AppSPA }

// HasSecret reports whether apps of kind k get a client secret.
func (k AppKind) HasSecret() bool { return k == AppWeb || k == AppIntegration }

// SignsPeopleIn reports whether apps of kind k sign people in (every kind but integrations).
func (k AppKind) SignsPeopleIn() bool { return k != AppIntegration }

// ValidAppKind reports whether k names a kind.
func ValidAppKind(k AppKind) bool {
	for _, x := range AppKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Limits and defaults of application settings.
const (
	MaxAppNameLen     = 100
	MaxAppURILen      = 512
	MaxAppURIs        = 10
	MaxAppPeople      = 1000
	DefaultAccessTTL  = 10 * time.Minute
	MinAccessTTL      = time.Minute
	MaxAccessTTL      = time.Hour
	DefaultRefreshTTL = 30 * 24 * time.Hour
	MinRefreshTTL     = time.Hour
	MaxRefreshTTL     = 90 * 24 * time.Hour
)

// AppSettings is what an administrator sets for an application. Kind cannot change once the app
// exists (its clients are built for it).
type AppSettings struct {
	Name           string
	Kind           AppKind
	Enabled        bool
	RedirectURIs   []string
	PostLogoutURIs []string
	BackchannelURI string
	Everyone       bool    // everybody in the organisation may use it
	People         []int64 // otherwise, only these people
	AccessTTL      time.Duration
	RefreshTTL     time.Duration
}

// Problems of application settings, keyed by field. The values are codes that views turn into
// sentences ("app.problem.<code>").
const (
	AppProblemNameRequired     = "name_required"
	AppProblemNameLong         = "name_long"
	AppProblemNameInvalid      = "name_invalid"
	AppProblemKind             = "kind"
	AppProblemRedirectRequired = "redirect_required"
	AppProblemURIInvalid       = "uri_invalid"
	AppProblemURILong          = "uri_long"
	AppProblemURIMany          = "uri_many"
	AppProblemURIFragment      = "uri_fragment"
	AppProblemURIHTTPS         = "uri_https"
	AppProblemURINative        = "uri_native"
	AppProblemURINone          = "uri_none"
	AppProblemPeopleNone       = "people_none"
	AppProblemPeopleMany       = "people_many"
	AppProblemAccessTTL        = "access_ttl"
	AppProblemRefreshTTL       = "refresh_ttl"
)

// AppProblemList lists every problem code, for the text completeness test.
var AppProblemList = []string{AppProblemNameRequired, AppProblemNameLong, AppProblemNameInvalid, AppProblemKind,
	AppProblemRedirectRequired, AppProblemURIInvalid, AppProblemURILong, AppProblemURIMany, AppProblemURIFragment,
	AppProblemURIHTTPS, AppProblemURINative, AppProblemURINone, AppProblemPeopleNone, AppProblemPeopleMany,
	AppProblemAccessTTL, AppProblemRefreshTTL}

// Fields of AppSettings that problems are keyed by.
const (
	AppFieldName        = "name"
	AppFieldKind        = "kind"
	AppFieldRedirect    = "redirect_uris"
	AppFieldPostLogout  = "post_logout_uris"
	AppFieldBackchannel = "backchannel_uri"
	AppFieldPeople      = "people"
	AppFieldAccessTTL   = "access_ttl"
	AppFieldRefreshTTL  = "refresh_ttl"
)

// Normalize trims the settings, drops empty URI lines, and fills the token lifetimes left zero
// with their defaults.
func (st AppSettings) Normalize() AppSettings {
	st.Name = strings.TrimSpace(st.Name)
	st.RedirectURIs = trimLines(st.RedirectURIs)
	st.PostLogoutURIs = trimLines(st.PostLogoutURIs)
	st.BackchannelURI = strings.TrimSpace(st.BackchannelURI)
	if st.AccessTTL == 0 {
		st.AccessTTL = DefaultAccessTTL
	}
	if st.RefreshTTL == 0 {
		st.RefreshTTL = DefaultRefreshTTL
	}
	if !st.Kind.SignsPeopleIn() {
		st.Everyone, st.People = true, nil
	}
	return st
}

func trimLines(in []string) []string {
	var out []string
	for _, l := range in {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Problems says what is wrong with normalized settings, one problem per field; none when they
// can be saved.
func (st AppSettings) Problems() map[string]string {
	p := map[string]string{}
	switch {
	case st.Name == "":
		p[AppFieldName] = AppProblemNameRequired
	case utf8.RuneCountInString(st.Name) > MaxAppNameLen:
		p[AppFieldName] = AppProblemNameLong
	case account.HasBadNameChars(st.Name):
		p[AppFieldName] = AppProblemNameInvalid
	}
	if !ValidAppKind(st.Kind) {
		p[AppFieldKind] = AppProblemKind
		return p
	}
	if st.Kind.SignsPeopleIn() {
		if len(st.RedirectURIs) == 0 {
			p[AppFieldRedirect] = AppProblemRedirectRequired
		} else if code := uriListProblem(st.Kind, st.RedirectURIs); code != "" {
			p[AppFieldRedirect] = code
		}
		if code := uriListProblem(st.Kind, st.PostLogoutURIs); code != "" {
			p[AppFieldPostLogout] = code
		}
	} else {
		if len(st.RedirectURIs) > 0 {
			p[AppFieldRedirect] = AppProblemURINone
		}
		if len(st.PostLogoutURIs) > 0 {
			p[AppFieldPostLogout] = AppProblemURINone
		}
	}
	if st.BackchannelURI != "" {
		if st.Kind != AppWeb {
			p[AppFieldBackchannel] = AppProblemURINone
		} else if code := uriProblem(AppWeb, st.BackchannelURI); code != "" {
			p[AppFieldBackchannel] = code
		}
	}
	if !st.Everyone {
		switch {
		case len(st.People) == 0:
			p[AppFieldPeople] = AppProblemPeopleNone
		case len(st.People) > MaxAppPeople:
			p[AppFieldPeople] = AppProblemPeopleMany
		}
	}
	if st.AccessTTL < MinAccessTTL || st.AccessTTL > MaxAccessTTL {
		p[AppFieldAccessTTL] = AppProblemAccessTTL
	}
	if st.RefreshTTL < MinRefreshTTL || st.RefreshTTL > MaxRefreshTTL {
		p[AppFieldRefreshTTL] = AppProblemRefreshTTL
	}
	return p
}

func uriListProblem(k AppKind, uris []string) string {
	if len(uris) > MaxAppURIs {
		return AppProblemURIMany
	}
	for _, u := range uris {
		if code := uriProblem(k, u); code != "" {
			return code
		}
	}
	return ""
}

// uriProblem checks one redirect or logout URI for an app of kind k. Web apps use https, or http
// on a loopback address while being developed; single-page apps https only; mobile and desktop
// apps a private-use scheme named after a domain they own (se.example.hr:/callback), a loopback
// address over http (any port at sign-in, RFC 8252 7.3), or https.
func uriProblem(k AppKind, raw string) string {
	if len(raw) > MaxAppURILen {
		return AppProblemURILong
	}
	if account.HasBadNameChars(raw) || strings.ContainsAny(raw, " \t") {
		return AppProblemURIInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.User != nil || u.Opaque != "" {
		return AppProblemURIInvalid
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return AppProblemURIFragment
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "https":
		if u.Host == "" {
			return AppProblemURIInvalid
		}
		return ""
	case "http":
		if u.Host == "" {
			return AppProblemURIInvalid
		}
		if k == AppSPA || !loopbackHost(u.Hostname()) {
			return AppProblemURIHTTPS
		}
		return ""
	}
	if k != AppNative {
		return AppProblemURIHTTPS
	}
	if !strings.Contains(scheme, ".") || scheme == "javascript" || scheme == "data" {
		return AppProblemURINative
	}
	return ""
}

// loopbackHost reports whether host is a loopback address or localhost.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

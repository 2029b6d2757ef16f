package handlers

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"portvakt/store"
	"portvakt/views"
)

// testView turns a stored test result into what the page shows.
func testView(pg views.Page, tr testResult) *views.SSOTestResult {
	l := pg.Lang
	v := &views.SSOTestResult{
		At: l.Time(tr.At), By: tr.By, OK: tr.OK, Marked: tr.Marked, NoSession: tr.NoSession, Kind: tr.Kind, Detail: tr.Detail,
		Code: tr.Code, Description: tr.Description, IDToken: claimRows(l, tr.IDTokenClaims), UserInfo: claimRows(l, tr.UserInfoClaims),
	}
	if !tr.OK {
		v.Message = l.T(refusalTextKey(tr.Kind))
	}
	v.Draft, v.Applied = tr.Draft, tr.Applied
	for _, code := range tr.NotApplied {
		key := dynamicKey("policies.reason.", code)
		if code == string(store.RefuseDraftChanged) {
			key = refusalTextKey(code)
		}
		v.NotApplied = append(v.NotApplied, l.T(key))
	}
	if tr.SessionsEnded != "" {
		v.Notes = append(v.Notes, l.T("sso.draft.result.sessions"))
	}
	if tr.Mailed > 0 {
		v.Notes = append(v.Notes, l.T("sso.draft.result.mailed", tr.Mailed))
	}
	if tr.UserEmail != "" {
		// Only what the test did: a refused test links nobody, and neither does a test of a
		// draft that was not applied.
		how := l.T("sso.test.mapping.found")
		switch {
		case tr.ByLink:
			how = l.T("sso.test.mapping.link")
		case tr.Relinked:
			how = l.T("sso.test.mapping.moved")
		case tr.Linked:
			how = l.T("sso.test.mapping.email")
		}
		v.Mapping = l.T("sso.test.mapping", tr.UserName, tr.UserEmail, how)
		if !tr.OK {
			v.Mapping = l.T("sso.test.mapping.other", tr.UserName, tr.UserEmail)
		}
	}
	if e := tr.Endpoints; e != nil {
		v.Endpoints = []views.KV{{Name: "issuer", Value: e.Issuer}, {Name: "authorization_endpoint", Value: e.AuthorizationEndpoint},
			{Name: "token_endpoint", Value: e.TokenEndpoint}, {Name: "userinfo_endpoint", Value: e.UserInfoEndpoint},
			{Name: "jwks_uri", Value: e.JWKSURI}}
	}
	if tr.Subject != "" {
		from := l.T("sso.test.from.idtoken")
		if tr.EmailFromUserInfo {
			from = l.T("sso.test.from.userinfo")
		}
		v.Identity = []views.KV{{Name: "iss", Value: tr.Issuer}, {Name: "sub", Value: tr.Subject},
			{Name: "email", Value: tr.Email + " (" + from + ")"}, {Name: "email_verified", Value: strconv.FormatBool(tr.EmailVerified)}}
		// Only with auth_time can portvakt hold the provider to an app's request for a new
		// sign-in (oidcrp's checkAuthTime).
		v.AuthTime = l.T("sso.test.authtime.missing")
		if _, sent := tr.IDTokenClaims["auth_time"]; sent {
			v.AuthTime = l.T("sso.test.authtime.sent")
		}
	}
	return v
}

// timeClaims hold Unix times, shown with the date as well.
var timeClaims = map[string]bool{"iat": true, "exp": true, "nbf": true, "auth_time": true, "updated_at": true}

// claimRows lists claims by name, each value as JSON (strings without quotes).
func claimRows(l views.Lang, claims map[string]any) []views.KV {
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []views.KV
	for _, k := range keys {
		val := ""
		if s, ok := claims[k].(string); ok {
			val = s
		} else if b, err := json.Marshal(claims[k]); err == nil {
			val = string(b)
		}
		if n, err := strconv.ParseInt(val, 10, 64); err == nil && timeClaims[k] {
			val += " (" + l.Time(time.Unix(n, 0)) + ")"
		}
		out = append(out, views.KV{Name: k, Value: truncate(val, 2000)})
	}
	return out
}

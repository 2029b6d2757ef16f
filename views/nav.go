package views

import "portvakt/views/paths"

// Need says who may see a navigation entry; the server checks access again on every request.
type Need int

// Who a navigation entry is for.
const (
	NeedSignedIn Need = iota
	NeedAdmin
	NeedAuthSettings
	NeedAdminOrAuthSettings
)

// NavItem is one link in the side navigation.
type NavItem struct {
	Area    string // matches Page.Area to mark the current page
	TextKey string
	Href    string
	Need    Need
}

// NavGroup is a heading with its links, mirroring the areas of the product.
type NavGroup struct {
	TextKey string
	Items   []NavItem
}

// navGroups is the whole navigation. Each area adds its entries in its own group.
var navGroups = []NavGroup{
	{TextKey: "nav.start", Items: []NavItem{
		{Area: "home", TextKey: "nav.home", Href: paths.Home, Need: NeedSignedIn},
		{Area: "profile", TextKey: "nav.profile", Href: paths.Profile, Need: NeedSignedIn},
	}},
	// General (Allmänt): administrators.
	{TextKey: "nav.general", Items: []NavItem{
		{Area: "security", TextKey: "nav.security", Href: paths.Security, Need: NeedAdmin},
		{Area: "users", TextKey: "nav.users", Href: paths.Users, Need: NeedAdmin},
	}},
	// Authentication Settings: people granted access.
	{TextKey: "nav.authsettings", Items: []NavItem{
		{Area: "authsettings", TextKey: "nav.authsettings.overview", Href: paths.AuthSettings, Need: NeedAuthSettings},
		{Area: "domains", TextKey: "nav.domains", Href: paths.Domains, Need: NeedAuthSettings},
		{Area: "sso", TextKey: "nav.sso", Href: paths.SSO, Need: NeedAuthSettings},
		{Area: "policies", TextKey: "nav.policies", Href: paths.Policies, Need: NeedAuthSettings},
		{Area: "apps", TextKey: "nav.apps", Href: paths.Apps, Need: NeedAuthSettings},
		{Area: "tokens", TextKey: "nav.tokens", Href: paths.Tokens, Need: NeedAdmin},
		{Area: "audit", TextKey: "nav.audit", Href: paths.Audit, Need: NeedAdminOrAuthSettings},
	}},
}

// may reports whether the person may see an entry that needs n.
func (p *Person) may(n Need) bool {
	switch n {
	case NeedAdmin:
		return p.Admin
	case NeedAuthSettings:
		return p.AuthSettings
	case NeedAdminOrAuthSettings:
		return p.Admin || p.AuthSettings
	}
	return true
}

// VisibleNav returns the groups and entries the person may use; empty groups are left out.
func (p Page) VisibleNav() []NavGroup {
	if p.Person == nil {
		return nil
	}
	var out []NavGroup
	for _, g := range navGroups {
		var items []NavItem
		for _, it := range g.Items {
			if p.Person.may(it.Need) {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			out = append(out, NavGroup{TextKey: g.TextKey, Items: items})
		}
	}
	return out
}

package views

func init() {
	register(map[string][2]string{
		"profile.title":             {"Min profil", "My profile"},
		"profile.name":              {"Namn", "Name"},
		"profile.email":             {"E-postadress", "E-mail address"},
		"profile.roles":             {"Behörighet", "Access"},
		"profile.role.admin":        {"Administratör", "Administrator"},
		"profile.role.authsettings": {"Authentication Settings", "Authentication Settings"},
		"profile.role.user":         {"Användare", "User"},
		"profile.link":              {"Koppling till identitetsleverantör", "Link to an identity provider"},
		"profile.link.value":        {"%s, användar-id %s", "%s, user ID %s"},
		"profile.link.since":        {"(sedan %s)", "(since %s)"},
		"profile.link.none":         {"Ingen koppling ännu. Den skapas första gången du loggar in med single sign-on.", "No link yet. It is made the first time you sign in with single sign-on."},
		"profile.session":           {"Den här inloggningen", "This sign-in"},
		"profile.session.password":  {"Med lösenord, %s", "With a password, %s"},
		"profile.session.sso":       {"Med single sign-on via %s, %s", "With single sign-on through %s, %s"},
	})
}

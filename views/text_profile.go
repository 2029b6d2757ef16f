package views

func init() {
	register(map[string][2]string{
		"profile.title":                {"Min profil", "My profile"},
		"profile.name":                 {"Namn", "Name"},
		"profile.email":                {"E-postadress", "E-mail address"},
		"profile.roles":                {"Behörighet", "Access"},
		"profile.role.admin":           {"Administratör", "Administrator"},
		"profile.role.authsettings":    {"Authentication Settings", "Authentication Settings"},
		"profile.role.user":            {"Användare", "User"},
		"profile.link":                 {"Koppling till identitetsleverantör", "Link to an identity provider"},
		"profile.link.value":           {"%s, användar-id %s", "%s, user ID %s"},
		"profile.link.since":           {"(sedan %s)", "(since %s)"},
		"profile.link.none":            {"Ingen koppling ännu. Den skapas första gången du loggar in med single sign-on.", "No link yet. It is made the first time you sign in with single sign-on."},
		"profile.link.none.privileged": {"Ingen koppling ännu. Eftersom du är administratör eller har tillgång till Authentication Settings kopplas din identitet bara härifrån, aldrig vid en inloggning.", "No link yet. Because you are an administrator or have access to Authentication Settings, your identity is linked only from here, never by a sign-in."},
		"profile.linkself.heading":     {"Koppla min inloggning via single sign-on", "Link my single sign-on identity"},
		"profile.linkself.about":       {"Du skickas till identitetsleverantören och loggar in där som dig själv. Kopplingen görs bara om identiteten har din verifierade e-postadress, och sedan loggar du in den vägen.", "You are sent to the identity provider and sign in there as yourself. The link is made only if the identity carries your verified e-mail address, and from then on you sign in that way."},
		"profile.linkself.button":      {"Koppla via %s", "Link through %s"},
		"profile.linked":               {"Din identitet hos %s är kopplad. Du är nu inloggad via single sign-on.", "Your identity at %s is linked. You are now signed in through single sign-on."},
		"profile.session":              {"Den här inloggningen", "This sign-in"},
		"profile.session.password":     {"Med lösenord, %s", "With a password, %s"},
		"profile.session.sso":          {"Med single sign-on via %s, %s", "With single sign-on through %s, %s"},
	})
}

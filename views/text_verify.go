package views

func init() {
	register(map[string][2]string{
		"verify.title":         {"Bekräfta e-postadress", "Confirm e-mail address"},
		"verify.intro":         {"Hej %s. Bekräfta att %s är din e-postadress.", "Hello %s. Confirm that %s is your e-mail address."},
		"verify.confirm":       {"Bekräfta", "Confirm"},
		"verify.done.title":    {"E-postadressen är bekräftad", "E-mail address confirmed"},
		"verify.done.body":     {"Tack. %s är nu verifierad.", "Thank you. %s is now verified."},
		"verify.done.next":     {"Du kan stänga sidan, eller logga in.", "You can close this page, or sign in."},
		"verify.done.login":    {"Logga in", "Sign in"},
		"verify.invalid.title": {"Länken kan inte användas", "The link cannot be used"},
		"verify.invalid.body": {
			"Länken har redan använts, har gått ut eller har ersatts av en nyare. Be din administratör att skicka en ny länk.",
			"The link has already been used, has expired or has been replaced by a newer one. Ask your administrator to send a new link.",
		},
	})
}

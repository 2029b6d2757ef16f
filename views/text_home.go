package views

func init() {
	register(map[string][2]string{
		"home.title":                      {"Välkommen, %s", "Welcome, %s"},
		"home.lead":                       {"Med portvakt flyttar ni inloggningen från lösenord till er egen identitetsleverantör, utan att någon blir utelåst.", "With portvakt you move sign-in from passwords to your own identity provider, without locking anyone out."},
		"home.admin.grant":                {"Som administratör har du inte automatiskt tillgång till Authentication Settings. Ge dig själv behörighet under Allmänt > Säkerhet.", "As an administrator you do not automatically have access to Authentication Settings. Grant yourself access under General > Security."},
		"nav.profile.about":               {"Din e-postadress, din koppling till identitetsleverantören och hur du loggade in.", "Your e-mail address, your link to the identity provider and how you signed in."},
		"nav.authsettings.overview.about": {"Var ni står i flytten till single sign-on, steg för steg.", "Where you are in the move to single sign-on, step by step."},
		"common.yes":                      {"Ja", "Yes"},
		"common.no":                       {"Nej", "No"},
	})
}

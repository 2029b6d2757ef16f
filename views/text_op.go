package views

// Texts of an application's sign-in through portvakt (the OpenID provider side).
func init() {
	register(map[string][2]string{
		"login.forapp":       {"för att fortsätta till %s.", "to continue to %s."},
		"op.elsewhere.title": {"Fortsätt i applikationen", "Continue in the application"},
		"op.elsewhere.body": {"Den här inloggningen började i en annan webbläsare. Gå till applikationen och logga in därifrån.",
			"This sign-in began in another browser. Go to the application and sign in from there."},
		"op.badrequest.title": {"Applikationens begäran kan inte tas emot", "The application's request cannot be accepted"},
		"op.badrequest.body": {"Begäran från applikationen är felaktig. Kontakta den som ansvarar för applikationen.",
			"The application's request is malformed. Contact whoever looks after the application."},
		"op.badrequest.toolong": {"Begäran från applikationen är för lång. Kontakta den som ansvarar för applikationen.",
			"The application's request is too long. Contact whoever looks after the application."},
		"op.badrequest.redirect": {"Applikationens returadress får inte innehålla # eller användarnamn.",
			"The application's return address may not contain # or a user name."},
		"op.badrequest.busy": {"För många inloggningar från din adress just nu. Vänta en stund och försök igen.",
			"Too many sign-ins from your address right now. Wait a while and try again."},
		"op.expired.title": {"Inloggningen har gått ut", "The sign-in has expired"},
		"op.expired.body": {"Den här inloggningen i applikationen är inte längre giltig. Gå tillbaka till applikationen och logga in igen.",
			"This sign-in to the application is no longer valid. Go back to the application and sign in again."},
		"op.refused.title": {"Du har inte tillgång till applikationen", "You do not have access to this application"},
		"op.refused.body": {"Du är inloggad, men applikationen är avstängd eller bara öppen för vissa personer. Be den som administrerar portvakt att ge dig tillgång under Autentiseringsinställningar > Applikationer.",
			"You are signed in, but the application is switched off or open only to certain people. Ask whoever administers portvakt to give you access under Authentication Settings > Applications."},
	})
}

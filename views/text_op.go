package views

// Texts of an application's sign-in through portvakt (the OpenID provider side).
func init() {
	register(map[string][2]string{
		"login.forapp":     {"för att fortsätta till %s.", "to continue to %s."},
		"op.expired.title": {"Inloggningen har gått ut", "The sign-in has expired"},
		"op.expired.body": {"Den här inloggningen i applikationen är inte längre giltig. Gå tillbaka till applikationen och logga in igen.",
			"This sign-in to the application is no longer valid. Go back to the application and sign in again."},
		"op.refused.title": {"Du har inte tillgång till applikationen", "You do not have access to this application"},
		"op.refused.body": {"Du är inloggad, men applikationen är avstängd eller bara öppen för vissa personer. Be den som administrerar portvakt att ge dig tillgång under Autentiseringsinställningar > Applikationer.",
			"You are signed in, but the application is switched off or open only to certain people. Ask whoever administers portvakt to give you access under Authentication Settings > Applications."},
	})
}

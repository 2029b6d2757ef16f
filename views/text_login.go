package views

func init() {
	register(map[string][2]string{
		"login.title":           {"Logga in", "Sign in"},
		"login.email":           {"E-postadress", "E-mail address"},
		"login.email.hint":      {"Den adress du använder i jobbet.", "The address you use at work."},
		"login.next":            {"Nästa", "Next"},
		"login.as":              {"Loggar in som", "Signing in as"},
		"login.change":          {"Byt adress", "Use another address"},
		"login.password":        {"Lösenord", "Password"},
		"login.submit":          {"Logga in", "Sign in"},
		"login.or":              {"eller", "or"},
		"login.sso":             {"Logga in med %s", "Sign in with %s"},
		"login.nomethod":        {"Det finns inget sätt att logga in med den här adressen. Kontakta din administratör.", "No sign-in method is available for this address. Contact your administrator."},
		"login.err.email":       {"Skriv en e-postadress, till exempel namn@företag.se.", "Enter an e-mail address, like name@company.com."},
		"login.err.email.long":  {"E-postadressen får vara högst 254 tecken.", "The e-mail address can be at most 254 characters."},
		"login.err.email.nfkc":  {"E-postadressen har tecken som också finns i en vanligare form, till exempel Kelvin-tecknet för K eller bokstäver med full bredd. Skriv adressen med vanliga tecken.", "The e-mail address has characters that also exist in a more usual form, such as the Kelvin sign for K or full-width letters. Type the address with ordinary characters."},
		"login.err.password":    {"Skriv ditt lösenord.", "Enter your password."},
		"login.err.wrong":       {"E-postadressen eller lösenordet stämmer inte. Försök igen.", "The e-mail address or the password is wrong. Try again."},
		"login.err.ratelimited": {"För många försök. Vänta %d min och försök sedan igen.", "Too many attempts. Wait %d min, then try again."},
		"login.err.passwordoff": {"Inloggning med lösenord är avstängd. Logga in via din organisations identitetsleverantör.", "Password sign-in is switched off. Sign in through your organisation's identity provider."},
		"login.err.expired":     {"Inloggningen tog för lång tid. Skriv din e-postadress igen.", "Signing in took too long. Enter your e-mail address again."},
		"login.signedout":       {"Du är utloggad.", "You are signed out."},
		"login.sessionended":    {"Din session har upphört. Logga in igen.", "Your session has ended. Sign in again."},
	})
}

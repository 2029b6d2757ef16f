package views

func init() {
	register(map[string][2]string{
		"setup.title":         {"Skapa den första administratören", "Create the first administrator"},
		"setup.intro":         {"Det här kontot administrerar portvakt: det ger andra behörighet och hanterar användare. Du kan lägga till fler administratörer senare.", "This account administers portvakt: it grants access to others and manages users. You can add more administrators later."},
		"setup.name":          {"Namn", "Name"},
		"setup.email":         {"E-postadress", "E-mail address"},
		"setup.email.hint":    {"Din e-postadress i jobbet. Den används för att logga in.", "Your work e-mail address. You sign in with it."},
		"setup.password":      {"Lösenord", "Password"},
		"setup.password.hint": {"Minst 8 och högst 128 tecken. Undvik vanliga lösenord.", "At least 8 and at most 128 characters. Avoid common passwords."},
		"setup.confirm":       {"Upprepa lösenordet", "Repeat the password"},
		"setup.submit":        {"Skapa administratör", "Create administrator"},
		"setup.done":          {"Administratören är skapad och du är inloggad.", "The administrator has been created and you are signed in."},
		"setup.invalid.title": {"Länken kan inte användas", "This link cannot be used"},
		"setup.invalid.body":  {"Länken för att skapa den första administratören är redan använd, har gått ut eller är fel. Starta om portvakt för att få en ny länk i konsolen, eller skapa en administratör på servern:", "The link for creating the first administrator has been used, has expired or is wrong. Restart portvakt to get a new link in the console, or create an administrator on the server:"},
		"setup.err.name":      {"Skriv ditt namn.", "Enter your name."},
		"setup.err.name.long": {"Namnet får vara högst 200 tecken.", "The name can be at most 200 characters."},

		"setup.err.name.chars": {"Namnet får inte innehålla styrtecken (som NUL eller radbrytningar), tecken som vänder textriktningen eller ogiltig UTF-8.", "The name cannot contain control characters (such as NUL or line breaks), characters that change the text direction, or invalid UTF-8."},

		"setup.err.confirm":   {"Lösenorden är inte likadana. Skriv samma lösenord två gånger.", "The passwords do not match. Type the same password twice."},
		"setup.err.exists":    {"Det finns redan ett konto med den här e-postadressen.", "An account with this e-mail address already exists."},
		"password.err.short":  {"Lösenordet måste ha minst 8 tecken.", "The password must have at least 8 characters."},
		"password.err.long":   {"Lösenordet får ha högst 128 tecken.", "The password can have at most 128 characters."},
		"password.err.common": {"Det lösenordet är för vanligt och lätt att gissa. Välj ett annat.", "That password is too common and easy to guess. Choose another."},
		"password.err.email":  {"Lösenordet får inte vara din e-postadress.", "The password must not be your e-mail address."},
	})
}

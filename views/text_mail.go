package views

func init() {
	register(map[string][2]string{
		"mail.greeting":       {"Hej %s,", "Hello %s,"},
		"mail.verify.subject": {"Bekräfta din e-postadress", "Confirm your e-mail address"},
		"mail.verify.intro": {
			"%s använder portvakt för inloggning. Bekräfta att %s är din e-postadress genom att öppna länken nedan.",
			"%s uses portvakt for signing in. Confirm that %s is your e-mail address by opening the link below.",
		},
		"mail.verify.button": {"Bekräfta e-postadressen", "Confirm the e-mail address"},
		"mail.verify.copy":   {"Om knappen inte fungerar kan du kopiera länken till webbläsaren:", "If the button does not work, copy the link into your browser:"},
		"mail.verify.expiry": {
			"Länken kan användas en gång och gäller till %s.",
			"The link works once and is valid until %s.",
		},
		"mail.verify.ignore": {
			"Om du inte väntade dig det här meddelandet kan du bortse från det. Då händer ingenting.",
			"If you did not expect this message, you can ignore it. Nothing will happen.",
		},
		"mail.idpchange.subject": {"Identitetsleverantören %s pekar nu på en ny utfärdare eller klient", "The identity provider %s now points to a new issuer or client"},
		"mail.idpchange.intro": {
			"%s ändrade identitetsleverantören %s i portvakt efter en lyckad testinloggning. Alla som hade loggat in via leverantören har loggats ut.",
			"%s changed the identity provider %s in portvakt after a successful test sign-in. Everyone who had signed in through the provider has been signed out.",
		},
		"mail.idpchange.issuer":   {"Utfärdare: %s (förut %s)", "Issuer: %s (was %s)"},
		"mail.idpchange.clientid": {"Klient-id: %s (förut %s)", "Client ID: %s (was %s)"},
		"mail.idpchange.check": {
			"Om ändringen inte var väntad: slå på inloggning med lösenord under Policyer, eller kör portvakt recover password-login på servern, och se granskningsloggen.",
			"If you did not expect this change: switch password sign-in on under Policies, or run portvakt recover password-login on the server, and see the audit log.",
		},
		"mail.idpchange.button": {"Öppna granskningsloggen", "Open the audit log"},
	})
}

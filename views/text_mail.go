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
	})
}

package views

// AppsHelpTopics are the questions of the Questions and answers page, in the order shown. Each
// has a question "apps.help.<topic>.q" and paragraphs "apps.help.<topic>.a1", ".a2"...
var AppsHelpTopics = []struct {
	Topic      string
	Paragraphs int
}{
	{"mobile", 2},
	{"integrations", 2},
	{"email", 2},
	{"conditional", 3},
	{"policy", 1},
	{"issuer", 1},
}

func init() {
	register(map[string][2]string{
		"apps.help.title": {"Frågor och svar", "Questions and answers"},
		"apps.help.lead":  {"Om applikationer som loggar in genom portvakt, och om vad som händer med dem när inloggningspolicyn ändras.", "About applications that sign in through portvakt, and what happens to them when the sign-in policy changes."},
		"apps.help.back":  {"Till applikationerna", "Back to the applications"},

		"apps.help.mobile.q":  {"Får våra mobilappar single sign-on?", "Do our mobile apps get single sign-on?"},
		"apps.help.mobile.a1": {"Ja, utan något extra steg. En mobilapp som är tillagd här som ”Mobil- eller datorapp” öppnar portvakts inloggning i telefonens webbläsare. Personen skriver sin e-postadress och skickas vidare till er identitetsleverantör, precis som i webbläsaren på datorn.", "Yes, with no extra step. A mobile app added here as a “Mobile or desktop app” opens portvakt's sign-in in the phone's browser. The person types their e-mail address and is sent on to your identity provider, just as in the browser on a computer."},
		"apps.help.mobile.a2": {"Är personen redan inloggad i portvakt i den webbläsaren behöver hen inte logga in igen. När lösenordsinloggningen är AV går det bara att logga in i appen via identitetsleverantören.", "If the person is already signed in to portvakt in that browser, they need not sign in again. When password sign-in is OFF, the app can only be signed in to through the identity provider."},

		"apps.help.integrations.q":  {"Påverkas integrationer och tidsstämplingen när lösenorden stängs av?", "Are integrations and the time clock affected when passwords are switched off?"},
		"apps.help.integrations.a1": {"Nej. En integration hämtar sina token med klient-id och klienthemlighet (client credentials), utan någon person. Inloggningspolicyn gäller personer, så integrationens token fortsätter att fungera när lösenordsinloggningen går AV.", "No. An integration gets its tokens with its client ID and client secret (client credentials), without any person. The sign-in policy is about people, so the integration's tokens keep working when password sign-in goes OFF."},
		"apps.help.integrations.a2": {"Detsamma gäller API-nycklarna för provisionering och granskningsloggen, och tidsstämplingen som använder dem. Det som slutar gälla vid AV är personers inloggningar och förnyelsetoken som började med ett lösenord.", "The same holds for the API tokens for provisioning and the audit log, and for the time clock that uses them. What ends at OFF is people's sessions and refresh tokens that began with a password."},

		"apps.help.email.q":  {"Hur byter man e-postadress för en person?", "How do you change a person's e-mail address?"},
		"apps.help.email.a1": {"En administratör gör det under Användare: öppna personen, välj ”Ta bort koppling” om personen är kopplad till identitetsleverantören, skriv in den nya adressen och spara. portvakt skickar då ett nytt verifieringsmejl till den nya adressen.", "An administrator does it under Users: open the person, choose “Remove link” if the person is linked to the identity provider, enter the new address and save. portvakt then sends a new verification mail to the new address."},
		"apps.help.email.a2": {"När personen har klickat på länken i mejlet och loggar in via identitetsleverantören kopplas kontot på nytt. Personens inloggningar i applikationerna fortsätter med samma användar-id (sub), så applikationerna känner igen hen.", "Once the person has clicked the link in the mail and signs in through the identity provider, the account is linked again. The person's sign-ins to the applications go on with the same user ID (sub), so the applications still recognise them."},

		"apps.help.conditional.q":  {"Varför måste regler för villkorsstyrd åtkomst göra undantag för mobilappen?", "Why must Conditional Access rules make an exception for the mobile app?"},
		"apps.help.conditional.a1": {"Regler i identitetsleverantören som kräver en hanterad eller godkänd enhet (till exempel villkorsstyrd åtkomst i Entra ID med ”kräv kompatibel enhet”) behöver ett enhets-id från inloggningen. En mobilapp som loggar in via portvakt i telefonens webbläsare kan inte skicka något sådant id, så identitetsleverantören nekar inloggningen.", "Rules in the identity provider that require a managed or compliant device (for example Conditional Access in Entra ID with “require compliant device”) need a device ID from the sign-in. A mobile app that signs in through portvakt in the phone's browser cannot send such an ID, so the identity provider refuses the sign-in."},
		"apps.help.conditional.a2": {"Gör därför ett undantag i den regeln för portvakt på mobila plattformar, eller för den app som inte kan skicka ett enhets-id. Undantaget gäller bara enhetskravet.", "So make an exception in that rule for portvakt on mobile platforms, or for the app that cannot send a device ID. The exception covers the device requirement only."},
		"apps.help.conditional.a3": {"Regler som kräver flerfaktorsautentisering (MFA) påverkas inte: MFA sker hos identitetsleverantören i webbläsaren, och den fungerar likadant oavsett vilken app som startade inloggningen.", "Rules that require multi-factor authentication (MFA) are not affected: MFA happens at the identity provider in the browser, and it works the same whichever app started the sign-in."},

		"apps.help.policy.q":  {"Vad händer i applikationerna när lösenordsinloggningen stängs av?", "What happens in the applications when password sign-in is switched off?"},
		"apps.help.policy.a1": {"Samma sak som i portvakt: inloggningar och förnyelsetoken som började med ett lösenord slutar gälla, och nästa inloggning går via identitetsleverantören. Den som redan loggat in via identitetsleverantören märker ingenting.", "The same as in portvakt: sessions and refresh tokens that began with a password end, and the next sign-in goes through the identity provider. People who already signed in through the identity provider notice nothing."},

		"apps.help.issuer.q":  {"Vilken adress ska applikationen ha?", "Which address does the application need?"},
		"apps.help.issuer.a1": {"Utfärdarens adress (issuer), som står på applikationens sida tillsammans med klient-id:t. Det är portvakts egen adress. Applikationen hittar inloggning, token och nycklar själv via /.well-known/openid-configuration under den.", "The issuer's address, shown on the application's page with its client ID. It is portvakt's own address. The application finds sign-in, tokens and keys by itself at /.well-known/openid-configuration under it."},
	})
}

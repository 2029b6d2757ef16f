package views

func init() {
	register(map[string][2]string{
		// The guide's steps as a checklist.
		"overview.step.access":              {"Ge åtkomst till Authentication Settings", "Grant access to Authentication Settings"},
		"overview.step.access.about":        {"Under Allmänt > Säkerhet ger en administratör de personer som ska sköta inloggningen åtkomst, sig själv också.", "Under General > Security an administrator grants access to the people who will look after sign-in, themselves included."},
		"overview.step.access.status":       {"Personer med åtkomst: %d", "People with access: %d"},
		"overview.step.domain.status":       {"Verifierade domäner: %d", "Verified domains: %d"},
		"overview.step.idp.status":          {"Aktiverade leverantörer som betjänar en verifierad domän: %d", "Enabled providers serving a verified domain: %d"},
		"overview.step.test.status":         {"Testade leverantörer: %d", "Tested providers: %d"},
		"overview.step.allowed":             {"Ange tillåtna domäner vid koppling", "Set the allowed domains for linking"},
		"overview.step.allowed.about":       {"Under Allmänt > Säkerhet: bara verifierade e-postadresser på dessa domäner kan kopplas till en identitet i single sign-on.", "Under General > Security: only verified e-mail addresses on these domains can be linked to a single sign-on identity."},
		"overview.step.allowed.status":      {"Domäner på listan: %d", "Domains on the list: %d"},
		"overview.step.people":              {"Gör alla redo", "Get everybody ready"},
		"overview.step.people.about":        {"Ingen ska förlora åtkomsten när lösenorden stängs av: verifierade e-postadresser på domäner som en testad leverantör betjänar, och kopplingar för administratörerna.", "Nobody should lose access when passwords are switched off: verified e-mail addresses on domains a tested provider serves, and links for the administrators."},
		"overview.step.people.status":       {"%d av %d skulle förlora åtkomsten nu", "%d of %d would lose access now"},
		"overview.step.password.status.on":  {"Inloggning med lösenord är på", "Password sign-in is on"},
		"overview.step.password.status.off": {"Bara single sign-on", "Single sign-on only"},

		// Readiness in numbers.
		"overview.numbers":               {"Beredskap i siffror", "Readiness in numbers"},
		"overview.numbers.about":         {"Varje siffra leder till personerna den räknar under Användare.", "Each number leads to the people it counts under Users."},
		"overview.numbers.about.nolinks": {"Administratörer ser personerna bakom varje siffra under Användare.", "Administrators see the people behind each number under Users."},
		"overview.number.all":            {"Personer totalt", "People in all"},
		"overview.number.verified":       {"Med verifierad e-postadress", "With a verified e-mail address"},
		"overview.number.ready":          {"Redo: på en domän som en aktiverad, testad leverantör betjänar", "Ready: on a domain an enabled, tested provider serves"},
		"overview.number.linked":         {"Kopplade till single sign-on", "Linked to single sign-on"},
		"overview.number.notlinked":      {"Redo men inte kopplade än", "Ready but not linked yet"},
		"overview.number.sso":            {"Inloggade via single sign-on de senaste 30 dagarna", "Signed in through single sign-on in the last 30 days"},
		"overview.number.password":       {"Inloggade med lösenord de senaste 30 dagarna", "Signed in with a password in the last 30 days"},
		"overview.number.lose":           {"Skulle förlora åtkomsten om lösenorden stängdes av nu", "Would lose access if passwords went off now"},

		// The chart.
		"overview.chart":                {"Inloggningar per dag, senaste %d dagarna", "Sign-ins per day, last %d days"},
		"overview.chart.periods":        {"Period", "Period"},
		"overview.chart.days":           {"%d dagar", "%d days"},
		"overview.chart.about":          {"Lyckade inloggningar per dygn (UTC), med lösenord och per identitetsleverantör. Nekade försök räknas inte här; de finns i granskningsloggen.", "Successful sign-ins per day (UTC), with a password and per identity provider. Refused attempts are not counted here; they are in the audit log."},
		"overview.chart.summary":        {"Inloggningar per dag från %s till %s: %s.", "Sign-ins per day from %s to %s: %s."},
		"overview.chart.summary.series": {"%s %d", "%s %d"},
		"overview.chart.legend":         {"%s: %d", "%s: %d"},
		"overview.chart.table":          {"Inloggningar per dag, senaste %d dagarna, som tabell", "Sign-ins per day, last %d days, as a table"},
		"overview.chart.day":            {"Dag", "Day"},
		"overview.chart.total":          {"Totalt", "Total"},
		"overview.chart.password":       {"Lösenord", "Password"},
		"overview.chart.sso.removed":    {"Borttagen leverantör %d", "Removed provider %d"},
		"overview.chart.sso.earlier":    {"Single sign-on (före uppdelning per leverantör)", "Single sign-on (before counts per provider)"},

		// Invitations to link.
		"overview.invite":              {"Bjud in till koppling", "Invite people to link"},
		"overview.invite.about":        {"Ett mejl ber dem som inte är kopplade än att logga in en gång via single sign-on, med en länk till inloggningen. Administratörer och personer med åtkomst till Authentication Settings kopplas aldrig av en inloggning: deras mejl ber dem koppla från Min profil.", "A mail asks the people not linked yet to sign in once through single sign-on, with a link to the sign-in. Administrators and Authentication Settings users are never linked by a sign-in: their mail asks them to link from My profile."},
		"overview.invite.notyet":       {"Inbjudningar kan skickas när en aktiverad, testad identitetsleverantör betjänar en verifierad domän.", "Invitations can be sent once an enabled, tested identity provider serves a verified domain."},
		"overview.invite.due":          {"Kan bjudas in nu: %d.", "Can be invited now: %d."},
		"overview.invite.profile":      {"Av dem är %d administratörer eller har åtkomst till Authentication Settings; de får en länk till Min profil.", "Of them, %d are administrators or Authentication Settings users; they get a link to My profile."},
		"overview.invite.send":         {"Skicka inbjudningar (%d)", "Send invitations (%d)"},
		"overview.invite.none":         {"Ingen att bjuda in just nu.", "Nobody to invite just now."},
		"overview.invite.waiting":      {"Inbjudna det senaste dygnet, som kan bjudas in igen i morgon: %d.", "Invited in the last day, who can be invited again tomorrow: %d."},
		"overview.invite.blocked":      {"Kan inte kopplas än, eftersom e-postadressen inte är verifierad eller domänen inte finns bland de tillåtna: %d.", "Cannot link yet, since the e-mail address is not verified or the domain is not among the allowed ones: %d."},
		"overview.invite.blocked.link": {"Visa dem som inte är kopplade", "Show the people not linked"},
		"overview.invite.stats":        {"Skickade inbjudningar: %d. Inbjudna personer: %d. Av dem har kopplat sig sedan dess: %d.", "Invitations sent: %d. People invited: %d. Of them, linked since: %d."},
		"overview.invite.recent":       {"Senaste inbjudningarna", "Latest invitations"},
		"overview.invite.person":       {"Person", "Person"},
		"overview.invite.sent":         {"Skickad", "Sent"},
		"overview.invite.how":          {"Ombedd att", "Asked to"},
		"overview.invite.how.sso":      {"logga in via single sign-on", "sign in through single sign-on"},
		"overview.invite.how.profile":  {"koppla från Min profil", "link from My profile"},
		"overview.invite.mail":         {"Mejl", "Mail"},
		"overview.invite.linked":       {"Kopplad sedan dess", "Linked since"},
		"overview.invite.linked.yes":   {"Ja", "Yes"},
		"overview.invite.linked.no":    {"Inte än", "Not yet"},
		"overview.invite.sent.flash":   {"Inbjudningar som skickas nu: %d.", "Invitations being sent now: %d."},
		"overview.invite.queued.flash": {"Inbjudningar i utkorgen under Användare > Utkorg, eftersom ingen e-postserver är inställd: %d.", "Invitations kept in the outbox under Users > Outbox, since no mail server is set up: %d."},
		"overview.invite.nobody.flash": {"Ingen inbjudan skickades: alla är kopplade eller bjöds in det senaste dygnet.", "No invitation was sent: everybody is linked or was invited in the last day."},
	})
}

func init() {
	register(map[string][2]string{
		// The groups of the Users list, the same as the overview's numbers.
		"users.show":           {"Visa", "Show"},
		"users.show.all":       {"Alla", "Everybody"},
		"users.show.verified":  {"Verifierad e-post", "Verified e-mail"},
		"users.show.ready":     {"Redo för single sign-on", "Ready for single sign-on"},
		"users.show.linked":    {"Kopplade", "Linked"},
		"users.show.notlinked": {"Redo, inte kopplade", "Ready, not linked"},
		"users.show.sso":       {"Single sign-on senaste 30 dagarna", "Single sign-on in the last 30 days"},
		"users.show.password":  {"Lösenord senaste 30 dagarna", "Password in the last 30 days"},
		"users.show.lose":      {"Skulle förlora åtkomsten", "Would lose access"},
		"users.export":         {"Ladda ner listan som CSV", "Download the list as CSV"},
	})
}

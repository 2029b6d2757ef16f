package views

func init() {
	register(map[string][2]string{
		// The guide's steps as a checklist.
		"overview.step.access":              {"Ge åtkomst till Authentication Settings", "Grant access to Authentication Settings"},
		"overview.step.access.about":        {"Under Allmänt > Säkerhet ger en administratör de personer som ska sköta inloggningen åtkomst, sig själv också.", "Under General > Security an administrator grants access to the people who will look after sign-in, themselves included."},
		"overview.step.access.status":       {"%d personer har åtkomst", "%d people have access"},
		"overview.step.domain.status":       {"%d verifierade", "%d verified"},
		"overview.step.idp.status":          {"%d aktiverade leverantörer betjänar en verifierad domän", "%d enabled providers serve a verified domain"},
		"overview.step.test.status":         {"%d testade", "%d tested"},
		"overview.step.allowed":             {"Ange tillåtna domäner vid koppling", "Set the allowed domains for linking"},
		"overview.step.allowed.about":       {"Under Allmänt > Säkerhet: bara verifierade e-postadresser på dessa domäner kan kopplas till en identitet i single sign-on.", "Under General > Security: only verified e-mail addresses on these domains can be linked to a single sign-on identity."},
		"overview.step.allowed.status":      {"%d domäner på listan", "%d domains on the list"},
		"overview.step.people":              {"Gör alla redo", "Get everybody ready"},
		"overview.step.people.about":        {"Ingen ska förlora åtkomsten när lösenorden stängs av: verifierade e-postadresser på domäner som en testad leverantör betjänar, och kopplingar för administratörerna.", "Nobody should lose access when passwords are switched off: verified e-mail addresses on domains a tested provider serves, and links for the administrators."},
		"overview.step.people.status":       {"%d av %d skulle förlora åtkomsten nu", "%d of %d would lose access now"},
		"overview.step.password.status.on":  {"Inloggning med lösenord är på", "Password sign-in is on"},
		"overview.step.password.status.off": {"Bara single sign-on", "Single sign-on only"},

		// Readiness in numbers.
		"overview.numbers":          {"Beredskap i siffror", "Readiness in numbers"},
		"overview.numbers.about":    {"Varje siffra leder till personerna den räknar under Användare.", "Each number leads to the people it counts under Users."},
		"overview.number.all":       {"personer totalt", "people in all"},
		"overview.number.verified":  {"med verifierad e-postadress", "with a verified e-mail address"},
		"overview.number.ready":     {"på en domän som en aktiverad, testad leverantör betjänar", "on a domain an enabled, tested provider serves"},
		"overview.number.linked":    {"kopplade till single sign-on", "linked to single sign-on"},
		"overview.number.notlinked": {"redo men inte kopplade än", "ready but not linked yet"},
		"overview.number.sso":       {"loggade in via single sign-on de senaste 30 dagarna", "signed in through single sign-on in the last 30 days"},
		"overview.number.password":  {"loggade in med lösenord de senaste 30 dagarna", "signed in with a password in the last 30 days"},
		"overview.number.lose":      {"skulle förlora åtkomsten om lösenorden stängdes av nu", "would lose access if passwords went off now"},

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
		"overview.invite.due":          {"%d personer kan bjudas in nu.", "%d people can be invited now."},
		"overview.invite.profile":      {"%d av dem är administratörer eller har åtkomst till Authentication Settings och får en länk till Min profil.", "%d of them are administrators or Authentication Settings users and get a link to My profile."},
		"overview.invite.send":         {"Skicka %d inbjudningar", "Send %d invitations"},
		"overview.invite.none":         {"Ingen att bjuda in just nu.", "Nobody to invite just now."},
		"overview.invite.waiting":      {"%d fick en inbjudan det senaste dygnet och kan bjudas in igen i morgon.", "%d were invited in the last day and can be invited again tomorrow."},
		"overview.invite.blocked":      {"%d kan inte kopplas än: e-postadressen är inte verifierad, eller domänen finns inte bland de tillåtna.", "%d cannot link yet: the e-mail address is not verified, or the domain is not among the allowed ones."},
		"overview.invite.blocked.link": {"Visa dem som inte är kopplade", "Show the people not linked"},
		"overview.invite.stats":        {"%d inbjudningar skickade till %d personer; %d av dem har kopplat sig sedan dess.", "%d invitations sent to %d people; %d of them have linked since."},
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
		"overview.invite.sent.flash":   {"%d inbjudningar skickas.", "%d invitations are being sent."},
		"overview.invite.queued.flash": {"%d inbjudningar ligger i utkorgen under Användare > Utkorg, eftersom ingen e-postserver är inställd.", "%d invitations are kept in the outbox under Users > Outbox, since no mail server is set up."},
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

package views

func init() {
	register(map[string][2]string{
		"nav.security":         {"Säkerhet", "Security"},
		"nav.security.about":   {"Vem som får använda Authentication Settings, och vilka e-postdomäner som får kopplas till single sign-on.", "Who may use Authentication Settings, and which e-mail domains may be linked to single sign-on."},
		"security.title":       {"Säkerhet", "Security"},
		"security.since":       {"Sedan", "Since"},
		"security.notsaved":    {"Inte sparad", "Not saved"},
		"security.unsaved":     {"Ändringarna är inte sparade", "Unsaved changes"},
		"security.row.actions": {"Åtgärder", "Actions"},

		"security.grants.title": {"Behörighet till Authentication Settings", "Access to Authentication Settings"},
		"security.grants.about": {
			"De här personerna får verifiera domäner, ställa in identitetsleverantörer och stänga av inloggning med lösenord. Den som tas bort förlorar behörigheten direkt.",
			"These people may verify domains, set up identity providers and turn off password sign-in. Anyone removed loses access at once.",
		},
		"security.grants.self": {
			"Administratörer får inte behörighet automatiskt. Lägg till dig själv i listan om du ska arbeta i Authentication Settings.",
			"Administrators do not get access automatically. Add yourself to the list if you are going to work in Authentication Settings.",
		},
		"security.grants.empty":       {"Ingen har behörighet ännu.", "Nobody has access yet."},
		"security.grants.person":      {"Person", "Person"},
		"security.grants.person.hint": {"Skriv namn eller e-postadress. Välj bland förslagen, eller skriv hela e-postadressen.", "Type a name or an e-mail address. Choose from the suggestions, or type the whole e-mail address."},
		"security.grants.choose":      {"Välj %s (%s)", "Choose %s (%s)"},
		"security.grants.saved": {
			"Sparat. Antal personer med behörighet till Authentication Settings: %d (tillagda: %d, borttagna: %d).",
			"Saved. People with access to Authentication Settings: %d (added: %d, removed: %d).",
		},
		"security.err.person.none":    {"Ingen användare matchar ”%s”. Kontrollera stavningen, eller skapa användaren under Användare först.", "No user matches “%s”. Check the spelling, or create the user under Users first."},
		"security.err.person.many":    {"Flera användare matchar ”%s”. Välj en av dem nedan.", "Several users match “%s”. Choose one of them below."},
		"security.err.person.search":  {"Sökningen misslyckades. Försök igen.", "The search failed. Try again."},
		"security.err.person.gone":    {"En av personerna har tagits bort under tiden. Kontrollera listan och spara igen.", "One of the people was removed meanwhile. Check the list and save again."},
		"security.err.grant.unlinked": {"Inloggning med lösenord är avstängd, och den som har tillgång till Authentication Settings kopplas aldrig vid en inloggning. Be de nya personerna logga in med single sign-on en gång först, så att deras koppling finns, och spara sedan igen.", "Password sign-in is off, and people with access to Authentication Settings are never linked by a sign-in. Ask the new people to sign in through single sign-on once first, so that their link exists, then save again."},
		"security.err.grant.lastway":  {"Inloggning med lösenord är avstängd, och efter ändringen skulle ingen med tillgång till Authentication Settings kunna logga in för att slå på den igen. Behåll minst en person som är kopplad via single sign-on.", "Password sign-in is off, and after this change nobody with access to Authentication Settings could sign in to switch it back on. Keep at least one person who is linked through single sign-on."},

		"security.domains.title": {"Tillåtna domäner vid koppling", "Allowed domains for linking"},
		"security.domains.about": {
			"När listan har domäner kan en identitet från single sign-on bara kopplas till en användare vars verifierade e-postadress hör till någon av dem. En tom lista innebär ingen begränsning.",
			"When the list has domains, an identity from single sign-on can only be linked to a user whose verified e-mail address is on one of them. An empty list means no restriction.",
		},
		"security.domains.empty":     {"Listan är tom: ingen begränsning.", "The list is empty: no restriction."},
		"security.domains.name":      {"Domän", "Domain"},
		"security.domains.name.hint": {"Till exempel foretaget.se. Domäner med å, ä och ö går bra.", "For example company.com. Domains with letters such as å, ä and ö are fine."},
		"security.domains.saved": {
			"Sparat. Antal tillåtna domäner: %d (tillagda: %d, borttagna: %d).",
			"Saved. Allowed domains: %d (added: %d, removed: %d).",
		},
	})
}

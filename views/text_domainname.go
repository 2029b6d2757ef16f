package views

// Texts for a refused domain name. General > Security (allowed domains) and Authentication
// Settings > Domains refuse the same names for the same reasons, so they share these words.
func init() {
	register(map[string][2]string{
		"domainname.err.empty":    {"Ange en domän, till exempel foretaget.se.", "Enter a domain, for example company.com."},
		"domainname.err.toolong":  {"Domänen är för lång. Ett domännamn får vara högst 253 tecken och varje del mellan punkterna högst 63.", "The domain is too long. A domain name may be at most 253 characters, and each part between the dots at most 63."},
		"domainname.err.invalid":  {"”%s” är inte ett domännamn. Ange bara domänen, till exempel foretaget.se, utan https://, @ eller snedstreck.", "“%s” is not a domain name. Enter only the domain, for example company.com, without https://, @ or slashes."},
		"domainname.err.single":   {"”%s” är inte en hel domän. Ange domänen med ändelse, till exempel foretaget.se.", "“%s” is not a whole domain. Enter the domain with its ending, for example company.com."},
		"domainname.err.suffix":   {"”%s” är en ändelse som vem som helst kan registrera namn under, inte en egen domän. Ange er domän, till exempel foretaget.%s.", "“%s” is an ending under which anybody can register names, not a domain of your own. Enter your domain, for example company.%s."},
		"domainname.err.consumer": {"”%s” är en allmän e-posttjänst där adresserna tillhör människor utanför organisationen. Ange domänen i organisationens egna e-postadresser.", "“%s” is a public e-mail service whose addresses belong to people outside your organisation. Enter the domain of your organisation's own e-mail addresses."},
	})
}

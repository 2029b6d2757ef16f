package views

func init() {
	register(map[string][2]string{
		"nav.audit":         {"Granskningslogg", "Audit log"},
		"nav.audit.about":   {"Vem som ändrade vad och när, och alla inloggningar.", "Who changed what and when, and every sign-in."},
		"audit.title":       {"Granskningslogg", "Audit log"},
		"audit.about":       {"Varje ändring och inloggning, nyast först. Raderna kan inte ändras eller tas bort.", "Every change and sign-in, newest first. The rows cannot be changed or removed."},
		"audit.action":      {"Händelse", "Action"},
		"audit.action.all":  {"Alla händelser", "All actions"},
		"audit.actor":       {"Utförd av", "Person"},
		"audit.from":        {"Från och med", "From"},
		"audit.to":          {"Till och med", "To"},
		"audit.apply":       {"Visa", "Show"},
		"audit.csv":         {"Hämta som CSV", "Download as CSV"},
		"audit.empty":       {"Inga händelser matchar.", "No actions match."},
		"audit.at":          {"Tid", "Time"},
		"audit.target":      {"Gäller", "Concerns"},
		"audit.change":      {"Ändring", "Change"},
		"audit.before":      {"Före:", "Before:"},
		"audit.after":       {"Efter:", "After:"},
		"audit.date.format": {"ÅÅÅÅ-MM-DD", "YYYY-MM-DD"},
		"audit.date.hint":   {"Datum skrivs ÅÅÅÅ-MM-DD. Lämna tomt för att inte begränsa.", "Dates are written YYYY-MM-DD. Leave empty for no limit."},
		"audit.err.date":    {"Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-29.", "Enter the date as YYYY-MM-DD, for example 2026-11-29."},
	})
}

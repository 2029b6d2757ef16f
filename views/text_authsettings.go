package views

func init() {
	register(map[string][2]string{
		"authsettings.title":             {"Authentication Settings", "Authentication Settings"},
		"authsettings.lead":              {"Här kopplar ni portvakt till er identitetsleverantör. Ta stegen i ordning: lösenordsinloggningen kan inte stängas av förrän single sign-on bevisligen fungerar.", "Here you connect portvakt to your identity provider. Take the steps in order: password sign-in cannot be switched off until single sign-on has been shown to work."},
		"authsettings.password":          {"Inloggning med lösenord", "Password sign-in"},
		"authsettings.domains":           {"Verifierade domäner", "Verified domains"},
		"authsettings.domains.count":     {"%d st", "%d"},
		"authsettings.steps":             {"Steg", "Steps"},
		"authsettings.step.done":         {"Klart", "Done"},
		"authsettings.step.todo":         {"Att göra", "To do"},
		"authsettings.step.domain":       {"Verifiera er domän", "Verify your domain"},
		"authsettings.step.domain.about": {"Visa att domänen är er genom att lägga in en TXT-post i DNS.", "Show that the domain is yours by adding a TXT record in DNS."},
		"authsettings.step.idp":          {"Lägg till identitetsleverantören", "Add your identity provider"},
		"authsettings.step.idp.about":    {"Ange utfärdare, klient-id och klienthemlighet från Entra ID, Okta, Google, Keycloak eller annan OpenID Connect-leverantör.", "Enter the issuer, client ID and client secret from Entra ID, Okta, Google, Keycloak or another OpenID Connect provider."},
		"authsettings.step.test":         {"Testa inloggningen", "Test the sign-in"},
		"authsettings.step.test.about":   {"Logga in på riktigt via identitetsleverantören och se vad som kommer tillbaka.", "Sign in for real through the identity provider and see what comes back."},
		"authsettings.step.policy":       {"Stäng av lösenorden", "Switch passwords off"},
		"authsettings.step.policy.about": {"Under Policyer > Identitetsleverantörer. portvakt vägrar tills single sign-on fungerar för dig, så att ingen blir utelåst.", "Under Policies > Identity providers. portvakt refuses until single sign-on works for you, so that no one is locked out."},
	})
}

package views

func init() {
	register(map[string][2]string{
		"mail.invite.subject": {"Logga in en gång via single sign-on", "Sign in once through single sign-on"},
		"mail.invite.intro": {
			"%s går över till inloggning via single sign-on med %s, samma konto som du redan använder på jobbet.",
			"%s is moving to single sign-on with %s, the same account you already use at work.",
		},
		"mail.invite.sso": {
			"Logga in en gång på det nya sättet, så kopplas ditt konto: öppna länken nedan, fortsätt med %s och välj %s.",
			"Sign in once the new way, and your account is linked: open the link below, continue with %s and choose %s.",
		},
		"mail.invite.profile": {
			"Du är administratör eller har åtkomst till Authentication Settings. Ditt konto kopplas därför aldrig av en inloggning, bara av dig själv under Min profil.",
			"You are an administrator or have access to Authentication Settings. Your account is therefore never linked by a sign-in, only by yourself under My profile.",
		},
		"mail.invite.profile.how": {
			"Logga in som vanligt, öppna Min profil med länken nedan och välj Koppla via %s.",
			"Sign in as usual, open My profile with the link below and choose Link through %s.",
		},
		"mail.invite.button":         {"Logga in via single sign-on", "Sign in through single sign-on"},
		"mail.invite.button.profile": {"Öppna Min profil", "Open My profile"},
		"mail.invite.passwords": {
			"När alla har loggat in via single sign-on stängs inloggningen med lösenord av.",
			"Once everybody has signed in through single sign-on, password sign-in will be switched off.",
		},
	})
}

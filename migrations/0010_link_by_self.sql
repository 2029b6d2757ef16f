-- Whether a link was made by its person from their own signed-in session (My profile, a test
-- sign-in) or by an SSO sign-in that matched their verified e-mail. Administrators and
-- Authentication Settings users sign in only through links they made themselves: a link made by
-- a sign-in before they became privileged could have come from a provider a delegate pointed
-- elsewhere. Links that exist already are kept as their people's own.
ALTER TABLE identity_links ADD COLUMN by_self INTEGER NOT NULL DEFAULT 1;

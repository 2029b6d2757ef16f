-- The readiness overview (DESIGN.md, flow 17). Sign-ins are counted as they happen, in the
-- transaction that records each one, so that the overview reads a few hundred rows instead of
-- scanning the audit log. Only successful sign-ins are counted; refused ones stay in the audit
-- log (login.failure).

-- Successful sign-ins per day (UTC, days since 1970-01-01) and method: 'password', or 'sso'
-- with the provider's id. idp_id 0 is password, and SSO sign-ins from before this table, whose
-- audit rows do not name the provider.
CREATE TABLE signin_daily (
    day    INTEGER NOT NULL,
    method TEXT    NOT NULL,
    idp_id INTEGER NOT NULL DEFAULT 0,
    count  INTEGER NOT NULL,
    PRIMARY KEY (day, method, idp_id)
);

-- Each person's latest sign-in per method, for "signed in with a password in the last 30 days".
ALTER TABLE users ADD COLUMN last_password_login_at INTEGER;
ALTER TABLE users ADD COLUMN last_sso_login_at INTEGER;
CREATE INDEX users_last_password_login ON users(last_password_login_at);
CREATE INDEX users_last_sso_login ON users(last_sso_login_at);

-- Counted from the audit log once, so that an upgraded portal shows the sign-ins it has seen.
INSERT INTO signin_daily (day, method, idp_id, count)
SELECT at / 86400, substr(detail, 8), 0, COUNT(*) FROM audit_log
WHERE action = 'login.success' AND detail IN ('method=password', 'method=sso')
GROUP BY at / 86400, substr(detail, 8);
UPDATE users SET
    last_password_login_at = (SELECT MAX(at) FROM audit_log a WHERE a.action = 'login.success'
        AND a.actor_id = users.id AND a.detail = 'method=password'),
    last_sso_login_at = (SELECT MAX(at) FROM audit_log a WHERE a.action = 'login.success'
        AND a.actor_id = users.id AND a.detail = 'method=sso');

-- Invitations to link: a mail asking a person on an SSO-served domain to sign in once through
-- single sign-on (or, for a privileged person, to link from their profile). At most one a day
-- per person.
CREATE TABLE link_invites (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at  INTEGER NOT NULL,
    sent_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    mail_id  INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    via_profile INTEGER NOT NULL DEFAULT 0 -- the mail pointed to the profile (privileged person)
);
CREATE INDEX link_invites_user ON link_invites(user_id, sent_at);
CREATE INDEX link_invites_sent ON link_invites(sent_at);

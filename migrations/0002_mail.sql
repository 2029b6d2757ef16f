-- The language a person reads portvakt's mail and pages in ('sv' or 'en'); '' means the
-- instance default.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- Single-use e-mail verification links. Only the SHA-256 of the token is kept. A link verifies
-- exactly the address it was sent to: changing the e-mail or sending a new link voids it.
CREATE TABLE email_verifications (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    voided_at  INTEGER
);
CREATE INDEX email_verifications_user ON email_verifications(user_id);

-- Every outgoing mail is stored here before it is sent, so nothing is lost when the mail server
-- fails or none is configured. The body is sealed by the web layer (it may hold a live link).
-- status: 'queued' (no mail server; administrators read it in the portal), 'sending', 'sent',
-- 'failed' (the last attempt's error is kept; an administrator can retry).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    to_addr         TEXT    NOT NULL,
    to_name         TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'queued',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_attempt_at INTEGER,
    sent_at         INTEGER
);
CREATE INDEX outbox_status ON outbox(status, id);
CREATE INDEX outbox_user ON outbox(user_id);

-- Filters of the audit log page.
CREATE INDEX audit_log_actor ON audit_log(actor, at);

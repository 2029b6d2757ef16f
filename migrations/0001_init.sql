-- Users: everybody who can sign in. E-mail is stored normalised (lower case) and unique.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    password_hash  TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
);
CREATE INDEX users_name ON users(name);

-- People granted access to Authentication Settings. Administrators are not granted implicitly.
CREATE TABLE auth_settings_grants (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    granted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    granted_at INTEGER NOT NULL
);

-- Server-side session records; the cookie only carries the id. Deleting a row ends the session.
CREATE TABLE sessions (
    id_hash          TEXT    PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method           TEXT    NOT NULL,          -- 'password' or 'sso'
    idp_id           INTEGER,                   -- the identity provider for 'sso'
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    client_ip        TEXT    NOT NULL DEFAULT '',
    user_agent       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links that create the first administrator.
CREATE TABLE setup_tokens (
    token_hash TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Links between a portvakt user and an external identity (issuer + subject).
CREATE TABLE identity_links (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    idp_id    INTEGER,
    issuer    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    linked_at INTEGER NOT NULL,
    UNIQUE (issuer, subject)
);

-- Domains whose verified e-mail addresses may link an SSO identity. Empty list: no restriction.
CREATE TABLE allowed_domains (
    name       TEXT    PRIMARY KEY,
    added_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added_at   INTEGER NOT NULL
);

-- The organisation's domains, verified by a DNS TXT record.
CREATE TABLE domains (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    token           TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending', -- pending, verified, failed, needs_attention
    created_at      INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    verified_at     INTEGER,
    last_checked_at INTEGER,
    last_result     TEXT    NOT NULL DEFAULT '',
    last_detail     TEXT    NOT NULL DEFAULT ''
);

-- Instance-wide settings, e.g. whether password sign-in is on.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO settings (key, value, updated_at) VALUES ('password_login', 'on', 0);

-- Append-only audit log. Nothing in portvakt updates or deletes these rows.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    actor      TEXT    NOT NULL DEFAULT '',
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL DEFAULT '',
    client_ip  TEXT    NOT NULL DEFAULT '',
    request_id TEXT    NOT NULL DEFAULT '',
    before     TEXT    NOT NULL DEFAULT '',
    after      TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows cannot be deleted'); END;

-- portvakt as the OpenID provider of the organisation's applications (DESIGN.md, flow 15).

-- Keys that sign ID tokens and access tokens. The private key is sealed under the key file; a
-- new key is published (in the JWKS) from created_at and signs from signs_from, so that clients
-- that cache the key set have seen it first; a replaced key is published until retire_at.
CREATE TABLE op_signing_keys (
    kid            TEXT    PRIMARY KEY,
    alg            TEXT    NOT NULL,
    sealed_private BLOB    NOT NULL,
    public_jwk     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    signs_from     INTEGER NOT NULL,
    retire_at      INTEGER              -- NULL: not replaced
);

-- Sign-ins in progress from an application, and the code each one ends with. A used code stays
-- until it expires, so that its second use can be recognised and what it issued revoked.
CREATE TABLE op_auth_requests (
    id              TEXT    PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    request         TEXT    NOT NULL,    -- the validated authorization request (JSON)
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
    session_hash    TEXT    NOT NULL DEFAULT '',
    method          TEXT    NOT NULL DEFAULT '',
    idp_id          INTEGER,
    auth_time       INTEGER NOT NULL DEFAULT 0,
    code_hash       TEXT    UNIQUE,
    code_expires_at INTEGER NOT NULL DEFAULT 0,
    code_used_at    INTEGER NOT NULL DEFAULT 0,
    grant_id        TEXT
);
CREATE INDEX op_auth_requests_expiry ON op_auth_requests(expires_at);

-- What an application was given for a person (or, for an integration, for itself): one per
-- code exchange or client-credentials request. Its refresh tokens form one family: revoking the
-- grant ends them all, and every access token issued under it.
CREATE TABLE op_grants (
    id             TEXT    PRIMARY KEY,
    app_id         INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    user_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- NULL for an integration
    session_hash   TEXT    NOT NULL DEFAULT '',                     -- the portvakt session it came from
    sid            TEXT    NOT NULL DEFAULT '',                     -- that session as apps know it
    method         TEXT    NOT NULL DEFAULT '',                     -- how that session began
    idp_id         INTEGER,
    auth_time      INTEGER NOT NULL DEFAULT 0,
    scopes         TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,                                -- when its last token runs out
    revoked_at     INTEGER,
    revoked_reason TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX op_grants_user ON op_grants(user_id);
CREATE INDEX op_grants_session ON op_grants(session_hash) WHERE session_hash != '';
CREATE INDEX op_grants_expiry ON op_grants(expires_at);

CREATE TABLE op_refresh_tokens (
    hash       TEXT    PRIMARY KEY,
    grant_id   TEXT    NOT NULL REFERENCES op_grants(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX op_refresh_tokens_grant ON op_refresh_tokens(grant_id);

CREATE TABLE op_access_tokens (
    id         TEXT    PRIMARY KEY,   -- the token's jti
    grant_id   TEXT    NOT NULL REFERENCES op_grants(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX op_access_tokens_grant ON op_access_tokens(grant_id);

-- Back-channel logout tokens to deliver: one per application and ended session, retried with
-- backoff until delivered or given up.
CREATE TABLE op_logouts (
    id           INTEGER PRIMARY KEY,
    app_id       INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    subject      TEXT    NOT NULL,
    sid          TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    delivered_at INTEGER,
    given_up_at  INTEGER,
    last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX op_logouts_due ON op_logouts(next_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;

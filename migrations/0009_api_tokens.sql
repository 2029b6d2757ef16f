-- API tokens (DESIGN.md, flow 16): machine access that the sign-in policy never touches. Only a
-- hash of each token is kept; the prefix shown in lists is its first characters, which say
-- nothing about the rest. A token is revoked, never deleted, so the people it provisioned keep
-- naming it.
CREATE TABLE api_tokens (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    purpose          TEXT    NOT NULL,            -- 'scim' or 'audit'
    token_hash       TEXT    NOT NULL UNIQUE,
    hint             TEXT    NOT NULL,            -- e.g. 'pvk_AbCd', to tell tokens apart
    idp_vouches      INTEGER NOT NULL DEFAULT 0,  -- SCIM: provisioned addresses on verified domains count as verified
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_by_label TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER,                     -- NULL: never
    revoked_at       INTEGER,
    revoked_by_label TEXT    NOT NULL DEFAULT '',
    last_used_at     INTEGER,
    last_used_ip     TEXT    NOT NULL DEFAULT '',
    expiry_mailed_at INTEGER                      -- when administrators were told of the coming expiry
);

-- Where a person came from ('' = the web pages, 'cli' = a host command, 'scim' = provisioned by
-- the token source_token_id), and what the identity provider calls them.
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN source_token_id INTEGER REFERENCES api_tokens(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
-- A deactivated person stays in Users but cannot sign in in any way; NULL: active.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
ALTER TABLE users ADD COLUMN deactivated_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX users_external_id ON users(external_id) WHERE external_id != '';

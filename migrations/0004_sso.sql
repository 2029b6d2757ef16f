-- Identity providers (OpenID Connect). The client secret is sealed with the key file's secrets
-- key (AES-GCM) and never leaves the server in clear.
CREATE TABLE identity_providers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    preset      TEXT    NOT NULL,                 -- entra, okta, google, keycloak, other
    preset_json TEXT    NOT NULL DEFAULT '{}',    -- the preset's own fields (tenant, realm...)
    issuer      TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    secret_enc  BLOB    NOT NULL,
    scopes      TEXT    NOT NULL DEFAULT 'openid email profile',
    enabled     INTEGER NOT NULL DEFAULT 1,
    -- revision grows with every change of issuer, client id, secret or scopes; a test sign-in
    -- only marks the provider tested when it ran with the current revision.
    revision    INTEGER NOT NULL DEFAULT 1,
    tested_at   INTEGER,
    tested_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    last_test   TEXT    NOT NULL DEFAULT '',      -- the latest test sign-in's result (JSON)
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The verified domains a provider serves. A domain is served by at most one enabled provider;
-- the store checks that inside the transaction that changes either.
CREATE TABLE identity_provider_domains (
    idp_id    INTEGER NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    PRIMARY KEY (idp_id, domain_id)
);
CREATE INDEX identity_provider_domains_domain ON identity_provider_domains(domain_id);

-- Sign-ins started at a provider and not yet come back: single use, expiring, bound to the
-- browser (a random value in its cookie), the provider and the redirect URI.
CREATE TABLE oidc_states (
    state_hash   TEXT    PRIMARY KEY,
    binding_hash TEXT    NOT NULL,
    idp_id       INTEGER NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    purpose      TEXT    NOT NULL,                -- 'login' or 'test'
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE, -- who started a test sign-in
    nonce        TEXT    NOT NULL,
    verifier     TEXT    NOT NULL,
    redirect_uri TEXT    NOT NULL,
    issuer       TEXT    NOT NULL,
    client_id    TEXT    NOT NULL,
    next         TEXT    NOT NULL DEFAULT '/',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX oidc_states_expires ON oidc_states(expires_at);

-- A staged change of a tested identity provider (DESIGN.md flow 12). The live settings in
-- identity_providers keep serving while the draft waits; a test sign-in with the draft by the
-- person who made it applies it. At most one draft per provider. The client secret is sealed
-- like the live one and belongs to the draft's issuer and client ID.
CREATE TABLE identity_provider_drafts (
    idp_id      INTEGER PRIMARY KEY REFERENCES identity_providers(id) ON DELETE CASCADE,
    preset_json TEXT    NOT NULL DEFAULT '{}',
    issuer      TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    secret_enc  BLOB    NOT NULL,
    scopes      TEXT    NOT NULL,
    -- revision grows with every save of the draft; a test only applies the revision it ran with.
    revision    INTEGER NOT NULL,
    author_id   INTEGER REFERENCES users(id) ON DELETE CASCADE, -- who saved it last
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

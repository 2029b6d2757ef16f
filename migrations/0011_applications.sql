-- Applications (DESIGN.md, flow 15): the organisation's own apps that sign in through portvakt,
-- which is their OpenID provider. Lists of URIs are kept one per line, in the order entered.
CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    client_id          TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('web', 'native', 'spa', 'integration')),
    enabled            INTEGER NOT NULL DEFAULT 1,
    redirect_uris      TEXT    NOT NULL DEFAULT '',
    post_logout_uris   TEXT    NOT NULL DEFAULT '',
    backchannel_uri    TEXT    NOT NULL DEFAULT '',
    everyone           INTEGER NOT NULL DEFAULT 1,  -- 0: only the people in application_people
    access_ttl         INTEGER NOT NULL,            -- seconds an access token or ID token lives
    refresh_ttl        INTEGER NOT NULL,            -- seconds a refresh token lives unused
    secret_hash        TEXT    NOT NULL DEFAULT '', -- web apps and integrations; sha256 of the secret
    secret_hint        TEXT    NOT NULL DEFAULT '',
    old_secret_hash    TEXT    NOT NULL DEFAULT '', -- the secret before a rotation, until old_secret_until
    old_secret_until   INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    last_sign_in_at    INTEGER NOT NULL DEFAULT 0
);

-- The people allowed on an application that is not for everyone.
CREATE TABLE application_people (
    app_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX application_people_user ON application_people(user_id);

-- The subject applications know a person by: stable, opaque, and neither the e-mail nor the
-- identity provider's own subject.
ALTER TABLE users ADD COLUMN subject TEXT;
UPDATE users SET subject = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX users_subject ON users(subject);
CREATE TRIGGER users_subject_on_insert AFTER INSERT ON users WHEN NEW.subject IS NULL
BEGIN
    UPDATE users SET subject = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;

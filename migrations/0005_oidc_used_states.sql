-- Started sign-ins no longer wait in the database: their state travels sealed in a cookie of
-- the browser that started them, so that an unauthenticated request to start one writes
-- nothing. What the database keeps is the states already used, each until the state would have
-- expired anyway, so that a callback cannot be replayed. A row is written only for a state that
-- portvakt itself sealed, so the table grows with real sign-ins only.
DROP TABLE oidc_states;

CREATE TABLE oidc_used_states (
    state_hash TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_used_states_expires ON oidc_used_states(expires_at);

-- Commit-confirmed password OFF (DESIGN.md, flow 14). Switching password sign-in off opens a
-- confirmation window; unless someone with Authentication Settings access confirms it from an
-- SSO session begun after the switch, password sign-in comes back on by itself at the deadline.
-- The deadline lives here, not in memory, so that a restart does not lose it.
CREATE TABLE password_off_windows (
    id             INTEGER PRIMARY KEY,
    switched_at    INTEGER NOT NULL,
    switched_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    deadline       INTEGER NOT NULL,
    window_seconds INTEGER NOT NULL,
    -- 'open' while it runs; 'confirmed', 'reverted' (password back on at the deadline) or
    -- 'cleared' (password switched on by hand or with the break-glass) when it ends.
    state          TEXT    NOT NULL DEFAULT 'open',
    closed_at      INTEGER,
    closed_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    -- when the mail telling the switcher of a revert was queued
    mailed_at      INTEGER
);
-- At most one window runs at a time.
CREATE UNIQUE INDEX password_off_windows_open ON password_off_windows(state) WHERE state = 'open';

-- Onsite server schema, version 1.
-- Times are RFC 3339 UTC text with microseconds ("2026-11-23T09:00:00.000000Z"): fixed width,
-- so they also sort as text. Ids are UUID text.

-- One server-wide change counter: every job-header write, event insert and unassignment takes
-- the next value as its `rev`, so a pull cursor orders all changes at once.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('rev', 0);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('engineer', 'dispatcher')),
    password_hash TEXT NOT NULL
);

-- Only the SHA-256 of a bearer token is stored: a copy of the database gives no logins.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_id);

-- A device (one app install) is bound to the first account that pushes from it.
CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    first_seen TEXT NOT NULL
);

CREATE TABLE jobs (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL,
    priority           TEXT NOT NULL,
    customer           TEXT NOT NULL,
    contact            TEXT NOT NULL,
    phone              TEXT NOT NULL,
    wechat             TEXT,
    address            TEXT NOT NULL,
    device_name        TEXT,
    device_description TEXT,
    fault              TEXT NOT NULL,
    reported_at        TEXT NOT NULL,
    dispatched_at      TEXT,
    appointment_start  TEXT,
    appointment_end    TEXT,
    assignee           TEXT REFERENCES users (id),
    rev                INTEGER NOT NULL UNIQUE
);
CREATE INDEX jobs_by_assignee ON jobs (assignee, rev);

-- The append-only visit event log. `body` is the event's JSON (the domain VisitEvent), kept
-- so that a replay can be compared with what was stored, field for field.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    device_time TEXT NOT NULL,
    type        TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    rev         INTEGER NOT NULL UNIQUE,
    UNIQUE (device_id, seq)
);
CREATE INDEX events_by_job ON events (job_id, rev);

-- A job taken away from an engineer by re-dispatch, so their next pull can drop it.
CREATE TABLE unassignments (
    rev     INTEGER PRIMARY KEY,
    job_id  TEXT NOT NULL REFERENCES jobs (id),
    user_id TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX unassignments_by_user ON unassignments (user_id, rev);

-- Onsite server schema, version 2: the on-site visit.
-- Steps, parts used, fees, escalations and sign-offs are events: their full JSON is already in
-- `events.body`. What is new is the desk's own checklist on a job, the parts catalogue, the
-- stock issued to vans, and the flags raised for the service desk.

-- The service desk's own checklist (JSON array of steps); NULL: the built-in one of the kind.
ALTER TABLE jobs ADD COLUMN checklist TEXT;

-- The parts catalogue (备品备件). `rev` is a change number of the server-wide counter, so a pull
-- can tell whether the catalogue changed since its cursor.
CREATE TABLE parts (
    sku        TEXT PRIMARY KEY,
    zh         TEXT NOT NULL,
    en         TEXT NOT NULL,
    serialised INTEGER NOT NULL CHECK (serialised IN (0, 1)),
    rev        INTEGER NOT NULL UNIQUE
);

-- Stock issued to an engineer's van (出库, qty > 0) or taken back from it (入库, qty < 0).
-- A van's count is the sum of these less the parts used and plus the parts returned in the
-- events recorded by the engineer's devices.
CREATE TABLE van_issues (
    id      INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    sku     TEXT NOT NULL REFERENCES parts (sku),
    qty     INTEGER NOT NULL CHECK (qty <> 0),
    rev     INTEGER NOT NULL UNIQUE,
    at      TEXT NOT NULL
);
CREATE INDEX van_issues_by_user ON van_issues (user_id, sku);

-- The devices of an engineer, for counting their van.
CREATE INDEX devices_by_user ON devices (user_id);

-- What the server noticed for the service desk when an event arrived. The event was applied
-- all the same; a flag is raised in the push's transaction, so it exists exactly when the
-- event does.
CREATE TABLE flags (
    id       INTEGER PRIMARY KEY,
    job_id   TEXT NOT NULL REFERENCES jobs (id),
    event_id TEXT NOT NULL REFERENCES events (id),
    kind     TEXT NOT NULL CHECK (kind IN ('stock_short', 'sign_off_altered', 'steps_unsettled')),
    detail   TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX flags_by_job ON flags (job_id, id);

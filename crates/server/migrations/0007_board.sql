-- Onsite server schema, version 7: the desk's board. A job says whether the desk judged the
-- report complex (its own target is then 24 hours, not 2) and when its visit was completed (the
-- server's receive time of the first completed or signed-off event), so the board reads the open
-- jobs by an index, not by every job's events. Events a phone pushed and the server refused are
-- kept, whole, for the desk: a refusal loses nothing recorded.

ALTER TABLE jobs ADD COLUMN complex INTEGER NOT NULL DEFAULT 0 CHECK (complex IN (0, 1));
ALTER TABLE jobs ADD COLUMN finished_at TEXT;
UPDATE jobs SET finished_at = (
    SELECT MIN(e.received_at) FROM events e WHERE e.job_id = jobs.id AND e.type IN ('completed', 'signed_off')
);
CREATE INDEX jobs_open ON jobs (reported_at) WHERE closed_at IS NULL AND finished_at IS NULL;

-- One row an event id: the first refusal is kept (a phone retries a refused event only after
-- it was changed, which it never is).
CREATE TABLE refusals (
    event_id  TEXT PRIMARY KEY,
    -- No reference: an event on a job the server does not know is kept too.
    job_id    TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id),
    device_id TEXT NOT NULL,
    code      TEXT NOT NULL,
    message   TEXT NOT NULL,
    -- The event as pushed (its JSON), so the desk can read what was recorded.
    body      TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX refusals_by_job ON refusals (job_id, at);

-- A senior engineer sent alongside a job's engineer (a second person, not a replacement): their
-- phone pulls the job and may record on it. A vendor sent alongside has no account: only the
-- desk's log names them.
CREATE TABLE alongside (
    job_id  TEXT NOT NULL REFERENCES jobs (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    at      TEXT NOT NULL,
    PRIMARY KEY (job_id, user_id)
) WITHOUT ROWID;
CREATE INDEX alongside_by_user ON alongside (user_id, job_id);

-- Onsite server schema, version 4: a push costs what it carries, not the job's history.
-- Finishing a job (completed, signed off) is checked against what it depends on, kept as events
-- arrive, instead of re-reading every event of the job; checking a sign-off's hash (which must
-- read every event it covers) is queued and made after the push commits, off the write path.

-- The steps settled on each job (onsite_core::steps::settles): a step_done or step_skipped
-- event names its step, and a fee_collected event settles a renewal's fee_collected and receipt
-- steps; either settles them for good. Written with the event, in its transaction; never
-- deleted, as events are not.
CREATE TABLE settled_steps (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    step   TEXT NOT NULL,
    PRIMARY KEY (job_id, step)
) WITHOUT ROWID;
INSERT OR IGNORE INTO settled_steps (job_id, step)
    SELECT job_id, json_extract(body, '$.step') FROM events
    WHERE type IN ('step_done', 'step_skipped') AND json_extract(body, '$.step') IS NOT NULL;
INSERT OR IGNORE INTO settled_steps (job_id, step)
    SELECT job_id, 'fee_collected' FROM events WHERE type = 'fee_collected';
INSERT OR IGNORE INTO settled_steps (job_id, step)
    SELECT job_id, 'receipt' FROM events WHERE type = 'fee_collected';

-- Whether a job holds an event of a kind (a fee collected) without reading its history.
CREATE INDEX events_by_job_type ON events (job_id, type);

-- Sign-offs whose hash is still to be checked against the events they cover. Queued in the
-- push's transaction with the sign-off; removed in the transaction that records the check's
-- flag, if any. A check cut short by a crash is made after the next start.
CREATE TABLE sign_off_checks (
    event_id TEXT PRIMARY KEY REFERENCES events (id),
    job_id   TEXT NOT NULL REFERENCES jobs (id)
) WITHOUT ROWID;

-- Onsite server schema, version 8: the assessment. A manager's decision on a deduction (waived,
-- or an unverified one upheld) is kept beside it, never edited or deleted: a later decision on
-- the same deduction stands over the earlier. The desk's dispatches are read from the audit
-- log by when they happened.

CREATE TABLE decisions (
    id     INTEGER PRIMARY KEY,
    key    TEXT NOT NULL,
    upheld INTEGER NOT NULL CHECK (upheld IN (0, 1)),
    reason TEXT NOT NULL,
    by     TEXT NOT NULL REFERENCES users (id),
    at     TEXT NOT NULL
);
CREATE INDEX decisions_by_key ON decisions (key, id);
CREATE INDEX audit_by_action_at ON audit (action, at);

-- Onsite server schema, version 5: accounts for a real team. An account holds one or more
-- roles (onsite_core::access), can be disabled (its tokens stop working at once; its phone's
-- unsynced work is still taken), can be made to change its password at the next log-in, and
-- has an area (区域/站) and duties (the kinds of job it is sent on). Every change an admin or
-- the command line makes to an account is in the audit log.

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('engineer', 'senior_engineer', 'dispatcher', 'manager', 'admin')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
INSERT INTO user_roles (user_id, role) SELECT id, role FROM users;

-- The one role of version 1 lives on in user_roles; its column (and its CHECK of two roles) goes.
ALTER TABLE users DROP COLUMN role;
-- When an admin disabled the account; NULL while it is enabled.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- 1 after an admin set the password: every request but changing it is refused until it is.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN area TEXT NOT NULL DEFAULT '';
-- The job kinds the account is sent on, a JSON array of their wire names.
ALTER TABLE users ADD COLUMN duties TEXT NOT NULL DEFAULT '[]';

-- Who did what to whom, and why: account changes now, dispatch actions later. `actor` is NULL
-- for the command line (onsite-server user ...). Never updated, never deleted.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT REFERENCES users (id),
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_subject ON audit (subject, id);

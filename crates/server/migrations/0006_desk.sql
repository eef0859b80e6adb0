-- Onsite server schema, version 6: the service desk's console. A job records the channel it
-- came by, when its engineer's phone first pulled it (the desk sees that the dispatch arrived),
-- and whether the desk closed it: cancelled, or solved by phone or remote help at intake. What
-- the desk does to a job is in the audit log (subject 'job:<id>'), append-only like the events.

ALTER TABLE jobs ADD COLUMN channel TEXT CHECK (channel IN ('phone', 'wechat', 'web', 'monitoring'));
-- Set by the first pull that carries the job to its assignee; cleared by a re-dispatch.
ALTER TABLE jobs ADD COLUMN received_at TEXT;
ALTER TABLE jobs ADD COLUMN closed_how TEXT CHECK (closed_how IN ('cancelled', 'remote_fix'));
ALTER TABLE jobs ADD COLUMN closed_at TEXT;
ALTER TABLE jobs ADD COLUMN closed_reason TEXT;

//! The SQLite database: opening it, its pragmas, its migrations, and running work on it.
//!
//! rusqlite is synchronous, so every piece of work runs in `tokio::task::spawn_blocking`: a slow
//! query or a busy lock never stalls the async workers. There are two kinds of connection:
//! - **the writer** ([`Db::run`]), one connection behind a mutex: it serialises the writers,
//!   which is what SQLite does anyway;
//! - **the readers** ([`Db::read`]), a small pool of `query_only` connections. In WAL mode a
//!   reader sees the last commit and never waits for the writer, so checking a token, a pull or
//!   the desk's list is answered while a long push holds the write lock.
//!
//! **Durability.** `synchronous = FULL`: in WAL mode every commit is synced to disk before it
//! returns, so an event the phone was told is stored survives a power cut or an OS crash (with
//! `NORMAL` the last commits may be lost, and the phone would already have marked them synced).
//!
//! The schema lives in `migrations/*.sql`, embedded at compile time and applied in order by
//! `rusqlite_migration`, which records the version in SQLite's `user_version`.
//!
//! Times are stored as RFC 3339 UTC text with exactly six fractional digits ([`fmt_time`]):
//! fixed width, so they also sort and compare as text. The server's clock ([`now`]) is cut to
//! microseconds for the same reason: a time read back equals the time that was written.

use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// The schema, one migration per file, in order. Never edit a released one: add a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_visit.sql"),
    include_str!("../migrations/0003_refresh.sql"),
    include_str!("../migrations/0004_finishing.sql"),
    include_str!("../migrations/0005_accounts.sql"),
    include_str!("../migrations/0006_desk.sql"),
    include_str!("../migrations/0007_board.sql"),
    include_str!("../migrations/0008_assessment.sql"),
];

/// How long a statement waits for a lock held by another connection (a backup, a CLI).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections in the pool: enough that reads never queue behind one another on two cores,
/// few enough that their page caches stay small.
pub const READERS: usize = 4;

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Opens (or creates) the database file, sets the pragmas and brings the schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    // journal_mode answers with the mode now in force.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite did not switch to WAL mode");
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

/// A database in memory, brought up to date, with the same foreign-key rule: the simulator's
/// server (`crates/sim`), which runs thousands of them a minute.
pub fn open_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations().to_latest(&mut conn)?;
    Ok(conn)
}

/// Opens a read connection on a database [`open`] has brought up to date: it refuses to write.
pub fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The writer and the pool of readers. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
    /// The change counter as last committed by [`Db::run`]: what live waiters watch.
    changes: Arc<watch::Sender<i64>>,
}

struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Db {
    /// Opens the database at `path` (see [`open`]) with its writer and [`READERS`] readers.
    pub fn open(path: &Path) -> Result<Db> {
        let writer = open(path)?;
        let (changes, _) = watch::channel(current_rev(&writer)?);
        let idle = (0..READERS).map(|_| open_reader(path)).collect::<Result<Vec<_>>>()?;
        Ok(Db {
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(Readers {
                path: path.to_path_buf(),
                idle: Mutex::new(idle),
                permits: Semaphore::new(READERS),
            }),
            changes: Arc::new(changes),
        })
    }

    /// Runs `work` on the writer on a blocking thread. A poisoned lock (an earlier piece of work
    /// panicked) is an internal error, not a panic here.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.writer);
        let changes = Arc::clone(&self.changes);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| Error::internal("the database lock is poisoned"))?;
            let result = work(&mut guard);
            // Read under the lock, so the counter only ever moves forward. The work has
            // committed (or not) already: failing to read the counter must not turn a stored
            // change into an error, so it is logged and the waiters wake at the next write.
            match current_rev(&guard) {
                Ok(rev) => {
                    changes.send_if_modified(|seen| {
                        let moved = *seen != rev;
                        *seen = rev;
                        moved
                    });
                }
                Err(e) => tracing::warn!(error = %e, "the change counter could not be read after a write"),
            }
            result
        })
        .await?
    }

    /// The change counter as committed, to wait on: it moves after every write that took a
    /// change number (a job opened or dispatched, events pushed, a phone's first pull of a job).
    pub fn changes(&self) -> watch::Receiver<i64> {
        self.changes.subscribe()
    }

    /// Runs read-only `work` on a reader, on a blocking thread: it sees the last commit and never
    /// waits for the writer. Work that writes fails (`query_only`): use [`Db::run`] for it.
    pub async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let permit = self.readers.permits.acquire().await.map_err(Error::internal)?;
        let readers = Arc::clone(&self.readers);
        let result = tokio::task::spawn_blocking(move || {
            let taken =
                readers.idle.lock().map_err(|_| Error::internal("the reader pool is poisoned"))?.pop();
            let mut conn = match taken {
                Some(conn) => conn,
                None => open_reader(&readers.path)?,
            };
            let result = work(&mut conn);
            // A connection left inside a transaction (work that returned early) is not reused.
            if conn.is_autocommit()
                && let Ok(mut idle) = readers.idle.lock()
            {
                idle.push(conn);
            }
            result
        })
        .await?;
        drop(permit);
        result
    }
}

/// The server's clock, cut to what the database keeps (microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A time as stored: RFC 3339, UTC, six fractional digits, `Z`.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads a stored time back. Bad stored data is the server's fault: an internal error.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    // `FromStr` also reads the years outside 0000..=9999 that chrono writes as `+10000-...`.
    s.parse::<DateTime<Utc>>().map_err(|e| Error::internal(format!("bad time {s:?} in the database: {e}")))
}

/// Reads a stored UUID-like id back.
pub fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| Error::internal(format!("bad id {s:?} in the database: {e}")))
}

/// Takes the next value of the server-wide change counter. Call inside a transaction: the
/// counter and the change it numbers commit, or roll back, together.
pub fn next_rev(tx: &Transaction<'_>) -> Result<i64> {
    let rev = tx
        .query_row("UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value", [], |row| {
            row.get(0)
        })
        .optional()?;
    rev.ok_or_else(|| Error::internal("the change counter is missing"))
}

/// Moves the change counter to `rev`, the last change number a transaction handed out itself
/// (a push numbers its events in memory under its write lock, then writes the counter once).
pub fn set_rev(tx: &Transaction<'_>, rev: i64) -> Result<()> {
    let changed =
        tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'rev' AND value <= ?1")?.execute([rev])?;
    if changed != 1 {
        return Err(Error::internal("the change counter is missing or ahead"));
    }
    Ok(())
}

/// The change counter's value now: every change visible to this connection (in its current
/// transaction) has a `rev` no higher than this.
pub fn current_rev(conn: &Connection) -> Result<i64> {
    let rev = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'rev'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    rev.ok_or_else(|| Error::internal("the change counter is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn version_5_keeps_every_account_its_role_and_its_sessions() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let mut conn = Connection::open(dir.path().join("v4.db"))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_version(&mut conn, 4)?;
        conn.execute_batch(
            "INSERT INTO users (id, login, name, role, password_hash) VALUES
                 ('00000000-0000-0000-0000-000000000001', 'desk', '服务台', 'dispatcher', 'h1'),
                 ('00000000-0000-0000-0000-000000000002', 'wang', '王芳', 'engineer', 'h2');
             INSERT INTO tokens (hash, user_id, expires_at, created_at)
                 VALUES ('t', '00000000-0000-0000-0000-000000000002', '2030-01-01T00:00:00.000000Z',
                         '2026-01-01T00:00:00.000000Z');",
        )?;
        migrations().to_latest(&mut conn)?;
        let wang = crate::store::user_by_login(&conn, "wang")?.ok_or_else(|| Error::internal("wang"))?;
        assert_eq!(wang.user.held(), &[onsite_core::wire::Role::Engineer]);
        assert!(!wang.disabled && !wang.must_change_password && wang.duties.is_empty());
        let desk = crate::store::user_by_login(&conn, "desk")?.ok_or_else(|| Error::internal("desk"))?;
        assert_eq!(desk.user.role, onsite_core::wire::Role::Dispatcher);
        assert_eq!(desk.password_hash, "h1");
        let tokens: i64 = conn.query_row("SELECT count(*) FROM tokens", [], |r| r.get(0))?;
        assert_eq!(tokens, 1, "sessions survive the upgrade");
        let broken: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        assert_eq!(broken, 0);
        Ok(())
    }

    #[test]
    fn version_6_keeps_every_job_open_and_with_no_desk_record() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let mut conn = Connection::open(dir.path().join("v5.db"))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_version(&mut conn, 5)?;
        conn.execute_batch(
            "INSERT INTO jobs (id, kind, priority, customer, contact, phone, address, fault, reported_at, rev)
                 VALUES ('00000000-0000-0000-0000-0000000000a1', 'repair', 'high', '张伟', '张伟',
                         '138 0013 8000', '上海市浦东新区世纪大道100号', '光猫LOS灯红',
                         '2026-12-01T08:00:00.000000Z', 1);",
        )?;
        migrations().to_latest(&mut conn)?;
        let id: onsite_core::JobId = parse_id("00000000-0000-0000-0000-0000000000a1")?;
        let job = crate::store::load_job(&conn, id)?.ok_or_else(|| Error::internal("the job"))?;
        assert_eq!(job.customer, "张伟");
        let desk = crate::store::desk_record(&conn, id)?;
        assert_eq!(desk, onsite_core::desk::DeskRecord::default(), "no channel, not received, open, no log");
        // The new columns hold only what their CHECKs allow.
        let bad = conn.execute("UPDATE jobs SET closed_how = 'lost' WHERE id = ?1", [id.to_string()]);
        assert!(bad.is_err());
        Ok(())
    }

    #[test]
    fn version_7_marks_completed_jobs_finished_and_keeps_the_others_open() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let mut conn = Connection::open(dir.path().join("v6.db"))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_version(&mut conn, 6)?;
        // Three jobs: completed (twice over: completed, then signed off), could not be completed,
        // under way.
        conn.execute_batch(
            "INSERT INTO jobs (id, kind, priority, customer, contact, phone, address, fault, reported_at, rev)
                 SELECT '00000000-0000-0000-0000-0000000000a' || n, 'repair', 'normal', '张伟', '张伟',
                        '13800138000', '上海市浦东新区', '光猫', '2026-12-01T08:00:00.000000Z', n
                 FROM (SELECT 1 AS n UNION SELECT 2 UNION SELECT 3);
             INSERT INTO events (id, job_id, device_id, seq, device_time, type, body, received_at, rev) VALUES
                 ('e1', '00000000-0000-0000-0000-0000000000a1', 'd', 1, 't', 'completed', '{}', '2026-12-01T10:00:00.000000Z', 11),
                 ('e2', '00000000-0000-0000-0000-0000000000a1', 'd', 2, 't', 'signed_off', '{}', '2026-12-01T09:00:00.000000Z', 12),
                 ('e3', '00000000-0000-0000-0000-0000000000a2', 'd', 3, 't', 'could_not_complete', '{}', '2026-12-01T09:00:00.000000Z', 13),
                 ('e4', '00000000-0000-0000-0000-0000000000a3', 'd', 4, 't', 'arrived', '{}', '2026-12-01T09:00:00.000000Z', 14);",
        )?;
        migrations().to_latest(&mut conn)?;
        let finished: Vec<(String, Option<String>, bool)> = conn
            .prepare("SELECT id, finished_at, complex FROM jobs ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let want = |n: u8, at: Option<&str>| {
            (format!("00000000-0000-0000-0000-0000000000a{n}"), at.map(str::to_string), false)
        };
        assert_eq!(
            finished,
            vec![want(1, Some("2026-12-01T09:00:00.000000Z")), want(2, None), want(3, None)],
            "the first completing event's time; a visit not completed stays open"
        );
        let bad = conn.execute("UPDATE jobs SET complex = 2", []);
        assert!(bad.is_err());
        Ok(())
    }

    #[test]
    fn times_are_fixed_width_and_round_trip() -> Result<()> {
        let t = now();
        let s = fmt_time(t);
        assert_eq!(s.len(), "2026-11-23T09:00:00.000000Z".len());
        assert_eq!(parse_time(&s).ok(), Some(t));
        assert!(parse_time("yesterday").is_err());
        for far in ["+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"] {
            let t: DateTime<Utc> = far.parse().map_err(Error::internal)?;
            assert_eq!(parse_time(&fmt_time(t))?, t, "{far}");
        }
        Ok(())
    }

    #[test]
    fn revs_increase_and_pragmas_hold() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let mut conn = open(&dir.path().join("t.db"))?;
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        assert_eq!(fk, 1);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        assert_eq!(mode, "wal");
        // 2 = FULL: a commit is on disk before it returns.
        let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        assert_eq!(synchronous, 2, "an acknowledged event must survive a power cut");
        let tx = conn.transaction()?;
        let a = next_rev(&tx)?;
        let b = next_rev(&tx)?;
        assert_eq!(current_rev(&tx)?, 2);
        tx.commit()?;
        assert_eq!((a, b), (1, 2));
        Ok(())
    }

    #[tokio::test]
    async fn a_reader_answers_while_the_writer_holds_the_write_lock() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let db = Db::open(&dir.path().join("t.db"))?;
        // The writer takes the write lock and keeps it until told to let go.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (held, is_held) = tokio::sync::oneshot::channel::<()>();
        let writer = db.clone();
        let write = tokio::spawn(async move {
            writer
                .run(move |conn| {
                    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                    next_rev(&tx)?;
                    let _ = held.send(());
                    let _ = wait.recv();
                    tx.commit()?;
                    Ok(())
                })
                .await
        });
        is_held.await.map_err(Error::internal)?;
        // Answered while the write is still open: it sees the last commit, not the write.
        let rev = db.read(|conn| current_rev(conn)).await?;
        assert_eq!(rev, 0);
        assert!(!write.is_finished());
        let writes = db.read(|conn| Ok(conn.execute("UPDATE meta SET value = 9", []).is_err())).await?;
        assert!(writes, "a reader refuses to write");
        release.send(()).map_err(Error::internal)?;
        write.await??;
        assert_eq!(db.read(|conn| current_rev(conn)).await?, 1);
        Ok(())
    }
}

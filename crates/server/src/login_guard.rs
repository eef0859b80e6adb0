//! What stands between a password list and the accounts: log-in defences.
//!
//! - **A cap on password checks at once** ([`MAX_HASHES`]). An argon2 check takes ~19 MiB and a
//!   core for tens of milliseconds; without a cap, 96 simultaneous log-ins took the server from
//!   28 MiB to 1.8 GiB. Past the cap a log-in waits up to [`HASH_WAIT`] for a turn, then gets
//!   503 `unavailable` with `Retry-After`.
//! - **Growing waits after failures**, per account and per client address ([`wait_after`]): a few
//!   failures are free (a mistyped password), then each failure doubles the wait before the
//!   next attempt is heard, up to a cap. An attempt during the wait is answered 429 with
//!   `Retry-After` at once, without checking the password, and does not lengthen the wait.
//!   The account's cap is short ([`ACCOUNT`]: 30 s), so that an attacker cannot lock an
//!   engineer out for long; the address's is long ([`ADDRESS`]: 5 min), since that is the
//!   attacker's own. A success clears the account's failures, never the address's. Failures
//!   are forgotten [`FORGET_AFTER`] after the last one.
//! - **A bucket of attempts per address** ([`ATTEMPTS`]), right or wrong, so that logging in
//!   again and again for fresh tokens costs the attacker their own time, not the server's.
//!
//! Everything is in memory, per process: a restart forgets it, which errs towards letting an
//! engineer in. The address is the TCP peer's: behind a reverse proxy every client shares the
//! proxy's, and the per-account limits still hold.

use crate::error::Error;
use crate::ratelimit::{Limiter, RateLimit};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Password checks that may run at once: ~19 MiB each, so ~76 MiB at most.
pub const MAX_HASHES: usize = 4;
/// How long a log-in waits for a password check to be free before 503.
pub const HASH_WAIT: Duration = Duration::from_secs(2);
/// Failures forgotten this long after the last one.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Keys beyond which forgotten ones are swept.
const SWEEP_AT: usize = 10_000;

/// How failures turn into waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row that cost nothing.
    pub free: u32,
    /// The wait after the first failure past the free ones, in seconds; it doubles with each.
    pub first_wait: u64,
    /// The longest wait, in seconds.
    pub max_wait: u64,
}

/// Per account: short, so that nobody can lock an engineer out for long.
pub const ACCOUNT: Policy = Policy { free: 5, first_wait: 1, max_wait: 30 };
/// Per client address: long, since it is the guesser's own.
pub const ADDRESS: Policy = Policy { free: 20, first_wait: 1, max_wait: 300 };
/// Log-in attempts per address, right or wrong: a burst for an office behind one address at
/// the start of the day, then one a second.
pub const ATTEMPTS: RateLimit = RateLimit { per_second: 1.0, burst: 30 };

/// Seconds before the next attempt is heard, after `failures` failures in a row.
pub fn wait_after(failures: u32, policy: Policy) -> u64 {
    if failures < policy.free {
        return 0;
    }
    let doublings = (failures - policy.free).min(30);
    policy.first_wait.saturating_mul(1u64 << doublings).min(policy.max_wait)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

/// The log-in defences of one server.
pub struct LoginGuard {
    hashes: Semaphore,
    /// Password checks running now, and the most that ever ran at once.
    running: AtomicUsize,
    peak: AtomicUsize,
    failures: Mutex<HashMap<Key, Failures>>,
    attempts: Limiter,
}

impl Default for LoginGuard {
    fn default() -> Self {
        LoginGuard::new(Some(ATTEMPTS))
    }
}

impl LoginGuard {
    /// With `attempts` per client address (`None`: no such bucket; the rest holds).
    pub fn new(attempts: Option<RateLimit>) -> Self {
        LoginGuard {
            hashes: Semaphore::new(MAX_HASHES),
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            failures: Mutex::new(HashMap::new()),
            attempts: Limiter::new(attempts),
        }
    }
}

/// A turn at checking a password; the next waiting log-in goes when it is dropped.
pub struct HashTurn<'a> {
    _permit: tokio::sync::SemaphorePermit<'a>,
    running: &'a AtomicUsize,
}

impl Drop for HashTurn<'_> {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl LoginGuard {
    fn keys(login: &str, addr: Option<IpAddr>) -> Vec<(Key, Policy)> {
        let mut keys = vec![(Key::Account(login.trim().to_lowercase()), ACCOUNT)];
        keys.extend(addr.map(|a| (Key::Address(a), ADDRESS)));
        keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        // A poisoned lock only means another request panicked mid-update: the map is usable.
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether an attempt at `login` from `addr` may be heard now: `Err` with the seconds to
    /// wait when it may not. Takes one attempt from the address's bucket.
    pub fn check(&self, login: &str, addr: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        if let Some(addr) = addr {
            self.attempts.check(&addr.to_string(), now)?;
        }
        self.check_failures(login, addr, now)
    }

    /// Whether the failures of the account and the address let an attempt be heard now, without
    /// taking from the bucket.
    pub fn check_failures(&self, login: &str, addr: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        let failures = self.lock();
        let wait = Self::keys(login, addr)
            .into_iter()
            .filter_map(|(key, policy)| {
                let f = failures.get(&key)?;
                let since = now.saturating_duration_since(f.last);
                if since >= FORGET_AFTER {
                    return None;
                }
                let wait = Duration::from_secs(wait_after(f.count, policy));
                wait.checked_sub(since).filter(|w| !w.is_zero())
            })
            .max();
        match wait {
            // Rounded up: "retry after 0 s" would be heard as "now" and refused again.
            Some(w) => Err(w.as_secs() + u64::from(w.subsec_nanos() > 0)),
            None => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, login: &str, addr: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= SWEEP_AT {
            failures.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
        }
        for (key, _) in Self::keys(login, addr) {
            let f = failures.entry(key).or_insert(Failures { count: 0, last: now });
            if now.saturating_duration_since(f.last) >= FORGET_AFTER {
                f.count = 0;
            }
            f.count = f.count.saturating_add(1);
            f.last = now;
        }
    }

    /// Records a success: the account's failures are cleared (the address's are not).
    pub fn succeeded(&self, login: &str) {
        self.lock().remove(&Key::Account(login.trim().to_lowercase()));
    }

    /// Waits for a turn at checking a password, up to [`HASH_WAIT`]; then 503.
    pub async fn hash_turn(&self) -> Result<HashTurn<'_>, Error> {
        match tokio::time::timeout(HASH_WAIT, self.hashes.acquire()).await {
            Ok(Ok(permit)) => {
                let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
                self.peak.fetch_max(now, Ordering::SeqCst);
                Ok(HashTurn { _permit: permit, running: &self.running })
            }
            Ok(Err(_)) | Err(_) => Err(Error::Unavailable {
                message: "the server is checking too many log-ins at once: try again in a moment".into(),
                retry_after: 2,
            }),
        }
    }
}

impl LoginGuard {
    /// The most password checks that ever ran at once in this process.
    pub fn peak_hashes(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// The answer to an attempt that must wait.
pub fn too_many(wait: u64) -> Error {
    Error::TooManyRequests {
        message: format!("too many failed log-ins: try again in {wait} s"),
        retry_after: wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_failures_up_to_the_cap() {
        // (failures, account wait, address wait)
        let table = [
            (0, 0, 0),
            (4, 0, 0),
            (5, 1, 0),
            (6, 2, 0),
            (7, 4, 0),
            (9, 16, 0),
            (10, 30, 0),
            (60, 30, 300),
            (20, 30, 1),
            (24, 30, 16),
            (29, 30, 300),
            (u32::MAX, 30, 300),
        ];
        for (failures, account, address) in table {
            assert_eq!(wait_after(failures, ACCOUNT), account, "account after {failures}");
            assert_eq!(wait_after(failures, ADDRESS), address, "address after {failures}");
        }
    }

    #[test]
    fn an_account_waits_after_failures_and_a_success_clears_it() {
        let guard = LoginGuard::default();
        let t0 = Instant::now();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..5 {
            assert_eq!(guard.check("Wang.Fang", Some(ip), t0), Ok(()));
            guard.failed("wang.fang", Some(ip), t0);
        }
        assert_eq!(guard.check("wang.fang", Some(ip), t0), Err(1), "same account, any case");
        // From another address the account's wait still holds: it is the account's.
        assert_eq!(guard.check("wang.fang", Some([10, 0, 0, 2].into()), t0), Err(1));
        assert_eq!(guard.check("li.lei", Some(ip), t0), Ok(()), "another account");
        let later = t0 + Duration::from_millis(1500);
        assert_eq!(guard.check("wang.fang", Some(ip), later), Ok(()));
        guard.succeeded("wang.fang");
        guard.failed("wang.fang", Some(ip), later);
        assert_eq!(guard.check("wang.fang", Some(ip), later), Ok(()), "a success cleared the count");
    }

    #[test]
    fn failures_are_forgotten_and_the_account_cap_is_short() {
        let guard = LoginGuard::default();
        let t0 = Instant::now();
        for _ in 0..50 {
            guard.failed("desk", None, t0);
        }
        assert_eq!(guard.check("desk", None, t0), Err(30), "never longer than the cap");
        assert_eq!(guard.check("desk", None, t0 + Duration::from_secs(30)), Ok(()));
        guard.failed("desk", None, t0 + FORGET_AFTER + Duration::from_secs(31));
        assert_eq!(
            guard.check("desk", None, t0 + FORGET_AFTER + Duration::from_secs(31)),
            Ok(()),
            "forgotten"
        );
    }

    #[test]
    fn an_address_that_guesses_many_accounts_waits() {
        let guard = LoginGuard::default();
        let t0 = Instant::now();
        let ip: IpAddr = [192, 0, 2, 7].into();
        for n in 0..20 {
            guard.failed(&format!("user{n}"), Some(ip), t0);
        }
        assert_eq!(guard.check("someone.new", Some(ip), t0), Err(1));
        assert_eq!(guard.check("someone.new", None, t0), Ok(()), "another address");
    }

    #[test]
    fn attempts_per_address_are_bucketed() {
        let guard = LoginGuard::default();
        let t0 = Instant::now();
        let ip: IpAddr = [192, 0, 2, 8].into();
        for _ in 0..ATTEMPTS.burst {
            assert_eq!(guard.check("desk", Some(ip), t0), Ok(()));
        }
        assert_eq!(guard.check("desk", Some(ip), t0), Err(1));
    }

    #[tokio::test]
    async fn password_checks_at_once_are_capped() {
        let guard = LoginGuard::default();
        let mut turns = Vec::new();
        for _ in 0..MAX_HASHES {
            turns.push(guard.hash_turn().await.expect("a turn"));
        }
        let start = tokio::time::Instant::now();
        let busy = guard.hash_turn().await;
        assert!(matches!(busy, Err(Error::Unavailable { retry_after: 2, .. })));
        assert!(start.elapsed() >= HASH_WAIT);
        drop(turns.pop());
        assert!(guard.hash_turn().await.is_ok(), "a turn freed is taken");
        assert_eq!(guard.peak_hashes(), MAX_HASHES);
    }
}

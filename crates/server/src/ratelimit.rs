//! A token bucket per bearer token and per account, in memory: over the limit,
//! `429 too_many_requests` with `Retry-After`.
//!
//! The token's key is the SHA-256 of the presented token (the same hash the database keeps), so
//! the limiter holds no usable token; it is checked here, before the token is looked up. The
//! account's bucket ([`Limiter::check_account`]) is taken once the token is known to be the
//! account's, so that logging in again for a fresh token does not reset the limit. Requests without a bearer token, and the routes that take none
//! (login, refresh, the OpenAPI document), are not limited here. Buckets are per process: a restart forgets them, which errs
//! towards letting a phone sync. The map is swept of full (idle) buckets when it grows large, so
//! garbage tokens cannot grow it without bound.

use crate::AppState;
use crate::auth::token_hash;
use crate::error::Error;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onsite_core::UserId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Requests per second per token, with a burst.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Tokens added per second.
    pub per_second: f64,
    /// The bucket's size: requests that may come at once.
    pub burst: u32,
}

impl RateLimit {
    /// Generous: a phone's sync round is a handful of requests; the desk's page a few more.
    pub const DEFAULT: RateLimit = RateLimit { per_second: 20.0, burst: 60 };
}

/// Buckets beyond which idle ones are swept.
const SWEEP_AT: usize = 10_000;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every token seen.
pub struct Limiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Limiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Limiter { limit, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `key`'s bucket: `Ok` or `Err(seconds to wait)`.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Some(limit) = self.limit else { return Ok(()) };
        let burst = f64::from(limit.burst.max(1));
        let rate = limit.per_second.max(f64::MIN_POSITIVE);
        // A poisoned lock only means another request panicked mid-update: the map is still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= SWEEP_AT && !buckets.contains_key(key) {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / rate).ceil();
            // Clamped: a tiny rate must not turn into a nonsense header.
            Err((wait as u64).clamp(1, 3600))
        }
    }

    /// Takes one request from the account's bucket (the same size as a token's).
    pub fn check_account(&self, user: UserId) -> Result<(), Error> {
        self.check(&format!("account:{user}"), Instant::now()).map_err(|wait| Error::TooManyRequests {
            message: format!("too many requests for this account: retry after {wait} s"),
            retry_after: wait,
        })
    }
}

/// The routes that take no token: never limited here, even when a client sends one anyway (the
/// OpenAPI document promises no 429 for them).
const PUBLIC: [&str; 3] = ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/openapi.json"];

/// The middleware: limits requests that carry a bearer token to routes that take one.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if PUBLIC.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty());
    if let Some(token) = token
        && let Err(wait) = state.limiter.check(&token_hash(token), Instant::now())
    {
        return Error::TooManyRequests {
            message: format!("too many requests for this token: retry after {wait} s"),
            retry_after: wait,
        }
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let limiter = Limiter::new(Some(RateLimit { per_second: 2.0, burst: 3 }));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", t0), Ok(()));
        }
        assert_eq!(limiter.check("a", t0), Err(1));
        assert_eq!(limiter.check("b", t0), Ok(()), "each token its own bucket");
        assert_eq!(limiter.check("a", t0 + Duration::from_millis(500)), Ok(()));
        assert!(limiter.check("a", t0 + Duration::from_millis(500)).is_err());
        assert_eq!(Limiter::new(None).check("a", t0), Ok(()));
    }
}

//! # onsite-server
//!
//! Onsite's sync and dispatch server: one axum process on one SQLite file, serving the phone
//! app (static files) and `/api/v1` from the same origin.
//!
//! - [`db`]: the connection, its pragmas and migrations; every query runs on a blocking thread.
//! - [`store`]: rows to domain types and back, shared by the handlers.
//! - [`error`]: the one error type; every failure answers the wire's `ErrorBody` JSON.
//! - [`accounts`]: account changes (create, profile, disable, password) with their audit lines,
//!   for the admin's API and the command line.
//! - [`auth`]: passwords, bearer tokens, the `CurrentUser` extractor and the role extractors.
//! - [`api`]: the handlers of `/api/v1` (auth, sync, jobs, parts and vans).
//! - [`ratelimit`]: a token bucket per bearer token; over it, 429 with `Retry-After`.
//! - [`openapi`]: the OpenAPI document, served at `/api/v1/openapi.json`.
//! - [`static_files`]: the built app with SPA fallback and cache headers.
//! - [`demo`]: demo accounts, jobs, parts and van stock for `--demo`.
//!
//! The rules themselves (what a valid job is, whether an event is applied, a job's status, the
//! visit report, a van's count, what is flagged to the service desk) are `onsite-core`'s: this
//! crate only does the I/O around them.

pub mod accounts;
pub mod api;
pub mod auth;
pub mod checks;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod error;
pub mod live;
pub mod login_guard;
pub mod openapi;
pub mod ratelimit;
pub mod static_files;
pub mod store;

pub use error::Error;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The SQLite file; created when missing.
    pub db_path: PathBuf,
    /// The built app, served for every path outside `/api` when the directory exists.
    pub static_dir: Option<PathBuf>,
    /// How long an access token lasts.
    pub token_ttl: chrono::Duration,
    /// How long a refresh token lasts if it is not used.
    pub refresh_ttl: chrono::Duration,
    /// Requests per bearer token; `None` turns the limit off.
    pub rate_limit: Option<ratelimit::RateLimit>,
    /// How long a client may be slow, and how many may be connected at once.
    pub connections: Connections,
    /// Log-in attempts per client address, right or wrong; `None` turns this bucket off (the
    /// waits after failed log-ins and the cap on password checks always hold).
    pub login_rate: Option<ratelimit::RateLimit>,
    /// What the phones follow: the company on the reports, how long finished jobs stay.
    pub settings: onsite_core::wire::Settings,
}

/// What a connection may cost the server: a client that sends nothing, half a header or half a
/// body is cut off, and past `max` connections the server stops accepting until one closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connections {
    /// To send a request's whole header, and the longest a kept-alive connection may sit idle
    /// between requests (hyper counts both from the same clock).
    pub header_read: Duration,
    /// The longest pause in a request body between two pieces of it.
    pub body_idle: Duration,
    /// A whole request, its body included, until the answer starts: past it, 408.
    pub request: Duration,
    /// Connections open at once; the rest wait in the kernel's queue.
    pub max: usize,
}

impl Connections {
    /// A phone on a weak signal sends a 1 MiB push in well under a minute, or it is dropped
    /// anyway and retries; 10 s of silence is not a phone still typing.
    pub const DEFAULT: Connections = Connections {
        header_read: Duration::from_secs(10),
        body_idle: Duration::from_secs(10),
        request: Duration::from_secs(60),
        max: 1024,
    };
}

impl Config {
    /// Access tokens are short-lived: a stolen one is of use for minutes.
    pub const DEFAULT_TOKEN_TTL: chrono::Duration = chrono::Duration::minutes(15);
    /// Refresh tokens last 30 days, so an engineer offline for a week (or three) still gets back
    /// in to sync their work without a password.
    pub const DEFAULT_REFRESH_TTL: chrono::Duration = chrono::Duration::days(30);

    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        Config {
            db_path: db_path.into(),
            static_dir: None,
            token_ttl: Self::DEFAULT_TOKEN_TTL,
            refresh_ttl: Self::DEFAULT_REFRESH_TTL,
            rate_limit: Some(ratelimit::RateLimit::DEFAULT),
            connections: Connections::DEFAULT,
            login_rate: Some(login_guard::ATTEMPTS),
            settings: onsite_core::wire::Settings {
                company: "Onsite".into(),
                retention_days: onsite_core::retention::Policy::DEFAULT_DAYS,
            },
        }
    }

    pub fn lifetimes(&self) -> auth::Lifetimes {
        auth::Lifetimes { access: self.token_ttl, refresh: self.refresh_ttl }
    }
}

/// What every handler shares: the database, the configuration, the rate limiter. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub config: Arc<Config>,
    pub limiter: Arc<ratelimit::Limiter>,
    pub login_guard: Arc<login_guard::LoginGuard>,
    pub checks: Arc<checks::Checks>,
    pub live: Arc<live::Live>,
}

impl AppState {
    /// Opens (or creates) the database at `config.db_path` and brings its schema up to date.
    pub fn open(config: &Config) -> Result<AppState, Error> {
        Ok(AppState {
            db: db::Db::open(&config.db_path)?,
            config: Arc::new(config.clone()),
            limiter: Arc::new(ratelimit::Limiter::new(config.rate_limit)),
            login_guard: Arc::new(login_guard::LoginGuard::new(config.login_rate)),
            checks: Arc::new(checks::Checks::default()),
            live: Arc::new(live::Live::default()),
        })
    }
}

/// The whole application: `/api/v1`, the OpenAPI document, and the static app when configured.
pub fn router(state: AppState) -> Router {
    let limits = state.config.connections;
    let static_dir = state.config.static_dir.clone().filter(|d| d.is_dir());
    let app = api::router(state);
    let app = match static_dir {
        Some(dir) => app.fallback_service(static_files::service(&dir)),
        None => app.fallback(api::no_app),
    };
    // Compressed as it is sent: the API's JSON and the files not compressed ahead. At the fastest
    // level: the board of 5,000 jobs (2.7 MB of JSON) takes ~50 ms more at the default level
    // and ~5 ms at this one, and is still a tenth of its size on the wire.
    app.layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(RequestBodyTimeoutLayer::new(limits.body_idle))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request))
        .layer(TraceLayer::new_for_http())
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns. Each connection is HTTP/1.1 with the [`Connections`] limits of the
/// configuration, and its requests carry the peer's address (`ConnectInfo<SocketAddr>`). The
/// sign-off checks' worker ([`checks::worker`]) runs alongside.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.connections;
    let live = Arc::clone(&state.live);
    let checks = tokio::spawn(checks::worker(state.clone()));
    let app = router(state);
    let slots = Arc::new(Semaphore::new(limits.max.max(1)));
    // Dropped to ask every connection to finish; each holds a receiver until it has.
    let (stop, stopping) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was taken: wait a
                    // moment rather than spin, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req.map(axum::body::Body::new)
        });
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(limits.header_read).keep_alive(true);
            let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                }
                _ = stopping.changed() => {
                    conn.as_mut().graceful_shutdown();
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, %peer, "connection ended while shutting down");
                    }
                }
            }
            drop(stopping);
        });
    }
    drop(listener);
    // The long polls answer now: the connections they hold can then close.
    live.stop();
    drop(stopping);
    let _ = stop.send(());
    stop.closed().await;
    checks.abort();
    Ok(())
}

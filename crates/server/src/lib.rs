//! # onsite-server
//!
//! Onsite's sync and dispatch server: one axum process on one SQLite file, serving the phone
//! app (static files) and `/api/v1` from the same origin.
//!
//! - [`db`]: the connection, its pragmas and migrations; every query runs on a blocking thread.
//! - [`store`]: rows to domain types and back, shared by the handlers.
//! - [`error`]: the one error type; every failure answers the wire's `ErrorBody` JSON.
//! - [`auth`]: passwords, bearer tokens, the `CurrentUser` extractor.
//! - [`api`]: the handlers of `/api/v1` (auth, sync, jobs, parts and vans).
//! - [`ratelimit`]: a token bucket per bearer token; over it, 429 with `Retry-After`.
//! - [`openapi`]: the OpenAPI document, served at `/api/v1/openapi.json`.
//! - [`static_files`]: the built app with SPA fallback and cache headers.
//! - [`demo`]: demo accounts, jobs, parts and van stock for `--demo`.
//!
//! The rules themselves (what a valid job is, whether an event is applied, a job's status, the
//! visit report, a van's count, what is flagged to the service desk) are `onsite-core`'s: this
//! crate only does the I/O around them.

pub mod api;
pub mod auth;
pub mod db;
pub mod demo;
pub mod error;
pub mod openapi;
pub mod ratelimit;
pub mod static_files;
pub mod store;

pub use error::Error;

use axum::Router;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
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
}

impl AppState {
    /// Opens (or creates) the database at `config.db_path` and brings its schema up to date.
    pub fn open(config: &Config) -> Result<AppState, Error> {
        let conn = db::open(&config.db_path)?;
        Ok(AppState {
            db: db::Db::new(conn),
            config: Arc::new(config.clone()),
            limiter: Arc::new(ratelimit::Limiter::new(config.rate_limit)),
        })
    }
}

/// The whole application: `/api/v1`, the OpenAPI document, and the static app when configured.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone().filter(|d| d.is_dir());
    let app = api::router(state);
    let app = match static_dir {
        Some(dir) => app.fallback_service(static_files::service(&dir)),
        None => app.fallback(api::no_app),
    };
    app.layer(CompressionLayer::new()).layer(TraceLayer::new_for_http())
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

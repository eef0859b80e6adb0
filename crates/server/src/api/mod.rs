//! The routes of `/api/v1` and what they share.
//!
//! - [`auth`]: log in, refresh, log out, who am I, change one's password.
//! - [`accounts`]: the admin's accounts: create, change, disable, reset a password.
//! - [`sync`]: the engineer's push of visit events and pull of changes.
//! - [`jobs`]: the service desk's dispatch: open, (re)assign, list and read jobs.
//! - [`board`]: the desk's board in one read.
//! - [`assessment`]: each engineer's month (考核) and a manager's decisions.
//! - [`live`]: the long poll that tells the board and the phones a change is there to read.
//! - [`parts`]: the parts catalogue and the stock on engineers' vans.
//!
//! Every answer under `/api` is JSON, errors included: an unknown path is a JSON 404, a wrong
//! method a JSON 405, a body over 1 MiB a JSON 413,
//! too many requests for one token a JSON 429 with `Retry-After`. API answers carry `Cache-Control: no-store`:
//! they hold customers' data and must never be served from a cache.

pub mod accounts;
pub mod assessment;
pub mod auth;
pub mod board;
pub mod jobs;
pub mod live;
pub mod parts;
pub mod sync;

use crate::AppState;
use crate::error::{Error, error_response};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use onsite_core::wire::{ErrorBody, ErrorCode};
use tower_http::set_header::SetResponseHeaderLayer;

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The API's routes, with their state applied.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/refresh", post(auth::refresh))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/me", get(auth::me))
        .route("/api/v1/auth/password", post(auth::change_password))
        .route("/api/v1/accounts", get(accounts::list).post(accounts::create))
        .route("/api/v1/accounts/{login}", put(accounts::put_profile))
        .route("/api/v1/accounts/{login}/disabled", put(accounts::put_disabled))
        .route("/api/v1/accounts/{login}/password", put(accounts::put_password))
        .route("/api/v1/sync/push", post(sync::push))
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/changes", get(live::changes))
        .route("/api/v1/board", get(board::board))
        .route("/api/v1/assessment", get(assessment::month_of_all))
        .route("/api/v1/assessment/mine", get(assessment::month_of_mine))
        .route("/api/v1/assessment/decisions", post(assessment::decide))
        .route("/api/v1/jobs", post(jobs::create).get(jobs::list))
        .route("/api/v1/jobs/{id}", get(jobs::get))
        .route("/api/v1/jobs/{id}/assignee", put(jobs::assign))
        .route("/api/v1/jobs/{id}/appointment", put(jobs::put_appointment))
        .route("/api/v1/jobs/{id}/cancel", post(jobs::cancel))
        .route("/api/v1/jobs/{id}/notes", post(jobs::note))
        .route("/api/v1/jobs/{id}/alongside", post(jobs::alongside))
        .route("/api/v1/jobs/{id}/suggestions", get(jobs::suggestions))
        .route("/api/v1/engineers", get(jobs::engineers))
        .route("/api/v1/customers/jobs", get(jobs::customer_jobs))
        .route("/api/v1/history", get(jobs::history))
        .route("/api/v1/engineers/{login}/van", get(parts::van).post(parts::issue))
        .route("/api/v1/parts", get(parts::list))
        .route("/api/v1/parts/{sku}", put(parts::put))
        .route("/api/v1/openapi.json", get(crate::openapi::openapi_json))
        .route("/api", any(not_found))
        .route("/api/", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::ratelimit::limit))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

/// The answer for a path that names nothing.
pub async fn not_found() -> Error {
    Error::NotFound("no such API endpoint".into())
}

/// The answer outside `/api` when no static directory is served.
pub async fn no_app() -> Error {
    Error::NotFound("not found: this server has no app to serve (no static directory)".into())
}

/// The answer for a known path with a method it does not take. The wire has no code for 405,
/// so the body says `bad_request`; the status says 405.
async fn method_not_allowed() -> Response {
    let mut response = error_response(ErrorBody {
        error: ErrorCode::BadRequest,
        message: "this endpoint does not take that method".into(),
        events: Vec::new(),
        field: None,
    });
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    response.into_response()
}

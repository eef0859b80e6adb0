//! `/api/v1/sync`: the engineer's push of visit events and pull of changes. The handlers; the
//! SQL is [`crate::store::sync`].
//!
//! **Push** applies a batch in one `BEGIN IMMEDIATE` transaction, all or nothing. For each event,
//! in order, it gathers what the database knows (the stored event with the same id, the event
//! holding the same device sequence number, who owns the device, whose the job is) and lets
//! [`onsite_core::sync::admit`] decide. Events applied earlier in the same batch are visible to
//! later ones, so the same id twice in one batch is a duplicate, not a conflict. If any event is
//! rejected the transaction is rolled back and the answer names every rejected event, with the
//! status [`onsite_core::sync::refusal_code`] chooses: the phone marks those rejected and pushes
//! the rest again at once. Each acknowledgement carries the change number the event was applied
//! at (for a duplicate, the one it was stored with).
//!
//! In the same transaction, an applied event may raise flags for the service desk
//! ([`onsite_core::flags`]): a part used beyond the engineer's van count (counted with the
//! batch's earlier events), a job finished with required steps open (from the job's settled
//! steps, kept as events arrive: [`crate::store::progress`]). A sign-off is queued for the check of its
//! hash, made after the commit, off the write path ([`crate::checks`]). Flags never refuse an
//! event.
//!
//! **Cost.** A push reads what it needs once, whatever the jobs' histories: which of its ids are
//! stored (one query per 500), the device's sequence numbers in its range (one query), each
//! job's assignee once, the van's count once, and per finishing event one lookup per checklist
//! step. So the write lock is held for time proportional to the push (at most [`PUSH_MAX`]
//! events in at most 1 MiB), never to a job's history.
//!
//! **Pull** pages through three streams of changes for the user, merged by the server-wide
//! change number (`rev`, unique across all three): job headers assigned to the user, jobs taken
//! away from the user, and events on the user's current jobs. `cursor` is the last rev returned.
//! A job header in a page also brings the job's events from before the cursor, so a job
//! re-dispatched to the engineer arrives with its history (those are extra, not counted in the
//! page). When no more changes wait, `cursor` is the change counter of the read: nothing of the
//! user's is numbered between the last change returned and it.
//!
//! Every pull also carries the engineer's van count ([`crate::store::van_stock`]) from the same read,
//! and the parts catalogue when the cursor is 0 or a part changed after it.

use crate::AppState;
use crate::auth::{Engineer, Pusher};
use crate::db::now;
use crate::error::{ApiJson, ApiQuery, Error, Result};
use crate::store::sync::{apply_push, pull_changes};
use axum::extract::State;
use onsite_core::JobId;
use onsite_core::sync::{PULL_PAGE, PUSH_MAX};
use onsite_core::wire::{ErrorBody, PullResponse, PushRequest, PushResponse};
use serde::Deserialize;

/// Pushes the device's pending events.
#[utoipa::path(
    post,
    path = "/api/v1/sync/push",
    tag = "sync",
    security(("bearer" = [])),
    request_body = PushRequest,
    responses(
        (status = 200, description = "Every event is stored (now, or on an earlier push: `duplicate`)", body = PushResponse),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token: log in again, keep the outbox", body = ErrorBody),
        (status = 403, description = "Not an engineer; or an event is on another engineer's job (`foreign_job`) \
            or from another account's device (`foreign_device`). Nothing applied; `events` names them", body = ErrorBody),
        (status = 404, description = "An event names an unknown job. Nothing applied; `events` names it", body = ErrorBody),
        (status = 409, description = "An event id is stored with other content, or a device sequence number is \
            taken. Nothing applied; `events` names them", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, more than 1000 events, or an invalid event \
            (`events` names it). Nothing applied", body = ErrorBody),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    Pusher(me): Pusher,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<ApiJson<PushResponse>> {
    if req.events.len() > PUSH_MAX {
        return Err(Error::Unprocessable(format!(
            "a push holds at most {PUSH_MAX} events; this one has {}",
            req.events.len()
        )));
    }
    if req.events.is_empty() {
        return Ok(ApiJson(PushResponse { acked: Vec::new() }));
    }
    let user = me.user.id;
    let count = req.events.len();
    let signs_off = req.events.iter().any(|e| matches!(e.body, onsite_core::wire::EventBody::SignedOff(_)));
    let acked = state.db.run(move |conn| apply_push(conn, user, &req, now())).await?;
    tracing::info!(login = %me.user.login, events = count, "push applied");
    if signs_off {
        state.checks.wake();
    }
    Ok(ApiJson(PushResponse { acked }))
}

/// The query of a pull.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The `cursor` of the last pull whose changes are stored; 0 (the default) for everything.
    #[serde(default)]
    #[param(minimum = 0)]
    pub cursor: i64,
}

/// Pulls changes since the cursor.
#[utoipa::path(
    get,
    path = "/api/v1/sync/pull",
    tag = "sync",
    security(("bearer" = [])),
    params(PullQuery),
    responses(
        (status = 200, description = "Changes after the cursor, at most 200; `more` says whether to pull again", body = PullResponse),
        (status = 400, description = "The cursor is not a non-negative integer", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an engineer", body = ErrorBody),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiQuery(query): ApiQuery<PullQuery>,
) -> Result<ApiJson<PullResponse>> {
    if query.cursor < 0 {
        return Err(Error::BadRequest("the cursor must not be negative".into()));
    }
    let user = me.user.id;
    let mut page = state.db.read(move |conn| pull_changes(conn, user, query.cursor, PULL_PAGE)).await?;
    page.settings = Some(state.config.settings.clone());
    if !page.jobs.is_empty() {
        // The desk sees the dispatch arrived. A failure here leaves the job shown as not yet
        // received (and logged); the engineer's pull is not failed for it.
        let jobs: Vec<JobId> = page.jobs.iter().map(|j| j.id).collect();
        if let Err(e) = state.db.run(move |conn| crate::dispatch::received(conn, user, &jobs)).await {
            tracing::warn!(error = %e, %user, "could not record that the phone received its jobs");
        }
    }
    Ok(ApiJson(page))
}

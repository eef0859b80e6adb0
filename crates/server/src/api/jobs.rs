//! `/api/v1/jobs` and `/api/v1/engineers`: the service desk's dispatch.
//!
//! A dispatcher opens jobs (validated by [`onsite_core::Job::validate`], the desk's own
//! checklist included), dispatches and re-dispatches them to engineers, and reads any job with
//! its derived status, its events, the visit report ([`onsite_core::report::report`], computed
//! on every read, so the sign-off is re-verified against the events as stored now) and the flags
//! raised when its events arrived. An engineer may read only the jobs assigned to them. Every header write takes a new change
//! number, so engineers' pulls pick it up; a re-dispatch also records an unassignment, so the
//! previous engineer's pull drops the job.

use crate::AppState;
use crate::auth::{CurrentUser, DeskReader, Dispatcher, Engineer};
use crate::db::{next_rev, now};
use crate::error::{ApiJson, ApiPath, ApiQuery, Error, Result};
use crate::store::{self, JOB_COLUMNS};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::SubsecRound;
use onsite_core::JobId;
use onsite_core::sla::SlaState;
use onsite_core::status::JobStatus;
use onsite_core::wire::{AssignRequest, ErrorBody, JobDetail, JobWire, NewJob, User, Window};
use rusqlite::{TransactionBehavior, params};
use serde::Deserialize;
use uuid::Uuid;

fn invalid(e: onsite_core::job::JobError) -> Error {
    Error::Unprocessable(e.to_string())
}

/// Opens a job; dispatches it at once when an engineer is named.
#[utoipa::path(
    post,
    path = "/api/v1/jobs",
    tag = "jobs",
    security(("bearer" = [])),
    request_body = NewJob,
    responses(
        (status = 201, description = "The job, with its id and change number", body = JobWire),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, a field breaking the form's rules (a checklist with \
            a repeated step id included), or no such engineer", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiJson(new): ApiJson<NewJob>,
) -> Result<(StatusCode, ApiJson<JobWire>)> {
    let wire = state
        .db
        .run(move |conn| {
            let now = now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let assignee =
                new.assignee.as_deref().map(|login| store::engineer_by_login(&tx, login)).transpose()?;
            // Stored to the microsecond: cut here so the answer equals what is read back.
            let mut new = new;
            new.reported_at = new.reported_at.map(|t| t.trunc_subsecs(6));
            new.appointment = new
                .appointment
                .map(|w| Window { start: w.start.trunc_subsecs(6), end: w.end.trunc_subsecs(6) });
            let job = new.into_job(JobId(Uuid::new_v4()), now, assignee.map(|u| u.id));
            job.validate().map_err(invalid)?;
            let rev = next_rev(&tx)?;
            store::insert_job(&tx, &job, rev)?;
            tx.commit()?;
            Ok(JobWire::from_job(&job, rev))
        })
        .await?;
    tracing::info!(job = %wire.id, by = %me.user.login, "job opened");
    Ok((StatusCode::CREATED, ApiJson(wire)))
}

/// Dispatches (or re-dispatches) a job to an engineer, now.
#[utoipa::path(
    put,
    path = "/api/v1/jobs/{id}/assignee",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "The job as now dispatched", body = JobWire),
        (status = 400, description = "Malformed JSON or a job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, no such engineer, or a job reported in the future", body = ErrorBody),
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Result<ApiJson<JobWire>> {
    req.validate().map_err(Error::Unprocessable)?;
    let wire = state
        .db
        .run(move |conn| {
            let now = now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current = store::load_job(&tx, id)?.ok_or_else(|| Error::NotFound("no such job".into()))?;
            let engineer = store::engineer_by_login(&tx, &req.assignee)?;
            let mut job = current.into_job();
            let previous = job.assignee;
            job.assignee = Some(engineer.id);
            job.dispatched_at = Some(now);
            job.validate().map_err(invalid)?;
            if let Some(previous) = previous
                && previous != engineer.id
            {
                let rev = next_rev(&tx)?;
                tx.execute(
                    "INSERT INTO unassignments (rev, job_id, user_id) VALUES (?1, ?2, ?3)",
                    params![rev, id.to_string(), previous.to_string()],
                )?;
            }
            let rev = next_rev(&tx)?;
            store::update_dispatch(&tx, id, engineer.id, now, rev)?;
            tx.commit()?;
            Ok(JobWire::from_job(&job, rev))
        })
        .await?;
    tracing::info!(job = %id, rev = wire.rev, by = %me.user.login, "job dispatched");
    Ok(ApiJson(wire))
}

/// A job with its derived status, its events in canonical order, its visit report and flags.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job; `report` is computed now, re-verifying the sign-off", body = JobDetail),
        (status = 400, description = "A job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such job, or (to an engineer) one not assigned to them: an engineer \
            cannot tell another's job from one that does not exist", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<JobId>,
) -> Result<ApiJson<JobDetail>> {
    let user = me.user.clone();
    let detail = state
        .db
        .read(move |conn| {
            // One read transaction: the job, its events and its flags agree.
            let tx = conn.transaction()?;
            let job = store::load_job(&tx, id)?
                .filter(|job| onsite_core::access::may_read(user.held(), job.assignee == Some(user.id)))
                .ok_or_else(|| Error::NotFound("no such job".into()))?;
            store::job_detail(&tx, job, now())
        })
        .await?;
    Ok(ApiJson(detail))
}

/// Filters of the job list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Only jobs assigned to the engineer with this login.
    pub engineer: Option<String>,
    /// Only jobs in this status: assigned, contacted, en_route, on_site, completed, could_not_complete.
    pub status: Option<String>,
    /// Only jobs with a service-level deadline in this state now: on_track, due_soon, met, missed.
    pub sla: Option<String>,
    /// Only jobs that were (true) or were not (false) escalated.
    pub escalated: Option<bool>,
    /// Only jobs with (true) or without (false) flags for the service desk.
    pub flagged: Option<bool>,
}

/// Every job, newest report first, for the service desk.
#[utoipa::path(
    get,
    path = "/api/v1/jobs",
    tag = "jobs",
    security(("bearer" = [])),
    params(JobsQuery),
    responses(
        (status = 200, description = "The matching jobs (none when the engineer is unknown)", body = Vec<JobDetail>),
        (status = 400, description = "An unknown status or SLA state, an engineer login over its length, or a filter that is not true or false", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the service desk or a manager", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _me: DeskReader,
    ApiQuery(query): ApiQuery<JobsQuery>,
) -> Result<ApiJson<Vec<JobDetail>>> {
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => {
            Some(JobStatus::parse(s).ok_or_else(|| Error::BadRequest(format!("unknown status {s:?}")))?)
        }
    };
    if let Some(login) = query.engineer.as_deref()
        && login.chars().count() > onsite_core::wire::MAX_LOGIN
    {
        return Err(Error::BadRequest(format!(
            "the engineer's login is longer than {} characters",
            onsite_core::wire::MAX_LOGIN
        )));
    }
    if let Some(s) = query.sla.as_deref()
        && !SlaState::NAMES.contains(&s)
    {
        return Err(Error::BadRequest(format!(
            "unknown SLA state {s:?}: use one of {}",
            SlaState::NAMES.join(", ")
        )));
    }
    let jobs = state
        .db
        .read(move |conn| {
            let now = now();
            let engineer = match query.engineer.as_deref() {
                None => None,
                Some(login) => match store::user_by_login(conn, login)? {
                    Some(found) => Some(found.user.id.to_string()),
                    None => return Ok(Vec::new()),
                },
            };
            let jobs = store::query_jobs(
                conn,
                &format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE (?1 IS NULL OR assignee = ?1) ORDER BY reported_at DESC, id"
                ),
                params![engineer],
            )?;
            let mut out = Vec::with_capacity(jobs.len());
            for job in jobs {
                let detail = store::job_detail(conn, job, now)?;
                let report = &detail.report;
                let keep = status.is_none_or(|s| s == detail.status)
                    && query.sla.as_deref().is_none_or(|s| report.sla.iter().any(|l| l.state.name() == s))
                    && query.escalated.is_none_or(|wanted| wanted == escalated(report))
                    && query.flagged.is_none_or(|wanted| wanted == flagged(&detail));
                if keep {
                    out.push(detail);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(ApiJson(jobs))
}

fn escalated(report: &onsite_core::report::VisitReport) -> bool {
    !report.escalations.is_empty()
}

fn flagged(detail: &JobDetail) -> bool {
    !detail.flags.is_empty()
}

/// The engineers jobs can be dispatched to.
#[utoipa::path(
    get,
    path = "/api/v1/engineers",
    tag = "jobs",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every engineer, by login", body = Vec<User>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
    )
)]
pub async fn engineers(State(state): State<AppState>, _me: DeskReader) -> Result<ApiJson<Vec<User>>> {
    let list = state.db.read(|conn| store::engineers(conn)).await?;
    Ok(ApiJson(list))
}

/// The search of an engineer's own jobs.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Words found in the customer's name, the contact, the phone or the address.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only jobs reported on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Only jobs reported on or before this day (`YYYY-MM-DD`, UTC).
    pub to: Option<chrono::NaiveDate>,
}

/// The most jobs one search answers.
pub const HISTORY_LIMIT: usize = 30;

/// An engineer's own jobs, newest report first, each with its visit report: the older work the
/// phone no longer holds (it keeps finished jobs for the deployment's period only).
#[utoipa::path(
    get,
    path = "/api/v1/history",
    tag = "jobs",
    security(("bearer" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, description = "At most 30 of the engineer's jobs, newest report first", body = Vec<JobDetail>),
        (status = 400, description = "Words over 100 characters, or a day that is not YYYY-MM-DD", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an engineer", body = ErrorBody),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<ApiJson<Vec<JobDetail>>> {
    let words = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_string);
    if words.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(Error::BadRequest("the words are longer than 100 characters".into()));
    }
    let user = me.user.id;
    let found = state
        .db
        .read(move |conn| {
            let tx = conn.transaction()?;
            let jobs =
                store::engineer_history(&tx, user, words.as_deref(), query.from, query.to, HISTORY_LIMIT)?;
            let now = now();
            jobs.into_iter().map(|job| store::job_detail(&tx, job, now)).collect::<Result<Vec<_>>>()
        })
        .await?;
    Ok(ApiJson(found))
}

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
use crate::db::now;
use crate::dispatch;
use crate::error::{ApiJson, ApiPath, ApiQuery, Error, Result};
use crate::store::{self, JOB_COLUMNS};
use axum::extract::State;
use axum::http::StatusCode;
use onsite_core::JobId;
use onsite_core::sla::SlaState;
use onsite_core::status::JobStatus;
use onsite_core::wire::{
    AlongsideRequest, AppointmentRequest, AssignRequest, CancelRequest, DeskNote, ErrorBody, JobDetail,
    JobWire, NewJob, User,
};
use rusqlite::params;
use serde::Deserialize;

/// Opens a job; dispatches it at once when an engineer is named, or closes it at once when it
/// was solved by phone or remote help (`remote_fix`).
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
            a repeated step id included), no such engineer, or a remote fix that names an engineer or says nothing", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiJson(new): ApiJson<NewJob>,
) -> Result<(StatusCode, ApiJson<JobWire>)> {
    let actor = me.user.clone();
    let wire = state.db.run(move |conn| dispatch::open(conn, &actor, new)).await?;
    tracing::info!(job = %wire.id, by = %me.user.login, "job opened");
    Ok((StatusCode::CREATED, ApiJson(wire)))
}

/// Dispatches a job to an engineer now, or re-dispatches it to another (with the reason).
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
        (status = 409, description = "The job is closed or its visit finished, or it is already that engineer's", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, no such engineer, a re-dispatch without a reason, \
            or a job reported in the future", body = ErrorBody),
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Result<ApiJson<JobWire>> {
    req.validate().map_err(Error::Unprocessable)?;
    let actor = me.user.clone();
    let wire =
        state.db.run(move |conn| dispatch::assign(conn, &actor, id, &req.assignee, &req.reason)).await?;
    tracing::info!(job = %id, rev = wire.rev, by = %me.user.login, "job dispatched");
    Ok(ApiJson(wire))
}

/// Changes or clears the visit time agreed with the customer, with the reason.
#[utoipa::path(
    put,
    path = "/api/v1/jobs/{id}/appointment",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = AppointmentRequest,
    responses(
        (status = 200, description = "The job with its new appointment", body = JobWire),
        (status = 400, description = "Malformed JSON or a job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is closed or its visit finished", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, no reason, or a window that ends before it starts", body = ErrorBody),
    )
)]
pub async fn put_appointment(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<AppointmentRequest>,
) -> Result<ApiJson<JobWire>> {
    let actor = me.user.clone();
    let wire = state
        .db
        .run(move |conn| dispatch::appointment(conn, &actor, id, req.appointment, &req.reason))
        .await?;
    tracing::info!(job = %id, by = %me.user.login, "appointment changed");
    Ok(ApiJson(wire))
}

/// Cancels a job, with the reason; its engineer's phone lets it go at the next pull.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/cancel",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "The job, cancelled", body = JobWire),
        (status = 400, description = "Malformed JSON or a job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is closed already or its visit finished", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, or no reason", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> Result<ApiJson<JobWire>> {
    let actor = me.user.clone();
    let wire = state.db.run(move |conn| dispatch::cancel(conn, &actor, id, &req.reason)).await?;
    tracing::info!(job = %id, by = %me.user.login, "job cancelled");
    Ok(ApiJson(wire))
}

/// Sends a second person alongside the engineer, saying why: a senior engineer, whose phone gets
/// the job too, or the vendor.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/alongside",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = AlongsideRequest,
    responses(
        (status = 200, description = "The job, with its new change number", body = JobWire),
        (status = 400, description = "Malformed JSON or a job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is closed, completed or not dispatched, or that engineer is on it already", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, no reason, neither or both of an engineer and a vendor, \
            or no such engineer", body = ErrorBody),
    )
)]
pub async fn alongside(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<AlongsideRequest>,
) -> Result<ApiJson<JobWire>> {
    let who = req.who().map_err(|(field, message)| Error::InvalidField { field: field.as_str(), message })?;
    let actor = me.user.clone();
    let wire = state.db.run(move |conn| dispatch::alongside(conn, &actor, id, who, &req.reason)).await?;
    tracing::info!(job = %id, by = %me.user.login, "sent alongside");
    Ok(ApiJson(wire))
}

/// Writes a note on the job's desk log, or records that the manager was told of a missed contact.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/notes",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = DeskNote,
    responses(
        (status = 204, description = "Written"),
        (status = 400, description = "Malformed JSON or a job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "manager_told on a job closed, finished or not dispatched", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, an action other than note, manager_told or handled, or a note or handling that says nothing", body = ErrorBody),
    )
)]
pub async fn note(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(id): ApiPath<JobId>,
    ApiJson(req): ApiJson<DeskNote>,
) -> Result<StatusCode> {
    let actor = me.user.clone();
    state.db.run(move |conn| dispatch::note(conn, &actor, id, req.action, &req.text)).await?;
    Ok(StatusCode::NO_CONTENT)
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
            let job = store::load_job(&tx, id)?.ok_or_else(|| Error::NotFound("no such job".into()))?;
            if !onsite_core::access::may_read(user.held(), store::is_on_job(&tx, &job, user.id)?) {
                return Err(Error::NotFound("no such job".into()));
            }
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

/// The engineers to send on a job, best first: whose duties cover its kind, of its address's
/// area, free rather than travelling or on site, with the fewest open jobs
/// ([`onsite_core::desk::suggest`]).
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}/suggestions",
    tag = "jobs",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Every enabled engineer, best first", body = Vec<onsite_core::desk::Suggestion>),
        (status = 400, description = "A job id that is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
    )
)]
pub async fn suggestions(
    State(state): State<AppState>,
    _me: Dispatcher,
    ApiPath(id): ApiPath<JobId>,
) -> Result<ApiJson<Vec<onsite_core::desk::Suggestion>>> {
    let found = state
        .db
        .read(move |conn| {
            let tx = conn.transaction()?;
            let job = store::load_job(&tx, id)?.ok_or_else(|| Error::NotFound("no such job".into()))?;
            let candidates = store::candidates(&tx)?;
            Ok(onsite_core::desk::suggest(job.kind, &job.address, candidates))
        })
        .await?;
    Ok(ApiJson(found))
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

/// The lookup of a customer's earlier jobs at intake.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// The phone as typed: compared by its digits, at least 6 of them.
    #[param(max_length = 40)]
    pub phone: Option<String>,
    /// Words of the address, at least 4 characters.
    #[param(max_length = 200)]
    pub address: Option<String>,
}

/// The most earlier jobs one lookup answers.
pub const CUSTOMER_LIMIT: usize = 10;

/// A customer's earlier jobs, newest report first, while the desk takes a new report: by the
/// phone's digits (whatever its spaces, dashes or +86) or by the address.
#[utoipa::path(
    get,
    path = "/api/v1/customers/jobs",
    tag = "jobs",
    security(("bearer" = [])),
    params(CustomerQuery),
    responses(
        (status = 200, description = "At most 10 jobs, newest first; none while the phone has under 6 digits and the address under 4 characters", body = Vec<JobDetail>),
        (status = 400, description = "A phone over 40 or an address over 200 characters", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the service desk or a manager", body = ErrorBody),
    )
)]
pub async fn customer_jobs(
    State(state): State<AppState>,
    _me: DeskReader,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<ApiJson<Vec<JobDetail>>> {
    let (phone, address) = (query.phone.unwrap_or_default(), query.address.unwrap_or_default());
    if phone.chars().count() > onsite_core::job::MAX_PHONE {
        return Err(Error::BadRequest(format!(
            "the phone is longer than {} characters",
            onsite_core::job::MAX_PHONE
        )));
    }
    if address.chars().count() > onsite_core::job::MAX_SHORT_FIELD {
        return Err(Error::BadRequest(format!(
            "the address is longer than {} characters",
            onsite_core::job::MAX_SHORT_FIELD
        )));
    }
    let Some((digits, address)) = onsite_core::desk::customer_lookup(&phone, &address) else {
        return Ok(ApiJson(Vec::new()));
    };
    let found = state
        .db
        .read(move |conn| {
            let tx = conn.transaction()?;
            let jobs = store::customer_jobs(&tx, digits.as_deref(), address.as_deref(), CUSTOMER_LIMIT)?;
            let now = now();
            jobs.into_iter().map(|job| store::job_detail(&tx, job, now)).collect::<Result<Vec<_>>>()
        })
        .await?;
    Ok(ApiJson(found))
}

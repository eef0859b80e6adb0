//! `/api/v1/assessment`: each engineer's month (考核), computed on every read from the facts by
//! [`onsite_core::assessment`]; a manager's decisions on its deductions.
//!
//! The desk and managers read everyone's month; an engineer reads only their own
//! (`/assessment/mine`); only a manager waives or upholds a deduction.

use crate::AppState;
use crate::auth::{DeskReader, Engineer, Manager};
use crate::db::{next_rev, now};
use crate::error::{ApiJson, ApiQuery, Error, Result};
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use onsite_core::assessment::Month;
use onsite_core::wire::{AssessmentMonth, DecisionRequest, ErrorBody};
use rusqlite::TransactionBehavior;
use serde::Deserialize;

/// The time zone months are counted in: the deployment's (China Standard Time, UTC+8).
const CST: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+8 is a valid offset"),
};

pub fn zone() -> chrono::FixedOffset {
    CST
}

/// The month asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`, in the deployment's time zone; this month when absent.
    #[param(pattern = r"^\d{4}-\d{2}$")]
    pub month: Option<String>,
}

fn month(query: &MonthQuery) -> Result<Month> {
    match &query.month {
        None => Ok(Month::of(now(), zone())),
        Some(s) => {
            Month::parse(s).ok_or_else(|| Error::BadRequest(format!("the month {s:?} is not YYYY-MM")))
        }
    }
}

/// Every engineer's month and the deductions behind it.
#[utoipa::path(
    get,
    path = "/api/v1/assessment",
    tag = "assessment",
    security(("bearer" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The month: each engineer's score and every deduction", body = AssessmentMonth),
        (status = 400, description = "A month that is not YYYY-MM", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the service desk or a manager", body = ErrorBody),
    )
)]
pub async fn month_of_all(
    State(state): State<AppState>,
    _me: DeskReader,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<ApiJson<AssessmentMonth>> {
    let month = month(&query)?;
    let found = state.db.read(move |conn| store::assessment(conn, month, zone(), now(), None)).await?;
    Ok(ApiJson(found))
}

/// The engineer's own month.
#[utoipa::path(
    get,
    path = "/api/v1/assessment/mine",
    tag = "assessment",
    security(("bearer" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The engineer's own month and deductions", body = AssessmentMonth),
        (status = 400, description = "A month that is not YYYY-MM", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an engineer", body = ErrorBody),
    )
)]
pub async fn month_of_mine(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiQuery(query): ApiQuery<MonthQuery>,
) -> Result<ApiJson<AssessmentMonth>> {
    let month = month(&query)?;
    let login = me.user.login.clone();
    let found =
        state.db.read(move |conn| store::assessment(conn, month, zone(), now(), Some(&login))).await?;
    Ok(ApiJson(found))
}

/// A manager waives a deduction, or upholds an unverified one, saying why.
#[utoipa::path(
    post,
    path = "/api/v1/assessment/decisions",
    tag = "assessment",
    security(("bearer" = [])),
    request_body = DecisionRequest,
    responses(
        (status = 204, description = "Kept"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a manager", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, no reason, or a key that names no job", body = ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    Manager(me): Manager,
    ApiJson(req): ApiJson<DecisionRequest>,
) -> Result<StatusCode> {
    let reason =
        onsite_core::desk::reason(onsite_core::desk::DeskAction::Handled, &req.reason).map_err(|r| {
            Error::InvalidField {
                field: onsite_core::desk::DeskField::Reason.as_str(),
                message: r.to_string(),
            }
        })?;
    let job =
        req.key.split(':').next().and_then(|s| s.parse::<onsite_core::JobId>().ok()).ok_or_else(|| {
            Error::InvalidField { field: "key", message: "the key names no deduction".into() }
        })?;
    let by = me.user.id;
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if store::load_job(&tx, job)?.is_none() {
                return Err(Error::InvalidField { field: "key", message: "the key names no job".into() });
            }
            store::insert_decision(&tx, &req.key, req.upheld, &reason, by, now())?;
            // The desk's board and its assessment page follow the change counter.
            next_rev(&tx)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

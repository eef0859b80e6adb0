//! `/api/v1/parts` and `/api/v1/engineers/{login}/van`: the parts catalogue and van stock
//! (备品备件).
//!
//! The service desk keeps the catalogue (each write takes a change number, so pulls know when
//! to send it again) and issues stock to engineers' vans (出库) or takes it back (入库). A van's
//! count is never stored: it is the issues less the parts used plus the parts returned in the
//! events of the engineer's devices ([`store::van_stock`]), with the change number it is exact
//! at. Rules (what a valid part or issue is) are the core's.

use crate::AppState;
use crate::auth::{CurrentUser, Dispatcher};
use crate::db::{next_rev, now};
use crate::error::{ApiJson, ApiPath, Error, Result};
use crate::store;
use axum::extract::State;
use onsite_core::parts::{Part, VanStock};
use onsite_core::wire::{ErrorBody, User, VanIssue};
use rusqlite::{Connection, TransactionBehavior};

/// The whole parts catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/parts",
    operation_id = "list_parts",
    tag = "parts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every part, by stock code", body = Vec<Part>),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, _me: CurrentUser) -> Result<ApiJson<Vec<Part>>> {
    let parts = state.db.read(|conn| store::parts(conn)).await?;
    Ok(ApiJson(parts))
}

/// Adds a part to the catalogue, or replaces it.
#[utoipa::path(
    put,
    path = "/api/v1/parts/{sku}",
    operation_id = "put_part",
    tag = "parts",
    security(("bearer" = [])),
    params(("sku" = String, Path, description = "The part's stock code; the body's `sku` must be the same")),
    request_body = Part,
    responses(
        (status = 200, description = "The part as stored", body = Part),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, a body whose `sku` is not the path's, or a blank or \
            over-long code or name", body = ErrorBody),
    )
)]
pub async fn put(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(sku): ApiPath<String>,
    ApiJson(part): ApiJson<Part>,
) -> Result<ApiJson<Part>> {
    if part.sku != sku {
        return Err(Error::Unprocessable(format!(
            "the body's sku {:?} is not the sku of the path {sku:?}",
            part.sku
        )));
    }
    part.validate().map_err(|e| Error::Unprocessable(e.to_string()))?;
    let stored = part.clone();
    let changed = state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Unchanged: no new change number, so no phone downloads the catalogue again.
            if store::part_by_sku(&tx, &stored.sku)?.as_ref() == Some(&stored) {
                return Ok(false);
            }
            let rev = next_rev(&tx)?;
            store::upsert_part(&tx, &stored, rev)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if changed {
        tracing::info!(sku = %part.sku, by = %me.user.login, "part stored");
    }
    Ok(ApiJson(part))
}

/// The engineer named in the path; anyone else is a 404.
fn engineer_in_path(conn: &Connection, login: &str) -> Result<User> {
    match store::user_by_login(conn, login)? {
        Some(found) if found.user.may(onsite_core::access::Permission::Record) => Ok(found.user),
        _ => Err(Error::NotFound(format!("there is no engineer with login {login:?}"))),
    }
}

/// Issues stock to an engineer's van (出库, `qty` > 0) or takes it back (入库, `qty` < 0).
#[utoipa::path(
    post,
    path = "/api/v1/engineers/{login}/van",
    operation_id = "issue_van_stock",
    tag = "parts",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The engineer's login")),
    request_body = VanIssue,
    responses(
        (status = 200, description = "The van's count after the issue", body = VanStock),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a dispatcher", body = ErrorBody),
        (status = 404, description = "No engineer with this login", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, a qty of 0 or too large, or a part not in the catalogue", body = ErrorBody),
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    Dispatcher(me): Dispatcher,
    ApiPath(login): ApiPath<String>,
    ApiJson(issue): ApiJson<VanIssue>,
) -> Result<ApiJson<VanStock>> {
    issue.validate().map_err(|e| Error::Unprocessable(e.to_string()))?;
    let (part, qty) = (issue.part.clone(), issue.qty);
    let van = state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let engineer = engineer_in_path(&tx, &login)?;
            if store::part_by_sku(&tx, &issue.part)?.is_none() {
                return Err(Error::Unprocessable(format!(
                    "there is no part {:?} in the catalogue",
                    issue.part
                )));
            }
            let rev = next_rev(&tx)?;
            store::insert_van_issue(&tx, engineer.id, &issue.part, issue.qty, rev, now())?;
            let van = store::van_stock(&tx, engineer.id)?;
            tx.commit()?;
            Ok(van)
        })
        .await?;
    tracing::info!(%part, qty, rev = van.rev, by = %me.user.login, "van stock issued");
    Ok(ApiJson(van))
}

/// An engineer's van as the server counts it now.
#[utoipa::path(
    get,
    path = "/api/v1/engineers/{login}/van",
    operation_id = "get_van",
    tag = "parts",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The engineer's login")),
    responses(
        (status = 200, description = "The count, exact at change number `rev`: it includes every event applied \
            at or before it", body = VanStock),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "An engineer asking for another engineer's van", body = ErrorBody),
        (status = 404, description = "No engineer with this login", body = ErrorBody),
    )
)]
pub async fn van(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(login): ApiPath<String>,
) -> Result<ApiJson<VanStock>> {
    if !onsite_core::access::may_read(me.user.held(), me.user.login == login) {
        return Err(Error::Forbidden("an engineer may read only their own van".into()));
    }
    let van = state
        .db
        .read(move |conn| {
            // One read transaction: the count and its change number agree.
            let tx = conn.transaction()?;
            let engineer = engineer_in_path(&tx, &login)?;
            let van = store::van_stock(&tx, engineer.id)?;
            tx.commit()?;
            Ok(van)
        })
        .await?;
    Ok(ApiJson(van))
}

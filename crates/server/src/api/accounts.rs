//! `/api/v1/accounts`: the admin's management of accounts: list, create, change the profile
//! (name, roles, area, duties), disable or enable, and set a password the person must change.
//! The rules and the audit log are `crate::accounts`'s; these handlers only hash and route.

use crate::AppState;
use crate::accounts;
use crate::auth::{Admin, hash_password};
use crate::error::{ApiJson, ApiPath, Error, Result};
use axum::extract::State;
use axum::http::StatusCode;
use onsite_core::wire::{Account, AccountProfile, ErrorBody, NewAccount, PasswordReset, SetDisabled};

/// Hashes a password off the async workers (argon2 is slow on purpose).
async fn hashed(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// Every account, by login.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    operation_id = "list_accounts",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account, by login", body = Vec<Account>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, _admin: Admin) -> Result<ApiJson<Vec<Account>>> {
    Ok(ApiJson(state.db.read(|conn| accounts::list(conn)).await?))
}

/// Creates an account. The password is the admin's choice; the person must change it at the
/// first log-in.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    operation_id = "create_account",
    tag = "accounts",
    security(("bearer" = [])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "Created", body = Account),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The login is taken", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "A field breaks its rule: `field` names it", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Admin(me): Admin,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<(StatusCode, ApiJson<Account>)> {
    accounts::check_new(&new)?;
    let hash = hashed(new.password.clone()).await?;
    let actor = me.user.id;
    let account = state.db.run(move |conn| accounts::create(conn, Some(actor), &new, &hash, true)).await?;
    tracing::info!(login = %account.login, by = %me.user.login, "account created");
    Ok((StatusCode::CREATED, ApiJson(account)))
}

/// Replaces an account's name, roles, area and duties.
#[utoipa::path(
    put,
    path = "/api/v1/accounts/{login}",
    operation_id = "put_account_profile",
    tag = "accounts",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    request_body = AccountProfile,
    responses(
        (status = 200, description = "The account as changed", body = Account),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "A field breaks its rule (`field` names it), or an admin taking their own admin role", body = ErrorBody),
    )
)]
pub async fn put_profile(
    State(state): State<AppState>,
    Admin(me): Admin,
    ApiPath(login): ApiPath<String>,
    ApiJson(profile): ApiJson<AccountProfile>,
) -> Result<ApiJson<Account>> {
    let actor = me.user.id;
    Ok(ApiJson(state.db.run(move |conn| accounts::set_profile(conn, Some(actor), &login, &profile)).await?))
}

/// Disables an account (its tokens stop at once; its phone may still hand in unsynced work) or
/// enables it again.
#[utoipa::path(
    put,
    path = "/api/v1/accounts/{login}/disabled",
    operation_id = "put_account_disabled",
    tag = "accounts",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    request_body = SetDisabled,
    responses(
        (status = 200, description = "The account as changed", body = Account),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "An admin disabling their own account", body = ErrorBody),
    )
)]
pub async fn put_disabled(
    State(state): State<AppState>,
    Admin(me): Admin,
    ApiPath(login): ApiPath<String>,
    ApiJson(req): ApiJson<SetDisabled>,
) -> Result<ApiJson<Account>> {
    let actor = me.user.id;
    let account = state
        .db
        .run(move |conn| accounts::set_disabled(conn, Some(actor), &login, req.disabled, &req.reason))
        .await?;
    tracing::info!(login = %account.login, disabled = account.disabled, by = %me.user.login, "account state set");
    Ok(ApiJson(account))
}

/// Sets a password the person must change at the next log-in.
#[utoipa::path(
    put,
    path = "/api/v1/accounts/{login}/password",
    operation_id = "reset_account_password",
    tag = "accounts",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    request_body = PasswordReset,
    responses(
        (status = 200, description = "The account, `must_change_password` set", body = Account),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "The password breaks its rule (`field`: password)", body = ErrorBody),
    )
)]
pub async fn put_password(
    State(state): State<AppState>,
    Admin(me): Admin,
    ApiPath(login): ApiPath<String>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<ApiJson<Account>> {
    onsite_core::access::check_password(&req.password).map_err(Error::from)?;
    let hash = hashed(req.password).await?;
    let actor = me.user.id;
    Ok(ApiJson(state.db.run(move |conn| accounts::reset_password(conn, Some(actor), &login, &hash)).await?))
}

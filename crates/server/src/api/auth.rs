//! `/api/v1/auth`: log in for a session (a 15-minute access token and a 30-day refresh token),
//! refresh it (rotating the refresh token), log out (end the session's family), and who am I.

use crate::AppState;
use crate::auth::{
    BAD_LOGIN, TokenHolder, burn_verification, hash_password, issue_session, new_family, refresh_session,
    revoke_family, verify_password,
};
use crate::db::now;
use crate::error::{ApiJson, Error, Result};
use crate::login_guard::too_many;
use crate::store::{self, UserRow};
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use onsite_core::wire::{ErrorBody, LoginRequest, MAX_TOKEN, PasswordChange, RefreshRequest, Session, User};
use rusqlite::OptionalExtension;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// Logs in with a login and password; answers an access token for the other endpoints and a
/// refresh token for `/api/v1/auth/refresh`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = Session),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Wrong login or password (one message for both)", body = ErrorBody),
        (status = 403, description = "`account_disabled`: the password is right but an admin disabled the account", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, or a login or password over its length", body = ErrorBody),
        (status = 429, description = "Too many failed log-ins for this account or from this address, or too many \
            attempts from this address: wait `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Too many log-ins being checked at once: wait `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<ApiJson<Session>> {
    req.validate().map_err(Error::Unprocessable)?;
    let guard = &state.login_guard;
    guard.check(&req.login, addr, Instant::now()).map_err(too_many)?;
    let turn = guard.hash_turn().await?;
    // Checked again with the turn: the failures of the log-ins this one waited behind count.
    guard.check_failures(&req.login, addr, Instant::now()).map_err(too_many)?;
    // Look up, then verify off the database lock: argon2 is slow on purpose.
    let login = req.login.clone();
    let found = state.db.read(move |conn| store::user_by_login(conn, &login)).await?;
    let password = req.password;
    let checked = tokio::task::spawn_blocking(move || -> Result<Option<UserRow>> {
        Ok(match found {
            None => {
                burn_verification(&password);
                None
            }
            Some(found) if verify_password(&password, &found.password_hash)? => Some(found),
            Some(_) => None,
        })
    })
    .await?;
    drop(turn);
    let Some(account) = checked? else {
        guard.failed(&req.login, addr, Instant::now());
        return Err(Error::Unauthorized(BAD_LOGIN.into()));
    };
    guard.succeeded(&req.login);
    // Told only to the one who knows the password.
    if account.disabled {
        return Err(Error::AccountDisabled("this account is disabled: ask your admin".into()));
    }
    let ttl = state.config.lifetimes();
    let session = state.db.run(move |conn| issue_session(conn, &account, &new_family(), now(), ttl)).await?;
    tracing::info!(login = %session.user.login, "logged in");
    Ok(ApiJson(session))
}

/// Trades a refresh token for a new session: a new access token and a new refresh token. The
/// refresh token presented is used up; presenting it again ends every session of its login.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new session; keep the new refresh token, the old one no longer works", body = Session),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "The refresh token is unknown, expired or revoked (a used one presented \
            again revokes its whole family): log in again, keep the outbox", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape, or a token over its length", body = ErrorBody),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<ApiJson<Session>> {
    if req.refresh_token.chars().count() > MAX_TOKEN {
        return Err(Error::Unprocessable(format!("the refresh token is longer than {MAX_TOKEN} characters")));
    }
    let ttl = state.config.lifetimes();
    let session = state.db.run(move |conn| refresh_session(conn, &req.refresh_token, now(), ttl)).await?;
    Ok(ApiJson(session))
}

/// Ends the session of the presented token: the access token and its family's refresh token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token and its session's refresh token no longer work"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn logout(State(state): State<AppState>, TokenHolder(me): TokenHolder) -> Result<StatusCode> {
    let hash = me.token_hash;
    state
        .db
        .run(move |conn| {
            let family: Option<String> = conn
                .query_row("SELECT family FROM tokens WHERE hash = ?1", [&hash], |r| r.get(0))
                .optional()?
                .flatten();
            conn.execute("DELETE FROM tokens WHERE hash = ?1", [&hash])?;
            if let Some(family) = family {
                revoke_family(conn, &family, now())?;
            }
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user the token speaks for.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current user", body = User),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn me(TokenHolder(me): TokenHolder) -> ApiJson<User> {
    ApiJson(me.user)
}

/// Changes one's own password: the current one, then the new one (8 characters or more). Ends
/// an admin's demand to change it. The sessions stay.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The current password is wrong (`forbidden`), or the account is disabled", body = ErrorBody),
        (status = 415, description = "A body that is not `application/json`", body = ErrorBody),
        (status = 422, description = "The new password breaks its rule (`field`: password)", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords for this account: wait `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Too many passwords being checked at once: wait `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    TokenHolder(me): TokenHolder,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode> {
    if me.disabled {
        return Err(Error::AccountDisabled("this account is disabled: ask your admin".into()));
    }
    onsite_core::access::check_password(&req.new)?;
    if req.current.chars().count() > onsite_core::wire::MAX_PASSWORD {
        return Err(Error::Forbidden("the current password is wrong".into()));
    }
    // The current password is checked as a log-in is: the same waits after failures.
    let guard = &state.login_guard;
    let login = me.user.login.clone();
    guard.check(&login, addr, Instant::now()).map_err(too_many)?;
    let turn = guard.hash_turn().await?;
    let id = me.user.id;
    let found = state.db.read(move |conn| store::user_by_id(conn, id)).await?;
    let found = found.ok_or_else(|| Error::Unauthorized("the account is gone".into()))?;
    let (current, new) = (req.current, req.new);
    let hashed = tokio::task::spawn_blocking(move || -> Result<Option<String>> {
        if !verify_password(&current, &found.password_hash)? {
            return Ok(None);
        }
        hash_password(&new).map(Some)
    })
    .await??;
    drop(turn);
    let Some(hash) = hashed else {
        guard.failed(&login, addr, Instant::now());
        return Err(Error::Forbidden("the current password is wrong".into()));
    };
    guard.succeeded(&login);
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            store::set_password(&tx, id, &hash, false)?;
            store::audit(&tx, now(), Some(id), "password_changed", &id.to_string(), &serde_json::json!({}))?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The client's address (the TCP peer's), when the server was started by [`crate::serve`].
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> std::result::Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

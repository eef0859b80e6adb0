//! `/api/v1/auth`: log in for a bearer token, log out (revoke it), and who am I.

use crate::AppState;
use crate::auth::{BAD_LOGIN, CurrentUser, burn_verification, create_session, verify_password};
use crate::db::now;
use crate::error::{ApiJson, Error, Result};
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use onsite_core::wire::{ErrorBody, LoginRequest, Session, User};

/// Logs in with a login and password; answers a bearer token for the other endpoints.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = Session),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Wrong login or password (one message for both)", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<ApiJson<Session>> {
    // Look up, then verify off the database lock: argon2 is slow on purpose.
    let login = req.login.clone();
    let found = state.db.run(move |conn| store::user_by_login(conn, &login)).await?;
    let password = req.password;
    let user = tokio::task::spawn_blocking(move || match found {
        None => {
            burn_verification(&password);
            Err(Error::Unauthorized(BAD_LOGIN.into()))
        }
        Some(found) if verify_password(&password, &found.password_hash)? => Ok(found.user),
        Some(_) => Err(Error::Unauthorized(BAD_LOGIN.into())),
    })
    .await??;
    let expires_at = now() + state.config.token_ttl;
    let session = state
        .db
        .run(move |conn| {
            let token = create_session(conn, &user, expires_at)?;
            Ok(Session { token, expires_at, user })
        })
        .await?;
    tracing::info!(login = %session.user.login, "logged in");
    Ok(ApiJson(session))
}

/// Ends the session of the presented token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token no longer works"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn logout(State(state): State<AppState>, me: CurrentUser) -> Result<StatusCode> {
    let hash = me.token_hash;
    state
        .db
        .run(move |conn| {
            conn.execute("DELETE FROM tokens WHERE hash = ?1", [hash])?;
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
pub async fn me(me: CurrentUser) -> ApiJson<User> {
    ApiJson(me.user)
}

//! The console's HTTP client: the only code here making requests. Every call but the log-in
//! carries the session's access token; a 401 trades the refresh token once for a new session
//! and tries again, and a second 401 ends the session (the person logs in again).

use crate::state::Desk;
use gloo_net::http::{Request, RequestBuilder, Response};
use onsite_core::wire::{ErrorBody, ErrorCode, LoginRequest, PasswordChange, RefreshRequest, Session};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a call did not give the answer hoped for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No answer: offline, or the server is down.
    Network,
    /// The session is over: log in again.
    LogInAgain,
    /// Any other refusal, with what the server's body said.
    Status {
        status: u16,
        code: Option<ErrorCode>,
        message: String,
        field: Option<String>,
        retry_after: Option<u32>,
    },
    /// A success whose body did not parse.
    BadBody,
}

fn url(path: &str) -> String {
    format!("{}{path}", onsite_core::wire::API_PREFIX)
}

async fn read_error(resp: Response) -> ApiError {
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after").and_then(|v| v.trim().parse().ok());
    match resp.json::<ErrorBody>().await {
        Ok(body) => ApiError::Status {
            status,
            code: Some(body.error),
            message: body.message,
            field: body.field,
            retry_after,
        },
        Err(_) => ApiError::Status {
            status,
            code: None,
            message: format!("HTTP {status}"),
            field: None,
            retry_after,
        },
    }
}

async fn session_from(path: &str, body: &impl Serialize) -> Result<Session, ApiError> {
    let resp = Request::post(&url(path))
        .json(body)
        .map_err(|_| ApiError::BadBody)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !resp.ok() {
        return Err(match resp.status() {
            401 => ApiError::Status {
                status: 401,
                code: Some(ErrorCode::Unauthorized),
                message: String::new(),
                field: None,
                retry_after: None,
            },
            _ => read_error(resp).await,
        });
    }
    resp.json::<Session>().await.map_err(|_| ApiError::BadBody)
}

pub async fn login(login: &str, password: &str) -> Result<Session, ApiError> {
    session_from("/auth/login", &LoginRequest { login: login.into(), password: password.into() }).await
}

/// Changes one's own password with the session's token (before the session is kept).
pub async fn change_password(token: &str, current: &str, new: &str) -> Result<(), ApiError> {
    let resp = Request::post(&url("/auth/password"))
        .header("Authorization", &format!("Bearer {token}"))
        .json(&PasswordChange { current: current.into(), new: new.into() })
        .map_err(|_| ApiError::BadBody)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if resp.ok() { Ok(()) } else { Err(read_error(resp).await) }
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
}

/// Sends one authorised request, refreshing the session once on a 401.
async fn call(desk: Desk, method: Method, path: &str, body: Option<String>) -> Result<Response, ApiError> {
    let mut refreshed = false;
    loop {
        let token = desk.token_untracked().ok_or(ApiError::LogInAgain)?;
        let builder: RequestBuilder = match method {
            Method::Get => Request::get(&url(path)),
            Method::Post => Request::post(&url(path)),
            Method::Put => Request::put(&url(path)),
        };
        let builder = builder.header("Authorization", &format!("Bearer {token}"));
        let sent = match &body {
            Some(json) => {
                builder
                    .header("Content-Type", "application/json")
                    .body(json.clone())
                    .map_err(|_| ApiError::BadBody)?
                    .send()
                    .await
            }
            None => builder.send().await,
        };
        let resp = sent.map_err(|_| ApiError::Network)?;
        if resp.status() != 401 {
            return Ok(resp);
        }
        let refresh = desk.refresh_token_untracked();
        match refresh {
            Some(refresh_token) if !refreshed => {
                refreshed = true;
                match session_from("/auth/refresh", &RefreshRequest { refresh_token }).await {
                    Ok(session) => desk.keep(session),
                    Err(ApiError::Network) => return Err(ApiError::Network),
                    Err(_) => {
                        desk.end();
                        return Err(ApiError::LogInAgain);
                    }
                }
            }
            _ => {
                desk.end();
                return Err(ApiError::LogInAgain);
            }
        }
    }
}

async fn answer<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if !resp.ok() {
        return Err(read_error(resp).await);
    }
    resp.json::<T>().await.map_err(|_| ApiError::BadBody)
}

pub async fn get<T: DeserializeOwned>(desk: Desk, path: &str) -> Result<T, ApiError> {
    answer(call(desk, Method::Get, path, None).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    desk: Desk,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadBody)?;
    answer(call(desk, Method::Post, path, Some(json)).await?).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(desk: Desk, path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadBody)?;
    answer(call(desk, Method::Put, path, Some(json)).await?).await
}

/// Sends a body whose answer is only a status (204 No Content).
pub async fn post_empty<B: Serialize>(desk: Desk, path: &str, body: &B) -> Result<(), ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadBody)?;
    let resp = call(desk, Method::Post, path, Some(json)).await?;
    if resp.ok() { Ok(()) } else { Err(read_error(resp).await) }
}

/// Ends the session on the server (best effort: the console forgets it either way).
pub async fn logout(token: &str) -> Result<(), ApiError> {
    let resp = Request::post(&url("/auth/logout"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if resp.ok() { Ok(()) } else { Err(read_error(resp).await) }
}

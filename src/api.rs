//! The HTTP client for `/api/v1`: the only code in the app that makes requests.
//!
//! It returns the raw status and body of sync calls, because deciding what an answer means is a
//! rule, and rules live in `onsite_core::sync` (`push_outcome`), tested natively.

use gloo_net::http::{Request, Response};
use onsite_core::DeviceId;
use onsite_core::wire::{
    Changes, ErrorBody, ErrorCode, LoginRequest, PasswordChange, PullResponse, PushRequest, RefreshRequest,
    Session,
};

/// Why a call did not give the answer hoped for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: offline, DNS, connection refused, aborted.
    #[error("no connection to the server")]
    Network,
    /// The server answered 401.
    #[error("not logged in")]
    Unauthorized,
    /// Any other non-success answer, with the server's message, its error code (when the body
    /// was the API's), and its `Retry-After` (seconds).
    #[error("{message}")]
    Status { status: u16, code: Option<ErrorCode>, message: String, retry_after: Option<u32> },
    /// A success answer whose body did not parse.
    #[error("the server's answer could not be read")]
    BadBody,
}

impl ApiError {
    /// What the sync status says of it.
    pub fn problem(&self) -> onsite_core::sync::SyncProblem {
        use onsite_core::sync::SyncProblem;
        match self {
            ApiError::Network => SyncProblem::NoConnection,
            ApiError::Unauthorized => SyncProblem::LoginAgain,
            // An admin set the password: the log-in page has the engineer choose a new one.
            ApiError::Status { code: Some(ErrorCode::PasswordChangeRequired), .. } => SyncProblem::LoginAgain,
            ApiError::Status { code: Some(ErrorCode::AccountDisabled), .. } => SyncProblem::AccountDisabled,
            ApiError::Status { status, .. } => onsite_core::sync::status_problem(*status),
            ApiError::BadBody => SyncProblem::BadAnswer,
        }
    }
}

/// The raw answer to a call whose meaning `onsite_core` decides. `status` 0 means no answer.
pub struct RawAnswer {
    pub status: u16,
    pub body: String,
}

fn url(path: &str) -> String {
    format!("{}{path}", onsite_core::wire::API_PREFIX)
}

async fn read_error(resp: Response) -> ApiError {
    let status = resp.status();
    if status == 401 {
        return ApiError::Unauthorized;
    }
    let retry_after = resp.headers().get("retry-after").and_then(|v| v.trim().parse().ok());
    let (code, message) = match resp.json::<ErrorBody>().await {
        Ok(body) => (Some(body.error), body.message),
        Err(_) => (None, format!("HTTP {status}")),
    };
    ApiError::Status { status, code, message, retry_after }
}

/// POSTs a JSON body that is answered with a `Session` (login, refresh).
async fn post_session(path: &str, body: &impl serde::Serialize) -> Result<Session, ApiError> {
    let resp = Request::post(&url(path))
        .json(body)
        .map_err(|_| ApiError::BadBody)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !resp.ok() {
        return Err(read_error(resp).await);
    }
    resp.json::<Session>().await.map_err(|_| ApiError::BadBody)
}

pub async fn login(login: &str, password: &str) -> Result<Session, ApiError> {
    post_session("/auth/login", &LoginRequest { login: login.to_string(), password: password.to_string() })
        .await
}

/// Changes one's password (`current`, then `new`); answered 204.
pub async fn change_password(token: &str, current: &str, new: &str) -> Result<(), ApiError> {
    let body = PasswordChange { current: current.to_string(), new: new.to_string() };
    let resp = Request::post(&url("/auth/password"))
        .header("Authorization", &format!("Bearer {token}"))
        .json(&body)
        .map_err(|_| ApiError::BadBody)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !resp.ok() {
        return Err(read_error(resp).await);
    }
    Ok(())
}

/// Trades the refresh token for a new session. The old refresh token is used up by this call,
/// so the caller stores the new session before anything else.
pub async fn refresh(refresh_token: &str) -> Result<Session, ApiError> {
    post_session("/auth/refresh", &RefreshRequest { refresh_token: refresh_token.to_string() }).await
}

/// The body of a push: its JSON, made ahead so that it can be prepared while another push is on
/// its way.
pub fn push_body(request: &PushRequest) -> Result<String, ApiError> {
    serde_json::to_string(request).map_err(|_| ApiError::BadBody)
}

/// Sends a push now (the request leaves when this is called, not when the answer is awaited)
/// and returns the answer to come.
pub fn push(token: &str, body: String) -> impl std::future::Future<Output = RawAnswer> + 'static {
    let no_answer = || RawAnswer { status: 0, body: String::new() };
    let started = Request::post(&url("/sync/push"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(body)
        .ok()
        .and_then(|req| Some(web_sys::window()?.fetch_with_request(&req.into())));
    async move {
        let Some(promise) = started else { return no_answer() };
        let Ok(resp) = wasm_bindgen_futures::JsFuture::from(promise).await else { return no_answer() };
        let Ok(resp) = wasm_bindgen::JsCast::dyn_into::<web_sys::Response>(resp) else { return no_answer() };
        let resp = Response::from(resp);
        let status = resp.status();
        // A body that cannot be read after the status arrived: treat as no answer, retry.
        match resp.text().await {
            Ok(body) => RawAnswer { status, body },
            Err(_) => no_answer(),
        }
    }
}

/// GETs `path` (after `/api/v1`) with the token and reads the JSON answer.
async fn get_json<T: serde::de::DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    let resp = Request::get(&url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !resp.ok() {
        return Err(read_error(resp).await);
    }
    resp.json::<T>().await.map_err(|_| ApiError::BadBody)
}

pub async fn pull(token: &str, cursor: i64) -> Result<PullResponse, ApiError> {
    get_json(token, &format!("/sync/pull?cursor={cursor}")).await
}

/// Waits (up to 25 s, the server's long poll) for a change after `cursor` the next pull would
/// carry, other than this tab's device's own events.
pub async fn wait_for_changes(token: &str, cursor: i64, device: DeviceId) -> Result<Changes, ApiError> {
    get_json(token, &format!("/changes?after={cursor}&device={device}")).await
}

/// An engineer's own jobs with these words (customer, contact, phone or address), reported
/// within the days given (`YYYY-MM-DD`, empty for none), newest first, each with its visit
/// report: the older work the phone no longer holds.
pub async fn history(
    token: &str,
    words: &str,
    from: &str,
    to: &str,
) -> Result<Vec<onsite_core::wire::JobDetail>, ApiError> {
    let mut query = format!("q={}", String::from(js_sys::encode_uri_component(words.trim())));
    for (name, day) in [("from", from), ("to", to)] {
        if !day.trim().is_empty() {
            query.push_str(&format!("&{name}={}", String::from(js_sys::encode_uri_component(day.trim()))));
        }
    }
    get_json(token, &format!("/history?{query}")).await
}

/// Revokes the token on the server; best effort (offline logout still logs out locally).
pub async fn logout(token: &str) {
    if let Ok(req) =
        Request::post(&url("/auth/logout")).header("Authorization", &format!("Bearer {token}")).build()
    {
        let _ = req.send().await;
    }
}

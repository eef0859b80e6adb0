//! The server's one error type and how every error becomes an HTTP answer.
//!
//! Every failure, including the extractors' rejections (bad JSON, a bad query string, a path id
//! that is not a UUID, a body over the limit), answers with the wire's [`ErrorBody`]
//! (`{"error": code, "message": ...}`) and the status of its code, so the phone and the
//! service desk never have to parse a plain-text error. Internal failures (SQL, a panicked or
//! cancelled task, hashing) are logged here and answered as a bare 500 `internal`: their details
//! stay in the log, never in the answer.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onsite_core::wire::{ErrorBody, ErrorCode, EventRejection};

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Unprocessable(String),
    /// A push refused as a whole: the status is the most serious rejection's, and every
    /// rejected event is named.
    #[error("{message}")]
    PushRefused { code: ErrorCode, message: String, events: Vec<EventRejection> },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("background task: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// Anything else that is the server's fault (a poisoned lock, bad stored data, hashing).
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The HTTP status of an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl Error {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Error::Internal(what.to_string())
    }

    /// The body this error answers with. Internal errors say nothing of their cause.
    pub fn body(&self) -> ErrorBody {
        let simple = |error: ErrorCode, message: &String| ErrorBody {
            error,
            message: message.clone(),
            events: Vec::new(),
        };
        match self {
            Error::BadRequest(m) => simple(ErrorCode::BadRequest, m),
            Error::Unauthorized(m) => simple(ErrorCode::Unauthorized, m),
            Error::Forbidden(m) => simple(ErrorCode::Forbidden, m),
            Error::NotFound(m) => simple(ErrorCode::NotFound, m),
            Error::Conflict(m) => simple(ErrorCode::Conflict, m),
            Error::PayloadTooLarge(m) => simple(ErrorCode::PayloadTooLarge, m),
            Error::Unprocessable(m) => simple(ErrorCode::Unprocessable, m),
            Error::PushRefused { code, message, events } => {
                ErrorBody { error: *code, message: message.clone(), events: events.clone() }
            }
            Error::Sql(_) | Error::Migration(_) | Error::Join(_) | Error::Internal(_) => {
                ErrorBody { error: ErrorCode::Internal, message: "internal error".into(), events: Vec::new() }
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let body = self.body();
        if body.error == ErrorCode::Internal {
            tracing::error!(error = %self, "internal error");
        }
        error_response(body)
    }
}

/// Turns an error body into a response with the status of its code.
pub fn error_response(body: ErrorBody) -> Response {
    let status = status_of(body.error);
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Maps a rejection's status to ours; 415 and other client errors become 400.
fn from_rejection(status: StatusCode, message: String) -> Error {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Error::PayloadTooLarge("the request body is larger than 1 MiB".into())
        }
        StatusCode::UNPROCESSABLE_ENTITY => Error::Unprocessable(message),
        s if s.is_server_error() => Error::Internal(message),
        _ => Error::BadRequest(message),
    }
}

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Self {
        from_rejection(r.status(), r.body_text())
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Self {
        from_rejection(r.status(), r.body_text())
    }
}

impl From<PathRejection> for Error {
    fn from(r: PathRejection) -> Self {
        // A path that does not parse names no resource: always 400, whatever axum says.
        let status = if r.status().is_server_error() { r.status() } else { StatusCode::BAD_REQUEST };
        from_rejection(status, r.body_text())
    }
}

/// `axum::Json`, answering its rejections with an [`ErrorBody`]: malformed JSON is 400, JSON
/// of the wrong shape or types is 422, a body over the limit is 413.
#[derive(Debug, Clone, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query`, answering a bad query string with a 400 [`ErrorBody`].
#[derive(Debug, Clone, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path`, answering a bad path parameter with a 400 [`ErrorBody`].
#[derive(Debug, Clone, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct ApiPath<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        let e = Error::Internal("secret table name".into());
        let body = e.body();
        assert_eq!(body.error, ErrorCode::Internal);
        assert_eq!(body.message, "internal error");
        let sql = Error::Sql(rusqlite::Error::InvalidQuery);
        assert_eq!(sql.body().message, "internal error");
    }

    #[test]
    fn every_code_has_its_status() {
        let cases = [
            (ErrorCode::BadRequest, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Conflict, 409),
            (ErrorCode::PayloadTooLarge, 413),
            (ErrorCode::Unprocessable, 422),
            (ErrorCode::TooManyRequests, 429),
            (ErrorCode::Internal, 500),
        ];
        for (code, status) in cases {
            assert_eq!(status_of(code).as_u16(), status, "{code:?}");
        }
    }

    #[test]
    fn unsupported_media_type_becomes_bad_request() {
        let e = from_rejection(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Expected JSON".into());
        assert!(matches!(e, Error::BadRequest(_)));
        let e = from_rejection(StatusCode::PAYLOAD_TOO_LARGE, "length limit".into());
        assert!(matches!(e, Error::PayloadTooLarge(_)));
    }
}

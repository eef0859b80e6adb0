//! The server's one error type and how every error becomes an HTTP answer.
//!
//! Every failure, including the extractors' rejections (bad JSON, a bad query string, a path id
//! that is not a UUID, a body over the limit), answers with the wire's [`ErrorBody`]
//! (`{"error": code, "message": ...}`) and the status of its code, so the phone and the
//! service desk never have to parse a plain-text error. Internal failures (SQL, a panicked or
//! cancelled task, hashing) are logged here and answered as a bare 500 `internal`: their details
//! stay in the log, never in the answer.
//!
//! Messages are in the API's own words: a body that does not parse is described by where and
//! what ("events[0].seq: expected a whole number"), never by the server's Rust type names.

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
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    /// A form's field breaks its rule: 422 naming the field.
    #[error("{message}")]
    InvalidField { field: &'static str, message: String },
    /// The account was disabled: 403 `account_disabled`.
    #[error("{0}")]
    AccountDisabled(String),
    /// The account must change its password first: 403 `password_change_required`.
    #[error("{0}")]
    PasswordChangeRequired(String),
    /// Over a rate limit, or too many failed log-ins: 429 with `Retry-After`.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// Busy for a moment: 503 with `Retry-After`.
    #[error("{message}")]
    Unavailable { message: String, retry_after: u64 },
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

impl From<onsite_core::access::AccountError> for Error {
    fn from(e: onsite_core::access::AccountError) -> Self {
        Error::InvalidField { field: e.field.as_str(), message: e.to_string() }
    }
}

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
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::AccountDisabled | ErrorCode::PasswordChangeRequired => StatusCode::FORBIDDEN,
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
            field: None,
        };
        match self {
            Error::BadRequest(m) => simple(ErrorCode::BadRequest, m),
            Error::Unauthorized(m) => simple(ErrorCode::Unauthorized, m),
            Error::Forbidden(m) => simple(ErrorCode::Forbidden, m),
            Error::NotFound(m) => simple(ErrorCode::NotFound, m),
            Error::Conflict(m) => simple(ErrorCode::Conflict, m),
            Error::PayloadTooLarge(m) => simple(ErrorCode::PayloadTooLarge, m),
            Error::UnsupportedMediaType(m) => simple(ErrorCode::UnsupportedMediaType, m),
            Error::Unprocessable(m) => simple(ErrorCode::Unprocessable, m),
            Error::InvalidField { field, message } => {
                ErrorBody { field: Some((*field).to_string()), ..simple(ErrorCode::Unprocessable, message) }
            }
            Error::AccountDisabled(m) => simple(ErrorCode::AccountDisabled, m),
            Error::PasswordChangeRequired(m) => simple(ErrorCode::PasswordChangeRequired, m),
            Error::TooManyRequests { message, .. } => simple(ErrorCode::TooManyRequests, message),
            Error::Unavailable { message, .. } => simple(ErrorCode::Unavailable, message),
            Error::PushRefused { code, message, events } => {
                ErrorBody { error: *code, message: message.clone(), events: events.clone(), field: None }
            }
            Error::Sql(_) | Error::Migration(_) | Error::Join(_) | Error::Internal(_) => ErrorBody {
                error: ErrorCode::Internal,
                message: "internal error".into(),
                events: Vec::new(),
                field: None,
            },
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let body = self.body();
        if body.error == ErrorCode::Internal {
            tracing::error!(error = %self, "internal error");
        }
        let retry_after = match &self {
            Error::TooManyRequests { retry_after, .. } | Error::Unavailable { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        };
        let mut response = error_response(body);
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
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

/// Maps a rejection's status to ours, with the message in the API's words.
fn from_rejection(status: StatusCode, message: String) -> Error {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            Error::PayloadTooLarge("the request body is larger than 1 MiB".into())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::UnsupportedMediaType(
            "the body must be JSON, sent as Content-Type: application/json".into(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => Error::Unprocessable(plain_words(&message)),
        s if s.is_server_error() => Error::Internal(message),
        _ => Error::BadRequest(plain_words(&message)),
    }
}

/// Phrases of axum's and serde's messages that speak of Rust, and what to say instead.
const RUST_PHRASES: [(&str, &str); 12] = [
    ("Failed to deserialize the JSON body into the target type: ", ""),
    ("Failed to parse the request body as JSON: ", "the body is not valid JSON: "),
    ("Failed to deserialize query string: ", "bad query string: "),
    ("Failed to deserialize query string", "bad query string"),
    ("Invalid URL: ", "bad path: "),
    ("expected a sequence", "expected an array"),
    ("expected a map", "expected an object"),
    ("expected a boolean", "expected true or false"),
    ("expected a borrowed string", "expected a string"),
    ("invalid type: sequence", "invalid type: array"),
    ("invalid type: map", "invalid type: object"),
    ("invalid type: unit value", "invalid type: null"),
];

/// Rust's number types, as serde names them after "expected", and what JSON calls them.
const RUST_NUMBERS: [(&str, &str); 10] = [
    ("u8", "a whole number from 0 to 255"),
    ("u16", "a whole number from 0 to 65535"),
    ("u32", "a whole number from 0 to 4294967295"),
    ("u64", "a whole number of 0 or more"),
    ("usize", "a whole number of 0 or more"),
    ("i32", "a whole number"),
    ("i64", "a whole number"),
    ("isize", "a whole number"),
    ("f64", "a number"),
    ("f32", "a number"),
];

/// A rejection's message in the API's words: serde's "expected struct X" and "expected enum X"
/// become "an object" and "one of the allowed values", its Rust number types what JSON calls
/// them, and axum's framing is dropped.
pub fn plain_words(message: &str) -> String {
    let mut text = message.to_string();
    for (rust, json) in RUST_PHRASES {
        text = text.replace(rust, json);
    }
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let after_expected = i > 0 && words[i - 1] == "expected";
        let w = words[i];
        if after_expected && (w == "struct" || w == "enum") && i + 1 < words.len() {
            let tail: String =
                words[i + 1].chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let plain = if w == "struct" { "an object" } else { "one of the allowed values" };
            out.push(format!("{plain}{tail}"));
            i += 2;
            continue;
        }
        let core = w.trim_end_matches([',', '.', ';', ':']);
        match RUST_NUMBERS.iter().find(|(rust, _)| after_expected && *rust == core) {
            Some((_, json)) => out.push(format!("{json}{}", &w[core.len()..])),
            None => out.push(w.to_string()),
        }
        i += 1;
    }
    out.join(" ")
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

/// A JSON body, read as the OpenAPI document describes it, and a JSON answer. Rejections
/// answer an [`ErrorBody`]: a body that is not `application/json` is 415, malformed JSON 400,
/// JSON of the wrong shape or types 422 (naming where: `events[0].seq: ...`), a body over the
/// limit 413.
///
/// A whole number written with a fraction of zero (`418.0`) is a JSON Schema `integer`, so it
/// is read as one; serde alone refuses it. Only a body that fails for that reason is read a
/// second time, so a push pays nothing for it.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_type::Essence>().ok())
            .is_some_and(|m| m.is_json());
        if !json {
            return Err(from_rejection(StatusCode::UNSUPPORTED_MEDIA_TYPE, String::new()));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| from_rejection(r.status(), r.body_text()))?;
        read_json(&bytes).map(ApiJson)
    }
}

/// Reads a JSON body (see [`ApiJson`]).
pub fn read_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let first = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    let err = match first {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    if err.inner().is_data() && err.inner().to_string().contains("floating point") {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| json_error(&e, ""))?;
        whole_numbers(&mut value);
        return serde_path_to_error::deserialize(value)
            .map_err(|e| json_error(e.inner(), &e.path().to_string()));
    }
    Err(json_error(err.inner(), &err.path().to_string()))
}

/// A serde error as the API says it: where, then what.
fn json_error(err: &serde_json::Error, path: &str) -> Error {
    let what = plain_words(&err.to_string());
    let message = if path.is_empty() || path == "." { what } else { format!("{path}: {what}") };
    if err.is_syntax() || err.is_eof() || err.is_io() {
        Error::BadRequest(format!("the body is not valid JSON: {message}"))
    } else {
        Error::Unprocessable(message)
    }
}

/// Turns every number with a fraction of zero that fits a 64-bit integer into that integer.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && n.is_f64())
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *n = serde_json::Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Just enough of a media type to tell JSON: `application/json`, `application/x+json`, with
/// any parameters.
mod mime_type {
    pub struct Essence(String);

    impl std::str::FromStr for Essence {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let essence = s.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            if essence.contains('/') { Ok(Essence(essence)) } else { Err(()) }
        }
    }

    impl Essence {
        pub fn is_json(&self) -> bool {
            let Some((kind, sub)) = self.0.split_once('/') else { return false };
            kind == "application" && (sub == "json" || sub.ends_with("+json"))
        }
    }
}

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
            (ErrorCode::UnsupportedMediaType, 415),
            (ErrorCode::Internal, 500),
            (ErrorCode::Unavailable, 503),
        ];
        for (code, status) in cases {
            assert_eq!(status_of(code).as_u16(), status, "{code:?}");
        }
    }

    #[test]
    fn the_wrong_content_type_is_415_and_too_large_is_413() {
        let e = from_rejection(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Expected JSON".into());
        assert!(matches!(e, Error::UnsupportedMediaType(_)));
        assert_eq!(e.body().error, ErrorCode::UnsupportedMediaType);
        let e = from_rejection(StatusCode::PAYLOAD_TOO_LARGE, "length limit".into());
        assert!(matches!(e, Error::PayloadTooLarge(_)));
    }

    #[test]
    fn whole_numbers_with_a_zero_fraction_are_integers() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Push {
            seq: u64,
            qty: i64,
            strokes: Vec<Vec<i32>>,
        }
        let read: Push = read_json(br#"{"seq": 418.0, "qty": -418.0, "strokes": [[1.0, 2]]}"#).expect("read");
        assert_eq!(read, Push { seq: 418, qty: -418, strokes: vec![vec![1, 2]] });
        let half = read_json::<Push>(br#"{"seq": 418.5, "qty": 1, "strokes": []}"#);
        assert!(matches!(&half, Err(Error::Unprocessable(m)) if m.starts_with("seq: ")), "{half:?}");
        let broken = read_json::<Push>(b"{\"seq\": ");
        assert!(
            matches!(&broken, Err(Error::BadRequest(m)) if m.starts_with("the body is not valid JSON")),
            "{broken:?}"
        );
        let nested = read_json::<Push>(br#"{"seq": 1, "qty": 1, "strokes": [["x"]]}"#);
        assert!(
            matches!(&nested, Err(Error::Unprocessable(m)) if m.starts_with("strokes[0][0]: ")),
            "{nested:?}"
        );
    }

    #[test]
    fn json_media_types_are_told_apart() {
        for (mime, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
            ("json", false),
        ] {
            let is = mime.parse::<mime_type::Essence>().is_ok_and(|m| m.is_json());
            assert_eq!(is, json, "{mime}");
        }
    }

    #[test]
    fn messages_name_json_not_rust() {
        let cases = [
            (
                "Failed to deserialize the JSON body into the target type: invalid type: integer `5`, \
                 expected struct PushRequest at line 1 column 1",
                "invalid type: integer `5`, expected an object at line 1 column 1",
            ),
            (
                "Failed to deserialize the JSON body into the target type: events[0].seq: invalid type: \
                 string \"x\", expected u64 at line 1 column 90",
                "events[0].seq: invalid type: string \"x\", expected a whole number of 0 or more at line 1 column 90",
            ),
            (
                "Failed to deserialize the JSON body into the target type: invalid type: map, expected a sequence",
                "invalid type: object, expected an array",
            ),
            ("expected enum EventBody.", "expected one of the allowed values."),
            (
                "unknown variant `x`, expected one of `a`, `b`",
                "unknown variant `x`, expected one of `a`, `b`",
            ),
            ("missing field `device_id`", "missing field `device_id`"),
            (
                "invalid value: integer `-1`, expected u8,",
                "invalid value: integer `-1`, expected a whole number from 0 to 255,",
            ),
        ];
        for (rust, plain) in cases {
            assert_eq!(plain_words(rust), plain, "{rust}");
        }
        for (rust, _) in RUST_NUMBERS {
            let out = plain_words(&format!("expected {rust}"));
            assert!(!out.contains(&format!(" {rust}")), "{rust} left in {out}");
        }
        assert_eq!(plain_words("a note about u64 and struct Foo"), "a note about u64 and struct Foo");
    }
}

//! The OpenAPI 3.1 document of `/api/v1`, served at `GET /api/v1/openapi.json`.
//!
//! Built by utoipa from the handlers' `#[utoipa::path]` attributes and the core's wire types
//! (their schemas come from `onsite-core`'s `openapi` feature), so it cannot drift from the code
//! that answers. The responses listed on each path are the ones that really happen; contract
//! testers (schemathesis) are run against it.

use crate::api;
use axum::response::{IntoResponse, Response};
use onsite_core::wire::{ErrorBody, ErrorCode, EventBody, EventRejection, RejectCode, Role, Window};
use onsite_core::{JobKind, JobStatus, Priority};
use serde_json::{Value, json};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onsite API",
        version = "1",
        description = "Sync and dispatch for Onsite, the offline-first app of field engineers. \
            Every error answers `ErrorBody` JSON. Authenticate with `Authorization: Bearer <token>` from `/api/v1/auth/login`."
    ),
    paths(
        api::auth::login,
        api::auth::logout,
        api::auth::me,
        api::sync::push,
        api::sync::pull,
        api::jobs::create,
        api::jobs::list,
        api::jobs::get,
        api::jobs::assign,
        api::jobs::engineers,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorCode, EventRejection, RejectCode, Role, Window, EventBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Log in and out"),
        (name = "sync", description = "The engineer's phone: push visit events, pull changes"),
        (name = "jobs", description = "The service desk: open, dispatch and follow jobs"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme the paths refer to as `bearer`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token of a Session from /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

/// The document as JSON text, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        add_domain_rules(&mut doc);
        serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into())
    })
}

/// Writes the core's rules that a schema can express into the document: the enums the wire
/// carries as plain strings, and the form's required-text and length limits, taken from the
/// core's own constants. So a request that fits the schema is refused only for a rule no schema
/// can say (an appointment that ends before it starts, an engineer that does not exist).
fn add_domain_rules(doc: &mut Value) {
    use onsite_core::event::{MAX_NOTE, MAX_REASON};
    use onsite_core::job::{MAX_LONG_FIELD, MAX_PHONE, MAX_SHORT_FIELD, MAX_WECHAT};
    let schemas = &mut doc["components"]["schemas"];
    let enumeration = |values: Vec<&str>| json!({"type": "string", "enum": values});
    let kinds = enumeration(JobKind::ALL.iter().map(|k| k.as_str()).collect());
    let priorities = enumeration(Priority::ALL.iter().map(|p| p.as_str()).collect());
    let statuses = enumeration(JobStatus::ALL.iter().map(|s| s.as_str()).collect());
    for name in ["NewJob", "JobWire"] {
        schemas[name]["properties"]["kind"] = kinds.clone();
        schemas[name]["properties"]["priority"] = priorities.clone();
    }
    schemas["JobDetail"]["properties"]["status"] = statuses.clone();
    if let Some(params) = doc["paths"]["/api/v1/jobs"]["get"]["parameters"].as_array_mut() {
        for param in params.iter_mut().filter(|p| p["name"] == "status") {
            param["schema"] = statuses.clone();
        }
    }
    let schemas = &mut doc["components"]["schemas"];

    let text = |max: usize, required: bool| {
        let mut t = json!({"type": "string", "maxLength": max});
        if required {
            t["pattern"] = json!("\\S");
        }
        t
    };
    let new_job = &mut schemas["NewJob"]["properties"];
    for (field, max) in
        [("customer", MAX_SHORT_FIELD), ("contact", MAX_SHORT_FIELD), ("address", MAX_SHORT_FIELD)]
    {
        new_job[field] = text(max, true);
    }
    new_job["phone"] = text(MAX_PHONE, true);
    new_job["fault"] = text(MAX_LONG_FIELD, true);
    for (field, max) in
        [("wechat", MAX_WECHAT), ("device_name", MAX_SHORT_FIELD), ("device_description", MAX_LONG_FIELD)]
    {
        new_job[field] = json!({"type": ["string", "null"], "maxLength": max});
    }

    // EventBody is a oneOf of objects, one per kind; patch the ones with text.
    if let Some(variants) = schemas["EventBody"]["oneOf"].as_array_mut() {
        for variant in variants {
            let props = &mut variant["properties"];
            for (field, max, required) in
                [("text", MAX_NOTE, true), ("result", MAX_NOTE, false), ("reason", MAX_REASON, true)]
            {
                if props.get(field).is_some() {
                    props[field] = text(max, required);
                }
            }
        }
    }
    require_rfc3339(doc);
    let schemas = &mut doc["components"]["schemas"];
    // Sequence numbers start at 1 and are stored as SQLite integers.
    if let Some(parts) = schemas["EventWire"]["allOf"].as_array_mut() {
        for part in parts {
            if part["properties"].get("seq").is_some() {
                part["properties"]["seq"]["minimum"] = json!(1);
                part["properties"]["seq"]["maximum"] = json!(i64::MAX);
            }
        }
    }
}

/// An RFC 3339 date-time, as chrono reads it. JSON Schema's `format` is only an annotation, so
/// without a pattern an empty string would be "schema-valid".
const RFC3339: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

/// Adds [`RFC3339`] to every `date-time` string in the document.
fn require_rfc3339(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("date-time") {
                map.insert("pattern".into(), json!(RFC3339));
            }
            map.values_mut().for_each(require_rfc3339);
        }
        Value::Array(items) => items.iter_mut().for_each(require_rfc3339),
        _ => {}
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], document()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_every_path_and_the_bearer_scheme() {
        let doc: serde_json::Value = serde_json::from_str(document()).unwrap_or_default();
        for path in [
            "/api/v1/auth/login",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
            "/api/v1/sync/push",
            "/api/v1/sync/pull",
            "/api/v1/jobs",
            "/api/v1/jobs/{id}",
            "/api/v1/jobs/{id}/assignee",
            "/api/v1/engineers",
            "/api/v1/openapi.json",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} missing");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["PushRequest"].is_object());
        let new_job = &doc["components"]["schemas"]["NewJob"]["properties"];
        assert_eq!(new_job["kind"]["enum"][4], "it_repair");
        assert_eq!(new_job["customer"]["pattern"], "\\S");
        assert_eq!(new_job["reported_at"]["pattern"], RFC3339);
    }
}

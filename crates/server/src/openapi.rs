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
            Every error answers `ErrorBody` JSON. Authenticate with `Authorization: Bearer <token>` from `/api/v1/auth/login` \
            (an access token for 15 minutes); trade the session's `refresh_token` at `/api/v1/auth/refresh` for a new pair. \
            Requests with a token are rate-limited per token: 429 with `Retry-After`."
    ),
    paths(
        api::auth::login,
        api::auth::refresh,
        api::auth::logout,
        api::auth::me,
        api::auth::change_password,
        api::accounts::list,
        api::accounts::create,
        api::accounts::put_profile,
        api::accounts::put_disabled,
        api::accounts::put_password,
        api::sync::push,
        api::sync::pull,
        api::live::changes,
        api::board::board,
        api::assessment::month_of_all,
        api::assessment::month_of_mine,
        api::assessment::decide,
        api::jobs::create,
        api::jobs::alongside,
        api::jobs::list,
        api::jobs::get,
        api::jobs::assign,
        api::jobs::put_appointment,
        api::jobs::cancel,
        api::jobs::note,
        api::jobs::suggestions,
        api::jobs::engineers,
        api::jobs::history,
        api::jobs::customer_jobs,
        api::parts::list,
        api::parts::put,
        api::parts::issue,
        api::parts::van,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorCode, EventRejection, RejectCode, Role, Window, EventBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Log in and out, change one's password"),
        (name = "accounts", description = "The admin: accounts, roles, areas and duties"),
        (name = "sync", description = "The engineer's phone: push visit events, pull changes"),
        (name = "jobs", description = "The service desk: open, dispatch and follow jobs"),
        (name = "parts", description = "The parts catalogue and engineers' van stock"),
        (name = "assessment", description = "Each engineer's month (考核) and a manager's decisions"),
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
/// carries as plain strings, and the required-text, length and range limits, taken from the
/// core's own constants. So a request that fits the schema is refused only for a rule no schema
/// can say (an appointment that ends before it starts, an engineer that does not exist, a
/// repeated step id, a body whose `sku` is not the path's).
fn add_domain_rules(doc: &mut Value) {
    use onsite_core::event::{MAX_CODE, MAX_FEE_FEN, MAX_NOTE, MAX_QTY, MAX_REASON};
    use onsite_core::job::{MAX_LONG_FIELD, MAX_PHONE, MAX_SHORT_FIELD, MAX_WECHAT};
    use onsite_core::parts::{MAX_ISSUE, MAX_PART_NAME};
    use onsite_core::signoff::{MAX_COVERS, MAX_PAD, MAX_SIGNER, MAX_STROKES};
    use onsite_core::sla::SlaState;
    use onsite_core::steps::{MAX_STEP_ID, MAX_STEP_TITLE, MAX_STEPS};

    let enumeration = |values: Vec<&str>| json!({"type": "string", "enum": values});
    let kinds = enumeration(JobKind::ALL.iter().map(|k| k.as_str()).collect());
    let priorities = enumeration(Priority::ALL.iter().map(|p| p.as_str()).collect());
    let statuses = enumeration(JobStatus::ALL.iter().map(|s| s.as_str()).collect());
    let text = |max: usize, required: bool| {
        let mut t = json!({"type": "string", "maxLength": max});
        if required {
            t["pattern"] = json!("\\S");
        }
        t
    };
    let schemas = &mut doc["components"]["schemas"];
    for name in ["NewJob", "JobWire"] {
        set(schemas, name, "kind", kinds.clone());
        set(schemas, name, "priority", priorities.clone());
    }
    set(schemas, "JobDetail", "status", statuses.clone());
    set(schemas, "VisitReport", "status", statuses.clone());

    for (field, max) in
        [("customer", MAX_SHORT_FIELD), ("contact", MAX_SHORT_FIELD), ("address", MAX_SHORT_FIELD)]
    {
        set(schemas, "NewJob", field, text(max, true));
    }
    set(schemas, "NewJob", "phone", text(MAX_PHONE, true));
    set(schemas, "NewJob", "fault", text(MAX_LONG_FIELD, true));
    for (field, max) in
        [("wechat", MAX_WECHAT), ("device_name", MAX_SHORT_FIELD), ("device_description", MAX_LONG_FIELD)]
    {
        set(schemas, "NewJob", field, json!({"type": ["string", "null"], "maxLength": max}));
    }
    // A checklist of the desk's own: at most MAX_STEPS steps with non-blank ids and titles.
    let checklist = json!({"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Step"}, "maxItems": MAX_STEPS});
    set(schemas, "NewJob", "checklist", checklist.clone());
    set(schemas, "JobWire", "checklist", checklist);
    set(schemas, "Step", "id", text(MAX_STEP_ID, true));
    set(schemas, "Step", "zh", text(MAX_STEP_TITLE, true));
    set(schemas, "Step", "en", text(MAX_STEP_TITLE, true));

    set(schemas, "Part", "sku", text(MAX_CODE, true));
    set(schemas, "Part", "zh", text(MAX_PART_NAME, true));
    set(schemas, "Part", "en", text(MAX_PART_NAME, true));
    set(schemas, "VanIssue", "part", text(MAX_CODE, true));
    set(
        schemas,
        "VanIssue",
        "qty",
        json!({"type": "integer", "format": "int64", "minimum": -MAX_ISSUE, "maximum": MAX_ISSUE, "not": {"const": 0}}),
    );

    // EventBody is a oneOf, one variant per kind; patch the fields that carry a rule.
    let rules = [
        ("text", text(MAX_NOTE, true)),
        ("result", text(MAX_NOTE, false)),
        ("reason", text(MAX_REASON, true)),
        ("step", text(MAX_STEP_ID, true)),
        ("part", text(MAX_CODE, true)),
        ("serial", json!({"type": ["string", "null"], "maxLength": MAX_CODE, "pattern": "\\S"})),
        ("receipt_no", text(MAX_CODE, true)),
        ("qty", json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_QTY})),
        ("amount_fen", json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_FEE_FEN})),
    ];
    if let Some(variants) = schemas["EventBody"]["oneOf"].as_array_mut() {
        for variant in variants {
            // Only variants with their own properties: indexing a missing key would add a null.
            let Some(props) = variant.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (field, rule) in &rules {
                if let Some(prop) = props.get_mut(*field) {
                    *prop = rule.clone();
                }
            }
        }
    }
    set(schemas, "SignOff", "signer", text(MAX_SIGNER, true));
    set(schemas, "SignOff", "result", text(MAX_NOTE, false));
    set(schemas, "SignOff", "comment", text(MAX_NOTE, false));
    set(schemas, "SignOff", "hash", json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}));
    set(
        schemas,
        "SignOff",
        "covers",
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Coverage"}, "maxItems": MAX_COVERS}),
    );
    for field in ["speed", "attitude", "result"] {
        set(schemas, "Ratings", field, json!({"type": "integer", "minimum": 1, "maximum": 5}));
    }
    for field in ["w", "h"] {
        set(schemas, "Signature", field, json!({"type": "integer", "minimum": 1, "maximum": MAX_PAD}));
    }
    set(
        schemas,
        "Signature",
        "strokes",
        // At least one stroke of at least one point: an empty signature is refused (422).
        json!({"type": "array", "minItems": 1, "maxItems": MAX_STROKES, "items": {"type": "array", "minItems": 2, "items": {"type": "integer", "format": "int32"}}}),
    );

    use onsite_core::wire::{MAX_LOGIN, MAX_PASSWORD, MAX_TOKEN};
    set(schemas, "LoginRequest", "login", json!({"type": "string", "maxLength": MAX_LOGIN}));
    set(schemas, "LoginRequest", "password", json!({"type": "string", "maxLength": MAX_PASSWORD}));
    set(schemas, "RefreshRequest", "refresh_token", json!({"type": "string", "maxLength": MAX_TOKEN}));
    set(schemas, "AssignRequest", "assignee", json!({"type": "string", "maxLength": MAX_LOGIN}));
    set(schemas, "NewJob", "assignee", json!({"type": ["string", "null"], "maxLength": MAX_LOGIN}));

    // The desk's actions: a reason where the rule asks one, at most MAX_DESK_NOTE characters.
    use onsite_core::desk::{Channel, Closure, DeskAction, EngineerState, MAX_DESK_NOTE};
    let channels = enumeration(Channel::ALL.iter().map(|c| c.as_str()).collect());
    set(
        schemas,
        "NewJob",
        "channel",
        json!({"type": ["string", "null"], "enum": Channel::ALL.iter().map(|c| Some(c.as_str())).chain([None]).collect::<Vec<_>>()}),
    );
    set(schemas, "DeskRecord", "channel", channels);
    set(
        schemas,
        "NewJob",
        "remote_fix",
        json!({"type": ["string", "null"], "maxLength": MAX_DESK_NOTE, "pattern": "\\S"}),
    );
    set(schemas, "AssignRequest", "reason", text(MAX_DESK_NOTE, false));
    set(schemas, "CancelRequest", "reason", text(MAX_DESK_NOTE, true));
    set(schemas, "AppointmentRequest", "reason", text(MAX_DESK_NOTE, true));
    set(schemas, "DeskNote", "text", text(MAX_DESK_NOTE, false));
    set(
        schemas,
        "DeskNote",
        "action",
        enumeration(vec![DeskAction::Note.as_str(), DeskAction::ManagerTold.as_str()]),
    );
    set(schemas, "DeskEntry", "action", enumeration(DeskAction::ALL.iter().map(|a| a.as_str()).collect()));
    set(schemas, "Suggestion", "state", enumeration(EngineerState::ALL.iter().map(|s| s.as_str()).collect()));
    set(schemas, "Closed", "how", enumeration(Closure::ALL.iter().map(|c| c.as_str()).collect()));

    let slas = enumeration(SlaState::NAMES.to_vec());
    if let Some(params) = doc["paths"]["/api/v1/jobs"]["get"]["parameters"].as_array_mut() {
        for param in params.iter_mut() {
            if param["name"] == "status" {
                param["schema"] = statuses.clone();
            } else if param["name"] == "sla" {
                param["schema"] = slas.clone();
            } else if param["name"] == "engineer" {
                param["schema"] = json!({"type": "string", "maxLength": MAX_LOGIN});
            }
        }
    }
    if let Some(params) = doc["paths"]["/api/v1/parts/{sku}"]["put"]["parameters"].as_array_mut() {
        for param in params.iter_mut().filter(|p| p["name"] == "sku") {
            param["schema"] = text(MAX_CODE, true);
        }
    }
    for path in ["/api/v1/engineers/{login}/van"] {
        for op in doc["paths"][path].as_object_mut().into_iter().flat_map(|ops| ops.values_mut()) {
            for param in op["parameters"].as_array_mut().into_iter().flatten() {
                if param["name"] == "login" {
                    param["schema"] = json!({"type": "string", "maxLength": MAX_LOGIN});
                }
            }
        }
    }
    add_rate_limit_answers(doc);
    add_media_type_answers(doc);
    require_rfc3339(doc);
    let schemas = &mut doc["components"]["schemas"];
    // Sequence numbers start at 1 and are stored as SQLite integers.
    if let Some(parts) = schemas["EventWire"]["allOf"].as_array_mut() {
        for part in parts {
            if let Some(seq) = part.get_mut("properties").and_then(|p| p.get_mut("seq")) {
                seq["minimum"] = json!(1);
                seq["maximum"] = json!(i64::MAX);
            }
        }
    }
}

/// Every operation that takes a bearer token may answer 429 (the per-token rate limit), with
/// `Retry-After`.
fn add_rate_limit_answers(doc: &mut Value) {
    let answer = json!({
        "description": "Too many requests for this token: wait `Retry-After` seconds",
        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    add_answer(doc, "security", "429", &answer);
}

/// Every operation that reads a JSON body answers 415 to a body of another content type.
fn add_media_type_answers(doc: &mut Value) {
    let answer = json!({
        "description": "The body is not `application/json`",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    add_answer(doc, "requestBody", "415", &answer);
}

/// Adds the answer `status` to every operation that has the key `having`.
fn add_answer(doc: &mut Value, having: &str, status: &str, answer: &Value) {
    let ops = doc["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut());
    for op in ops.filter_map(Value::as_object_mut).flat_map(|ops| ops.values_mut()) {
        if op.get(having).is_some()
            && let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut)
        {
            responses.insert(status.into(), answer.clone());
        }
    }
}

/// Replaces one property's schema, keeping its description; a schema or property that does not
/// exist is left alone (never created half-formed).
fn set(schemas: &mut Value, schema: &str, field: &str, rule: Value) {
    let Some(prop) =
        schemas.get_mut(schema).and_then(|s| s.get_mut("properties")).and_then(|p| p.get_mut(field))
    else {
        return;
    };
    let description = prop.get("description").cloned();
    *prop = rule;
    if let Some(d) = description {
        prop["description"] = d;
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
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
            "/api/v1/sync/push",
            "/api/v1/sync/pull",
            "/api/v1/jobs",
            "/api/v1/jobs/{id}",
            "/api/v1/jobs/{id}/assignee",
            "/api/v1/engineers",
            "/api/v1/engineers/{login}/van",
            "/api/v1/parts",
            "/api/v1/parts/{sku}",
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
        let schemas = &doc["components"]["schemas"];
        for name in
            ["Part", "VanIssue", "VanStock", "JobDetail", "VisitReport", "Flag", "SignOff", "Signature"]
        {
            assert!(schemas[name].is_object(), "{name} missing");
        }
        assert_eq!(schemas["VanIssue"]["properties"]["qty"]["not"]["const"], 0);
        assert_eq!(schemas["LoginRequest"]["properties"]["password"]["maxLength"], 1024);
        assert!(doc["paths"]["/api/v1/sync/push"]["post"]["responses"]["429"].is_object());
        // Log-in has no token, but answers 429 to too many failures (documented by its handler).
        assert!(doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["429"].is_object());
        assert!(doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["503"].is_object());
        assert!(doc["paths"]["/api/v1/sync/push"]["post"]["responses"]["415"].is_object());
        assert!(doc["paths"]["/api/v1/sync/pull"]["get"]["responses"]["415"].is_null());
        assert_eq!(schemas["Part"]["properties"]["sku"]["maxLength"], 64);
        // Every variant of EventBody is a schema: none got a null `properties` by patching.
        for variant in schemas["EventBody"]["oneOf"].as_array().into_iter().flatten() {
            assert!(variant.get("properties").is_none_or(Value::is_object), "{variant}");
        }
        let params =
            doc["paths"]["/api/v1/jobs"]["get"]["parameters"].as_array().cloned().unwrap_or_default();
        let sla = params.iter().find(|p| p["name"] == "sla").map(|p| p["schema"]["enum"].clone());
        assert_eq!(sla, Some(json!(["on_track", "due_soon", "met", "missed"])));
        let mut ids: Vec<&str> = doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(|path| path.as_object())
            .flat_map(|ops| ops.values())
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "operation ids are unique: {ids:?}");
    }
}

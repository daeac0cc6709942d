//! The OpenAPI 3.1 document, generated from the route table and the wire types' JSON
//! Schemas (the same types the handlers parse and answer with).

use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};
use shared::api::ErrorBody;

use crate::routes::{Body, ROUTES};

pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()).into_generator();
    let error_schema = generator.subschema_for::<ErrorBody>().to_value();
    let mut paths = Map::new();
    for route in ROUTES {
        let mut op = Map::new();
        op.insert("operationId".into(), json!(format!("{}_{}", route.method.to_lowercase(), route.path.trim_start_matches("/api/v1/").replace(['/', '{', '}', '.'], "_"))));
        op.insert("summary".into(), json!(route.summary));
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(route.query.iter().map(|(name, desc)| json!({"name": name, "in": "query", "required": false, "description": desc, "schema": query_schema(route.path, name, &mut generator)})));
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if !route.public {
            op.insert("security".into(), json!([{"bearer": []}]));
        }
        match route.request {
            Body::None => {}
            Body::Json(schema) => {
                op.insert("requestBody".into(), json!({"required": true, "content": {"application/json": {"schema": schema(&mut generator).to_value()}}}));
            }
            Body::File(types) => {
                let content: Map<String, Value> = types.iter().map(|t| (t.to_string(), json!({"schema": {"type": "string", "format": "binary"}}))).collect();
                op.insert("requestBody".into(), json!({"required": true, "content": content}));
            }
        }
        let success = match route.response {
            Body::None => json!({"description": "OK"}),
            Body::Json(schema) => json!({"description": "OK", "content": {"application/json": {"schema": schema(&mut generator).to_value()}}}),
            Body::File(types) => {
                let content: Map<String, Value> = types.iter().map(|t| (t.to_string(), json!({"schema": {"type": "string"}}))).collect();
                json!({"description": "OK", "content": content})
            }
        };
        let error = json!({"description": "Error", "content": {"application/json": {"schema": error_schema.clone()}}});
        op.insert("responses".into(), json!({ route.status.to_string(): success, "default": error }));
        let item = paths.entry(route.path.to_string()).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(route.method.to_lowercase(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Allot API", "version": shared::api::API_VERSION, "description": "Customer allocation for sales teams. Every route but health and openapi.json needs `Authorization: Bearer <HS256 JWT>` with claims tenant, sub, role, exp."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": generator.take_definitions(true),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        }
    })
}

/// The schema of a query parameter, from what the parser accepts (the same constants and
/// types), so clients and the fuzzer see the real bounds and choices: a search text's
/// length, page sizes, the lifecycle, tier and intent values, the flags. Every other
/// parameter is text the parser checks itself.
fn query_schema(path: &str, name: &str, generator: &mut schemars::generate::SchemaGenerator) -> Value {
    let day = json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"});
    match name {
        // The board's owner is a scope; the customer list's may also be a user id.
        "owner" if path.ends_with("/board") => json!({"type": "string", "enum": ["me", "mine", "team", "all", "any"]}),
        "scope" => json!({"type": "string", "enum": ["me", "team"]}),
        "format" if path.ends_with("/template") => json!({"type": "string", "enum": ["csv", "xlsx"]}),
        "format" => json!({"type": "string", "enum": ["json", "csv"]}),
        "document" => generator.subschema_for::<shared::api::DocumentKind>().to_value(),
        "limit" if path.ends_with("/history") => json!({"type": "integer", "minimum": 1, "maximum": shared::api::HISTORY_PAGE_MAX}),
        "before" if path.ends_with("/recent") => json!({"type": "string", "pattern": "^[0-9]+-[0-9]+$"}),
        "before" => json!({"type": "integer", "minimum": 1}),
        "from" | "to" => day,
        "days" => json!({"type": "integer", "minimum": 1, "maximum": shared::reports::MAX_DAYS}),
        "team" => json!({"type": "string", "pattern": "^[A-Za-z0-9._@-]{1,64}$"}),
        "q" => json!({"type": "string", "maxLength": shared::search::MAX_QUERY_CHARS}),
        "limit" => json!({"type": "integer", "minimum": 1, "maximum": shared::api::MAX_PAGE}),
        "per_stage" => json!({"type": "integer", "minimum": 1, "maximum": crate::board::MAX_PER_STAGE}),
        "status" => generator.subschema_for::<shared::customer::Lifecycle>().to_value(),
        "tier" => generator.subschema_for::<shared::customer::Tier>().to_value(),
        "intent" => generator.subschema_for::<shared::customer::Intent>().to_value(),
        "dry_run" | "to_pool" | "resegment" => json!({"type": "boolean"}),
        _ => json!({"type": "string"}),
    }
}

//! HTTP plumbing: JSON answers, bounded body reading, strict JSON parsing with paths.

use serde::de::DeserializeOwned;
use shared::field_error::FieldError;
use worker::Request;

use crate::error::{ApiError, ApiResult};

/// JSON request bodies larger than this are refused with 413.
pub const MAX_JSON_BYTES: usize = 1 << 20;

pub use crate::reply::{bytes, json};

/// Reads the whole body, refusing it with 413 past `limit`: by header first, then by what
/// actually arrives, chunk by chunk, so a client that lies or streams is cut off at the
/// limit instead of being held whole first.
pub async fn read_body(req: &mut Request, limit: usize) -> ApiResult<Vec<u8>> {
    use futures_util::StreamExt;
    let too_large = || ApiError::TooLarge(format!("the body is larger than {limit} bytes, the limit here"));
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // No body at all (the runtime gives no stream) reads as empty.
    let Ok(mut stream) = req.stream() else { return Ok(Vec::new()) };
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest { code: "bad_body", message: format!("the body could not be read: {e}") })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a JSON body strictly: bad UTF-8, malformed JSON, wrong types and unknown fields
/// are all 400s that name the problem and its path.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let body = read_body(req, MAX_JSON_BYTES).await?;
    parse_json(&body)
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let text = std::str::from_utf8(body).map_err(|e| ApiError::BadRequest { code: "invalid_utf8", message: format!("the body is not valid UTF-8 ({e})") })?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest { code: "malformed_json", message: "the body is empty; a JSON object was expected".into() });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::BadRequest { code: "malformed_json", message: format!("the body is not valid JSON: {inner}") }
        } else {
            let path = if path == "." { String::new() } else { path };
            ApiError::Invalid(vec![FieldError::new(path, "wrong_type", inner.to_string())])
        }
    })?;
    de.end().map_err(|e| ApiError::BadRequest { code: "malformed_json", message: format!("trailing data after the JSON value: {e}") })?;
    Ok(value)
}

/// Decoded query pairs of a request URL.
pub fn query_pairs(req: &Request) -> ApiResult<Vec<(String, String)>> {
    let url = req.url()?;
    Ok(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// A true/false query parameter: absent, `false` or `0` is false; `true`, `1` or empty is
/// true; anything else is a 400.
pub fn flag(pairs: &[(String, String)], name: &str) -> ApiResult<bool> {
    match pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(other) => Err(ApiError::BadRequest { code: "invalid", message: format!("{name}={other}: use true or false") }),
    }
}

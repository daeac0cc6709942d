//! JSON and byte answers: the leaf every answer goes through, the error mapping included.

use serde::Serialize;
use worker::{Headers, Response};

pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"serialisation failed"}}"#.into());
    bytes(status, "application/json; charset=utf-8", body.into_bytes())
}

// The last resort when not even an empty answer can be built: a plain 500 with a constant
// body and status cannot fail, and there is no answer left to report a failure with.
#[allow(clippy::expect_used)]
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "no-store");
    match Response::from_bytes(body) {
        Ok(r) => r.with_status(status).with_headers(headers),
        Err(_) => Response::empty().map(|r| r.with_status(500)).unwrap_or_else(|_| Response::error("internal", 500).expect("a plain response")),
    }
}

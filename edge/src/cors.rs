//! CORS for portals that embed the widget from another origin.
//!
//! The gate is not CORS but the dispatch (`lib.rs`): a request from a page on an origin
//! the authenticated tenant does not list is refused before it does anything (403
//! `origin_not_allowed`). Every answer can therefore be readable by the page that asked:
//! it is either that refusal, an answer that carries nothing of a tenant (health, the
//! OpenAPI document, a 401 before the caller is known), or the answer to an allowed
//! origin. That is also why a widget on a page not (yet) allowed can say why it failed
//! instead of showing a network error. A preflight carries no token, so it cannot name
//! the tenant: it is answered for any origin. Same-origin use needs none of it.

use worker::Response;

pub fn preflight(origin: Option<&str>) -> Response {
    let response = Response::empty().map(|r| r.with_status(204)).unwrap_or_else(|_| crate::http::json(204, &()));
    let headers = response.headers().clone();
    if let Some(origin) = origin {
        let _ = headers.set("access-control-allow-origin", origin);
        let _ = headers.set("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        let _ = headers.set("access-control-allow-headers", "authorization, content-type, idempotency-key");
        let _ = headers.set("access-control-max-age", "600");
        let _ = headers.set("vary", "origin");
    }
    response.with_headers(headers)
}

/// Lets the page that asked read the answer (see the module comment for why that is
/// safe for every answer the dispatch gives).
pub fn apply(response: Response, origin: Option<&str>) -> Response {
    let Some(origin) = origin else { return response };
    let headers = response.headers().clone();
    let _ = headers.set("access-control-allow-origin", origin);
    let _ = headers.set("access-control-expose-headers", "content-type, content-disposition, retry-after, x-allot-resegment, x-allot-resegmented");
    let _ = headers.set("vary", "origin");
    response.with_headers(headers)
}

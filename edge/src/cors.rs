//! CORS for portals that embed the widget from another origin.
//!
//! A preflight carries no token, so it cannot name the tenant: it is answered for any
//! origin, and the real answer carries `Access-Control-Allow-Origin` only when the
//! authenticated tenant lists that origin. The browser then refuses to hand any other
//! origin the body. Same-origin use (the widget served by this worker) needs none of it.

use worker::Response;

pub fn preflight(origin: Option<&str>) -> Response {
    let response = Response::empty().map(|r| r.with_status(204)).unwrap_or_else(|_| crate::http::json(204, &()));
    let headers = response.headers().clone();
    if let Some(origin) = origin {
        let _ = headers.set("access-control-allow-origin", origin);
        let _ = headers.set("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        let _ = headers.set("access-control-allow-headers", "authorization, content-type");
        let _ = headers.set("access-control-max-age", "600");
        let _ = headers.set("vary", "origin");
    }
    response.with_headers(headers)
}

pub fn apply(response: Response, origin: Option<&str>, allowed: &[String]) -> Response {
    let Some(origin) = origin else { return response };
    if !allowed.iter().any(|a| a.trim_end_matches('/') == origin) {
        return response;
    }
    let headers = response.headers().clone();
    let _ = headers.set("access-control-allow-origin", origin);
    let _ = headers.set("access-control-expose-headers", "content-type, content-disposition");
    let _ = headers.set("vary", "origin");
    response.with_headers(headers)
}

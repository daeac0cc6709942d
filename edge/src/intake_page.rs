//! The hosted page of an intake key: `/f/<key>` is a complete, mobile-first form page
//! (the intake element on a page Allot serves, titled and coloured by the key's
//! settings, in Chinese or English by the browser's language) for platforms that take
//! only a link or an iframe, and for QR codes; `/f/<key>/qr.svg` is that QR code.
//!
//! The page runs under a strict CSP: scripts and connections to this origin only, its
//! one `<style>` by nonce; `frame-ancestors` is the key's origins when it lists any.

use qrcodegen::{QrCode, QrCodeEcc};
use shared::rate::RateClass;
use worker::{Env, Request, Response};

use crate::error::{ApiError, ApiResult};

pub async fn serve(req: &Request, env: &Env, rest: &str) -> ApiResult<Response> {
    if !matches!(req.method(), worker::Method::Get | worker::Method::Head) {
        return Err(ApiError::MethodNotAllowed);
    }
    let (text, qr) = match rest.strip_suffix("/qr.svg") {
        Some(text) => (text, true),
        None => (rest.trim_end_matches('/'), false),
    };
    // One address's views first, before the D1 read: a script reloading the page uses up
    // its own budget, never the form's.
    let claimed = shared::intake::parse_key(text).map_or("?", |(id, _)| id);
    crate::limits::spend(env, RateClass::IntakeAddress, format!("page\u{1f}{claimed}\u{1f}{}", crate::limits::address_key(req))).await?;
    let key = match crate::intake::find(env, text).await {
        Ok(key) => key,
        Err(_) => {
            crate::limits::spend(env, RateClass::Unauthenticated, crate::limits::address_key(req)).await?;
            return Ok(html(404, &gone(english(req)), None));
        }
    };
    crate::limits::spend(env, RateClass::IntakeKey, format!("page\u{1f}{}", key.id)).await?;
    let origin = req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    let settings = key.settings()?;
    if qr {
        let svg = qr_svg(&format!("{origin}/f/{text}"))?;
        let response = crate::http::bytes(200, "image/svg+xml", svg.into_bytes());
        let headers = response.headers().clone();
        let _ = headers.set("cache-control", "public, max-age=300");
        return Ok(response.with_headers(headers));
    }
    let english = english(req);
    let nonce = nonce()?;
    let title = settings.page.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| if english { "Contact us".into() } else { "联系我们".into() });
    let intro = settings.page.intro.clone().unwrap_or_else(|| {
        if english {
            "Leave your details and we will get back to you shortly.".into()
        } else {
            "留下您的联系方式，我们会尽快与您联系。".into()
        }
    });
    let accent = settings.page.accent.clone().unwrap_or_else(|| "#2563eb".into());
    let page = format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"theme-color\" content=\"{accent}\">\
         <title>{title}</title><link rel=\"modulepreload\" href=\"/widget/allot.js\">\
         <style nonce=\"{nonce}\">:root{{--allot-accent:{accent}}}*{{box-sizing:border-box}}\
         body{{margin:0;background:#f5f6f8;color:#1f2330;font:16px/1.55 system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif}}\
         main{{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 2rem}}h1{{font-size:1.5rem;margin:.25rem 0 .5rem}}\
         p{{margin:0 0 1rem;color:#4b5260}}allot-allocate{{display:block;min-height:24rem}}</style></head>\
         <body><main><h1>{title}</h1><p>{intro}</p>\
         <allot-allocate mode=\"intake\" key=\"{key}\" fields=\"{fields}\" lang=\"{lang}\"></allot-allocate></main>\
         <script type=\"module\" src=\"/widget/allot.js\"></script></body></html>\n",
        lang = if english { "en" } else { "zh-CN" },
        accent = escape(&accent),
        title = escape(&title),
        intro = escape(&intro),
        key = escape(text),
        fields = settings.fields().join(","),
    );
    let ancestors = if settings.allowed_origins.is_empty() { "*".to_string() } else { format!("'self' {}", settings.allowed_origins.join(" ")) };
    Ok(html(200, &page, Some((&nonce, &ancestors))))
}

/// Whether the browser prefers English to Chinese (`Accept-Language`); Chinese otherwise.
fn english(req: &Request) -> bool {
    let header = req.headers().get("accept-language").ok().flatten().unwrap_or_default().to_lowercase();
    let at = |lang: &str| header.split(',').position(|part| part.trim().starts_with(lang));
    match (at("en"), at("zh")) {
        (Some(en), Some(zh)) => en < zh,
        (Some(_), None) => true,
        _ => false,
    }
}

fn gone(english: bool) -> String {
    let (lang, text) = if english { ("en", "This form is no longer available.") } else { ("zh-CN", "此表单已失效。") };
    format!("<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{text}</title></head><body><main><h1>{text}</h1></main></body></html>\n")
}

fn html(status: u16, page: &str, csp: Option<(&str, &str)>) -> Response {
    let response = crate::http::bytes(status, "text/html; charset=utf-8", page.as_bytes().to_vec());
    let headers = response.headers().clone();
    let policy = match csp {
        Some((nonce, ancestors)) => format!(
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'nonce-{nonce}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
        ),
        None => "default-src 'none'; base-uri 'none'; form-action 'none'".into(),
    };
    if headers.set("content-security-policy", &policy).is_err() {
        // Never a page without its policy.
        return crate::http::bytes(500, "text/plain; charset=utf-8", b"this page's security policy could not be set".to_vec());
    }
    let _ = headers.set("referrer-policy", "no-referrer");
    let _ = headers.set("x-content-type-options", "nosniff");
    let _ = headers.set("cache-control", "no-store");
    response.with_headers(headers)
}

fn nonce() -> ApiResult<String> {
    let bytes: [u8; 16] = crate::intake::random_bytes()?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// An SVG QR code of `url`: dark modules as one path, a quiet zone of four modules.
fn qr_svg(url: &str) -> ApiResult<String> {
    let code = QrCode::encode_text(url, QrCodeEcc::Medium).map_err(|e| ApiError::Internal(format!("qr: {e:?}")))?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

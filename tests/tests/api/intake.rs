//! Publishable intake keys: admins manage them; a key submits new customers and nothing
//! else (every read with it is refused), only from its origins when it lists any, never
//! after it is revoked; a double submit creates one customer; bots get nothing; budgets
//! per key and address answer 429; the hosted page and its QR code are served.

use serde_json::{json, Value};

use allot_tests::harness::Suite;

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.case("intake_keys_submit_and_read_nothing", keys_submit_and_read_nothing).case("intake_keys_keep_to_their_origins_and_budgets", keys_keep_to_their_origins_and_budgets)
}

fn submit(w: &World, key: &str, idempotency: &str, body: &Value) -> allot_tests::Answer {
    w.server.anonymous().with_token(key).post_with_headers("/api/v1/intake", body, &[("idempotency-key", idempotency)])
}

fn person(phone: &str) -> Value {
    json!({"name": "表单访客", "phone": phone, "city": "杭州", "message": "想了解企业版报价", "elapsed_ms": 6000})
}

fn customers_with_phone(w: &World, phone: &str) -> Vec<Value> {
    w.admin.get(&format!("/api/v1/customers?q={phone}&limit=10")).body["items"].as_array().cloned().unwrap_or_default()
}

pub fn keys_submit_and_read_nothing(w: &mut World) {
    // Only admins manage keys.
    let input = json!({"label": "官网表单", "reveal_owner": true, "page": {"title": "预约演示", "accent": "#0f766e"}});
    assert_eq!(w.wang.post("/api/v1/intake-keys", &input).status, 403);
    assert_eq!(w.manager.get("/api/v1/intake-keys").status, 403);
    let bad = w.admin.post("/api/v1/intake-keys", &json!({"label": "", "page": {"fields": ["name"]}}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"), "{}", bad.text);
    let created = w.admin.post("/api/v1/intake-keys", &input);
    assert_eq!(created.status, 201, "{}", created.text);
    let secret = created.body["secret"].as_str().unwrap_or_default().to_string();
    let id = created.body["key"]["id"].as_str().unwrap_or_default().to_string();
    assert!(secret.starts_with("ik_") && secret.contains(&id), "{secret}");
    assert!(created.body["page_url"].as_str().is_some_and(|u| u.ends_with(&format!("/f/{secret}"))));
    let listed = w.admin.get("/api/v1/intake-keys");
    assert_eq!(listed.status, 200);
    assert!(!listed.text.contains(&secret[id.len() + 4..]), "the list never shows a secret");
    assert_eq!(listed.body["items"][0]["label"], json!("官网表单"));

    // A key reads nothing: every GET with it is refused.
    let with_key = w.server.anonymous().with_token(&secret);
    for path in
        ["/api/v1/me", "/api/v1/customers", "/api/v1/settings", "/api/v1/reps", "/api/v1/board", "/api/v1/pool", "/api/v1/reminders", "/api/v1/intake-keys", "/api/v1/users", "/api/v1/reports/funnel"]
    {
        let answer = with_key.get(path);
        assert!(matches!(answer.status, 401 | 403), "{path} with an intake key: {} {}", answer.status, answer.text);
    }
    assert_eq!(with_key.post("/api/v1/customers", &json!({"name": "x", "phone": "13711112222"})).status, 401, "nor writes through the token routes");

    // A submission: received, placed by the tenant's rules, the channel is the label.
    let phone = "13722223333";
    assert_eq!(w.server.anonymous().with_token(&secret).post("/api/v1/intake", &person(phone)).code(), "idempotency_key_required");
    let first = submit(w, &secret, "fill-1", &person(phone));
    assert_eq!((first.status, first.body["received"].as_bool()), (200, Some(true)), "{}", first.text);
    if let Some(contact) = first.body["contact"].as_str() {
        assert!(contact.contains('*'), "the rep's name is masked: {contact}");
    }
    // A double tap, and a second fill with the same phone: one customer, the same answer.
    let again = submit(w, &secret, "fill-1", &person(phone));
    assert_eq!((again.status, &again.body), (200, &first.body), "a retry answers the first receipt");
    let second = submit(w, &secret, "fill-2", &person(phone));
    assert_eq!((second.status, second.body["received"].as_bool()), (200, Some(true)));
    assert_eq!(second.body["contact"].is_string(), first.body["contact"].is_string(), "a known phone answers like a new one: {} vs {}", second.text, first.text);
    let found = customers_with_phone(w, phone);
    assert_eq!(found.len(), 1, "one customer: {found:?}");
    let customer = &found[0];
    assert_eq!((customer["source"].as_str(), customer["region"].as_str()), (Some("官网表单"), Some("east")), "{customer}");
    let cid = customer["id"].as_str().unwrap_or_default();
    let notes = w.admin.get(&format!("/api/v1/customers/{cid}/follow-ups")).body;
    assert_eq!((notes["items"][0]["kind"].as_str(), notes["items"][0]["note"].as_str()), (Some("form"), Some("想了解企业版报价")), "{notes}");
    let trail = w.admin.get(&format!("/api/v1/audit?customer={cid}")).body;
    assert!(trail["items"][0]["actor"].as_str().is_some_and(|a| a.contains(&id)) || trail.to_string().contains(&format!("intake:{id}")), "{trail}");
    assert_eq!(w.admin.get("/api/v1/intake-keys").body["items"][0]["submissions"], json!(1));
    let form_follow_up = w.admin.post(&format!("/api/v1/customers/{cid}/follow-ups"), &json!({"kind": "form", "note": "伪造"}));
    assert_eq!(form_follow_up.status, 400, "people log calls, not form notes: {}", form_follow_up.text);

    // Bots: the honeypot is answered as received and writes nothing; a form sent faster
    // than a person fills one is told to look again.
    let trap = submit(w, &secret, "bot-1", &json!({"name": "bot", "phone": "13733334444", "website": "http://spam.example", "elapsed_ms": 9000}));
    assert_eq!((trap.status, trap.body["received"].as_bool()), (200, Some(true)));
    assert!(customers_with_phone(w, "13733334444").is_empty());
    let fast = submit(w, &secret, "fast-1", &json!({"name": "急", "phone": "13744445555", "elapsed_ms": 200}));
    assert_eq!((fast.status, fast.code()), (422, "too_fast"), "{}", fast.text);
    let unreachable = submit(w, &secret, "none-1", &json!({"name": "无联系方式", "elapsed_ms": 5000}));
    assert_eq!((unreachable.status, unreachable.body["error"]["details"]["fields"][0]["path"].as_str()), (400, Some("phone")), "{}", unreachable.text);

    // The hosted page and its QR code.
    let page = w.server.anonymous().get(&format!("/f/{secret}"));
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html") && page.text.contains("预约演示") && page.text.contains("<allot-allocate mode=\"intake\""), "{}", page.text);
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors *") && !csp.contains("unsafe-inline"), "{csp}");
    let qr = w.server.anonymous().get(&format!("/f/{secret}/qr.svg"));
    assert!(qr.status == 200 && qr.content_type.starts_with("image/svg+xml") && qr.text.starts_with("<svg"), "{} {}", qr.status, qr.content_type);

    // Revoked: nothing more, and the page says so.
    assert_eq!(w.admin.delete(&format!("/api/v1/intake-keys/{id}")).status, 200);
    assert_eq!(submit(w, &secret, "fill-3", &person("13755556666")).status, 401);
    assert_eq!(w.server.anonymous().get(&format!("/f/{secret}")).status, 404);
    assert!(w.admin.get("/api/v1/intake-keys").body["items"][0]["revoked_at"].is_i64());
}

pub fn keys_keep_to_their_origins_and_budgets(w: &mut World) {
    let created = w.admin.post("/api/v1/intake-keys", &json!({"label": "商城", "allowed_origins": ["https://shop.example"], "placement": "pool"}));
    assert_eq!(created.status, 201, "{}", created.text);
    let secret = created.body["secret"].as_str().unwrap_or_default().to_string();
    let from = |origin: Option<&str>, n: u32| {
        let api = w.server.anonymous().with_token(&secret);
        let api = match origin {
            Some(o) => api.from_page(o),
            None => api,
        };
        api.post_with_headers("/api/v1/intake", &json!({"name": "商城访客", "phone": format!("1376666{n:04}"), "elapsed_ms": 5000}), &[("idempotency-key", &format!("o-{n}"))])
    };
    let evil = from(Some("https://evil.example"), 1);
    assert_eq!((evil.status, evil.code()), (403, "origin_not_allowed"), "{}", evil.text);
    assert_eq!(from(None, 2).status, 403, "a listed key is used from its pages only");
    let shop = from(Some("https://shop.example"), 3);
    assert_eq!(shop.status, 200, "{}", shop.text);
    assert_eq!(shop.allow_origin.as_deref(), Some("https://shop.example"));
    let pooled = customers_with_phone(w, "13766660003");
    assert_eq!(pooled.first().map(|c| c["owner"].clone()), Some(Value::Null), "a pool key places into the pool: {pooled:?}");
    assert!(customers_with_phone(w, "13766660001").is_empty() && customers_with_phone(w, "13766660002").is_empty());

    // A key's daily limit, counted in D1: past it, 429 `intake_daily_limit` with
    // Retry-After at the next midnight UTC, when the count starts again; a retry of
    // a submission already taken still gets its receipt.
    let small = w.admin.post("/api/v1/intake-keys", &json!({"label": "限量", "placement": "pool", "daily_limit": 2}));
    let small = small.body["secret"].as_str().unwrap_or_default().to_string();
    let send = |n: u32| submit(w, &small, &format!("d-{n}"), &json!({"name": "限量访客", "phone": format!("1375555{n:04}"), "elapsed_ms": 5000}));
    assert_eq!((send(1).status, send(2).status), (200, 200));
    let third = send(3);
    assert_eq!((third.status, third.code()), (429, "intake_daily_limit"), "{}", third.text);
    let now_s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let until_midnight = 86_400 - now_s % 86_400;
    let retry: u64 = third.retry_after.as_deref().and_then(|r| r.parse().ok()).unwrap_or_default();
    assert!(retry.abs_diff(until_midnight) <= 5, "Retry-After {retry} s, midnight UTC in {until_midnight} s");
    assert_eq!(third.body["error"]["details"]["per_day"], json!(2), "{}", third.text);
    assert_eq!(send(2).status, 200, "a retry of one already taken");
    assert!(customers_with_phone(w, "13755550003").is_empty());

    // One address on one key: 20 a minute, then 429 with Retry-After (honeypot
    // submissions, which write nothing, count like any other).
    let mut statuses = Vec::new();
    for n in 0..(shared::rate::RateClass::IntakeAddress.per_minute() + 1) {
        let answer = w.server.anonymous().with_token(&secret).from_page("https://shop.example").post_with_headers(
            "/api/v1/intake",
            &json!({"name": "bot", "phone": "13799990000", "website": "x", "elapsed_ms": 5000}),
            &[("idempotency-key", &format!("burst-{n}"))],
        );
        statuses.push(answer.status);
        if answer.status == 429 {
            assert_eq!(answer.code(), "rate_limited");
            assert_eq!(answer.retry_after.as_deref(), Some("60"));
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        shared::rate::RateClass::IntakeAddress.per_minute() as usize - 3,
        "{statuses:?} (three submissions from this address came first, two of them refused for their origin: the address pays before anything is read)"
    );
}

//! Personal access links: who may issue them (admins; managers for their team's reps),
//! the exchange for a token (by the link, then by the HttpOnly cookie it sets), and
//! everything that stops a link: revoking it, deactivating its user, a wrong secret.

use serde_json::{json, Value};

use allot_tests::harness::Suite;

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.case("personal_links_are_issued_exchanged_and_stopped", issued_exchanged_and_stopped)
}

fn exchange(w: &World, body: &Value, cookie: Option<&str>) -> allot_tests::Answer {
    let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
    w.server.anonymous().post_with_headers("/api/v1/links/exchange", body, &headers)
}

pub fn issued_exchanged_and_stopped(w: &mut World) {
    // Who may issue.
    assert_eq!(w.wang.post("/api/v1/users/rep-wang/links", &json!({})).status, 403, "not for themselves");
    assert_eq!(w.wang.post("/api/v1/users/rep-chen/links", &json!({})).status, 404, "a colleague is out of a rep's sight");
    assert_eq!(w.manager.post("/api/v1/users/rep-emily/links", &json!({})).status, 404, "another team's rep");
    assert_eq!(w.admin.post("/api/v1/users/rep-wang/links", &json!({"days": 400})).code(), "invalid");
    let issued = w.manager.post("/api/v1/users/rep-wang/links", &json!({"days": 7}));
    assert_eq!(issued.status, 201, "{}", issued.text);
    let url = issued.body["url"].as_str().unwrap_or_default().to_string();
    let link = url.split_once("/m/#").map(|(_, l)| l.to_string()).unwrap_or_default();
    assert!(link.starts_with("pl_"), "{url}");
    let expires = issued.body["link"]["expires_at"].as_i64().unwrap_or_default();
    assert!((expires - allot_tests::now_ms() - 7 * 86_400_000).abs() < 60_000, "seven days: {expires}");
    let listed = w.manager.get("/api/v1/users/rep-wang/links");
    assert_eq!(listed.status, 200);
    assert!(!listed.text.contains(&link[link.len() - 24..]), "the list never shows a secret");

    // The exchange: a token for the link's user; the link comes back as an HttpOnly cookie.
    let first = exchange(w, &json!({"link": link}), None);
    assert_eq!(first.status, 200, "{}", first.text);
    let token = first.body["token"].as_str().unwrap_or_default().to_string();
    let me = w.server.anonymous().with_token(&token).get("/api/v1/me");
    assert_eq!((me.status, me.body["user"].as_str().or(me.body["sub"].as_str()).or(me.body["id"].as_str())), (200, Some("rep-wang")), "{}", me.text);
    let cookie = first.header("set-cookie").unwrap_or_default();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/v1/links/exchange"), "{cookie}");
    let pair = cookie.split(';').next().unwrap_or_default().to_string();
    let again = exchange(w, &json!({}), Some(&pair));
    assert_eq!(again.status, 200, "the cookie alone: {}", again.text);
    assert_eq!(exchange(w, &json!({"link": format!("{}x", &link[..link.len() - 1])}), None).status, 401, "a wrong secret");
    assert_eq!(exchange(w, &json!({}), None).status, 401, "nothing presented");

    // Revoked: the link and its cookie stop.
    let id = issued.body["link"]["id"].as_str().unwrap_or_default();
    assert_eq!(w.wang.delete(&format!("/api/v1/links/{id}")).status, 403, "a rep cannot revoke links");
    assert_eq!(w.manager.delete(&format!("/api/v1/links/{id}")).status, 200);
    assert_eq!(exchange(w, &json!({"link": link}), None).status, 401);
    assert_eq!(exchange(w, &json!({}), Some(&pair)).status, 401);

    // A deactivated user's links stop with them (in tenant acme: the demo's reps stay as
    // the other cases expect them).
    let created = w.acme.post("/api/v1/reps", &json!({"id": "rep-linked", "name": "链接小王", "level": "junior", "capacity": 5}));
    assert_eq!(created.status, 201, "{}", created.text);
    let issued = w.acme.post("/api/v1/users/rep-linked/links", &json!({}));
    let link = issued.body["url"].as_str().and_then(|u| u.split_once("/m/#")).map(|(_, l)| l.to_string()).unwrap_or_default();
    assert_eq!(exchange(w, &json!({"link": link}), None).status, 200);
    assert_eq!(w.acme.patch("/api/v1/reps/rep-linked", &json!({"active": false})).status, 200);
    assert_eq!(exchange(w, &json!({"link": link}), None).status, 401);
}

//! Pages on other origins: the tenant's `allowed_origins` is the gate, enforced before
//! any work, and every answer (errors included) is readable by the page that asked, so
//! a widget can say why it failed.

use allot_tests::harness::Suite;
use serde_json::json;

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.tenant_wide("pages_on_unlisted_origins_are_refused_before_any_work_and_every_answer_is_readable", gate_and_readable_answers)
}

const LISTED: &str = "https://portal.origins-case.example";
const UNLISTED: &str = "https://elsewhere.origins-case.example";

pub fn gate_and_readable_answers(w: &mut World) {
    let settings = w.admin.get("/api/v1/settings").body;
    let mut listed = settings.clone();
    listed["allowed_origins"] = json!([LISTED]);
    let put = w.admin.put("/api/v1/settings", &listed);
    assert_eq!(put.status, 200, "{}", put.text);

    // A listed origin reads its answers.
    let from_portal = w.wang.from_page(LISTED).get("/api/v1/customers?owner=me&limit=1");
    assert_eq!(from_portal.status, 200, "{}", from_portal.text);
    assert_eq!(from_portal.allow_origin.as_deref(), Some(LISTED));
    let target = from_portal.body["items"][0].clone();
    let id = target["id"].as_str().expect("rep-wang owns customers").to_string();

    // Another origin is refused before anything happens, and may read why.
    let read = w.wang.from_page(UNLISTED).get(&format!("/api/v1/customers/{id}"));
    assert_eq!((read.status, read.code()), (403, "origin_not_allowed"), "{}", read.text);
    assert_eq!(read.allow_origin.as_deref(), Some(UNLISTED), "the refusal is readable by the page");
    assert_eq!(read.body["error"]["details"]["origin"], json!(UNLISTED));
    assert!(read.body.get("name").is_none() && !read.text.contains(target["name"].as_str().unwrap_or("?")), "no data in the refusal");
    let write = w.wang.from_page(UNLISTED).patch(&format!("/api/v1/customers/{id}"), &json!({"version": target["version"], "notes": "from a page not allowed"}));
    assert_eq!((write.status, write.code()), (403, "origin_not_allowed"));
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).body["version"], target["version"], "nothing was written");

    // Without an Origin (a server, curl) and from the worker's own origin: no gate.
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).status, 200);
    let own = w.wang.from_page(&w.server.base).get(&format!("/api/v1/customers/{id}"));
    assert_eq!(own.status, 200, "{}", own.text);

    // Errors before the caller is known are readable too: a cross-origin widget can tell
    // an expired token from a deactivated account.
    let anonymous = w.server.anonymous().from_page(UNLISTED).get("/api/v1/me");
    assert_eq!((anonymous.status, anonymous.code()), (401, "unauthorized"));
    assert_eq!(anonymous.allow_origin.as_deref(), Some(UNLISTED));
    let gone = w.server.api(&w.server.token("demo", "rep-origins-gone", shared::ids::Role::Rep));
    let rep = w.admin.post("/api/v1/reps", &json!({"id": "rep-origins-gone", "name": "离职者", "level": "junior", "industries": [], "regions": [], "capacity": 10}));
    assert_eq!(rep.status, 201, "{}", rep.text);
    let off = w.admin.patch("/api/v1/reps/rep-origins-gone", &json!({"active": false}));
    assert_eq!(off.status, 200, "{}", off.text);
    let deactivated = gone.from_page(LISTED).get("/api/v1/me");
    assert_eq!((deactivated.status, deactivated.code()), (401, "deactivated"));
    assert_eq!(deactivated.allow_origin.as_deref(), Some(LISTED), "a 401 carries CORS headers");

    let mut back = w.admin.get("/api/v1/settings").body;
    back["allowed_origins"] = settings["allowed_origins"].clone();
    assert_eq!(w.admin.put("/api/v1/settings", &back).status, 200);
}

//! Who gets in and what they see: the OpenAPI document covers every route, tokens are
//! refused in every malformed or forged shape, tenants never see each other, and each
//! role reads and writes only what its scope allows.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("health_and_openapi_cover_every_route", health_and_openapi)
        .case("auth_matrix", auth_matrix)
        .case("tenant_isolation", tenant_isolation)
        // It counts the seeded users: before any case adds one.
        .seeded("role_matrix", role_matrix)
}

pub fn health_and_openapi(w: &mut World) {
    let anon = w.server.anonymous();
    assert_eq!(anon.get("/api/v1/health").body["ok"], json!(true));
    let doc = anon.get("/api/v1/openapi.json");
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], json!("3.1.0"));
    let paths = doc.body["paths"].as_object().expect("paths");
    let mut documented = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            documented += 1;
            let concrete = path.replace("{id}", "c_does_not_exist");
            let answer = match method.as_str() {
                "get" => w.admin.get(&concrete),
                "delete" => w.admin.delete(&concrete),
                m => w.admin.send(&m.to_uppercase(), &concrete, "application/json", b"{}"),
            };
            let unrouted = answer.status == 405 || (answer.status == 404 && answer.text.contains("no route"));
            assert!(!unrouted, "documented {method} {path} is not routed: {}", answer.text);
            assert!(op["responses"].is_object() && op["summary"].is_string(), "{method} {path} lacks responses");
        }
    }
    assert!(documented >= 13, "only {documented} operations documented");
    // Paths the router answers must be documented: probe near-misses, which must not route.
    for probe in ["/api/v1/customer", "/api/v1/customers/a/b", "/api/v1/nope", "/api/v2/customers", "/api/v1/customers/import/x"] {
        let answer = w.admin.get(probe);
        assert_eq!(answer.status, 404, "{probe} answered {}", answer.status);
        assert_eq!(answer.code(), "not_found");
    }
    // Every schema a route references is in components.
    let text = doc.text.clone();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap_or_default();
        assert!(doc.body["components"]["schemas"][name].is_object(), "missing schema {name}");
    }
}

pub fn auth_matrix(w: &mut World) {
    let anon = w.server.anonymous();
    let good = token(TEST_SECRET, "demo", "rep-wang", Role::Rep, 600);
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    use base64_url as b64;
    let none_alg = format!("{}.{p}.", b64::encode(br#"{"alg":"none","typ":"JWT"}"#));
    let hs512 = format!("{}.{p}.{s}", b64::encode(br#"{"alg":"HS512","typ":"JWT"}"#));
    let rs256 = format!("{}.{p}.{s}", b64::encode(br#"{"alg":"RS256","typ":"JWT"}"#));
    let tampered = format!("{h}.{}.{s}", b64::encode(br#"{"tenant":"demo","sub":"rep-wang","role":"admin","exp":9999999999}"#));
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing header", None),
        ("not bearer", Some(format!("Basic {good}"))),
        ("empty bearer", Some("Bearer ".into())),
        ("malformed", Some("Bearer abc.def".into())),
        ("garbage base64", Some("Bearer !!!.???.***".into())),
        ("alg none", Some(format!("Bearer {none_alg}"))),
        ("alg HS512", Some(format!("Bearer {hs512}"))),
        ("alg RS256", Some(format!("Bearer {rs256}"))),
        ("tampered claims", Some(format!("Bearer {tampered}"))),
        ("other secret", Some(format!("Bearer {}", token("some-other-secret-123", "demo", "rep-wang", Role::Rep, 600)))),
        ("expired", Some(format!("Bearer {}", token(TEST_SECRET, "demo", "rep-wang", Role::Rep, -120)))),
        ("unknown tenant", Some(format!("Bearer {}", token(TEST_SECRET, "ghost", "someone", Role::Admin, 600)))),
        ("other tenant's key", Some(format!("Bearer {h}.{}.{s}", b64::encode(br#"{"tenant":"acme","sub":"rep-wang","role":"rep","exp":9999999999}"#)))),
    ];
    for (name, header) in cases {
        let answer = match &header {
            None => anon.get("/api/v1/customers"),
            Some(value) => anon.get_with_authorization("/api/v1/customers", value),
        };
        assert_eq!(answer.status, 401, "{name}: {}", answer.text);
        assert_eq!(answer.code(), "unauthorized", "{name}");
        error_shape(&answer);
    }
    assert_eq!(anon.get_with_authorization("/api/v1/me", &format!("Bearer {good}")).status, 200);
    let me = w.wang.get("/api/v1/me");
    assert_eq!((me.body["user"].as_str(), me.body["role"].as_str(), me.body["name"].as_str()), (Some("rep-wang"), Some("rep"), Some("王芳")));
}

mod base64_url {
    pub fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}

pub fn tenant_isolation(w: &mut World) {
    let c = created(&w.admin, json!({"name": "隔离测试客户", "phone": "13700000001"}));
    let id = c["id"].as_str().unwrap();
    let answer = w.acme.get(&format!("/api/v1/customers/{id}"));
    assert_eq!(answer.status, 404);
    assert_eq!(w.acme.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "name": "x"})).status, 404);
    assert_eq!(w.acme.delete(&format!("/api/v1/customers/{id}")).status, 404);
    assert!(!walk(&w.acme, "owner=any", 200).contains(&id.to_string()));
    // The same phone is free in another tenant: duplicate keys are per tenant.
    created(&w.acme, json!({"name": "Acme 的客户", "phone": "13700000001"}));
}

pub fn role_matrix(w: &mut World) {
    let wang_c = created(&w.wang, json!({"name": "王芳的客户", "phone": "13700000101"}));
    let emily_c = created(&w.emily, json!({"name": "Emily's customer", "phone": "13700000102"}));
    let pool_c = created(&w.manager, json!({"name": "公海客户", "phone": "13700000103", "owner": null}));
    let (wang_id, emily_id, pool_id) = (wang_c["id"].as_str().unwrap(), emily_c["id"].as_str().unwrap(), pool_c["id"].as_str().unwrap());
    assert_eq!(wang_c["owner"], json!("rep-wang"));
    assert_eq!(pool_c["owner"], Value::Null);

    // Reps: own and pool visible, other reps' not; pool contacts masked.
    assert_eq!(w.chen.get(&format!("/api/v1/customers/{wang_id}")).status, 404);
    let pool_seen = w.chen.get(&format!("/api/v1/customers/{pool_id}"));
    assert_eq!(pool_seen.status, 200);
    assert_eq!((pool_seen.body["phone"].as_str(), pool_seen.body["masked"].as_bool()), (Some("137****0103"), Some(true)));
    let chen_ids = walk(&w.chen, "owner=any", 200);
    assert!(chen_ids.contains(&pool_id.to_string()) && !chen_ids.contains(&wang_id.to_string()));
    // Reps cannot edit pool or others' customers, nor delete, nor assign to others.
    assert_eq!(w.chen.patch(&format!("/api/v1/customers/{pool_id}"), &json!({"version": 1, "name": "抢"})).status, 403);
    assert_eq!(w.wang.delete(&format!("/api/v1/customers/{wang_id}")).status, 403);
    assert_eq!(w.wang.post("/api/v1/customers", &json!({"name": "给别人", "owner": "rep-chen"})).status, 403);
    // The owner edits.
    assert_eq!(w.wang.patch(&format!("/api/v1/customers/{wang_id}"), &json!({"version": 1, "intent": "high"})).status, 200);

    // Manager of sales1: sees and edits sales1 (王芳), not sales2 (Emily).
    assert_eq!(w.manager.get(&format!("/api/v1/customers/{wang_id}")).status, 200);
    assert_eq!(w.manager.get(&format!("/api/v1/customers/{emily_id}")).status, 404);
    assert_eq!(w.manager.patch(&format!("/api/v1/customers/{wang_id}"), &json!({"version": 2, "tier": "key"})).status, 200);
    assert_eq!(w.manager.get(&format!("/api/v1/customers/{pool_id}")).body["masked"], json!(false));
    // Managers assign within their team only.
    let for_chen = created(&w.manager, json!({"name": "分给陈静", "owner": "rep-chen"}));
    assert_eq!(for_chen["owner"], json!("rep-chen"));
    let refused = w.manager.post("/api/v1/customers", &json!({"name": "分给 Emily", "owner": "rep-emily"}));
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(w.manager.post("/api/v1/customers", &json!({"name": "分给不存在的人", "owner": "nobody"})).status, 403);
    // Admin sees everything and assigns anyone; only admins change settings.
    assert_eq!(w.admin.get(&format!("/api/v1/customers/{emily_id}")).status, 200);
    assert_eq!(created(&w.admin, json!({"name": "分给 Emily", "owner": "rep-emily"}))["owner"], json!("rep-emily"));
    let settings = w.manager.get("/api/v1/settings").body;
    assert_eq!(w.manager.put("/api/v1/settings", &settings).status, 403);
    assert_eq!(w.wang.put("/api/v1/settings", &settings).status, 403);
    // Deleting: manager in scope yes, out of scope 404.
    assert_eq!(w.manager.delete(&format!("/api/v1/customers/{emily_id}")).status, 404);
    assert_eq!(w.manager.delete(&format!("/api/v1/customers/{wang_id}")).status, 200);
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{wang_id}")).status, 404);
    // Users directory.
    let users = w.wang.get("/api/v1/users").body;
    assert_eq!(users["items"].as_array().map(Vec::len), Some(10));
}

//! End-to-end API suite against the real worker in workerd (`wrangler dev`, local D1 and
//! KV, temporary state). Run by `cargo xtask test` after the worker is built; alone:
//! `cargo test -p allot-tests --test api [name-filter]`.

#[path = "api/origins.rs"]
mod origins;
#[path = "api/maintenance.rs"]
mod maintenance;
#[path = "api/rates.rs"]
mod rates;

use std::collections::HashSet;

use allot_tests::harness::Suite;
use allot_tests::{start_test_server, token, Api, Server, ServerOptions, TEST_SECRET};
use serde_json::{json, Value};
use shared::ids::Role;

#[path = "api/imports.rs"]
mod imports;
#[path = "api/trust.rs"]
mod trust;
#[path = "api/scale.rs"]
mod scale;
#[path = "api/intake.rs"]
mod intake;

struct World {
    server: Server,
    admin: Api,
    manager: Api,
    wang: Api,
    chen: Api,
    emily: Api,
    acme: Api,
}

impl World {
    fn zhao(&self) -> Api {
        self.server.api(&self.server.token("demo", "rep-zhao", Role::Rep))
    }

    fn new(server: Server) -> World {
        let api = |tenant: &str, user: &str, role| server.api(&server.token(tenant, user, role));
        World {
            admin: api("demo", "admin", Role::Admin),
            manager: api("demo", "mgr-li", Role::Manager),
            wang: api("demo", "rep-wang", Role::Rep),
            chen: api("demo", "rep-chen", Role::Rep),
            emily: api("demo", "rep-emily", Role::Rep),
            acme: api("acme", "acme-admin", Role::Admin),
            server,
        }
    }
}

fn created(api: &Api, body: Value) -> Value {
    let answer = api.post("/api/v1/customers", &body);
    assert_eq!(answer.status, 201, "create {body}: {}", answer.text);
    answer.body
}

fn error_shape(answer: &allot_tests::Answer) {
    assert!(answer.body["error"]["code"].is_string() && answer.body["error"]["message"].is_string(), "not the error shape: {} {}", answer.status, answer.text);
}

fn ids_of(page: &Value) -> Vec<String> {
    page["items"].as_array().map(|a| a.iter().filter_map(|c| c["id"].as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Walks every page of a list and returns the ids in order.
fn walk(api: &Api, query: &str, limit: u32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/customers?{query}&limit={limit}&cursor={c}"),
            None => format!("/api/v1/customers?{query}&limit={limit}"),
        };
        let page = api.get(&path);
        assert_eq!(page.status, 200, "{}", page.text);
        let items = ids_of(&page.body);
        assert!(items.len() <= limit as usize);
        ids.extend(items);
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return ids,
        }
    }
    panic!("pagination never ended");
}

fn main() {
    let server = start_test_server("api");
    let mut world = World::new(server);
    let ok = Suite::default()
        .case("health_and_openapi_cover_every_route", health_and_openapi)
        .case("auth_matrix", auth_matrix)
        .case("tenant_isolation", tenant_isolation)
        .case("role_matrix", role_matrix)
        .case("crud_and_optimistic_concurrency", crud)
        .case("duplicate_conflict_masks_the_owner", duplicates)
        .case("ownership_rules_resolve_collisions", ownership_rules)
        .case("validation_errors_name_fields", validation)
        .case("pagination_walk_returns_each_once", pagination)
        .case("lifecycle_filter_matches_computed_status", lifecycle_filter)
        .case("import_gbk_csv_dry_run_real_and_again", import_gbk)
        .case("import_xlsx_with_bad_rows", import_xlsx)
        .case("import_limits_answer_413_before_the_work", imports::limits)
        .case("import_rep_owns_what_they_import_managers_import_lists", imports::who_may_import)
        .case("export_round_trip", export_round_trip)
        .case("garbage_inputs_get_4xx_never_500", garbage)
        .case("settings_versioning_and_validation", settings)
        .case("reps_directory_roles_and_validation", reps)
        .case("allocation_rules_versioning", allocation_rules)
        .case("allocation_preview_writes_nothing_and_explains", allocation_preview)
        .case("allocation_apply_and_racing_applies", allocation_apply)
        .case("round_robin_cursor_persists_across_runs", round_robin)
        .case("intake_allocation_names_the_rep_and_why", intake)
        .case("claim_release_cooldown_and_audit", claim_release)
        .case("pool_list_standing_transfer_distribute", pool_views)
        .case("fifty_simultaneous_claims_one_winner", fifty_claims)
        .case("claim_storm_respects_daily_limit", claim_storm)
        .case("stage_moves_and_follow_ups", stages_and_follow_ups)
        .case("pipeline_stages_never_vanish_silently", pipeline_stages)
        .case("board_answers_every_card_in_scope", board)
        .case("recycle_job_is_idempotent", recycle)
        .case("collaborators_read_never_edit_and_leave_with_the_owner", collaborators)
        .case("a_deactivated_rep_is_refused_and_leaves_collaborations", deactivation)
        .case("hand_over_moves_every_customer_of_a_rep_to_a_colleague_or_the_pool", hand_over)
        .case("release_racing_transfer_ends_in_a_serial_order", release_vs_transfer)
        .case("claim_racing_recycle_ends_in_a_serial_order", claim_vs_recycle)
        .case("allocation_racing_claims_assigns_each_customer_once", apply_vs_claims)
        .case("each_pool_counts_its_own_daily_claims", pools_have_their_own_limits)
        .case("segment_rules_apply_to_existing_customers", resegment)
        .case("an_unfinished_reclassification_is_finished_by_the_cron", resegment_heal)
        .case("import_takeovers_and_inserts_are_one_batch", imports::one_batch)
        .case("a_reps_dry_run_never_probes_stored_contacts", imports::a_reps_dry_run_never_probes_stored_contacts)
        .case("trust_search_never_matches_a_hidden_contact", trust::search_never_matches_a_hidden_contact)
        .case("trust_a_manager_reads_only_audits_in_scope", trust::a_manager_reads_only_audits_in_scope)
        .case("trust_export_guards_formulas_and_imports_them_back", trust::export_guards_formulas_and_imports_them_back)
        .case("trust_collections_are_bounded_before_work", trust::collections_are_bounded_before_work)
        .case("trust_valid_looking_input_never_causes_a_500", trust::valid_looking_input_never_causes_a_500)
        .case("trust_a_capacity_edit_never_undoes_a_deactivation", trust::a_capacity_edit_never_undoes_a_deactivation)
        .case("trust_reminders_are_rechecked_and_never_crowded_out", trust::reminders_are_rechecked_and_never_crowded_out)
        .case("trust_a_manager_changes_only_their_reps", trust::a_manager_changes_only_their_reps)
        .case("pages_on_unlisted_origins_are_refused_before_any_work_and_every_answer_is_readable", origins::gate_and_readable_answers)
        .case("a_spent_budget_answers_429_with_retry_after_for_that_user_and_class_only", rates::budgets_per_user_and_class)
        .case("a_failing_tenant_never_stops_the_maintenance_of_the_others", maintenance::a_failing_tenant_never_stops_the_others)
        .case("work_that_grows_with_the_tenant_continues_in_the_queue", scale::big_work_continues_in_the_queue)
        .case("intake_keys_submit_and_read_nothing", intake::keys_submit_and_read_nothing)
        .case("intake_keys_keep_to_their_origins_and_budgets", intake::keys_keep_to_their_origins_and_budgets)
        .case("restart_durability", restart)
        .run(&mut world);
    drop(world);
    std::process::exit(if ok { 0 } else { 1 });
}

fn health_and_openapi(w: &mut World) {
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

fn auth_matrix(w: &mut World) {
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

fn tenant_isolation(w: &mut World) {
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

fn role_matrix(w: &mut World) {
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

fn crud(w: &mut World) {
    let c = created(&w.wang, json!({"name": "  增删改查 ", "company": "杭州云启科技有限公司", "industry": "互联网", "region": "杭州", "amount": 50000, "tier": "potential", "intent": "high", "tags": ["a"], "stage": "需求确认"}));
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!((c["name"].as_str(), c["industry"].as_str(), c["region"].as_str(), c["stage"].as_str()), (Some("增删改查"), Some("internet"), Some("east"), Some("qualified")));
    assert_eq!((c["version"].as_i64(), c["lifecycle"].as_str(), c["segment"].as_str(), c["editable"].as_bool()), (Some(1), Some("new"), Some("growth"), Some(true)));
    let got = w.wang.get(&format!("/api/v1/customers/{id}"));
    assert_eq!(got.body, c);
    let patched = w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "amount": 80000, "company": null, "stage": "won"}));
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!((patched.body["version"].as_i64(), patched.body["amount"].as_f64(), patched.body["company"].is_null()), (Some(2), Some(80000.0), true));
    assert!(patched.body["won_at"].is_i64());
    // A second writer with the old version loses, with a clear 409, and changes nothing.
    let stale = w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "amount": 1}));
    assert_eq!((stale.status, stale.code()), (409, "stale"));
    assert_eq!(stale.body["error"]["details"]["current_version"], json!(2));
    assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).body["amount"], json!(80000.0));
    assert_eq!(w.admin.delete(&format!("/api/v1/customers/{id}")).status, 200);
    assert_eq!(w.admin.get(&format!("/api/v1/customers/{id}")).status, 404);
    assert_eq!(w.admin.delete(&format!("/api/v1/customers/{id}")).status, 404);
    // A deleted customer's keys are free again.
    created(&w.wang, json!({"name": "重新录入", "company": "杭州云启科技股份有限公司"}));
}

fn duplicates(w: &mut World) {
    let first = created(&w.wang, json!({"name": "撞单测试一号", "phone": "+86 139-1111-2222", "email": "Dup@Example.cn", "contact_name": "秘密联系人"}));
    let id = first["id"].as_str().unwrap();
    // Another rep, same phone written differently: refused, owner masked, nothing leaked.
    let clash = w.chen.post("/api/v1/customers", &json!({"name": "另一个名字", "phone": "13911112222"}));
    assert_eq!((clash.status, clash.code()), (409, "duplicate"), "{}", clash.text);
    let d = &clash.body["error"]["details"];
    assert_eq!((d["field"].as_str(), d["owner"].as_str(), d["owned_by_you"].as_bool(), d["in_pool"].as_bool()), (Some("phone"), Some("王*"), Some(false), Some(false)));
    assert!(d.get("customer_id").is_none());
    for secret in ["撞单测试一号", "秘密联系人", "dup@example.cn", "rep-wang", "王芳", id] {
        assert!(!clash.text.to_lowercase().contains(&secret.to_lowercase()), "409 leaks {secret}: {}", clash.text);
    }
    // By email, case-insensitively; and the owner hears it is theirs.
    let mine = w.wang.post("/api/v1/customers", &json!({"name": "x", "email": "dup@EXAMPLE.cn"}));
    assert_eq!((mine.status, mine.body["error"]["details"]["owned_by_you"].as_bool()), (409, Some(true)));
    assert_eq!(mine.body["error"]["details"]["customer_id"].as_str(), Some(id));
    // In the pool: say so, so the rep can claim it.
    created(&w.manager, json!({"name": "公海撞单", "company": "深圳万象物流有限公司", "owner": null}));
    let pool = w.chen.post("/api/v1/customers", &json!({"name": "y", "company": "深圳 万象物流 集团"}));
    assert_eq!((pool.status, pool.body["error"]["details"]["in_pool"].as_bool(), pool.body["error"]["details"]["field"].as_str()), (409, Some(true), Some("company")));
    // A patch into someone else's key is refused the same way.
    let other = created(&w.chen, json!({"name": "陈静的客户", "phone": "13922223333"}));
    let clash = w.chen.patch(&format!("/api/v1/customers/{}", other["id"].as_str().unwrap()), &json!({"version": 1, "phone": "139 1111 2222"}));
    assert_eq!((clash.status, clash.code()), (409, "duplicate"));
}

fn validation(w: &mut World) {
    let answer = w.wang.post("/api/v1/customers", &json!({"name": "", "phone": "abc", "email": "nope", "industry": "mining", "amount": -5, "custom": {"x": 1}}));
    assert_eq!((answer.status, answer.code()), (400, "invalid"));
    let paths: Vec<&str> = answer.body["error"]["details"]["fields"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(paths, vec!["name", "phone", "email", "industry", "amount", "custom.x"]);
}

fn pagination(w: &mut World) {
    let mut csv = String::from("客户名称,电话\n");
    for i in 0..130 {
        csv.push_str(&format!("分页客户{i:03},1360000{i:04}\n"));
    }
    let imported = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    assert_eq!(imported.body["created"], json!(130), "{}", imported.text);
    let all = walk(&w.admin, "owner=any", 200);
    for limit in [1, 7, 50] {
        let ids = if limit == 1 { walk(&w.admin, "owner=pool", 1) } else { walk(&w.admin, "owner=any", limit) };
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "limit {limit}: an id appeared twice");
        if limit != 1 {
            assert_eq!(ids, all, "limit {limit}: pages differ from one big page");
        }
    }
    let pool = walk(&w.admin, "owner=pool&q=分页客户", 13);
    assert_eq!(pool.len(), 130);
    let bad = w.admin.get("/api/v1/customers?limit=500");
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
}

fn lifecycle_filter(w: &mut World) {
    let counts: Vec<usize> = ["new", "active", "dormant", "lost"].iter().map(|s| walk(&w.admin, &format!("owner=any&status={s}"), 200).len()).collect();
    let all = walk(&w.admin, "owner=any", 200);
    assert_eq!(counts.iter().sum::<usize>(), all.len(), "statuses must partition customers: {counts:?}");
    for id in walk(&w.admin, "owner=any&status=new", 200).iter().take(20) {
        assert_eq!(w.admin.get(&format!("/api/v1/customers/{id}")).body["lifecycle"], json!("new"));
    }
}

const BAD_ROWS_CSV: &str = "客户名称,电话,公司,行业,地区,预计金额,客户价值\n\
导入甲,135 0000 0001,甲公司,制造业,江苏,10万,大客户\n\
导入乙,135 0000 0002,乙公司,零售业,广东,5000,普通客户\n\
,135 0000 0003,,,,,\n\
导入丁,电话坏了,丁公司,采矿业,火星,abc,金牌\n\
导入戊,+86 135 0000 0001,戊公司,,,,\n\
导入己,135 0000 0006,己公司,Retail,Shanghai,\"1,000\",potential\n";

fn count(api: &Api, query: &str) -> usize {
    walk(api, query, 200).len()
}

fn import_gbk(w: &mut World) {
    let (gbk, _, _) = encoding_rs::GBK.encode(BAD_ROWS_CSV);
    let before = count(&w.wang, "owner=me");
    let dry = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", &gbk);
    assert_eq!(dry.status, 200, "{}", dry.text);
    let b = &dry.body;
    assert_eq!((b["dry_run"].as_bool(), b["rows"].as_u64(), b["created"].as_u64()), (Some(true), Some(6), Some(0)));
    let error_lines: Vec<u64> = b["errors"].as_array().unwrap().iter().filter_map(|e| e["line"].as_u64()).collect();
    assert_eq!(error_lines, vec![4, 5]);
    let bad_paths: Vec<&str> = b["errors"][1]["errors"].as_array().unwrap().iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(bad_paths, vec!["amount", "tier", "phone", "industry", "region"]);
    assert_eq!(b["duplicates"], json!([{"line": 6, "field": "phone", "same_as_line": 2}]));
    assert_eq!(count(&w.wang, "owner=me"), before, "a dry run writes nothing");

    let real = w.wang.send("POST", "/api/v1/customers/import", "text/csv", &gbk);
    assert_eq!(real.body["created"], json!(3), "{}", real.text);
    assert_eq!(count(&w.wang, "owner=me"), before + 3);
    let names: Vec<String> = w.wang.get("/api/v1/customers?owner=me&q=导入").body["items"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str().map(String::from)).collect();
    assert!(names.contains(&"导入甲".to_string()) && names.contains(&"导入己".to_string()), "{names:?}");
    let again = w.wang.send("POST", "/api/v1/customers/import", "text/csv", &gbk);
    assert_eq!(again.body["created"], json!(0), "{}", again.text);
    assert_eq!(again.body["duplicates"].as_array().map(Vec::len), Some(4));
    assert_eq!(count(&w.wang, "owner=me"), before + 3, "the same file twice creates nothing new");
    // Each imported customer has its audit event in the same batch: visible via the owner.
    let imported = w.wang.get("/api/v1/customers?owner=me&q=导入甲").body;
    assert_eq!(imported["items"][0]["created_by"], json!("rep-wang"));
}

fn import_xlsx(w: &mut World) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [["Name", "Mobile", "Company", "Industry", "Amount"], ["XLSX One", "13400000001", "XLSX One Ltd", "Finance", "1000"], ["", "", "", "", ""], ["XLSX Bad", "x", "XLSX Bad Inc", "Finance", "lots"], ["XLSX Two", "13400000002", "XLSX Two Co", "Retail", "2000"]];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let dry = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", ct, &bytes);
    assert_eq!((dry.body["rows"].as_u64(), dry.body["created"].as_u64()), (Some(3), Some(0)), "{}", dry.text);
    assert_eq!(dry.body["errors"][0]["line"], json!(4));
    let real = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", ct, &bytes);
    assert_eq!(real.body["created"], json!(2), "{}", real.text);
    let again = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", ct, &bytes);
    assert_eq!(again.body["created"], json!(0));
    assert_eq!(w.admin.get("/api/v1/customers?owner=pool&q=XLSX").body["items"].as_array().map(Vec::len), Some(2));
    // Not a spreadsheet at all.
    let junk = w.admin.send("POST", "/api/v1/customers/import", ct, b"PK\x03\x04 not really a zip");
    assert_eq!((junk.status, junk.code()), (400, "unreadable_file"));
    let wrong_type = w.admin.send("POST", "/api/v1/customers/import", "image/png", b"x");
    assert_eq!(wrong_type.status, 415);
}

fn export_round_trip(w: &mut World) {
    let answer = w.wang.get("/api/v1/customers/export?owner=me");
    assert_eq!(answer.status, 200);
    assert!(answer.content_type.starts_with("text/csv"), "{}", answer.content_type);
    assert!(answer.text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let lines = answer.text.lines().count() - 1;
    assert_eq!(lines, count(&w.wang, "owner=me"));
    assert!(answer.text.contains("导入甲") && answer.text.contains("制造业"));
    // Import the export back: every row is a duplicate, nothing new.
    let back = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", answer.text.as_bytes());
    assert_eq!(back.status, 200, "{}", back.text);
    assert_eq!((back.body["rows"].as_u64(), back.body["errors"].as_array().map(Vec::len)), (Some(lines as u64), Some(0)), "{}", back.text);
    assert_eq!(back.body["duplicates"].as_array().map(Vec::len), Some(lines));
    // Into another tenant, the same file creates every row, with the same values.
    let fresh = w.acme.send("POST", "/api/v1/customers/import", "text/csv", answer.text.as_bytes());
    assert_eq!(fresh.body["created"].as_u64(), Some(lines as u64), "{}", fresh.text);
    let copy = w.acme.get("/api/v1/customers?q=导入甲").body;
    assert_eq!((copy["items"][0]["industry"].as_str(), copy["items"][0]["region"].as_str(), copy["items"][0]["amount"].as_f64()), (Some("manufacturing"), Some("east"), Some(100_000.0)));
    // English headers work too.
    let en = w.wang.get("/api/v1/customers/export?owner=me&lang=en");
    assert!(en.text.starts_with("\u{feff}Name,Company"));
}

fn garbage(w: &mut World) {
    let post = |ct: &str, body: &[u8]| w.wang.send("POST", "/api/v1/customers", ct, body);
    let cases: Vec<(&str, allot_tests::Answer, u16, &str)> = vec![
        ("malformed", post("application/json", b"{\"name\": "), 400, "malformed_json"),
        ("empty", post("application/json", b""), 400, "malformed_json"),
        ("not an object", post("application/json", b"[1,2]"), 400, "invalid"),
        ("wrong type", post("application/json", br#"{"name": 5}"#), 400, "invalid"),
        ("unknown field", post("application/json", br#"{"name": "a", "nmae": "b"}"#), 400, "invalid"),
        ("bad enum", post("application/json", br#"{"name": "a", "tier": "gold"}"#), 400, "invalid"),
        ("bad utf-8", post("application/json", b"{\"name\": \"\xff\xfe\"}"), 400, "invalid_utf8"),
        ("trailing", post("application/json", br#"{"name": "a"} x"#), 400, "malformed_json"),
        ("huge", post("application/json", &vec![b' '; 2 << 20]), 413, "too_large"),
        ("unknown route", w.wang.get("/api/v1/nothing"), 404, "not_found"),
        ("wrong method", w.wang.send("PUT", "/api/v1/customers", "application/json", b"{}"), 405, "method_not_allowed"),
        ("bad query", w.wang.get("/api/v1/customers?colour=red"), 400, "invalid"),
        ("patch without version", w.wang.patch("/api/v1/customers/c_x", &json!({"name": "a"})), 400, "invalid"),
    ];
    for (name, answer, status, code) in cases {
        assert_eq!((answer.status, answer.code()), (status, code), "{name}: {}", answer.text);
        error_shape(&answer);
    }
    let wrong = w.wang.send("POST", "/api/v1/customers", "application/json", br#"{"name": 5}"#);
    assert_eq!(wrong.body["error"]["details"]["fields"][0]["path"], json!("name"));
    // Random bytes: always a 4xx in the error shape.
    let mut rng = allot_tests::seed::Rng::new(99);
    for i in 0..150 {
        let len = rng.below(200) as usize;
        let mut body: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        if i % 3 == 0 {
            body = format!("{{\"name\": {}, \"amount\": \"{}\"}}", rng.below(10), rng.below(10)).into_bytes();
        }
        let answer = post("application/json", &body);
        assert!((400..500).contains(&answer.status), "case {i}: {} {}", answer.status, answer.text);
        error_shape(&answer);
    }
}

/// 撞单 under each ownership rule (客户归属规则): first entry wins, follow-up history first,
/// region responsibility.
fn ownership_rules(w: &mut World) {
    let set_rule = |rule: &str| {
        let mut s = w.admin.get("/api/v1/settings").body;
        s["ownership_rule"] = json!(rule);
        let saved = w.admin.put("/api/v1/settings", &s);
        assert_eq!((saved.status, saved.body["ownership_rule"].as_str()), (200, Some(rule)), "{}", saved.text);
    };
    // 陈静 (south) entered it and followed up once; it was then transferred to 王芳 (east).
    let c = created(&w.chen, json!({"name": "归属规则客户", "phone": "13955550001", "region": "east"}));
    let id = c["id"].as_str().unwrap();
    assert_eq!(w.chen.post(&format!("/api/v1/customers/{id}/follow-ups"), &json!({"kind": "call", "note": "首次电话"})).status, 201);
    assert_eq!(w.manager.post(&format!("/api/v1/customers/{id}/transfer"), &json!({"to": "rep-wang"})).status, 200);
    let again = json!({"name": "再次录入", "phone": "139 5555 0001"});
    let owner = |w: &World| w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();

    // First entry wins (the default): the owner keeps it.
    let refused = w.chen.post("/api/v1/customers", &again);
    assert_eq!((refused.status, refused.code()), (409, "duplicate"), "{}", refused.text);
    assert_eq!(owner(w), json!("rep-wang"));

    // Follow-up history first: 陈静 has logged a follow-up on it, 王芳 has not.
    set_rule("follow_up_history");
    let taken = w.chen.post("/api/v1/customers", &again);
    assert_eq!((taken.status, taken.body["id"].as_str(), taken.body["owner"].as_str()), (200, Some(id), Some("rep-chen")), "{}", taken.text);
    assert_eq!(taken.body["name"], json!("归属规则客户"), "the record is kept as it was; only the owner changes");
    let audit = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    let last = audit["items"].as_array().and_then(|a| a.last()).cloned().unwrap_or_default();
    assert_eq!((last["action"].as_str(), last["from"].as_str(), last["to"].as_str(), last["rule"].as_str()), (Some("take_over"), Some("rep-wang"), Some("rep-chen"), Some("ownership:follow_up_history")));
    // 王芳 has no follow-up on it: 陈静 keeps it.
    assert_eq!(w.wang.post("/api/v1/customers", &again).code(), "duplicate");
    assert_eq!(owner(w), json!("rep-chen"));

    // Region responsibility: the customer is in the east, which 王芳 covers and 陈静 does not.
    set_rule("region");
    let taken = w.wang.post("/api/v1/customers", &again);
    assert_eq!((taken.status, taken.body["owner"].as_str()), (200, Some("rep-wang")), "{}", taken.text);
    assert_eq!(w.chen.post("/api/v1/customers", &again).code(), "duplicate", "陈静 does not cover the east");
    assert_eq!(owner(w), json!("rep-wang"));

    // An import applies the same rule, row by row: 王芳 imports a new customer, one of
    // 陈静's in the east (taken over) and one of 陈静's in the south (stays 陈静's).
    let east = created(&w.chen, json!({"name": "华东导入客户", "phone": "13955550002", "region": "east"}));
    let south = created(&w.chen, json!({"name": "华南导入客户", "phone": "13955550003", "region": "south"}));
    let csv = "客户名称,电话,地区\n全新导入客户,13955550004,east\n华东再录,13955550002,east\n华南再录,13955550003,south\n";
    // A rep's dry run compares only with customers whose contacts the rep sees: 陈静's
    // are not among them (it would tell which phones exist); the real import reports them.
    let dry = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!((dry.status, dry.body["taken_over"].as_u64(), dry.body["duplicates"].as_array().map(Vec::len)), (200, Some(0), Some(0)), "{}", dry.text);
    let owner_of = |id: &Value| w.admin.get(&format!("/api/v1/customers/{}", id.as_str().unwrap_or_default())).body["owner"].clone();
    assert_eq!(owner_of(&east["id"]), json!("rep-chen"), "a dry run changes nothing");
    let real = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((real.status, real.body["created"].as_u64(), real.body["taken_over"].as_u64()), (200, Some(1), Some(1)), "{}", real.text);
    assert_eq!(real.body["duplicates"], json!([{"line": 3, "field": "phone", "taken_over": east["id"]}, {"line": 4, "field": "phone"}]));
    assert_eq!((owner_of(&east["id"]), owner_of(&south["id"])), (json!("rep-wang"), json!("rep-chen")));
    let again = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((again.body["created"].as_u64(), again.body["taken_over"].as_u64()), (Some(0), Some(0)), "the same file twice changes nothing: {}", again.text);
    // An entry matching two different customers (one by phone, one by email) is
    // ambiguous: neither moves.
    let by_phone = created(&w.chen, json!({"name": "歧义甲", "phone": "13955550005", "region": "east"}));
    let by_email = created(&w.chen, json!({"name": "歧义乙", "email": "ambiguous@example.cn", "region": "east"}));
    let both = w.wang.post("/api/v1/customers", &json!({"name": "两者皆像", "phone": "13955550005", "email": "ambiguous@example.cn"}));
    assert_eq!((both.status, both.code()), (409, "duplicate"), "{}", both.text);
    assert_eq!((owner_of(&by_phone["id"]), owner_of(&by_email["id"])), (json!("rep-chen"), json!("rep-chen")));
    let mut unknown = w.admin.get("/api/v1/settings").body;
    unknown["ownership_rule"] = json!("first_come");
    assert_eq!(w.admin.put("/api/v1/settings", &unknown).status, 400, "unknown rules are refused");
    set_rule("first_entry");
}

/// Segment rules that differ from the defaults: key customers are `vip`, the rest `others`.
fn vip_and_others() -> Value {
    json!([
        {"key": "vip", "zh": "重点客户", "en": "VIP", "cadence_days": 3, "when": [{"field": "tier", "op": "eq", "value": "key"}]},
        {"key": "others", "zh": "其他", "en": "Others", "cadence_days": 30, "when": []}
    ])
}

/// Changing the segment rules classifies every existing customer again, without bumping
/// their versions; putting the old rules back restores the old segments.
fn resegment(w: &mut World) {
    let key = created(&w.wang, json!({"name": "分群客户甲", "tier": "key", "phone": "13966660001"}));
    let low = created(&w.wang, json!({"name": "分群客户乙", "tier": "regular", "intent": "low", "phone": "13966660002"}));
    assert_eq!((key["segment"].as_str(), low["segment"].as_str()), (Some("core"), Some("risk")), "the default rules");
    let original = w.admin.get("/api/v1/settings").body;
    let mut next = original.clone();
    next["segments"] = vip_and_others();
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    let segment_of = |c: &Value| {
        let now = w.wang.get(&format!("/api/v1/customers/{}", c["id"].as_str().unwrap_or_default())).body;
        (now["segment"].as_str().map(String::from), now["version"].as_i64())
    };
    assert_eq!(segment_of(&key), (Some("vip".into()), key["version"].as_i64()), "reclassified, version untouched");
    assert_eq!(segment_of(&low), (Some("others".into()), low["version"].as_i64()));
    assert!(ids_of(&w.wang.get("/api/v1/customers?segment=vip&limit=200").body).contains(&key["id"].as_str().unwrap_or_default().to_string()));
    assert_eq!(w.wang.get("/api/v1/customers?segment=core&limit=5").body["items"], json!([]), "no customer keeps a segment that no longer exists");
    // The old rules back: the old segments back.
    let mut back = original.clone();
    back["version"] = saved.body["version"].clone();
    assert_eq!(w.admin.put("/api/v1/settings", &back).status, 200);
    assert_eq!((segment_of(&key).0, segment_of(&low).0), (Some("core".into()), Some("risk".into())));
    // `?resegment=true` runs the re-classification with unchanged rules (to finish one that
    // failed midway); it changes nothing here. Other values and parameters are refused.
    let current = w.admin.get("/api/v1/settings").body;
    assert_eq!(w.admin.put("/api/v1/settings?resegment=maybe", &current).status, 400);
    assert_eq!(w.admin.put("/api/v1/settings?segments=again", &current).status, 400);
    assert_eq!(w.admin.put("/api/v1/settings?resegment=true", &current).status, 200);
    assert_eq!((segment_of(&key), segment_of(&low).0), ((Some("core".into()), key["version"].as_i64()), Some("risk".into())));
}

/// A re-classification that dies midway (simulated: the server is stopped, one customer
/// gets its old segment back and the tenant's marker is set behind, as a pass that never
/// reached that customer leaves them) is finished by the next Cron Trigger run.
fn resegment_heal(w: &mut World) {
    let customer = created(&w.wang, json!({"name": "分群补跑", "tier": "key", "phone": "13966660009"}));
    let id = customer["id"].as_str().unwrap_or_default().to_string();
    let original = w.admin.get("/api/v1/settings").body;
    let mut next = original.clone();
    next["segments"] = vip_and_others();
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    let segment = |w: &World| w.wang.get(&format!("/api/v1/customers/{id}")).body["segment"].as_str().map(String::from);
    assert_eq!(segment(w), Some("vip".into()));

    let persist = w.server.persist.clone();
    w.server.stop();
    let crash = persist.with_extension("unfinished.sql");
    std::fs::write(
        &crash,
        format!("UPDATE customers SET segment = 'core' WHERE tenant_id = 'demo' AND id = '{id}';\nUPDATE tenants SET segments_version = settings_version - 1 WHERE id = 'demo';\n"),
    )
    .expect("write the simulation");
    allot_tests::execute_sql_file(&persist, &crash).expect("simulate the unfinished pass");
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
    assert_eq!(segment(w), Some("core".into()), "the unfinished pass left the old segment");
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    allot_tests::eventually("the cron finishes the pass", || segment(w) == Some("vip".into()));

    // Back to the rules the other cases expect.
    let mut back = original;
    back["version"] = saved.body["version"].clone();
    assert_eq!(w.admin.put("/api/v1/settings", &back).status, 200);
    assert_eq!(segment(w), Some("core".into()));
}

fn settings(w: &mut World) {
    let current = w.admin.get("/api/v1/settings").body;
    let version = current["version"].as_i64().unwrap();
    let mut next = current.clone();
    next["custom_fields"] = json!([{"key": "level", "label": "等级", "kind": "select", "options": ["A", "B"]}]);
    let saved = w.admin.put("/api/v1/settings", &next);
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["version"].as_i64(), Some(version + 1));
    let stale = w.admin.put("/api/v1/settings", &next);
    assert_eq!((stale.status, stale.code()), (409, "stale"));
    // Admins racing from the same version: exactly one write lands, the rest are stale
    // (KV cannot compare-and-swap; the version is claimed in D1 first).
    for (i, doc) in ["/api/v1/settings", "/api/v1/pool/rules", "/api/v1/allocation/rules"].into_iter().enumerate() {
        let read = w.admin.get(doc).body;
        let racers: Vec<_> = (0..4)
            .map(|n| {
                let (admin, mut body) = (w.admin.clone(), read.clone());
                if i == 0 {
                    body["allowed_origins"] = json!([format!("https://racer{n}.example.com")]);
                }
                std::thread::spawn(move || admin.put(doc, &body))
            })
            .collect();
        let answers: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        let won: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
        assert_eq!(won.len(), 1, "{doc}: {:?}", answers.iter().map(|a| (a.status, a.text.clone())).collect::<Vec<_>>());
        assert!(answers.iter().all(|a| a.status == 200 || a.code() == "stale"), "{doc}");
        let now = w.admin.get(doc).body;
        assert_eq!(now["version"], json!(read["version"].as_i64().unwrap() + 1), "{doc}");
        if i == 0 {
            assert_eq!(now["allowed_origins"], won[0].body["allowed_origins"], "what is stored is the winner's");
        }
    }
    let mut broken = saved.body.clone();
    broken["stages"] = json!([]);
    let bad = w.admin.put("/api/v1/settings", &broken);
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    // The new custom field is validated on writes at once.
    let refused = w.wang.post("/api/v1/customers", &json!({"name": "自定义字段", "custom": {"level": "Z"}}));
    assert_eq!(refused.body["error"]["details"]["fields"][0]["path"], json!("custom.level"));
    assert_eq!(created(&w.wang, json!({"name": "自定义字段", "custom": {"level": "A"}}))["custom"], json!({"level": "A"}));
}

fn restart(w: &mut World) {
    let c = created(&w.wang, json!({"name": "重启之后还在", "phone": "13800009999"}));
    let id = c["id"].as_str().unwrap().to_string();
    let persist = w.server.persist.clone();
    // A hard kill (no graceful shutdown): every acknowledged write must survive.
    w.server.kill_hard();
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
    let got = w.wang.get(&format!("/api/v1/customers/{id}"));
    assert_eq!((got.status, got.body["name"].as_str()), (200, Some("重启之后还在")));
}

fn reps(w: &mut World) {
    let all = w.admin.get("/api/v1/reps");
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(9), "8 reps and a manager");
    let team = w.manager.get("/api/v1/reps").body;
    let ids: Vec<&str> = team["items"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(ids.contains(&"rep-wang") && !ids.contains(&"rep-emily"), "{ids:?}");
    let me = w.wang.get("/api/v1/reps").body;
    assert_eq!(me["items"].as_array().map(Vec::len), Some(1));
    // Held counts come from the data.
    let held = me["items"][0]["held"].as_u64().unwrap();
    assert_eq!(held as usize, walk(&w.wang, "owner=me", 200).len());
    let new = w.admin.post("/api/v1/reps", &json!({"id": "rep-new", "name": "新人小李", "level": "junior", "industries": ["零售业"], "regions": ["上海"], "capacity": 3, "team": "sales1"}));
    assert_eq!(new.status, 201, "{}", new.text);
    assert_eq!((new.body["industries"].clone(), new.body["regions"].clone(), new.body["held"].as_u64()), (json!(["retail"]), json!(["east"]), Some(0)));
    assert_eq!(w.admin.post("/api/v1/reps", &json!({"id": "rep-new", "name": "x", "level": "junior", "capacity": 1})).code(), "exists");
    let bad = w.admin.post("/api/v1/reps", &json!({"id": "bad id", "name": "", "level": "junior", "industries": ["mining"], "capacity": 1}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    assert_eq!(w.manager.post("/api/v1/reps", &json!({"id": "x", "name": "x", "level": "junior", "capacity": 1})).status, 403);
    let patched = w.manager.patch("/api/v1/reps/rep-new", &json!({"capacity": 4, "active": true}));
    assert_eq!((patched.status, patched.body["capacity"].as_u64()), (200, Some(4)), "{}", patched.text);
    assert_eq!(w.manager.patch("/api/v1/reps/rep-emily", &json!({"capacity": 1})).status, 404, "out of the manager's team");
    assert_eq!(w.wang.patch("/api/v1/reps/rep-wang", &json!({"capacity": 999})).status, 403);
}

fn allocation_rules(w: &mut World) {
    let rules = w.admin.get("/api/v1/allocation/rules").body;
    assert_eq!(rules["strategy"], json!("combined"));
    let mut next = rules.clone();
    next["junior_min_share"] = json!(0.2);
    let saved = w.admin.put("/api/v1/allocation/rules", &next);
    assert_eq!((saved.status, saved.body["version"].as_i64()), (200, Some(rules["version"].as_i64().unwrap() + 1)), "{}", saved.text);
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &next).code(), "stale");
    let mut bad = saved.body.clone();
    bad["weights"]["region"] = json!(-3);
    assert_eq!(w.admin.put("/api/v1/allocation/rules", &bad).code(), "invalid");
    assert_eq!(w.manager.put("/api/v1/allocation/rules", &saved.body).status, 403);
    // Pool rules: the same versioning, validated against the stages.
    let pool = w.admin.get("/api/v1/pool/rules").body;
    let mut next = pool.clone();
    next["pools"][0]["cooldown_days"] = json!(5);
    let saved = w.admin.put("/api/v1/pool/rules", &next);
    assert_eq!((saved.status, saved.body["version"].as_i64()), (200, Some(pool["version"].as_i64().unwrap() + 1)), "{}", saved.text);
    assert_eq!(w.admin.put("/api/v1/pool/rules", &next).code(), "stale");
    let mut bad = saved.body.clone();
    bad["pools"][0]["exempt_from_stage"] = json!("moon");
    assert_eq!(w.admin.put("/api/v1/pool/rules", &bad).code(), "invalid");
    assert_eq!(w.manager.put("/api/v1/pool/rules", &saved.body).status, 403);
    // Back to the defaults' cool-down so later cases see the documented 7 days.
    let mut restore = saved.body.clone();
    restore["pools"][0]["cooldown_days"] = json!(7);
    assert_eq!(w.admin.put("/api/v1/pool/rules", &restore).status, 200);
}

fn pool_ids(api: &Api, q: &str) -> Vec<String> {
    walk(api, &format!("owner=pool&q={q}"), 200)
}

fn make_pool(w: &World, prefix: &str, n: usize, phone_base: u64) -> Vec<String> {
    let mut csv = String::from("客户名称,电话,行业,地区,预计金额,客户价值\n");
    let industries = ["零售业", "制造业", "互联网", "金融"];
    let regions = ["上海", "广州", "北京", "成都"];
    for i in 0..n {
        csv.push_str(&format!("{prefix}{i:03},{},{},{},{},{}\n", phone_base + i as u64, industries[i % 4], regions[i % 4], 10_000 * (i + 1), if i % 5 == 0 { "大客户" } else { "普通客户" }));
    }
    let answer = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv.as_bytes());
    assert_eq!(answer.body["created"].as_u64(), Some(n as u64), "{}", answer.text);
    pool_ids(&w.admin, prefix)
}

fn allocation_preview(w: &mut World) {
    let ids = make_pool(w, "预览客户", 12, 15500000000);
    let before = pool_ids(&w.admin, "预览客户");
    let preview = w.manager.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "seed": 5}));
    assert_eq!(preview.status, 200, "{}", preview.text);
    let b = &preview.body;
    assert_eq!((b["applied"].as_bool(), b["assignments"].as_array().map(Vec::len)), (Some(false), Some(12)));
    assert_eq!(pool_ids(&w.admin, "预览客户"), before, "a preview writes nothing");
    // Managers allocate within their team only.
    let team: HashSet<&str> = ["rep-wang", "rep-liu", "rep-chen", "rep-zhao", "rep-sun", "rep-zhou", "rep-new"].into_iter().collect();
    for a in b["assignments"].as_array().unwrap() {
        assert!(team.contains(a["rep"].as_str().unwrap()), "{a}");
        assert_eq!(a["breakdown"]["contributions"].as_array().map(Vec::len), Some(5));
        assert!(a["customer_name"].as_str().is_some_and(|n| n.starts_with("预览客户")), "explanations name the customer: {a}");
        assert!(a["runner_up"]["why_not"].is_string());
    }
    let d = &b["distribution"];
    assert!(d["gini_count"].is_number() && d["total_score"].as_f64().unwrap() > 0.0 && d["junior_share"].is_number());
    // Same seed, same answer; full explanations list every eligible rep.
    let again = w.manager.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "seed": 5}));
    assert_eq!(again.body["assignments"], b["assignments"]);
    let full = w.admin.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "explain": "full", "strategy": "optimal"}));
    assert_eq!(full.body["assignments"][0]["alternatives"].as_array().map(Vec::len), Some(9), "{}", full.text);
    // The optimum's total is at least every other strategy's.
    let optimal = full.body["distribution"]["total_score"].as_f64().unwrap();
    for s in ["round_robin", "weighted_round_robin", "performance_first", "industry_expertise", "region", "customer_type", "least_loaded", "combined"] {
        let other = w.admin.post("/api/v1/allocations/preview", &json!({"customer_ids": ids, "strategy": s}));
        assert_eq!(other.status, 200, "{s}: {}", other.text);
        assert!(optimal + 1e-6 >= other.body["distribution"]["total_score"].as_f64().unwrap(), "{s} beat optimal");
    }
    assert_eq!(w.wang.post("/api/v1/allocations/preview", &json!({})).status, 403);
    assert_eq!(w.manager.post("/api/v1/allocations/preview", &json!({"strategy": "coin_flip"})).code(), "invalid");
}

fn allocation_apply(w: &mut World) {
    let ids = make_pool(w, "分配客户", 20, 15600000000);
    // Two runs racing over the same customers: each customer is assigned once.
    let (a, b) = (w.admin.clone(), w.admin.clone());
    let body = json!({"customer_ids": ids, "strategy": "least_loaded"});
    let (b1, b2) = (body.clone(), body.clone());
    let t1 = std::thread::spawn(move || a.post("/api/v1/allocations", &b1));
    let t2 = std::thread::spawn(move || b.post("/api/v1/allocations", &b2));
    let (r1, r2) = (t1.join().unwrap(), t2.join().unwrap());
    assert_eq!((r1.status, r2.status), (200, 200), "{} {}", r1.text, r2.text);
    let applied = |r: &allot_tests::Answer| r.body["assignments"].as_array().unwrap().len() - r.body["skipped"].as_array().unwrap().len();
    assert_eq!(applied(&r1) + applied(&r2), 20, "every customer exactly once: {} / {}", r1.text, r2.text);
    assert!(pool_ids(&w.admin, "分配客户").is_empty());
    for id in &ids {
        let c = w.admin.get(&format!("/api/v1/customers/{id}")).body;
        assert!(c["owner"].is_string() && c["version"].as_i64() == Some(2), "{c}");
    }
    // Nobody above capacity.
    for rep in w.admin.get("/api/v1/reps").body["items"].as_array().unwrap() {
        assert!(rep["held"].as_u64() <= rep["capacity"].as_u64().map(|c| c.max(rep["held"].as_u64().unwrap_or(0))), "{rep}");
    }
    // A rep at capacity gets nothing more: fill rep-new (capacity 4) and allocate by its specialty.
    let limit = w.admin.patch("/api/v1/reps/rep-new", &json!({"capacity": 0}));
    assert_eq!(limit.status, 200);
    let more = make_pool(w, "满员测试", 4, 15700000000);
    let answer = w.admin.post("/api/v1/allocations", &json!({"customer_ids": more}));
    assert!(answer.body["assignments"].as_array().unwrap().iter().all(|a| a["rep"] != json!("rep-new")));
}

fn round_robin(w: &mut World) {
    let ids = make_pool(w, "轮流客户", 5, 15800000000);
    let first = w.manager.post("/api/v1/allocations", &json!({"customer_ids": ids[..3], "strategy": "round_robin"}));
    assert_eq!(first.status, 200, "{}", first.text);
    let reps1: Vec<String> = first.body["assignments"].as_array().unwrap().iter().map(|a| a["rep"].as_str().unwrap().to_string()).collect();
    let second = w.manager.post("/api/v1/allocations", &json!({"customer_ids": ids[3..], "strategy": "round_robin"}));
    let reps2: Vec<String> = second.body["assignments"].as_array().unwrap().iter().map(|a| a["rep"].as_str().unwrap().to_string()).collect();
    let rotation: Vec<String> = {
        let mut v: Vec<String> = w.manager.get("/api/v1/reps").body["items"].as_array().unwrap().iter()
            .filter(|r| r["role"] == json!("rep") && r["active"] == json!(true) && r["held"].as_u64() < r["capacity"].as_u64()).map(|r| r["id"].as_str().unwrap().to_string()).collect();
        v.sort();
        v
    };
    let pos = |id: &String| rotation.iter().position(|r| r == id).unwrap();
    for pair in reps1.iter().chain(reps2.iter()).collect::<Vec<_>>().windows(2) {
        assert_eq!((pos(pair[0]) + 1) % rotation.len(), pos(pair[1]), "rotation continues across runs: {reps1:?} then {reps2:?}");
    }
}

fn intake(w: &mut World) {
    let answer = w.chen.post("/api/v1/customers", &json!({"name": "官网线索", "phone": "13555550000", "industry": "零售业", "region": "广州", "amount": 90000, "allocate": true}));
    assert_eq!(answer.status, 201, "{}", answer.text);
    let alloc = &answer.body["allocation"];
    let rep = alloc["rep"].as_str().expect("someone got it");
    assert_eq!(answer.body["owner"].as_str(), Some(rep));
    assert!(alloc["breakdown"]["contributions"].as_array().unwrap().iter().any(|c| c["criterion"] == json!("industry")));
    assert!(alloc["runner_up"]["rep"].is_string());
    let conflicting = w.chen.post("/api/v1/customers", &json!({"name": "x", "allocate": true, "owner": null}));
    assert_eq!(conflicting.code(), "invalid");
}

fn rep_api(w: &World, id: &str) -> Api {
    let created = w.admin.post("/api/v1/reps", &json!({"id": id, "name": format!("压测{id}"), "level": "junior", "capacity": 500}));
    assert!(created.status == 201 || created.code() == "exists", "{}", created.text);
    w.server.api(&w.server.token("demo", id, Role::Rep))
}

fn claim_release(w: &mut World) {
    let ids = make_pool(w, "领取客户", 3, 15900000000);
    let first = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"");
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!((first.body["owner"].as_str(), first.body["masked"].as_bool()), (Some("rep-chen"), Some(false)));
    assert!(first.body["phone"].as_str().unwrap().chars().all(|c| c.is_ascii_digit()), "contacts unmasked once claimed");
    let again = w.wang.send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"");
    assert_eq!(again.status, 200);
    let taken = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"");
    assert_eq!((taken.status, taken.code()), (409, "already_owned"), "{}", taken.text);
    assert!(!taken.text.contains("rep-wang") && !taken.text.contains("领取客户"), "a refusal leaks nothing of the record");
    // Release needs a valid reason; then the cool-down keeps the same rep away.
    let bad = w.chen.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "bored"}));
    assert_eq!((bad.status, bad.code()), (400, "invalid"));
    assert_eq!(w.wang.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "unreachable"})).status, 404);
    let released = w.chen.post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "unreachable", "note": "空号"}));
    assert_eq!((released.status, released.body["owner"].is_null()), (200, true), "{}", released.text);
    let back = w.chen.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"");
    assert_eq!((back.status, back.code()), (409, "cooldown"), "{}", back.text);
    assert!(back.body["error"]["details"]["cooldown_until"].is_i64());
    assert_eq!(w.wang.send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"").status, 200);
    // The audit trail tells the story in order.
    let trail = w.manager.get(&format!("/api/v1/audit?customer={}", ids[0])).body;
    let story: Vec<(String, Option<String>, Option<String>)> = trail["items"].as_array().unwrap().iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["from"].as_str().map(String::from), e["to"].as_str().map(String::from))).collect();
    assert_eq!(story, vec![
        ("import".to_string(), None, None),
        ("claim".to_string(), None, Some("rep-chen".to_string())),
        ("release".to_string(), Some("rep-chen".to_string()), None),
        ("claim".to_string(), None, Some("rep-wang".to_string())),
    ]);
    assert!(trail["items"][2]["reason"].as_str().unwrap().contains("unreachable"));
    assert_eq!(w.acme.get(&format!("/api/v1/audit?customer={}", ids[0])).status, 404);
}

fn fifty_claims(w: &mut World) {
    let ids = make_pool(w, "抢单客户", 1, 16000000000);
    let reps: Vec<Api> = (0..50).map(|i| rep_api(w, &format!("racer-{i:02}"))).collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(reps.len()));
    let handles: Vec<_> = reps
        .into_iter()
        .map(|api| {
            let path = format!("/api/v1/customers/{}/claim", ids[0]);
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let a = api.send("POST", &path, "application/json", b"");
                (a.status, a.code().to_string())
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = answers.iter().filter(|(s, _)| *s == 200).count();
    let lost = answers.iter().filter(|(s, c)| *s == 409 && c == "already_owned").count();
    assert_eq!((wins, lost), (1, 49), "{answers:?}");
    let trail = w.admin.get(&format!("/api/v1/audit?customer={}", ids[0])).body;
    let claims = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("claim")).count();
    assert_eq!(claims, 1, "exactly one audit event for the one winner");
}

fn claim_storm(w: &mut World) {
    let ids = make_pool(w, "风暴客户", 100, 16100000000);
    let reps: Vec<(String, Api)> = (0..20).map(|i| { let id = format!("storm-{i:02}"); (id.clone(), rep_api(w, &id)) }).collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(reps.len()));
    let handles: Vec<_> = reps
        .into_iter()
        .enumerate()
        .map(|(i, (id, api))| {
            let targets: Vec<String> = (0..30).map(|k| ids[(i * 7 + k * 3) % ids.len()].clone()).collect();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut won = Vec::new();
                let mut codes = Vec::new();
                for t in targets {
                    let a = api.send("POST", &format!("/api/v1/customers/{t}/claim"), "application/json", b"");
                    if a.status == 200 {
                        won.push(t);
                    } else {
                        codes.push(a.code().to_string());
                    }
                }
                (id, won, codes)
            })
        })
        .collect();
    let results: Vec<(String, Vec<String>, Vec<String>)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut owners = std::collections::HashMap::new();
    for (rep, won, codes) in &results {
        assert!(won.len() <= 10, "{rep} claimed {} (> daily limit 10)", won.len());
        assert!(codes.iter().all(|c| c == "already_owned" || c == "claim_limit" || c == "not_found"), "{rep}: {codes:?}");
        for c in won {
            assert!(owners.insert(c.clone(), rep.clone()).is_none(), "{c} won twice");
        }
    }
    for (customer, rep) in &owners {
        assert_eq!(w.admin.get(&format!("/api/v1/customers/{customer}")).body["owner"].as_str(), Some(rep.as_str()));
    }
    let mut audited = 0;
    for id in &ids {
        audited += w.admin.get(&format!("/api/v1/audit?customer={id}")).body["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("claim")).count();
    }
    assert_eq!(audited, owners.len(), "audit events = successful claims");
    // A rep past the daily limit hears what is left.
    let extra = make_pool(w, "限额客户", 11, 16200000000);
    let api = rep_api(w, "limit-rep");
    for id in &extra[..10] {
        assert_eq!(api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status, 200);
    }
    let refused = api.send("POST", &format!("/api/v1/customers/{}/claim", extra[10]), "application/json", b"");
    assert_eq!((refused.status, refused.code()), (409, "claim_limit"), "{}", refused.text);
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("今日还可领取 0 个"));
    assert_eq!(refused.body["error"]["details"]["claims_left_today"], json!(0));
}

fn recycle(w: &mut World) {
    let acme_rep = w.server.api(&w.server.token("acme", "acme-rep", Role::Rep));
    let owner = |id: &str| w.acme.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
    assert_eq!(owner("c_acme_overdue"), json!("acme-rep"));
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    allot_tests::eventually("overdue: back in the pool", || owner("c_acme_overdue") == Value::Null);
    // A second pass (the next hour, or a message delivered twice) does nothing twice.
    assert_eq!(w.server.trigger_scheduled(), 200, "the scheduled handler runs");
    std::thread::sleep(std::time::Duration::from_secs(3));
    for kept in ["c_acme_warn", "c_acme_won", "c_acme_fresh"] {
        assert_eq!(owner(kept), json!("acme-rep"), "{kept} stays");
    }
    let trail = w.acme.get("/api/v1/audit?customer=c_acme_overdue").body;
    let recycles: Vec<&Value> = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("recycle")).collect();
    assert_eq!(recycles.len(), 1, "run twice, recycled once: {trail}");
    assert_eq!((recycles[0]["from"].as_str(), recycles[0]["reason"].as_str()), (Some("acme-rep"), Some("no_follow_up")));
    let reminders = acme_rep.get("/api/v1/reminders").body;
    let items: Vec<&Value> = reminders["items"].as_array().unwrap().iter().filter(|r| r["kind"] == json!("recycle")).collect();
    assert_eq!(items.len(), 1, "one recycle reminder, not two: {reminders}");
    assert_eq!((items[0]["customer"].as_str(), items[0]["in_days"].as_i64()), (Some("c_acme_warn"), Some(2)));
}

fn pool_views(w: &mut World) {
    let ids = make_pool(w, "公海列表", 4, 16300000000);
    // Released customers say so in the pool list, masked for reps.
    assert_eq!(w.zhao().send("POST", &format!("/api/v1/customers/{}/claim", ids[0]), "application/json", b"").status, 200);
    assert_eq!(w.zhao().post(&format!("/api/v1/customers/{}/release", ids[0]), &json!({"reason_code": "no_budget"})).status, 200);
    let page = w.chen.get("/api/v1/pool?q=公海列表&limit=10");
    assert_eq!(page.status, 200, "{}", page.text);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let released = items.iter().find(|i| i["id"] == json!(ids[0])).unwrap();
    assert_eq!((released["pool_reason"].as_str(), released["pool_note"].as_str(), released["masked"].as_bool()), (Some("released"), Some("no_budget"), Some(true)));
    assert!(released["phone"].as_str().unwrap().contains("****"));
    let imported = items.iter().find(|i| i["id"] == json!(ids[1])).unwrap();
    assert_eq!((imported["pool_reason"].as_str(), imported["pool"].as_str()), (Some("imported"), Some("main")));
    assert!(imported["pool_since"].is_i64());
    // Standing: holdings against the cap, claims left today.
    let before = w.zhao().get("/api/v1/pool/me").body;
    assert_eq!((before["claims_today"].as_u64(), before["claims_left_today"].as_u64(), before["daily_claim_limit"].as_u64()), (Some(1), Some(9), Some(10)));
    // Transfer: manager within the team; the trail records it.
    assert_eq!(w.zhao().send("POST", &format!("/api/v1/customers/{}/claim", ids[1]), "application/json", b"").status, 200);
    let moved = w.manager.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-chen", "note": "区域调整"}));
    assert_eq!((moved.status, moved.body["owner"].as_str()), (200, Some("rep-chen")), "{}", moved.text);
    assert_eq!(w.manager.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-emily"})).status, 403, "out of the manager's team");
    assert_eq!(w.chen.post(&format!("/api/v1/customers/{}/transfer", ids[1]), &json!({"to": "rep-wang"})).status, 403, "reps do not transfer");
    let trail = w.manager.get(&format!("/api/v1/audit?customer={}", ids[1])).body;
    let last = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["from"].as_str(), last["to"].as_str()), (Some("transfer"), Some("rep-zhao"), Some("rep-chen")));
    // Distribute from the pool: preview writes nothing, apply assigns.
    let rest: Vec<String> = vec![ids[2].clone(), ids[3].clone()];
    let preview = w.manager.post("/api/v1/pool/distribute", &json!({"customer_ids": rest, "strategy": "least_loaded"}));
    assert_eq!((preview.status, preview.body["applied"].as_bool()), (200, Some(false)), "{}", preview.text);
    assert_eq!(pool_ids(&w.admin, "公海列表").len(), 3);
    let applied = w.manager.post("/api/v1/pool/distribute", &json!({"customer_ids": rest, "strategy": "least_loaded", "apply": true}));
    assert_eq!((applied.body["applied"].as_bool(), applied.body["skipped"].as_array().map(Vec::len)), (Some(true), Some(0)), "{}", applied.text);
    assert_eq!(pool_ids(&w.admin, "公海列表").len(), 1);
}

/// The owner the audit trail implies: replaying every event's `to`.
fn replayed_owner(w: &World, id: &str) -> Value {
    let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    trail["items"].as_array().unwrap().last().map(|e| e["to"].clone()).unwrap_or(Value::Null)
}

fn collaborator_ids(customer: &Value) -> Vec<&str> {
    customer["collaborators"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

fn collaborators(w: &mut World) {
    let c = created(&w.chen, json!({"name": "协作客户", "company": "协作测试科技有限公司", "phone": "137 1111 0001"}));
    let path = format!("/api/v1/customers/{}", c["id"].as_str().unwrap());
    let add = |api: &Api, user: &str| api.post(&format!("{path}/collaborators"), &json!({ "user": user }));
    assert_eq!(w.emily.get(&path).status, 404, "another team's rep cannot see it");
    assert_eq!(add(&w.emily, "rep-emily").status, 404, "nor let herself in");

    // The owner shares it: Emily reads it, contacts and follow-ups too, and edits nothing.
    let shared = add(&w.chen, "rep-emily");
    assert_eq!(shared.status, 200, "{}", shared.text);
    assert_eq!(collaborator_ids(&shared.body), ["rep-emily"]);
    assert_eq!(shared.body["version"], c["version"], "sharing is no edit: an open form's version stays valid");
    let seen = w.emily.get(&path);
    assert_eq!((seen.status, seen.body["editable"].as_bool(), seen.body["phone"].as_str()), (200, Some(false), Some("137 1111 0001")), "{}", seen.text);
    assert_eq!(w.emily.get(&format!("{path}/follow-ups")).status, 200);
    assert_eq!(w.emily.patch(&path, &json!({"version": c["version"], "name": "改名"})).status, 403);
    assert_eq!(w.emily.post(&format!("{path}/follow-ups"), &json!({"kind": "call", "note": "越权"})).status, 403);
    assert_eq!(add(&w.emily, "rep-david").status, 403, "a collaborator does not share further");
    assert_eq!(w.emily.post(&format!("{path}/release"), &json!({"reason_code": "unreachable"})).status, 403);
    let mine = |api: &Api, filter: &str| ids_of(&api.get(&format!("/api/v1/customers?owner={filter}&limit=200")).body);
    assert!(mine(&w.emily, "shared").contains(&c["id"].as_str().unwrap().to_string()));
    assert!(!mine(&w.emily, "me").contains(&c["id"].as_str().unwrap().to_string()));
    assert!(!mine(&w.chen, "shared").contains(&c["id"].as_str().unwrap().to_string()));
    let export = w.chen.get("/api/v1/customers/export?owner=me&q=协作客户").text;
    assert!(export.lines().next().unwrap().contains("负责人,协作人") && export.contains("陈静,Emily Chen"), "{export}");

    // Adding twice changes nothing; the owner, unknown users and non-reps are refused.
    assert_eq!(collaborator_ids(&add(&w.chen, "rep-emily").body), ["rep-emily"]);
    let owner = add(&w.chen, "rep-chen");
    assert_eq!((owner.status, owner.code()), (409, "is_owner"));
    for user in ["nobody", "mgr-li", "acme-rep", ""] {
        let refused = add(&w.chen, user);
        assert_eq!((refused.status, refused.code()), (400, "invalid"), "{user}: {}", refused.text);
        assert_eq!(refused.body["error"]["details"]["fields"][0]["path"], json!("user"));
    }
    assert_eq!(w.chen.post(&format!("{path}/collaborators"), &json!({"user": "rep-wang", "role": "admin"})).status, 400);
    assert_eq!(collaborator_ids(&add(&w.manager, "rep-wang").body), ["rep-emily", "rep-wang"], "the owner's manager shares too");

    // A collaborator removes only themself; removing someone not there changes nothing.
    assert_eq!(w.wang.delete(&format!("{path}/collaborators/rep-emily")).status, 403);
    // (The id percent-encoded, as a client that encodes every path segment sends it.)
    let left = w.wang.delete(&format!("{path}/collaborators/rep%2Dwang"));
    assert_eq!((left.status, collaborator_ids(&left.body)), (200, vec!["rep-emily"]), "{}", left.text);
    assert_eq!(w.wang.get(&path).status, 404, "gone with the collaboration");
    let david = w.server.api(&w.server.token("demo", "rep-david", Role::Rep));
    add(&w.chen, "rep-david");
    let gone = david.delete(&format!("{path}/collaborators/me"));
    assert_eq!((gone.status, collaborator_ids(&gone.body)), (200, vec!["rep-emily"]), "`me` is the caller leaving: {}", gone.text);
    assert_eq!(collaborator_ids(&w.chen.delete(&format!("{path}/collaborators/rep-wang")).body), ["rep-emily"]);

    // Handed to a collaborator: the new owner leaves the list, the others stay.
    add(&w.chen, "rep-zhao");
    let moved = w.admin.post(&format!("{path}/transfer"), &json!({"to": "rep-emily"}));
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!((moved.body["owner"].as_str(), collaborator_ids(&moved.body)), (Some("rep-emily"), vec!["rep-zhao"]));
    // Back in the pool, the customer has no team: masked again, and nobody can be added.
    let released = w.emily.post(&format!("{path}/release"), &json!({"reason_code": "unreachable"}));
    assert_eq!((released.status, collaborator_ids(&released.body).len()), (200, 0), "{}", released.text);
    let zhao = w.zhao().get(&path);
    assert_eq!(zhao.body["masked"].as_bool(), Some(true), "a former collaborator sees a pool customer as everyone does");
    let unowned = add(&w.admin, "rep-zhao");
    assert_eq!((unowned.status, unowned.code()), (409, "unowned"));

    // The audit trail names each collaborator change; the pool still says why it is there.
    let trail = w.admin.get(&format!("/api/v1/audit?customer={}", c["id"].as_str().unwrap())).body;
    let story: Vec<(&str, Option<&str>, &str)> = trail["items"].as_array().unwrap().iter()
        .map(|e| (e["action"].as_str().unwrap(), e["subject"].as_str(), e["actor"].as_str().unwrap())).collect();
    assert_eq!(story, vec![
        ("create", None, "rep-chen"),
        ("add_collaborator", Some("rep-emily"), "rep-chen"),
        ("add_collaborator", Some("rep-wang"), "mgr-li"),
        ("remove_collaborator", Some("rep-wang"), "rep-wang"),
        ("add_collaborator", Some("rep-david"), "rep-chen"),
        ("remove_collaborator", Some("rep-david"), "rep-david"),
        ("add_collaborator", Some("rep-zhao"), "rep-chen"),
        ("transfer", None, "admin"),
        ("release", None, "rep-emily"),
    ]);
    let pool = w.admin.get("/api/v1/pool?q=协作客户").body;
    let item = pool["items"].as_array().unwrap().iter().find(|i| i["id"] == c["id"]).expect("in the pool").clone();
    assert_eq!(item["pool_reason"], json!("released"));
    assert_eq!(w.acme.post(&format!("{path}/collaborators"), &json!({"user": "acme-rep"})).status, 404);
}

fn deactivation(w: &mut World) {
    let leaver = rep_api(w, "rep-leaver");
    assert_eq!(leaver.get("/api/v1/me").status, 200);
    let c = created(&w.chen, json!({"name": "离职协作客户", "company": "离职测试有限公司", "phone": "137 1111 0099"}));
    let path = format!("/api/v1/customers/{}", c["id"].as_str().unwrap());
    let shared = w.chen.post(&format!("{path}/collaborators"), &json!({ "user": "rep-leaver" }));
    assert_eq!(shared.status, 200, "{}", shared.text);
    assert_eq!(leaver.get(&path).status, 200, "a collaborator reads it");

    // Deactivated: the unexpired token is refused at once, and the collaboration is gone.
    let off = w.admin.patch("/api/v1/reps/rep-leaver", &json!({"active": false}));
    assert_eq!(off.status, 200, "{}", off.text);
    let refused = leaver.get("/api/v1/me");
    error_shape(&refused);
    assert_eq!((refused.status, refused.code()), (401, "deactivated"), "told apart from an expired token: a new one would not help");
    assert_eq!(leaver.get(&path).status, 401);
    assert_eq!(collaborator_ids(&w.chen.get(&path).body), Vec::<&str>::new(), "the collaboration ended with the deactivation");
    assert_eq!(w.admin.get("/api/v1/me").status, 200, "others are unaffected");

    // Reactivated: the same token works again; collaborations are not restored by themselves.
    assert_eq!(w.admin.patch("/api/v1/reps/rep-leaver", &json!({"active": true})).status, 200);
    assert_eq!(leaver.get("/api/v1/me").status, 200);
    assert_eq!(leaver.get(&path).status, 404, "no longer shared with them");
}

fn last_audit(w: &World, id: &str) -> Value {
    let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    trail["items"].as_array().unwrap().last().cloned().unwrap_or(Value::Null)
}

fn hand_over(w: &mut World) {
    let leaver = rep_api(w, "rep-handover-a");
    let ids: Vec<String> = (0..3)
        .map(|i| created(&leaver, json!({"name": format!("交接客户{i}"), "phone": format!("139 2222 00{i:02}")}))["id"].as_str().unwrap().to_string())
        .collect();
    let logged = leaver.post(&format!("/api/v1/customers/{}/follow-ups", ids[0]), &json!({"kind": "call", "note": "交接前的跟进"}));
    assert_eq!(logged.status, 201, "{}", logged.text);
    let url = "/api/v1/reps/rep-handover-a/hand-over";

    // Refusals change nothing.
    assert_eq!(w.wang.post(url, &json!({"to": "rep-wang"})).status, 403, "a rep hands nothing over");
    let same = w.admin.post(url, &json!({"to": "rep-handover-a"}));
    assert_eq!((same.status, same.code()), (400, "invalid"), "{}", same.text);
    assert_eq!(w.admin.post(url, &json!({"to": "nobody"})).status, 403, "not an active user");
    assert_eq!(w.admin.post(url, &json!({"to": "nobody", "deactivate": true})).status, 403);
    assert_eq!(leaver.get("/api/v1/me").status, 200, "a refused hand-over deactivates nobody");
    assert_eq!(w.admin.post("/api/v1/reps/nobody/hand-over", &json!({"to": null})).status, 404);
    assert_eq!(w.acme.post(url, &json!({"to": null})).status, 404, "another tenant's rep is unknown");
    assert_eq!(walk(&leaver, "owner=me", 200).len(), 3);

    // To a colleague: every customer, audited one by one, the follow-up with it.
    let moved = w.admin.post(url, &json!({"to": "rep-wang", "note": "离职"}));
    assert_eq!((moved.status, moved.body["moved"].as_u64(), moved.body["to"].as_str()), (200, Some(3), Some("rep-wang")), "{}", moved.text);
    for id in &ids {
        assert_eq!(w.wang.get(&format!("/api/v1/customers/{id}")).body["owner"].as_str(), Some("rep-wang"));
        let event = last_audit(w, id);
        assert_eq!((event["action"].as_str(), event["from"].as_str(), event["to"].as_str(), event["reason"].as_str()),
            (Some("transfer"), Some("rep-handover-a"), Some("rep-wang"), Some("hand_over: 离职")));
    }
    let follow_ups = w.wang.get(&format!("/api/v1/customers/{}/follow-ups", ids[0]));
    assert_eq!(follow_ups.body["items"].as_array().map(Vec::len), Some(1), "{}", follow_ups.text);
    let again = w.admin.post(url, &json!({"to": "rep-wang"}));
    assert_eq!((again.status, again.body["moved"].as_u64()), (200, Some(0)), "nothing left: a repeat moves nothing");

    // To the pool: released, audited, claimable.
    let second = rep_api(w, "rep-handover-b");
    let pooled: Vec<String> = (0..2)
        .map(|i| created(&second, json!({"name": format!("交接回公海{i}"), "phone": format!("139 3333 00{i:02}")}))["id"].as_str().unwrap().to_string())
        .collect();
    // A departure in one step: to the pool, and deactivated once they own nothing.
    let released = w.admin.post("/api/v1/reps/rep-handover-b/hand-over", &json!({"to": null, "deactivate": true}));
    assert_eq!((released.status, released.body["moved"].as_u64(), released.body["to"].clone()), (200, Some(2), Value::Null), "{}", released.text);
    assert_eq!(released.body["deactivated"].as_bool(), Some(true));
    assert_eq!(second.get("/api/v1/me").code(), "deactivated");
    let mut expected = pooled.clone();
    expected.sort();
    assert_eq!(released.body["customer_ids"], json!(expected), "the answer names the customers moved");
    for id in &pooled {
        let event = last_audit(w, id);
        assert_eq!((event["action"].as_str(), event["from"].as_str(), event["reason"].as_str()), (Some("release"), Some("rep-handover-b"), Some("hand_over")));
        assert!(w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_null());
    }
    // Exactly those are handed out again by a strategy.
    let applied = w.admin.post("/api/v1/pool/distribute", &json!({"customer_ids": released.body["customer_ids"], "strategy": "least_loaded", "apply": true}));
    assert_eq!((applied.status, applied.body["assignments"].as_array().map(Vec::len), applied.body["skipped"].as_array().map(Vec::len)), (200, Some(2), Some(0)), "{}", applied.text);
    for id in &pooled {
        assert!(w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_string(), "{id} has an owner again");
    }
}

fn release_vs_transfer(w: &mut World) {
    let ids = make_pool(w, "竞态客户", 6, 16400000000);
    let zhao = w.zhao();
    let mut outcomes = std::collections::HashSet::new();
    for id in &ids {
        assert_eq!(zhao.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status, 200);
    }
    for id in &ids {
        let (owner_api, manager) = (zhao.clone(), w.manager.clone());
        let (a, b) = (id.clone(), id.clone());
        let release = std::thread::spawn(move || owner_api.post(&format!("/api/v1/customers/{a}/release"), &json!({"reason_code": "other", "note": "race"})).status);
        let transfer = std::thread::spawn(move || manager.post(&format!("/api/v1/customers/{b}/transfer"), &json!({"to": "rep-chen"})).status);
        let (r, t) = (release.join().unwrap(), transfer.join().unwrap());
        let owner = w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
        // Serial orders: release then transfer (both 200, owner rep-chen); transfer then
        // release (release refused, owner rep-chen); never a mix such as a pool customer
        // with a transfer recorded last.
        assert_eq!(owner, json!("rep-chen"), "release {r} / transfer {t}");
        assert_eq!(t, 200);
        // Transfer first: the customer is no longer the rep's, so it is invisible to them (404).
        assert!(r == 200 || r == 404, "release answered {r}");
        assert_eq!(replayed_owner(w, id), owner, "the audit trail replays to the final owner");
        outcomes.insert(r);
    }
}

fn stages_and_follow_ups(w: &mut World) {
    let c = created(&w.wang, json!({"name": "漏斗客户", "phone": "13600009999", "stage": "qualified"}));
    let id = c["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/customers/{id}/stage");
    // 方案报价 needs an amount: a 422 that names what is missing, nothing changes.
    let refused = w.wang.post(&path, &json!({"stage": "proposal", "version": 1}));
    assert_eq!((refused.status, refused.code()), (422, "missing_fields"), "{}", refused.text);
    assert_eq!(refused.body["error"]["details"]["missing"], json!(["amount"]));
    assert_eq!(w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "stage": "proposal"})).code(), "invalid", "a patch obeys the same rule");
    assert_eq!(w.wang.patch(&format!("/api/v1/customers/{id}"), &json!({"version": 1, "amount": 88000})).status, 200);
    let moved = w.wang.post(&path, &json!({"stage": "方案报价", "version": 2}));
    assert_eq!((moved.status, moved.body["stage"].as_str(), moved.body["version"].as_i64()), (200, Some("proposal"), Some(3)), "{}", moved.text);
    let stale = w.wang.post(&path, &json!({"stage": "negotiation", "version": 2}));
    assert_eq!((stale.status, stale.code()), (409, "stale"));
    assert_eq!(w.chen.post(&path, &json!({"stage": "negotiation", "version": 3})).status, 404, "another rep's customer");
    assert_eq!(w.manager.post(&path, &json!({"stage": "negotiation", "version": 3})).status, 200, "their manager may");
    assert_eq!(w.wang.post(&path, &json!({"stage": "moon", "version": 4})).code(), "unknown_stage");
    // Follow-ups update the customer's dates and stay with it on a transfer.
    let fpath = format!("/api/v1/customers/{id}/follow-ups");
    let next = allot_tests::now_ms() + 3 * 86_400_000;
    let logged = w.wang.post(&fpath, &json!({"kind": "wechat", "note": "发了报价单", "outcome": "客户考虑中", "next_follow_up_at": next}));
    assert_eq!(logged.status, 201, "{}", logged.text);
    let after = w.wang.get(&format!("/api/v1/customers/{id}")).body;
    assert_eq!((after["last_follow_up_at"].as_i64(), after["next_follow_up_at"].as_i64(), after["lifecycle"].as_str()), (logged.body["at"].as_i64(), Some(next), Some("active")));
    assert_eq!(w.wang.post(&fpath, &json!({"kind": "fax", "note": "x"})).code(), "invalid");
    assert_eq!(w.wang.post(&fpath, &json!({"kind": "call", "note": " "})).code(), "invalid");
    assert_eq!(w.chen.post(&fpath, &json!({"kind": "call", "note": "偷看"})).status, 404);
    assert_eq!(w.manager.post(&format!("/api/v1/customers/{id}/transfer"), &json!({"to": "rep-chen"})).status, 200);
    // Reminders: a follow-up set for yesterday is overdue, for the owner and their manager.
    let overdue = created(&w.wang, json!({"name": "逾期跟进", "next_follow_up_at": allot_tests::now_ms() - 86_400_000}));
    let mine = w.wang.get("/api/v1/reminders").body;
    assert!(mine["items"].as_array().unwrap().iter().any(|r| r["customer"] == overdue["id"] && r["kind"] == json!("overdue") && r["in_days"] == json!(-1)), "{mine}");
    let team = w.manager.get("/api/v1/reminders?scope=team").body;
    assert!(team["items"].as_array().unwrap().iter().any(|r| r["customer"] == overdue["id"]));
    assert_eq!(w.wang.get("/api/v1/reminders?scope=team").code(), "invalid");
    let log = w.chen.get(&fpath).body;
    assert_eq!((log["items"].as_array().map(Vec::len), log["items"][0]["note"].as_str()), (Some(1), Some("发了报价单")), "the log went with the customer");
}

fn pipeline_stages(w: &mut World) {
    let settings = w.admin.get("/api/v1/settings").body;
    let mut stages: Vec<Value> = settings["stages"].as_array().unwrap().clone();
    // Drop 初步接触 (contacted), which holds customers.
    let c = created(&w.admin, json!({"name": "阶段迁移客户", "stage": "contacted"}));
    stages.retain(|s| s["key"] != json!("contacted"));
    let body = json!({"version": settings["version"], "stages": stages});
    let refused = w.admin.put("/api/v1/pipeline/stages", &body);
    assert_eq!((refused.status, refused.code()), (409, "stage_in_use"), "{}", refused.text);
    assert!(refused.body["error"]["details"]["customers"].as_u64().unwrap() >= 1);
    assert_eq!(w.manager.put("/api/v1/pipeline/stages", &body).status, 403);
    let bad_move = w.admin.put("/api/v1/pipeline/stages", &json!({"version": settings["version"], "stages": stages, "moves": {"contacted": "moon"}}));
    assert_eq!(bad_move.code(), "invalid");
    let ok = w.admin.put("/api/v1/pipeline/stages", &json!({"version": settings["version"], "stages": stages, "moves": {"contacted": "lead"}}));
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["version"].as_i64(), Some(settings["version"].as_i64().unwrap() + 1));
    assert_eq!(w.admin.get(&format!("/api/v1/customers/{}", c["id"].as_str().unwrap())).body["stage"], json!("lead"));
    assert_eq!(w.admin.put("/api/v1/pipeline/stages", &body).code(), "stale");
}

fn board(w: &mut World) {
    let mine = created(&w.wang, json!({"name": "看板客户", "amount": 3000, "stage": "qualified"}));
    let pool = created(&w.admin, json!({"name": "看板公海客户", "owner": null}));
    let emily = created(&w.emily, json!({"name": "看板他组客户"}));
    let cards = |api: &Api, owner: &str| -> Vec<Value> {
        let answer = api.get(&format!("/api/v1/board?owner={owner}"));
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["truncated"], json!(false));
        answer.body["cards"].as_array().unwrap().clone()
    };
    let has = |cards: &[Value], id: &Value| cards.iter().find(|c| c["id"] == *id).cloned();
    let wang_me = cards(&w.wang, "me");
    assert!(wang_me.iter().all(|c| c["owner"] == json!("rep-wang") && c["editable"] == json!(true)));
    let card = has(&wang_me, &mine["id"]).expect("my new customer is on my board");
    assert_eq!((card["stage"].as_str(), card["amount"].as_f64(), card["version"].as_i64()), (Some("qualified"), Some(3000.0), mine["version"].as_i64()));
    assert_eq!(wang_me[0]["id"], mine["id"], "most recently changed first");
    let wang_all = cards(&w.wang, "all");
    assert_eq!(has(&wang_all, &pool["id"]).map(|c| c["editable"].clone()), Some(json!(false)), "pool cards show, but a rep cannot move them");
    assert!(has(&wang_all, &emily["id"]).is_none(), "another rep's customer is not visible");
    let team = cards(&w.manager, "team");
    assert!(has(&team, &mine["id"]).is_some() && has(&team, &pool["id"]).is_none(), "team: owned customers of the team");
    assert!(has(&team, &emily["id"]).is_none(), "Emily is in sales2, not the manager's team");
    assert!(has(&cards(&w.admin, "all"), &emily["id"]).is_some());
    // per_stage: the first card of each column, with totals equal to the whole board's.
    let all = cards(&w.admin, "all");
    let first = w.admin.get("/api/v1/board?owner=all&per_stage=1");
    assert_eq!(first.status, 200, "{}", first.text);
    let first = first.body;
    let stages: HashSet<&str> = all.iter().filter_map(|c| c["stage"].as_str()).collect();
    assert_eq!(first["cards"].as_array().unwrap().len(), stages.len(), "one card per non-empty column");
    assert_eq!(first["complete"], json!(all.len() == stages.len()));
    for total in first["totals"].as_array().unwrap() {
        let in_stage: Vec<&Value> = all.iter().filter(|c| c["stage"] == total["stage"]).collect();
        assert_eq!(total["count"].as_u64(), Some(in_stage.len() as u64), "count of {}", total["stage"]);
        let amount: f64 = in_stage.iter().filter_map(|c| c["amount"].as_f64()).sum();
        assert!((total["amount"].as_f64().unwrap() - amount).abs() < 1e-6, "amount of {}", total["stage"]);
    }
    assert_eq!(w.admin.get("/api/v1/board?per_stage=0").code(), "invalid");
    assert_eq!(w.wang.get("/api/v1/board?owner=everyone").code(), "invalid");
    assert_eq!(w.wang.get("/api/v1/board?page=2").code(), "invalid");
    assert!(cards(&w.acme, "all").iter().all(|c| c["id"] != mine["id"]), "tenants never mix");
}

fn claim_vs_recycle(w: &mut World) {
    let api = |user: &str, role| w.server.api(&w.server.token("race", user, role));
    let admin = api("race-admin", Role::Admin);
    let ids: Vec<String> = (0..10).map(|i| format!("c_race_{i}")).collect();
    // Make the ten due: recycle after 5 days without a follow-up (they have had 10).
    let mut rules = admin.get("/api/v1/pool/rules").body;
    for tier in ["key", "potential", "regular"] {
        rules["pools"][0]["recycle_without_follow_up_days"][tier] = json!(5);
    }
    let saved = admin.put("/api/v1/pool/rules", &rules);
    assert_eq!(saved.status, 200, "{}", saved.text);
    // The recycle job (queued by the Cron Trigger, run by the queue's consumer) and a rep
    // per customer claiming it every 100 ms, at once.
    let base = w.server.base.clone();
    let job = std::thread::spawn(move || allot_tests::trigger_scheduled_at(&base));
    let claims: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (api, id) = (api(&format!("race-claimer-{i}"), Role::Rep), id.clone());
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let status = api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status;
                    if status == 200 {
                        return true;
                    }
                    assert_eq!(status, 409, "a lost claim is a 409 (a 429 means the queue took over 5 s)");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                false
            })
        })
        .collect();
    assert_eq!(job.join().unwrap(), 200);
    let won: Vec<bool> = claims.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(won.iter().any(|c| *c), "claims landed once the job had recycled");
    for (id, claimed) in ids.iter().zip(won) {
        let owner = admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
        let trail = admin.get(&format!("/api/v1/audit?customer={id}")).body;
        let events: Vec<(&str, i64)> = trail["items"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["seq"].as_i64().unwrap())).collect();
        let recycle: Vec<i64> = events.iter().filter(|(a, _)| *a == "recycle").map(|(_, s)| *s).collect();
        let claim: Vec<i64> = events.iter().filter(|(a, _)| *a == "claim").map(|(_, s)| *s).collect();
        // Serial: recycled once (from race-rep), then claimed at most once, after it.
        assert_eq!(recycle.len(), 1, "{id}: {trail}");
        assert_eq!(claim.len(), usize::from(claimed), "{id}: {trail}");
        if claimed {
            assert!(claim[0] > recycle[0], "{id}: the claim follows the recycle: {trail}");
            assert_eq!(owner.as_str().map(|o| o.starts_with("race-claimer-")), Some(true), "{id}: {owner}");
        } else {
            assert_eq!(owner, Value::Null, "{id}");
        }
    }
}

fn apply_vs_claims(w: &mut World) {
    let ids = make_pool(w, "分配抢单", 20, 16900000000);
    // An allocation of all twenty races a rep claiming each of them.
    let (admin, zhao) = (w.admin.clone(), w.zhao());
    let body = json!({"customer_ids": ids, "strategy": "combined"});
    let apply = std::thread::spawn(move || admin.post("/api/v1/allocations", &body));
    let claims: Vec<_> = ids
        .iter()
        .map(|id| {
            let (api, id) = (zhao.clone(), id.clone());
            std::thread::spawn(move || api.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"").status)
        })
        .collect();
    let applied = apply.join().unwrap();
    assert_eq!(applied.status, 200, "{}", applied.text);
    let claimed = claims.into_iter().map(|t| t.join().unwrap()).filter(|s| *s == 200).count();
    let assigned = applied.body["assignments"].as_array().unwrap().len() - applied.body["skipped"].as_array().unwrap().len();
    let mut taken = 0;
    for id in &ids {
        let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
        let takes = trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == json!("allocate") || e["action"] == json!("claim")).count();
        let owned = w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].is_string();
        assert!(takes <= 1, "{id}: never taken twice: {trail}");
        assert_eq!(takes == 1, owned, "{id}: owned exactly when taken once: {trail}");
        taken += takes;
    }
    assert_eq!(taken, assigned + claimed, "every success is one event: {assigned} allocated + {claimed} claimed");
    assert!(assigned + claimed >= 10, "the race took most of them");
}

fn pools_have_their_own_limits(w: &mut World) {
    let rules = w.admin.get("/api/v1/pool/rules").body;
    let mut east = rules["pools"][0].clone();
    east["key"] = json!("east");
    east["zh"] = json!("东区公海");
    east["en"] = json!("East pool");
    east["regions"] = json!(["east"]);
    east["daily_claim_limit"] = json!(1);
    let mut two = rules.clone();
    two["pools"] = json!([east, rules["pools"][0].clone()]);
    let saved = w.admin.put("/api/v1/pool/rules", &two);
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(w.admin.post("/api/v1/reps", &json!({"id": "rep-pools", "name": "池测试", "level": "junior", "capacity": 50})).status, 201);
    let rep = w.server.api(&w.server.token("demo", "rep-pools", Role::Rep));
    // make_pool cycles 上海 (east), 广州, 北京, 成都.
    let ids = make_pool(w, "分池客户", 8, 17100000000);
    let region = |id: &String| w.admin.get(&format!("/api/v1/customers/{id}")).body["region"].as_str().unwrap_or("").to_string();
    let east_ids: Vec<&String> = ids.iter().filter(|id| region(id) == "east").collect();
    let other: Vec<&String> = ids.iter().filter(|id| region(id) != "east").collect();
    assert!(east_ids.len() >= 2 && !other.is_empty());
    let claim = |id: &str| rep.send("POST", &format!("/api/v1/customers/{id}/claim"), "application/json", b"");
    assert_eq!(claim(east_ids[0]).status, 200, "first claim from the east pool");
    let refused = claim(east_ids[1]);
    assert_eq!((refused.status, refused.code()), (409, "claim_limit"), "the east pool allows one a day: {}", refused.text);
    assert_eq!(refused.body["error"]["details"]["claims_left_today"], json!(0));
    assert_eq!(claim(other[0]).status, 200, "the main pool's limit is its own");
    let me = rep.get("/api/v1/pool/me").body;
    let quota = |key: &str| me["pools"].as_array().unwrap().iter().find(|p| p["pool"] == json!(key)).cloned().unwrap();
    assert_eq!((quota("east")["claims_today"].as_u64(), quota("east")["claims_left_today"].as_u64()), (Some(1), Some(0)), "{me}");
    assert_eq!((quota("main")["claims_today"].as_u64(), quota("main")["daily_claim_limit"].as_u64()), (Some(1), rules["pools"][0]["daily_claim_limit"].as_u64()));
    assert_eq!(me["held"].as_u64(), Some(2));
    let audit = w.admin.get(&format!("/api/v1/audit?customer={}", east_ids[0])).body;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == json!("claim") && e["rule"].as_str().is_some_and(|r| r.starts_with("pool:east@"))), "{audit}");
    let mut back = w.admin.get("/api/v1/pool/rules").body;
    back["pools"] = rules["pools"].clone();
    assert_eq!(w.admin.put("/api/v1/pool/rules", &back).status, 200);
}

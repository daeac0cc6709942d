//! The pipeline: stage moves and follow-ups, stages that never vanish silently, and the
//! board's cards in every scope.

use std::collections::HashSet;

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.case("stage_moves_and_follow_ups", stages_and_follow_ups).tenant_wide("pipeline_stages_never_vanish_silently", pipeline_stages).case("board_answers_every_card_in_scope", board)
}

pub fn stages_and_follow_ups(w: &mut World) {
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

pub fn pipeline_stages(w: &mut World) {
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
    // Back to the stages the other cases read (初步接触 included).
    let now = w.admin.get("/api/v1/settings").body;
    let back = w.admin.put("/api/v1/pipeline/stages", &json!({"version": now["version"], "stages": settings["stages"]}));
    assert_eq!(back.status, 200, "{}", back.text);
}

pub fn board(w: &mut World) {
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

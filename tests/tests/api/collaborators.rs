//! Collaborators (协作人): they read, never edit, and leave with the owner.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.case("collaborators_read_never_edit_and_leave_with_the_owner", collaborators)
}

pub fn collaborators(w: &mut World) {
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
    let story: Vec<(&str, Option<&str>, &str)> = trail["items"].as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["subject"].as_str(), e["actor"].as_str().unwrap())).collect();
    assert_eq!(
        story,
        vec![
            ("create", None, "rep-chen"),
            ("add_collaborator", Some("rep-emily"), "rep-chen"),
            ("add_collaborator", Some("rep-wang"), "mgr-li"),
            ("remove_collaborator", Some("rep-wang"), "rep-wang"),
            ("add_collaborator", Some("rep-david"), "rep-chen"),
            ("remove_collaborator", Some("rep-david"), "rep-david"),
            ("add_collaborator", Some("rep-zhao"), "rep-chen"),
            ("transfer", None, "admin"),
            ("release", None, "rep-emily"),
        ]
    );
    let pool = w.admin.get("/api/v1/pool?q=协作客户").body;
    let item = pool["items"].as_array().unwrap().iter().find(|i| i["id"] == c["id"]).expect("in the pool").clone();
    assert_eq!(item["pool_reason"], json!("released"));
    assert_eq!(w.acme.post(&format!("{path}/collaborators"), &json!({"user": "acme-rep"})).status, 404);
}

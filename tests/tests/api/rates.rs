//! Request budgets (`shared::rate`): a caller who spends a class's budget gets 429
//! `rate_limited` with `Retry-After`, other callers and other classes are unaffected.

use allot_tests::harness::Suite;
use serde_json::json;
use shared::ids::Role;
use shared::rate::RateClass;

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.case("a_spent_budget_answers_429_with_retry_after_for_that_user_and_class_only", budgets_per_user_and_class)
}

pub fn budgets_per_user_and_class(w: &mut World) {
    // A user of their own, so no other case shares this budget.
    let probe = w.server.api(&w.server.token("demo", "admin-rate-probe", Role::Admin));
    let csv = "客户名称,电话\n限流客户,13900000001\n";
    let budget = RateClass::Import.per_minute();
    for i in 0..budget {
        let dry = probe.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
        assert_eq!(dry.status, 200, "import {i} of {budget}: {}", dry.text);
    }
    let over = probe.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!((over.status, over.code()), (429, "rate_limited"), "{}", over.text);
    assert_eq!(over.body["error"]["details"]["per_minute"], json!(budget));
    assert!(over.body["error"]["message"].as_str().unwrap_or_default().contains(&format!("{budget} imports per user")), "{}", over.text);
    assert_eq!(over.retry_after.as_deref(), Some("60"));
    // Reads are another class; another user's imports another budget.
    assert_eq!(probe.get("/api/v1/me").status, 200);
    let other = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!(other.status, 200, "{}", other.text);
}

//! The hourly maintenance through the queue: the Cron Trigger queues one job per tenant,
//! so a tenant whose job fails (here: a corrupt pool-rules document) is retried alone
//! and never stops the tenants after it; a job run again does nothing twice.

use allot_tests::harness::Suite;
use allot_tests::{eventually, Server, ServerOptions, TEST_SECRET};
use serde_json::{json, Value};

use super::World;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.restarting("a_failing_tenant_never_stops_the_maintenance_of_the_others", a_failing_tenant_never_stops_the_others)
}

pub fn a_failing_tenant_never_stops_the_others(w: &mut World) {
    let now = allot_tests::now_ms();
    let day = 86_400_000;
    let persist = w.server.persist.clone();
    w.server.stop();
    // "aaa-broken" sorts before every other tenant: one loop over all tenants, as the
    // job was before the queue, stopped at its corrupt document for everybody after it.
    let owned = now - 60 * day;
    let sql = format!(
        "INSERT INTO tenants (id, name, created_at) VALUES ('aaa-broken', 'Broken Co.', {now});\n\
         INSERT INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES ('aaa-broken', 'broken-rep', 'broken-rep', 'rep', NULL, 'senior', '[]', '[]', 100, 1, {now});\n\
         INSERT INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, version, phone_key) \
         VALUES ('aaa-broken', 'c_broken_overdue', 'Broken Overdue', '13922220001', 'lead', 'regular', 'broken-rep', 'broken-rep', {owned}, {owned}, {owned}, 1, '13922220001');\n\
         INSERT INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, version, phone_key) \
         VALUES ('acme', 'c_acme_overdue_again', 'Overdue Again', '13911110009', 'lead', 'regular', 'acme-rep', 'acme-rep', {owned}, {owned}, {owned}, 1, '13911110009');\n"
    );
    let file = persist.with_extension("broken.sql");
    std::fs::write(&file, sql).expect("write the fixture");
    allot_tests::execute_sql_file(&persist, &file).expect("the broken tenant");
    allot_tests::put_kv(&persist, "pool-rules:aaa-broken", "{ this is not json").expect("the corrupt document");
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);

    let owner = |w: &World, id: &str| w.acme.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
    assert_eq!(owner(w, "c_acme_overdue_again"), json!("acme-rep"));
    assert_eq!(w.server.trigger_scheduled(), 200);
    eventually("acme's overdue customer is recycled despite the broken tenant before it", || owner(w, "c_acme_overdue_again") == Value::Null);
    let broken = w.server.api(&w.server.token("aaa-broken", "broken-rep", shared::ids::Role::Rep));
    assert_eq!(broken.get("/api/v1/customers/c_broken_overdue").body["owner"], json!("broken-rep"), "the broken tenant's job failed (and is retried), changing nothing");

    // Run again (the next hour, or a message delivered twice): nothing happens twice.
    assert_eq!(w.server.trigger_scheduled(), 200);
    std::thread::sleep(std::time::Duration::from_secs(3));
    let trail = w.acme.get("/api/v1/audit?customer=c_acme_overdue_again").body;
    let recycles = trail["items"].as_array().map_or(0, |items| items.iter().filter(|e| e["action"] == json!("recycle")).count());
    assert_eq!(recycles, 1, "{trail}");
}

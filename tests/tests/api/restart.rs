//! Durability: a hard kill loses no acknowledged write.

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite.restarting("restart_durability", restart)
}

pub fn restart(w: &mut World) {
    // A manager's write: a rep's day of new phones may be spent by the cases before.
    let c = created(&w.manager, json!({"name": "重启之后还在", "phone": "13800009999"}));
    let id = c["id"].as_str().unwrap().to_string();
    let persist = w.server.persist.clone();
    // A hard kill (no graceful shutdown): every acknowledged write must survive.
    w.server.kill_hard();
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
    let got = w.manager.get(&format!("/api/v1/customers/{id}"));
    assert_eq!((got.status, got.body["name"].as_str()), (200, Some("重启之后还在")));
}

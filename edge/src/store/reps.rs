//! The rep directory's query: reps and managers in the caller's scope with their load and
//! trailing performance, in one statement, and the scope conditions on the user row `u`.

use serde::Deserialize;
use shared::allocation::{AllocationRules, Level, Performance, RepProfile};
use shared::api::RepView;
use shared::ids::Role;
use shared::reps::Changeable;
use shared::time::DAY_MS;

use crate::context::{Caller, Ctx};
use crate::db::{self, json_column, Arg};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    role: String,
    team_id: Option<String>,
    level: String,
    industries: Option<String>,
    regions: Option<String>,
    capacity: f64,
    active: f64,
    held: f64,
    held_value: f64,
    won_amount: f64,
    won: f64,
    lost: f64,
}

impl Row {
    fn into_view(self) -> Option<RepView> {
        Some(RepView {
            role: Role::parse(&self.role)?,
            level: if self.level == "senior" { Level::Senior } else { Level::Junior },
            industries: json_column(&self.industries),
            regions: json_column(&self.regions),
            capacity: self.capacity as u32,
            active: self.active != 0.0,
            held: self.held as u32,
            held_value: self.held_value,
            performance: Performance::from_deals(self.won_amount, self.won as u32, self.lost as u32),
            id: self.id,
            name: self.name,
            team: self.team_id,
        })
    }
}

/// Which users a caller may see in the rep directory, or allocate to: an admin all, a
/// manager their team (all when they lead none), a rep only themselves.
pub fn scope(caller: &Caller) -> &'static str {
    match caller.role {
        Role::Admin => "?2 IS NOT NULL",
        Role::Manager => {
            "(u.id = ?2 OR NOT EXISTS (SELECT 1 FROM users m WHERE m.tenant_id = ?1 AND m.id = ?2 AND m.team_id IS NOT NULL) \
             OR u.team_id = (SELECT m.team_id FROM users m WHERE m.tenant_id = ?1 AND m.id = ?2))"
        }
        Role::Rep => "u.id = ?2",
    }
}

/// `shared::reps::may_change` as a condition on the user row `u` (in the `UPDATE` too, so
/// a role changed since the read is not acted on as it was).
pub fn changeable(caller: &Caller) -> String {
    match Changeable::of(caller.role) {
        Changeable::Anyone => "?2 IS NOT NULL".into(),
        Changeable::OthersOfRole(role) => format!("(u.role = '{}' AND u.id <> ?2)", role.as_str()),
        Changeable::Nobody => "?2 IS NULL".into(),
    }
}

/// Reps and managers in the caller's scope, with held counts and trailing performance,
/// in one query.
pub async fn load(ctx: &Ctx, rules: &AllocationRules, tenant_wide: bool, extra: &str, extra_args: &[Arg]) -> ApiResult<Vec<RepView>> {
    let since = ctx.now - i64::from(rules.performance_window_days) * DAY_MS;
    let owned = "FROM customers c WHERE c.tenant_id = u.tenant_id AND c.owner_id = u.id AND c.deleted_at IS NULL";
    let sql = format!(
        "SELECT u.id, u.name, u.role, u.team_id, u.level, u.industries, u.regions, u.capacity, u.active, \
         (SELECT count(*) {owned}) AS held, (SELECT coalesce(sum(c.amount), 0) {owned}) AS held_value, \
         (SELECT coalesce(sum(c.amount), 0) {owned} AND c.won_at >= ?3) AS won_amount, \
         (SELECT count(*) {owned} AND c.won_at >= ?3) AS won, (SELECT count(*) {owned} AND c.lost_at >= ?3) AS lost \
         FROM users u WHERE u.tenant_id = ?1 AND u.role IN ('rep', 'manager') AND {} {extra} ORDER BY u.id",
        if tenant_wide { "?2 IS NOT NULL" } else { scope(&ctx.caller) }
    );
    let mut args = vec![Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(since)];
    args.extend_from_slice(extra_args);
    Ok(db::all::<Row>(&ctx.db, &sql, &args).await?.into_iter().filter_map(Row::into_view).collect())
}

/// What the allocation engine needs of a rep.
pub fn profile(v: &RepView) -> RepProfile {
    RepProfile {
        id: v.id.clone(),
        level: v.level,
        industries: v.industries.clone(),
        regions: v.regions.clone(),
        capacity: v.capacity,
        active: v.active && v.role == Role::Rep,
        held: v.held,
        held_value: v.held_value,
        performance: v.performance,
    }
}

pub async fn one(ctx: &Ctx, id: &str) -> ApiResult<RepView> {
    let rules = crate::documents::load::<AllocationRules>(&ctx.env, &ctx.caller.tenant).await?;
    load(ctx, &rules, false, "AND u.id = ?4", &[Arg::from(id)]).await?.into_iter().next().ok_or_else(|| ApiError::NotFound(format!("no rep {id}")))
}

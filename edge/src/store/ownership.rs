//! The statements that move customers between owners and the pool: release, transfer,
//! and the end of a deactivated user's collaborations. Each is built over a condition
//! choosing the customers, so one customer (`pool`) and every customer of a rep
//! (`hand_over`) move by the same statements.

use shared::audit::AuditAction;
use worker::D1PreparedStatement;

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::ApiResult;
use crate::store::scope as sql;

/// The audit insert and the update, for one batch, that return the customers matching
/// `which` (a condition on `c` over ?3 = `subject`) to the pool, if the caller may edit
/// them. The audit row is written first, from the row as it is, under the same conditions
/// as the update: both happen or neither does. `returning` ends the update (a `RETURNING`
/// clause, or nothing).
pub fn release_statements(ctx: &Ctx, which: &str, subject: &str, reason: String, returning: &str) -> ApiResult<[D1PreparedStatement; 2]> {
    let condition = format!("c.tenant_id = ?1 AND {which} AND c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND {}", sql::editable(&ctx.caller));
    // ?1 tenant, ?2 caller, ?3 subject, ?4 reason, ?5 now.
    let audit = Event::new(AuditAction::Release, "c.id", "?2", "?5").from("c.owner_id").reason("?4").statement(
        &ctx.db,
        Source::Rows(&condition),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(subject), Arg::from(reason), Arg::Int(ctx.now)],
    )?;
    let update = db::stmt(
        &ctx.db,
        &format!("UPDATE customers AS c SET owner_id = NULL, owned_since = NULL, collaborators = '[]', updated_at = ?4, version = version + 1 WHERE {condition}{returning}"),
        &[Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(subject), Arg::Int(ctx.now)],
    )?;
    Ok([audit, update])
}

/// The audit insert and the update, for one batch, that give the customers matching
/// `which` (a condition on `c` over ?3 = `subject`) to `to`: only customers the caller may
/// edit, only to an active user in the caller's scope, never to their current owner.
pub fn transfer_statements(ctx: &Ctx, which: &str, subject: &str, to: &str, reason: String, returning: &str) -> ApiResult<[D1PreparedStatement; 2]> {
    // ?1 tenant, ?2 caller, ?3 subject, ?4 target, ?5 now, ?6 reason.
    let condition = format!("c.tenant_id = ?1 AND {which} AND c.deleted_at IS NULL AND c.owner_id IS NOT ?4 AND {} AND {}", sql::editable(&ctx.caller), sql::assignable_target(&ctx.caller, "?4"));
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(subject), Arg::from(to), Arg::Int(ctx.now), Arg::from(reason)];
    let audit = Event::new(AuditAction::Transfer, "c.id", "?2", "?5").from("c.owner_id").to("?4").reason("?6").statement(&ctx.db, Source::Rows(&condition), &args)?;
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET owner_id = ?4, owned_since = ?5, collaborators = {}, updated_at = ?5, version = version + 1 \
             WHERE {condition} AND ?6 IS NOT NULL{returning}",
            sql::collaborators_without("?4"),
        ),
        &args,
    )?;
    Ok([audit, update])
}

/// The statement that ends every collaboration of `id`, placed after the statement that
/// deactivates them in a batch, and effective only if that one did: someone who left
/// reads nothing more (`shared::collaborators` lets only active reps collaborate).
pub fn end_collaborations(ctx: &Ctx, id: &str) -> ApiResult<D1PreparedStatement> {
    db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET collaborators = {} WHERE c.tenant_id = ?1 AND {} \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = ?1 AND u.id = ?2 AND u.active = 1)",
            sql::collaborators_without("?2"),
            sql::collaborates("?2")
        ),
        &[Arg::from(&ctx.caller.tenant), Arg::from(id)],
    )
}

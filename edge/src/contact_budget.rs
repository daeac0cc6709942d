//! Spends a unit of a rep's daily budget of new phones and e-mails
//! (`shared::contact_budget`) before a write that sets one: one conditional upsert in D1
//! (an increment that happens only under the limit), so parallel requests can never
//! spend more than the budget, and the refusal costs the caller nothing else.

use shared::contact_budget::{day, seconds_to_next_day, spends, CONTACT_KEYS_PER_DAY};
use shared::customer::DuplicateKeys;

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};

/// Spends a unit when the write (keys `before` → `after`) needs one; 429
/// `contact_budget_spent` when the day's budget is gone.
pub async fn spend(ctx: &Ctx, before: Option<&DuplicateKeys>, after: &DuplicateKeys) -> ApiResult<()> {
    if !spends(ctx.caller.role, before, after) {
        return Ok(());
    }
    let args = [Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::Int(day(ctx.now)), Arg::Int(i64::from(CONTACT_KEYS_PER_DAY))];
    let statements = vec![
        db::stmt(&ctx.db, "DELETE FROM contact_key_writes WHERE tenant_id = ?1 AND user_id = ?2 AND day < ?3 AND ?4 IS NOT NULL", &args)?,
        db::stmt(
            &ctx.db,
            "INSERT INTO contact_key_writes (tenant_id, user_id, day, spent) VALUES (?1, ?2, ?3, 1) \
             ON CONFLICT (tenant_id, user_id, day) DO UPDATE SET spent = spent + 1 WHERE spent < ?4",
            &args,
        )?,
    ];
    let results = db::batch(&ctx.db, statements).await?;
    if results.get(1).map(db::changes) == Some(1) {
        Ok(())
    } else {
        Err(ApiError::ContactBudgetSpent { retry_after: seconds_to_next_day(ctx.now) })
    }
}

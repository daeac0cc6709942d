//! Collaborators (协作人): `POST /customers/{id}/collaborators` adds one,
//! `DELETE /customers/{id}/collaborators/{user}` removes one. The rules are
//! `shared::collaborators`; each write is one conditional `UPDATE` that re-states them
//! (owned, not the owner, room left, an active rep, the caller may edit — or is leaving),
//! followed in the same batch by its audit row, written only if the update changed the
//! row. The read before it only words the refusal; it decides nothing.

use shared::api::ShareInput;
use shared::audit::AuditAction;
use shared::collaborators::{check_share, may_unshare, ShareRefusal, COLLABORATOR_ROLE, MAX_COLLABORATORS};
use shared::field_error::FieldError;
use worker::{Request, Response};

use crate::audit::{Event, Source};
use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::customers::fetch_visible;
use crate::store::customers::{may_edit_visible, returning, view, Row};
use crate::store::scope as sql;

/// `shared::collaborators::may_collaborate` as a condition on user `?4`.
fn active_rep() -> String {
    format!("EXISTS (SELECT 1 FROM users x WHERE x.tenant_id = ?1 AND x.id = ?4 AND x.active = 1 AND x.role = '{}')", COLLABORATOR_ROLE.as_str())
}

/// `?1` tenant, `?2` caller, `?3` customer, `?4` the collaborator, `?5` now (bound in
/// both statements of a write; D1 refuses a statement that leaves one unused).
fn args(ctx: &Ctx, id: &str, user: &str) -> Vec<Arg> {
    vec![Arg::from(&ctx.caller.tenant), Arg::from(&ctx.caller.user), Arg::from(id), Arg::from(user), Arg::Int(ctx.now)]
}

fn audit(ctx: &Ctx, action: AuditAction, args: &[Arg]) -> ApiResult<worker::D1PreparedStatement> {
    Event::new(action, "?3", "?2", "?5").subject("?4").statement(&ctx.db, Source::AfterChange, args)
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no customer {id}"))
}

fn refused(refusal: ShareRefusal) -> ApiError {
    ApiError::Conflict { code: refusal.code(), message: refusal.message() }
}

fn may_not_add() -> ApiError {
    ApiError::Forbidden("only the owner, their manager or an admin may add collaborators".into())
}

pub async fn add(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let input: ShareInput = read_json(req).await?;
    let user = input.user.trim();
    if user.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new("user", "required", "the user to add")]));
    }
    let settings = ctx.settings().await?;
    let row = fetch_visible(ctx, id).await?.ok_or_else(|| not_found(id))?;
    let (customer, owner_name) = row.into_customer();
    if !may_edit_visible(&ctx.caller, customer.owner.as_deref()) {
        return Err(may_not_add());
    }
    match check_share(customer.owner.as_deref(), &customer.collaborators, user) {
        Err(refusal) => return Err(refused(refusal)),
        Ok(false) => return Ok(json(200, &view(customer, owner_name, &ctx.caller, &settings, ctx.now))),
        Ok(true) => {}
    }
    let args = args(ctx, id, user);
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET collaborators = json_insert(c.collaborators, '$[#]', ?4) \
             WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND {} \
             AND c.owner_id IS NOT NULL AND c.owner_id <> ?4 AND NOT {} \
             AND json_array_length(c.collaborators) < {MAX_COLLABORATORS} AND {} AND ?5 IS NOT NULL{}",
            sql::editable(&ctx.caller),
            sql::collaborates("?4"),
            active_rep(),
            returning(),
        ),
        &args,
    )?;
    let results = db::batch(&ctx.db, vec![update, audit(ctx, AuditAction::AddCollaborator, &args)?]).await?;
    if let Some(row) = db::returned_first::<Row>(&results, 0)? {
        return Ok(json(200, &row.into_view_named(owner_name, &ctx.caller, &settings, ctx.now)));
    }
    // Refused by the statement: an unknown user, or the customer changed in between.
    let row = fetch_visible(ctx, id).await?.ok_or_else(|| not_found(id))?;
    let (now_there, owner_name) = row.into_customer();
    match check_share(now_there.owner.as_deref(), &now_there.collaborators, user) {
        Err(refusal) => Err(refused(refusal)),
        Ok(false) => Ok(json(200, &view(now_there, owner_name, &ctx.caller, &settings, ctx.now))),
        Ok(true) if !may_edit_visible(&ctx.caller, now_there.owner.as_deref()) => Err(may_not_add()),
        Ok(true) => Err(ApiError::Invalid(vec![FieldError::new("user", "unknown_user", format!("{user} is not an active rep of this tenant"))])),
    }
}

/// `user` may be `me`: the caller leaving a customer shared with them.
pub async fn remove(ctx: &Ctx, id: &str, user: &str) -> ApiResult<Response> {
    let user = if user == "me" { ctx.caller.user.as_str() } else { user };
    let settings = ctx.settings().await?;
    let row = fetch_visible(ctx, id).await?.ok_or_else(|| not_found(id))?;
    let (customer, owner_name) = row.into_customer();
    let may_edit = may_edit_visible(&ctx.caller, customer.owner.as_deref());
    if !may_unshare(may_edit, &ctx.caller.user, user) {
        return Err(ApiError::Forbidden("only the owner, their manager, an admin or the collaborator themself may remove a collaborator".into()));
    }
    if !customer.collaborators.iter().any(|c| c == user) {
        return Ok(json(200, &view(customer, owner_name, &ctx.caller, &settings, ctx.now)));
    }
    let args = args(ctx, id, user);
    let update = db::stmt(
        &ctx.db,
        &format!(
            "UPDATE customers AS c SET collaborators = {} \
             WHERE c.tenant_id = ?1 AND c.id = ?3 AND c.deleted_at IS NULL AND ({} OR ?4 = ?2) AND {} AND ?5 IS NOT NULL{}",
            sql::collaborators_without("?4"),
            sql::editable(&ctx.caller),
            sql::collaborates("?4"),
            returning(),
        ),
        &args,
    )?;
    let results = db::batch(&ctx.db, vec![update, audit(ctx, AuditAction::RemoveCollaborator, &args)?]).await?;
    match db::returned_first::<Row>(&results, 0)? {
        Some(row) => Ok(json(200, &row.into_view_named(owner_name, &ctx.caller, &settings, ctx.now))),
        None => {
            let still_there = fetch_visible(ctx, id).await?.map(Row::into_customer).is_some_and(|(c, _)| c.collaborators.iter().any(|c| c == user));
            if still_there {
                // The customer changed hands in between and the caller may no longer edit it.
                return Err(ApiError::Forbidden("you may no longer change this customer's collaborators".into()));
            }
            // Someone removed them first, or the customer went to the pool: either way
            // they are no longer a collaborator. Answered from the earlier read, so a
            // caller who can no longer see the customer learns nothing new about it.
            let mut customer = customer;
            customer.collaborators.retain(|c| c != user);
            Ok(json(200, &view(customer, owner_name, &ctx.caller, &settings, ctx.now)))
        }
    }
}

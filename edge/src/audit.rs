//! The one statement that writes an audit event.
//!
//! Every `INSERT INTO audit_events` is built here, and always as a statement of the same
//! batch as the change it records, in one of two forms ([`Source`]): after a single-row
//! change, guarded by `changes() = 1`, so the event exists exactly when the change
//! happened; or one event per customer row a condition chooses, placed before the change
//! under the same condition, so both happen or neither does. This is where notifications
//! attach: an event is written in the same batch as its change.
//!
//! Each value is an SQL expression over the statement's own parameters (`?1` is always
//! the tenant) or, in the per-row form, over the customer row `c`. The action is a literal
//! from [`AuditAction`]; constant reasons are literals from [`Reason`]'s constants.

use shared::audit::AuditAction;
use worker::{D1Database, D1PreparedStatement};

use crate::db::{self, Arg};
use crate::error::ApiResult;

/// An event's values as SQL expressions; those left out are `NULL`.
pub struct Event<'a> {
    action: AuditAction,
    customer: &'a str,
    actor: &'a str,
    from: &'a str,
    to: &'a str,
    reason: String,
    rule: &'a str,
    at: &'a str,
    subject: &'a str,
}

/// Which rows an event is written for.
pub enum Source<'a> {
    /// One event, only if the statement just before it in the batch changed one row.
    AfterChange,
    /// One event per customer `c` matching the condition (placed before the change).
    Rows(&'a str),
    /// One event per customer `c` joined to the rows of `join` (`JOIN … ON … c.id`: a
    /// plan of customer → value read once, not looked up per customer) and matching the
    /// condition.
    Joined { join: &'a str, condition: &'a str },
}

impl<'a> Event<'a> {
    /// `action` on `customer` by `actor` at `at` (SQL expressions).
    pub fn new(action: AuditAction, customer: &'a str, actor: &'a str, at: &'a str) -> Event<'a> {
        Event { action, customer, actor, from: "NULL", to: "NULL", reason: "NULL".into(), rule: "NULL", at, subject: "NULL" }
    }

    pub fn from(mut self, owner: &'a str) -> Self {
        self.from = owner;
        self
    }

    pub fn to(mut self, owner: &'a str) -> Self {
        self.to = owner;
        self
    }

    /// The reason as an SQL expression (a parameter).
    pub fn reason(mut self, reason: &str) -> Self {
        self.reason = reason.to_string();
        self
    }

    /// A constant reason (one of `shared::audit::Reason`'s), written as a literal.
    pub fn reason_text(mut self, reason: &str) -> Self {
        self.reason = literal(reason);
        self
    }

    pub fn rule(mut self, rule: &'a str) -> Self {
        self.rule = rule;
        self
    }

    pub fn subject(mut self, subject: &'a str) -> Self {
        self.subject = subject;
        self
    }

    /// The `INSERT` statement's text.
    pub fn sql(&self, source: Source<'_>) -> String {
        let values = format!("?1, {}, {}, {}, {}, {}, {}, {}, {}, {}", self.customer, self.actor, literal(self.action.as_str()), self.from, self.to, self.reason, self.rule, self.at, self.subject);
        let source = match source {
            Source::AfterChange => "WHERE changes() = 1".to_string(),
            Source::Rows(condition) => format!("FROM customers c WHERE {condition}"),
            Source::Joined { join, condition } => format!("FROM customers c {join} WHERE {condition}"),
        };
        format!("INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at, subject) SELECT {values} {source}")
    }

    /// The statement, bound to `args` (`?1` the tenant).
    pub fn statement(&self, db: &D1Database, source: Source<'_>, args: &[Arg]) -> ApiResult<D1PreparedStatement> {
        db::stmt(db, &self.sql(source), args)
    }
}

/// An SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The audit actions as an SQL list (`'release', 'recycle'`), for conditions on
/// `audit_events.action`.
pub fn actions(actions: &[AuditAction]) -> String {
    actions.iter().map(|a| literal(a.as_str())).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_forms() {
        let guarded = Event::new(AuditAction::Claim, "?3", "?2", "?4").to("?2").reason_text("claimed from the pool").rule("?5");
        assert_eq!(
            guarded.sql(Source::AfterChange),
            "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at, subject) \
             SELECT ?1, ?3, ?2, 'claim', NULL, ?2, 'claimed from the pool', ?5, ?4, NULL WHERE changes() = 1"
        );
        let per_row = Event::new(AuditAction::Release, "c.id", "?2", "?5").from("c.owner_id").reason("?4");
        assert_eq!(
            per_row.sql(Source::Rows("c.tenant_id = ?1")),
            "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at, subject) \
             SELECT ?1, c.id, ?2, 'release', c.owner_id, NULL, ?4, NULL, ?5, NULL FROM customers c WHERE c.tenant_id = ?1"
        );
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(actions(&[AuditAction::Release, AuditAction::Recycle]), "'release', 'recycle'");
    }
}

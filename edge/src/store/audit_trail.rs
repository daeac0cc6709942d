//! Reading audit events back: the one row shape and the one way a row becomes an
//! [`AuditEvent`], with the masking that goes with it (notes typed into releases and
//! transfers are hidden with the contacts), for a customer's timeline and the tenant's
//! recent changes alike.

use serde::Deserialize;
use shared::api::AuditEvent;
use shared::ids::Role;

/// The columns a [`TrailRow`] reads, of `audit_events a`.
pub const TRAIL_COLUMNS: &str = "a.seq, a.customer_id, a.actor_id, a.action, a.from_owner, a.to_owner, a.reason, a.rule, a.at, a.subject";

#[derive(Deserialize)]
pub struct TrailRow {
    seq: f64,
    customer_id: String,
    actor_id: String,
    action: String,
    from_owner: Option<String>,
    to_owner: Option<String>,
    reason: Option<String>,
    rule: Option<String>,
    at: f64,
    subject: Option<String>,
    /// The customer's owner now, where the statement reads it (`c.owner_id`).
    #[serde(default)]
    pub owner_id: Option<String>,
}

impl TrailRow {
    /// The event as `role` may read it of a customer owned by `owner` now.
    pub fn into_event(self, role: Role, owner: Option<&str>) -> AuditEvent {
        let hidden = shared::ownership::masks_contacts(role, owner);
        AuditEvent {
            seq: self.seq as i64,
            customer: self.customer_id,
            reason: if hidden { shared::mask::reason(&self.action, self.reason.as_deref()) } else { self.reason },
            actor: self.actor_id,
            action: self.action,
            from: self.from_owner,
            to: self.to_owner,
            subject: self.subject,
            rule: self.rule,
            at: self.at as i64,
        }
    }
}

//! The audit trail's vocabulary: what happened to a customer ([`AuditAction`]) and why
//! ([`Reason`]), each written once.
//!
//! The stored and answered forms are today's strings (`release`, `take_over`,
//! `not_interested: called twice`): the enum and the reason type only name them. The
//! edge writes every event through one statement builder (`edge/src/audit.rs`), in the
//! same batch as the change it records; reports and the pool's daily limits read them
//! back by these same names; the widget labels them with [`AuditAction::label`].

use serde::{Deserialize, Serialize};

/// What an audit event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Entered through `POST /customers` (owned by its creator, a target, or the pool).
    Create,
    /// Entered by an import.
    Import,
    /// Given to a rep by an allocation run, or on entry by the intake path.
    Allocate,
    /// Taken from the pool by a rep.
    Claim,
    /// Returned to the pool by its owner or their manager (also a hand-over to the pool).
    Release,
    /// Returned to the pool by the recycle job.
    Recycle,
    /// Moved to another rep by a manager (also a hand-over to a colleague).
    Transfer,
    /// Taken over under the tenant's ownership rule when entered again (撞单).
    TakeOver,
    /// Deleted.
    Delete,
    /// A collaborator (`subject`) added: who may read changes, not the owner.
    AddCollaborator,
    /// A collaborator (`subject`) removed.
    RemoveCollaborator,
}

impl AuditAction {
    pub const ALL: [AuditAction; 11] = [
        AuditAction::Create,
        AuditAction::Import,
        AuditAction::Allocate,
        AuditAction::Claim,
        AuditAction::Release,
        AuditAction::Recycle,
        AuditAction::Transfer,
        AuditAction::TakeOver,
        AuditAction::Delete,
        AuditAction::AddCollaborator,
        AuditAction::RemoveCollaborator,
    ];

    /// The stored form (`audit_events.action`, `AuditEvent::action`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Import => "import",
            AuditAction::Allocate => "allocate",
            AuditAction::Claim => "claim",
            AuditAction::Release => "release",
            AuditAction::Recycle => "recycle",
            AuditAction::Transfer => "transfer",
            AuditAction::TakeOver => "take_over",
            AuditAction::Delete => "delete",
            AuditAction::AddCollaborator => "add_collaborator",
            AuditAction::RemoveCollaborator => "remove_collaborator",
        }
    }

    pub fn parse(stored: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == stored)
    }

    /// Why a customer this event left in the pool is there, as `PoolItem::pool_reason`
    /// says it: `created`, `imported`, `released`, `recycled`; other actions by their
    /// stored form.
    pub fn pool_reason(self) -> &'static str {
        match self {
            AuditAction::Create => "created",
            AuditAction::Import => "imported",
            AuditAction::Release => "released",
            AuditAction::Recycle => "recycled",
            other => other.as_str(),
        }
    }

    /// The action a [`AuditAction::pool_reason`] names.
    pub fn from_pool_reason(reason: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.pool_reason() == reason)
    }

    /// The action's label in Chinese and English (what the pool shows as the reason a
    /// customer is there, and an audit history names the event by).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            AuditAction::Create => ("录入", "Created"),
            AuditAction::Import => ("导入", "Imported"),
            AuditAction::Allocate => ("分配", "Allocated"),
            AuditAction::Claim => ("领取", "Claimed"),
            AuditAction::Release => ("退回", "Released"),
            AuditAction::Recycle => ("回收", "Recycled"),
            AuditAction::Transfer => ("转移", "Transferred"),
            AuditAction::TakeOver => ("撞单接手", "Taken over"),
            AuditAction::Delete => ("删除", "Deleted"),
            AuditAction::AddCollaborator => ("添加协作人", "Collaborator added"),
            AuditAction::RemoveCollaborator => ("移除协作人", "Collaborator removed"),
        }
    }
}

/// Why an event happened, as stored in `audit_events.reason`: a code (`created`,
/// `no_budget`), or a code and a note typed with it (`code: note`), or — a transfer's —
/// the manager's note alone. A view that hides notes shows [`Reason::shown_masked`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

/// Between a code and its note.
const NOTE_SEPARATOR: &str = ": ";

impl Reason {
    /// `POST /customers` without allocation.
    pub const CREATED: &'static str = "created";
    /// The intake path of `POST /customers`: allocated on entry, never in the pool.
    pub const INTAKE_ALLOCATION: &'static str = "intake allocation";
    pub const IMPORTED: &'static str = "imported";
    pub const DELETED: &'static str = "deleted";
    pub const CLAIMED: &'static str = "claimed from the pool";
    pub const ENTERED_AGAIN: &'static str = "entered again by another rep (撞单)";
    /// An allocation run's code; its note is the rule's label.
    pub const ALLOCATION: &'static str = "allocation";
    /// A transfer without a note.
    pub const TRANSFER: &'static str = "transfer";
    /// `POST /intake` into the pool; its note is the key's label.
    pub const INTAKE: &'static str = "intake";

    /// A code alone.
    pub fn code(code: &str) -> Reason {
        Reason(code.to_string())
    }

    /// A code with the note typed with it (`code: note`); a blank note leaves the code.
    pub fn with_note(code: &str, note: Option<&str>) -> Reason {
        match note.map(str::trim).filter(|n| !n.is_empty()) {
            Some(note) => Reason(format!("{code}{NOTE_SEPARATOR}{note}")),
            None => Reason::code(code),
        }
    }

    /// An allocation run's reason: `allocation: ` and the rule's label.
    pub fn allocation(rule: &str) -> Reason {
        Reason(format!("{}{NOTE_SEPARATOR}{rule}", Reason::ALLOCATION))
    }

    /// A submission through an intake key that left the customer in the pool:
    /// `intake: ` and the key's label, trimmed.
    pub fn intake(label: &str) -> Reason {
        Reason(format!("{}{NOTE_SEPARATOR}{}", Reason::INTAKE, label.trim()))
    }

    /// A transfer's reason: the manager's note as typed, or `transfer`.
    pub fn transfer(note: Option<&str>) -> Reason {
        match note.filter(|n| !n.trim().is_empty()) {
            Some(note) => Reason(note.to_string()),
            None => Reason::code(Reason::TRANSFER),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// What a view that hides notes (with the contacts) shows of a stored reason: its
    /// code; a transfer's, whose reason is the note itself, `transfer`.
    pub fn shown_masked(action: &str, stored: &str) -> String {
        if action == AuditAction::Transfer.as_str() {
            return Reason::TRANSFER.into();
        }
        stored.split(NOTE_SEPARATOR).next().unwrap_or_default().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_serialize_to_their_stored_form_and_back() {
        for action in AuditAction::ALL {
            assert_eq!(serde_json::to_value(action).unwrap(), serde_json::json!(action.as_str()));
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert_eq!(AuditAction::from_pool_reason(action.pool_reason()), Some(action));
        }
        assert_eq!(AuditAction::TakeOver.as_str(), "take_over");
        assert_eq!(AuditAction::parse("nope"), None);
    }

    #[test]
    fn reasons_keep_todays_text() {
        let check = |reason: Reason, expect: &str| assert_eq!(reason.as_str(), expect);
        check(Reason::with_note("no_budget", Some("  next year ")), "no_budget: next year");
        check(Reason::with_note("no_budget", Some("  ")), "no_budget");
        check(Reason::with_note("no_budget", None), "no_budget");
        check(Reason::allocation("轮流分配"), "allocation: 轮流分配");
        check(Reason::intake(" 官网表单 "), "intake: 官网表单");
        check(Reason::transfer(Some("covering leave")), "covering leave");
        check(Reason::transfer(Some(" ")), "transfer");
        check(Reason::transfer(None), "transfer");
        assert_eq!(Reason::shown_masked("release", "no_budget: call 138 0000"), "no_budget");
        assert_eq!(Reason::shown_masked("transfer", "covering leave"), "transfer");
        assert_eq!(Reason::shown_masked("recycle", "no_follow_up"), "no_follow_up");
    }
}

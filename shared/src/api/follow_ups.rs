//! Follow-ups (跟进, `/customers/{id}/follow-ups`): what a rep logs and what the log shows.

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::time::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    Call,
    Visit,
    Wechat,
    Email,
    Meeting,
    /// What a person wrote into an intake form (`shared::intake`): written with the
    /// customer, never by a rep, and never counted as a rep's follow-up.
    Form,
}

impl FollowUpKind {
    pub const ALL: [FollowUpKind; 5] = [FollowUpKind::Call, FollowUpKind::Visit, FollowUpKind::Wechat, FollowUpKind::Email, FollowUpKind::Meeting];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Call => "call",
            FollowUpKind::Visit => "visit",
            FollowUpKind::Wechat => "wechat",
            FollowUpKind::Email => "email",
            FollowUpKind::Meeting => "meeting",
            FollowUpKind::Form => "form",
        }
    }
}

/// `POST /customers/{id}/follow-ups` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub kind: FollowUpKind,
    pub note: String,
    #[serde(default)]
    pub outcome: Option<String>,
    /// When to follow up next (milliseconds); must be in the future.
    #[serde(default)]
    pub next_follow_up_at: Option<Millis>,
}

impl FollowUpInput {
    pub fn validate(&self, now: Millis) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.kind == FollowUpKind::Form {
            errors.push(FieldError::new("kind", "invalid", "form notes come from intake forms; log a call, visit, WeChat, e-mail or meeting"));
        }
        let note = self.note.trim();
        if note.is_empty() || note.chars().count() > 2000 {
            errors.push(FieldError::new("note", "required", "a note of 1 to 2000 characters"));
        }
        if self.outcome.as_ref().is_some_and(|o| o.chars().count() > 200) {
            errors.push(FieldError::new("outcome", "too_long", "at most 200 characters"));
        }
        if self.next_follow_up_at.is_some_and(|at| at <= now) {
            errors.push(FieldError::new("next_follow_up_at", "out_of_range", "must be in the future"));
        } else if let Some(Err(e)) = self.next_follow_up_at.map(|at| crate::time::check_date("next_follow_up_at", at)) {
            errors.push(e);
        }
        crate::field_error::finish(errors)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUp {
    pub id: String,
    pub customer: String,
    pub author: String,
    pub kind: FollowUpKind,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    pub at: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FollowUpList {
    pub items: Vec<FollowUp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_up_validation() {
        let bad = FollowUpInput { kind: FollowUpKind::Call, note: " ".into(), outcome: None, next_follow_up_at: Some(5) };
        let paths: Vec<String> = bad.validate(10).unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, vec!["note", "next_follow_up_at"]);
    }
}

//! The pipeline board (`GET /board`): its cards, its column totals and its scopes.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// One board column's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnTotal {
    pub stage: String,
    pub count: u32,
    pub amount: f64,
    /// amount × the stage's win probability.
    pub weighted: f64,
}

/// Most cards one board answer carries.
pub const BOARD_LIMIT: usize = 10_000;

/// What the pipeline board shows of a customer: compact, so that 10,000 load in one
/// answer (`GET /board`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardCard {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    pub stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<Millis>,
    pub version: i64,
    /// Whether the caller may move it.
    pub editable: bool,
}

impl BoardCard {
    /// The board's search: name or company contains the text, ignoring case.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        text.is_empty() || self.name.to_lowercase().contains(&text) || self.company.as_deref().is_some_and(|c| c.to_lowercase().contains(&text))
    }

    /// Reminder flags: the next follow-up is overdue (before today) or due today.
    pub fn follow_up_flag(&self, today_start: Millis) -> Option<FollowUpFlag> {
        let due = self.next_follow_up_at?;
        if due < today_start {
            Some(FollowUpFlag::Overdue)
        } else if due < today_start + crate::time::DAY_MS {
            Some(FollowUpFlag::DueToday)
        } else {
            None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUpFlag {
    Overdue,
    DueToday,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardPage {
    pub cards: Vec<BoardCard>,
    /// More than [`BOARD_LIMIT`] matched: narrow the scope.
    pub truncated: bool,
    /// With `per_stage`: only the first cards of each column are here (`complete` is
    /// false) and `totals` has every column's exact figures, so a board draws at once
    /// and fetches the rest behind.
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<ColumnTotal>>,
}

/// `GET /board?owner=`: mine, the team's owned customers, or everything visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardScope {
    Mine,
    Team,
    All,
}

impl BoardScope {
    pub fn parse(text: &str) -> Option<BoardScope> {
        match text {
            "" | "me" | "mine" => Some(BoardScope::Mine),
            "team" => Some(BoardScope::Team),
            "all" | "any" => Some(BoardScope::All),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_cards_search_and_flags() {
        use crate::time::DAY_MS;
        let card = BoardCard {
            id: "c1".into(),
            name: "星辰科技".into(),
            company: Some("Nova Tech Ltd".into()),
            amount: None,
            stage: "lead".into(),
            owner: None,
            owner_name: None,
            last_follow_up_at: None,
            next_follow_up_at: Some(10 * DAY_MS + 5),
            version: 1,
            editable: true,
        };
        assert!(card.matches("星辰") && card.matches("nova") && card.matches("  ") && !card.matches("华信"));
        assert_eq!(card.follow_up_flag(10 * DAY_MS), Some(FollowUpFlag::DueToday));
        assert_eq!(card.follow_up_flag(11 * DAY_MS), Some(FollowUpFlag::Overdue));
        assert_eq!(card.follow_up_flag(9 * DAY_MS), None);
        assert_eq!(
            (BoardScope::parse("me"), BoardScope::parse("team"), BoardScope::parse("all"), BoardScope::parse("x")),
            (Some(BoardScope::Mine), Some(BoardScope::Team), Some(BoardScope::All), None)
        );
    }
}

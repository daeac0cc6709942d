//! The board's state and its transitions, with no browser: which cards each column shows,
//! the column totals, an optimistic move and its confirmation or rollback, the answer
//! that completes the first cards, a logged follow-up, a drag's threshold and the scopes
//! a role is offered. `Board` (in `mod.rs`) only wires signals and DOM events to these;
//! they are tested natively (`cargo test -p allot-widget`).

use shared::api::{BoardCard, ColumnTotal, FollowUp};
use shared::ids::Role;
use shared::pipeline::column_totals;
use shared::settings::StageDef;

/// Pixels a pointer travels before a press on a card becomes a drag rather than a tap.
const DRAG_THRESHOLD: f64 = 6.0;

/// A pointer drag in progress: which card, where it started, whether it has moved enough
/// to be a drag rather than a tap.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub started: bool,
}

impl Drag {
    pub fn new(id: String, x: f64, y: f64) -> Drag {
        Drag { id, x, y, started: false }
    }

    /// Whether the pointer at (`x`, `y`) has left the press far enough to drag.
    pub fn moved_enough(&self, x: f64, y: f64) -> bool {
        (x - self.x).hypot(y - self.y) >= DRAG_THRESHOLD
    }
}

/// Why a move is not even sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The caller may not move this card (`BoardCard::editable`).
    Forbidden,
}

/// The filter a board opens with, from its `scope` attribute.
pub fn initial_scope(attribute: Option<&str>) -> &'static str {
    match attribute {
        Some("team") => "team",
        Some("all") => "all",
        _ => "me",
    }
}

/// The scopes a role is offered: "team" is for those who manage; none until the token
/// says who the caller is.
pub fn scopes(role: Option<Role>) -> Vec<&'static str> {
    match role {
        None => vec![],
        Some(role) if role.is_manager_or_admin() => vec!["me", "team", "all"],
        Some(_) => vec!["me", "all"],
    }
}

/// Indices into `cards` per column (stage order), of the cards the search matches:
/// moving a card recomputes these lists of numbers, not copies of the cards.
pub fn columns(stages: &[StageDef], cards: &[BoardCard], search: &str) -> Vec<Vec<usize>> {
    stages.iter().map(|s| cards.iter().enumerate().filter(|(_, c)| c.stage == s.key && c.matches(search)).map(|(i, _)| i).collect()).collect()
}

/// The column totals of the cards the columns show (`shared::pipeline::column_totals`).
pub fn totals(stages: &[StageDef], cards: &[BoardCard], columns: &[Vec<usize>]) -> Vec<ColumnTotal> {
    column_totals(stages, columns.iter().flatten().filter_map(|&i| cards.get(i)).map(|c| (c.stage.as_str(), c.amount)))
}

/// Where a card is shown: its column and its row there.
pub fn position(cards: &[BoardCard], columns: &[Vec<usize>], id: &str) -> Option<(usize, usize)> {
    columns.iter().enumerate().find_map(|(si, col)| col.iter().position(|&i| cards.get(i).is_some_and(|c| c.id == id)).map(|row| (si, row)))
}

/// The stage `step` columns away from `stage` (keyboard moves), if there is one.
pub fn neighbour(stages: &[StageDef], stage: &str, step: i32) -> Option<String> {
    let i = stages.iter().position(|x| x.key == stage)? as i32 + step;
    stages.get(usize::try_from(i).ok()?).map(|x| x.key.clone())
}

/// The card with `id`.
pub fn card<'a>(cards: &'a [BoardCard], id: &str) -> Option<&'a BoardCard> {
    cards.iter().find(|c| c.id == id)
}

/// Whether moving card `id` to `to` is worth sending: `None` when there is nothing to
/// do (no such card, or it is already there), the card as it is (to roll back to) when
/// it may move.
pub fn plan_move(cards: &[BoardCard], id: &str, to: &str) -> Option<Result<BoardCard, Refused>> {
    let before = card(cards, id)?;
    if before.stage == to {
        return None;
    }
    Some(if before.editable { Ok(before.clone()) } else { Err(Refused::Forbidden) })
}

/// The optimistic half of a move: the card takes its new stage and tops its new column,
/// as the server orders it (last changed first).
pub fn move_to_top(cards: &mut Vec<BoardCard>, id: &str, to: &str) {
    if let Some(i) = cards.iter().position(|c| c.id == id) {
        let mut card = cards.remove(i);
        card.stage = to.to_string();
        cards.insert(0, card);
    }
}

/// The server took the move: the card's version and stage are what it saved.
pub fn confirm(cards: &mut [BoardCard], id: &str, version: i64, stage: &str) {
    if let Some(c) = cards.iter_mut().find(|c| c.id == id) {
        c.version = version;
        c.stage = stage.to_string();
    }
}

/// The server refused the move: the card is again as it was (it keeps its new place in
/// the list; its column is its stage's).
pub fn roll_back(cards: &mut [BoardCard], before: &BoardCard) {
    if let Some(c) = cards.iter_mut().find(|c| c.id == before.id) {
        *c = before.clone();
    }
}

/// Every card (`full`) behind the first ones: a card moved meanwhile keeps its local,
/// newer state (a version at least the answer's).
pub fn merge(local: &mut Vec<BoardCard>, full: Vec<BoardCard>) {
    let mut merged = full;
    for card in merged.iter_mut() {
        if let Some(mine) = local.iter().find(|l| l.id == card.id && l.version >= card.version) {
            *card = mine.clone();
        }
    }
    *local = merged;
}

/// A follow-up was logged from the drawer: the server bumped the customer's version and
/// follow-up dates with it.
pub fn logged(cards: &mut [BoardCard], f: &FollowUp) {
    if let Some(c) = cards.iter_mut().find(|c| c.id == f.customer) {
        c.version += 1;
        c.last_follow_up_at = Some(f.at);
        c.next_follow_up_at = f.next_follow_up_at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::FollowUpKind;

    fn stages() -> Vec<StageDef> {
        ["lead", "quote", "won"]
            .iter()
            .enumerate()
            .map(|(i, k)| StageDef { key: k.to_string(), zh: k.to_string(), en: k.to_string(), probability: (i * 50) as u8, terminal: None, required_fields: vec![] })
            .collect()
    }

    fn card(id: &str, stage: &str, amount: Option<f64>, version: i64) -> BoardCard {
        BoardCard {
            id: id.into(),
            name: format!("Name {id}"),
            company: None,
            amount,
            stage: stage.into(),
            owner: None,
            owner_name: None,
            last_follow_up_at: None,
            next_follow_up_at: None,
            version,
            editable: true,
        }
    }

    fn ids(cards: &[BoardCard]) -> Vec<&str> {
        cards.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn scope_from_the_attribute_and_the_role() {
        assert_eq!(initial_scope(Some("team")), "team");
        assert_eq!(initial_scope(Some("all")), "all");
        assert_eq!(initial_scope(Some("everyone")), "me");
        assert_eq!(initial_scope(None), "me");
        assert_eq!(scopes(None), Vec::<&str>::new());
        assert_eq!(scopes(Some(Role::Rep)), ["me", "all"]);
        assert_eq!(scopes(Some(Role::Manager)), ["me", "team", "all"]);
        assert_eq!(scopes(Some(Role::Admin)), ["me", "team", "all"]);
    }

    #[test]
    fn columns_follow_stages_and_search() {
        let mut cards = vec![card("a", "quote", Some(100.0), 1), card("b", "lead", None, 1), card("c", "quote", Some(50.0), 1), card("d", "gone", None, 1)];
        cards[2].company = Some("Acme Ltd".into());
        assert_eq!(columns(&stages(), &cards, ""), vec![vec![1], vec![0, 2], vec![]]);
        assert_eq!(columns(&stages(), &cards, " acme "), vec![vec![], vec![2], vec![]]);
        let cols = columns(&stages(), &cards, "");
        let t = totals(&stages(), &cards, &cols);
        assert_eq!(t.iter().map(|t| (t.stage.as_str(), t.count, t.amount)).collect::<Vec<_>>(), [("lead", 1, 0.0), ("quote", 2, 150.0), ("won", 0, 0.0)]);
        assert_eq!(t[1].weighted, 75.0);
        assert_eq!(position(&cards, &cols, "c"), Some((1, 1)));
        assert_eq!(position(&cards, &cols, "d"), None);
    }

    #[test]
    fn neighbours_stop_at_the_edges() {
        assert_eq!(neighbour(&stages(), "lead", 1).as_deref(), Some("quote"));
        assert_eq!(neighbour(&stages(), "lead", -1), None);
        assert_eq!(neighbour(&stages(), "won", 1), None);
        assert_eq!(neighbour(&stages(), "won", -2).as_deref(), Some("lead"));
        assert_eq!(neighbour(&stages(), "nowhere", 1), None);
    }

    #[test]
    fn a_move_is_planned_made_confirmed_or_rolled_back() {
        let mut cards = vec![card("a", "lead", None, 1), card("b", "lead", None, 3)];
        assert_eq!(plan_move(&cards, "b", "lead"), None, "already there");
        assert_eq!(plan_move(&cards, "x", "quote"), None, "no such card");
        cards[0].editable = false;
        assert_eq!(plan_move(&cards, "a", "quote"), Some(Err(Refused::Forbidden)));
        let before = plan_move(&cards, "b", "quote").unwrap().unwrap();
        assert_eq!(before, cards[1]);

        move_to_top(&mut cards, "b", "quote");
        assert_eq!(ids(&cards), ["b", "a"]);
        assert_eq!(cards[0].stage, "quote");

        let mut confirmed = cards.clone();
        confirm(&mut confirmed, "b", 4, "quote");
        assert_eq!((confirmed[0].version, confirmed[0].stage.as_str()), (4, "quote"));

        roll_back(&mut cards, &before);
        assert_eq!(cards[0], before);
        assert_eq!(ids(&cards), ["b", "a"]);
    }

    #[test]
    fn the_full_answer_keeps_cards_moved_meanwhile() {
        let mut local = vec![card("moved", "quote", None, 5), card("stale", "lead", None, 1)];
        let full = vec![card("new", "lead", None, 1), card("stale", "won", None, 2), card("moved", "lead", None, 4)];
        merge(&mut local, full);
        assert_eq!(ids(&local), ["new", "stale", "moved"]);
        assert_eq!(local[1].stage, "won", "the answer is newer");
        assert_eq!((local[2].stage.as_str(), local[2].version), ("quote", 5), "the local move is newer");
    }

    #[test]
    fn a_logged_follow_up_bumps_the_card() {
        let mut cards = vec![card("a", "lead", None, 2)];
        let f = FollowUp { id: "f".into(), customer: "a".into(), author: "u".into(), kind: FollowUpKind::ALL[0], note: String::new(), outcome: None, next_follow_up_at: Some(9), at: 7 };
        logged(&mut cards, &f);
        assert_eq!((cards[0].version, cards[0].last_follow_up_at, cards[0].next_follow_up_at), (3, Some(7), Some(9)));
    }

    #[test]
    fn a_press_becomes_a_drag_after_six_pixels() {
        let d = Drag::new("a".into(), 10.0, 10.0);
        assert!(!d.moved_enough(13.0, 14.0), "5 px");
        assert!(d.moved_enough(16.0, 10.0), "6 px");
    }
}

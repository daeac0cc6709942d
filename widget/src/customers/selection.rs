//! The customers picked in the list for bulk work: row by row, a whole page, or every
//! customer matching the filter. Plain Rust, tested natively.
//!
//! The list draws what is picked at once (the rows' checkboxes, the count, "select all N
//! matching"); the actions are `<allot-bulk>` (`crate::bulk`), its own bundle, fetched
//! when a first row is picked and told what is picked through its attributes
//! ([`Selection::target`]). Its markup is escaped text in one `inner_html` slot with
//! delegated listeners, as the collaborators panel is: views per control would cost the
//! element more than its size budget has left.

use shared::api::MAX_SELECTION;

use crate::i18n::{t, Lang};

/// What is picked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    picked: Vec<String>,
    /// The ids the list shows now (the header checkbox picks these).
    page: Vec<String>,
    /// How many customers match the filter, once asked (`GET /customers/count`).
    pub matching: Option<u32>,
    /// Every customer matching the filter is picked, not only those listed.
    all: bool,
}

/// Whom a bulk action takes, as `<allot-bulk>` is told: the ids, or the list's filter.
#[derive(Debug, PartialEq)]
pub enum Target {
    Ids(String),
    Filter,
}

impl Selection {
    /// A new list is shown: a new filter picks nothing yet.
    pub fn show(&mut self, page: Vec<String>, fresh: bool) {
        if fresh {
            self.picked.clear();
            self.all = false;
            self.matching = None;
        }
        self.page = page;
    }

    pub fn is_picked(&self, id: &str) -> bool {
        self.all || self.picked.iter().any(|p| p == id)
    }

    pub fn toggle(&mut self, id: &str) {
        self.all = false;
        match self.picked.iter().position(|p| p == id) {
            Some(i) => {
                self.picked.remove(i);
            }
            None => self.picked.push(id.to_string()),
        }
    }

    fn page_picked(&self) -> bool {
        !self.page.is_empty() && self.page.iter().all(|id| self.is_picked(id))
    }

    /// The header checkbox: the whole page, or none of it. Answers whether the page is
    /// now picked (then the list asks how many match, for "select all N").
    pub fn toggle_page(&mut self) -> bool {
        let on = !self.page_picked();
        self.all = false;
        self.picked.retain(|id| !self.page.contains(id));
        if on {
            self.picked.extend(self.page.iter().cloned());
        }
        on
    }

    /// "Select all N matching": only when one action can take them all.
    pub fn pick_all(&mut self) {
        if self.matching.is_some_and(|n| n as usize <= MAX_SELECTION) {
            self.all = true;
        }
    }

    pub fn clear(&mut self) {
        let page = std::mem::take(&mut self.page);
        self.show(page, true);
    }

    pub fn count(&self) -> usize {
        if self.all {
            self.matching.unwrap_or(0) as usize
        } else {
            self.picked.len()
        }
    }

    /// What `<allot-bulk>` sends: the picked ids (its `ids` attribute, comma-separated;
    /// ids are never more than letters, digits, `_` and `-`), or the list's filter.
    pub fn target(&self) -> Target {
        if self.all {
            Target::Filter
        } else {
            Target::Ids(self.picked.join(","))
        }
    }

    /// The head of the bar: the header checkbox, the count, "select all N matching" and
    /// cancel. The actions follow it, in `<allot-bulk>`.
    pub fn html(&self, lang: Lang) -> String {
        let tr = |k: &str| t(lang, k);
        let checked = if self.page_picked() { " checked" } else { "" };
        let n = self.count();
        let mut html = format!(r#"<label><input type="checkbox" data-bulk="page"{checked}> {}</label><span class="muted">{}</span>"#, tr("pick_page"), tr("picked").replace("{n}", &n.to_string()));
        match self.matching {
            Some(m) if !self.all && self.page_picked() && m as usize > self.page.len() => {
                if m as usize > MAX_SELECTION {
                    html.push_str(&format!(r#"<span class="muted">{}</span>"#, tr("too_many_match").replace("{n}", &MAX_SELECTION.to_string())));
                } else {
                    html.push_str(&format!(r#"<button type="button" class="link" data-bulk="all">{}</button>"#, tr("pick_all").replace("{n}", &m.to_string())));
                }
            }
            _ => {}
        }
        if n > 0 {
            html.push_str(&format!(r#"<button type="button" data-bulk="clear">{}</button>"#, tr("cancel")));
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(ids: &[&str]) -> Selection {
        let mut s = Selection::default();
        s.show(ids.iter().map(|s| s.to_string()).collect(), true);
        s
    }

    #[test]
    fn rows_and_the_page_are_picked_and_unpicked() {
        let mut s = listed(&["a", "b", "c"]);
        s.toggle("b");
        assert!(s.is_picked("b") && !s.is_picked("a"));
        assert!(s.toggle_page(), "a partly picked page is picked whole");
        assert_eq!(s.count(), 3);
        assert_eq!(s.target(), Target::Ids("a,b,c".into()));
        assert!(!s.toggle_page());
        assert_eq!(s.count(), 0);
        s.toggle("a");
        s.show(vec!["a".into(), "d".into()], false);
        assert!(s.is_picked("a"), "more rows keep what is picked");
        s.show(vec!["x".into()], true);
        assert_eq!(s.count(), 0, "a new filter picks nothing");
    }

    #[test]
    fn every_matching_customer_only_when_one_action_takes_them() {
        let mut s = listed(&["a", "b"]);
        s.toggle_page();
        s.matching = Some(40);
        assert!(s.html(Lang::En).contains(r#"data-bulk="all">Select all 40 matching"#));
        s.pick_all();
        assert_eq!((s.count(), s.target()), (40, Target::Filter));
        assert!(s.is_picked("a") && s.is_picked("z"), "every row of the filter");
        s.toggle("a");
        assert_eq!(s.count(), 1, "unpicking one row leaves the rows picked, not the filter");
        let mut over = listed(&["a"]);
        over.toggle_page();
        over.matching = Some(5_001);
        over.pick_all();
        assert_eq!(over.count(), 1);
        assert!(over.html(Lang::En).contains("More than 5000 match"));
    }

    #[test]
    fn cancel_is_offered_only_with_something_picked() {
        let mut s = listed(&["a"]);
        assert!(!s.html(Lang::En).contains(r#"data-bulk="clear""#));
        s.toggle("a");
        assert!(s.html(Lang::En).contains("1 selected") && s.html(Lang::En).contains(r#"data-bulk="clear""#));
        s.clear();
        assert_eq!(s.count(), 0);
    }
}

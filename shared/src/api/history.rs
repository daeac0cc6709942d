//! `GET /history`: earlier versions of the tenant's versioned documents (settings,
//! allocation rules, pool rules), who wrote each and when. Restoring one is a `PUT` of its
//! `body` with the document's current `version`: an ordinary write, versioned and
//! recorded like any other.

use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// A versioned document, named as `?document=` and the history's entries name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    Settings,
    AllocationRules,
    PoolRules,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [DocumentKind::Settings, DocumentKind::AllocationRules, DocumentKind::PoolRules];

    /// The name in the query string, in `document_versions` and in `document_history`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Settings => "settings",
            DocumentKind::AllocationRules => "allocation-rules",
            DocumentKind::PoolRules => "pool-rules",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|d| d.as_str() == text)
    }
}

/// How many versions of each document are kept: older ones are dropped by the write that
/// stores a newer one.
pub const HISTORY_KEPT: i64 = 100;
/// Entries in one page of `GET /history` unless `limit` says otherwise.
pub const HISTORY_PAGE_DEFAULT: usize = 20;
/// The largest `limit` a page may ask for.
pub const HISTORY_PAGE_MAX: usize = 100;

/// Who wrote a version: the user id of the token, and the name the user directory has for
/// it (the id itself for a user the directory does not list, such as a host portal's
/// admin known only to its token).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangedBy {
    pub id: String,
    pub name: String,
}

/// One stored version of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryEntry {
    pub document: DocumentKind,
    pub version: i64,
    pub changed_by: ChangedBy,
    pub changed_at: Millis,
    /// The whole document as it was stored at this version (its `version` included).
    pub body: serde_json::Value,
}

/// A page of a document's history, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_read_back() {
        for d in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_value(d).unwrap(), serde_json::Value::String(d.as_str().into()));
        }
        assert_eq!(DocumentKind::parse("Settings"), None);
    }
}

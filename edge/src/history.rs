//! `GET /history`: earlier versions of a versioned document (settings, allocation rules,
//! pool rules), newest first, a page at a time by version cursor. `documents.rs` writes
//! the rows, in the batch that claims each version; this only reads them.
//!
//! Admins and managers read it: the documents hold rules and lists, no secrets, and a
//! manager already reads each of them whole (`GET /settings`, `/allocation/rules`,
//! `/pool/rules`). Reps get 403: the console's history is not theirs to browse.

use serde::Deserialize;
use shared::api::{ChangedBy, DocumentKind, HistoryEntry, HistoryPage, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX};
use shared::field_error::FieldError;
use worker::{Request, Response};

use crate::context::Ctx;
use crate::db::{self, Arg};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_pairs};

/// What `?document=…&limit=…&before=…` asks for.
#[derive(Debug, PartialEq)]
struct Query {
    document: DocumentKind,
    limit: usize,
    /// Only versions below this one (the previous page's `next_before`).
    before: Option<i64>,
}

fn parse_query(pairs: &[(String, String)]) -> Result<Query, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut document = None;
    let mut limit = HISTORY_PAGE_DEFAULT;
    let mut before = None;
    for (key, value) in pairs {
        match key.as_str() {
            "document" => match DocumentKind::parse(value) {
                Some(d) => document = Some(d),
                None => errors.push(FieldError::new("document", "not_in_list", "settings, allocation-rules or pool-rules")),
            },
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=HISTORY_PAGE_MAX).contains(&n) => limit = n,
                _ => errors.push(FieldError::new("limit", "out_of_range", format!("1 to {HISTORY_PAGE_MAX}"))),
            },
            "before" => match value.parse::<i64>() {
                Ok(v) if v >= 1 => before = Some(v),
                _ => errors.push(FieldError::new("before", "out_of_range", "a version number, 1 or more (the previous page's next_before)")),
            },
            other => errors.push(FieldError::new(other, "invalid", "unknown query parameter")),
        }
    }
    if document.is_none() && !errors.iter().any(|e| e.path == "document") {
        errors.push(FieldError::new("document", "required", "?document=settings, allocation-rules or pool-rules"));
    }
    match document {
        Some(document) if errors.is_empty() => Ok(Query { document, limit, before }),
        _ => Err(errors),
    }
}

pub async fn history(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    if !ctx.caller.role.is_manager_or_admin() {
        return Err(ApiError::Forbidden("only managers and admins read the settings' history".into()));
    }
    let query = parse_query(&query_pairs(req)?).map_err(ApiError::Invalid)?;
    #[derive(Deserialize)]
    struct Row {
        version: i64,
        body: String,
        changed_by: String,
        name: Option<String>,
        changed_at: i64,
    }
    // One row more than the page tells whether there is a next page. Only committed
    // versions: a write in flight, or one whose KV write failed, is no version anyone read.
    let rows = db::all::<Row>(
        &ctx.db,
        "SELECT h.version, h.body, h.changed_by, u.name, h.changed_at FROM document_history h \
         LEFT JOIN users u ON u.tenant_id = h.tenant_id AND u.id = h.changed_by \
         WHERE h.tenant_id = ?1 AND h.name = ?2 AND h.committed = 1 AND (?3 IS NULL OR h.version < ?3) ORDER BY h.version DESC LIMIT ?4",
        &[Arg::from(&ctx.caller.tenant), Arg::from(query.document.as_str()), Arg::from(query.before), Arg::Int(query.limit as i64 + 1)],
    )
    .await?;
    let more = rows.len() > query.limit;
    let items: Vec<HistoryEntry> = rows
        .into_iter()
        .take(query.limit)
        .map(|r| {
            // A body that no longer parses (it never should) is shown as text, not a 500.
            let body = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::String(r.body));
            HistoryEntry {
                document: query.document,
                version: r.version,
                changed_by: ChangedBy { name: r.name.unwrap_or_else(|| r.changed_by.clone()), id: r.changed_by },
                changed_at: r.changed_at,
                body,
            }
        })
        .collect();
    let next_before = if more { items.last().map(|e| e.version) } else { None };
    Ok(json(200, &HistoryPage { items, next_before }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Result<Query, Vec<String>> {
        let url = worker::Url::parse(&format!("http://x/?{query}")).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        parse_query(&pairs).map_err(|errors| errors.into_iter().map(|e| format!("{}:{}", e.path, e.code)).collect())
    }

    #[test]
    fn queries_are_bounded_and_named() {
        assert_eq!(check("document=pool-rules"), Ok(Query { document: DocumentKind::PoolRules, limit: HISTORY_PAGE_DEFAULT, before: None }));
        assert_eq!(check("document=settings&limit=100&before=7"), Ok(Query { document: DocumentKind::Settings, limit: 100, before: Some(7) }));
        assert_eq!(check("limit=5"), Err(vec!["document:required".into()]));
        assert_eq!(check("document=secrets"), Err(vec!["document:not_in_list".into()]));
        assert_eq!(check("document=settings&limit=101"), Err(vec!["limit:out_of_range".into()]));
        assert_eq!(check("document=settings&limit=0&before=-1&x=1"), Err(vec!["limit:out_of_range".into(), "before:out_of_range".into(), "x:invalid".into()]));
    }
}

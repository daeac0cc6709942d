//! D1 access: bound statements, batches, rows. Only the edge knows SQL.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::error::{ApiError, ApiResult};

/// A value bound to a `?N` parameter.
#[derive(Clone, Debug)]
pub enum Arg {
    Null,
    Text(String),
    Int(i64),
    Real(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Int(n)
    }
}
impl<T: Into<Arg>> From<Option<T>> for Arg {
    fn from(v: Option<T>) -> Arg {
        v.map_or(Arg::Null, Into::into)
    }
}
impl From<f64> for Arg {
    fn from(n: f64) -> Arg {
        Arg::Real(n)
    }
}

impl Arg {
    fn to_js(&self) -> JsValue {
        match self {
            Arg::Null => JsValue::null(),
            Arg::Text(s) => JsValue::from_str(s),
            // D1 takes JS numbers; our integers (milliseconds, counts) fit in 53 bits.
            Arg::Int(n) => JsValue::from_f64(*n as f64),
            Arg::Real(n) => JsValue::from_f64(*n),
        }
    }
}

thread_local! {
    /// Statements sent to D1 by this isolate: each query, each statement of a batch.
    /// D1 limits them per invocation (1,000 on the paid plan); `cargo xtask bench scale`
    /// reads the count per request and per queue message to show work stays bounded.
    static SENT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Statements this isolate has sent so far (the difference over a request or a queue
/// message is its count while the isolate runs nothing else, as in the bench).
pub fn statements_sent() -> u64 {
    SENT.with(std::cell::Cell::get)
}

fn count(n: usize) {
    SENT.with(|sent| sent.set(sent.get() + n as u64));
}

pub fn stmt(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<D1PreparedStatement> {
    let values: Vec<JsValue> = args.iter().map(Arg::to_js).collect();
    db.prepare(sql).bind(&values).map_err(|e| ApiError::Internal(format!("bind: {e}")))
}

/// Every row of a query. The rows cross from JavaScript as one JSON text
/// (`JSON.stringify`, native code) that serde_json parses in wasm: converting them value
/// by value (`D1Result::results`, serde-wasm-bindgen) costs wasm↔JS calls per column —
/// 10,000 board cards took 73–78 ms that way and 53–60 ms this way, and a page of 50
/// customers about 10 % less of its time (`cargo xtask bench api`, 2026-11-27).
pub async fn all<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<Vec<T>> {
    count(1);
    let pending = stmt(db, sql, args)?.inner().all().map_err(|e| d1_error(sql, e.into()))?;
    let result = wasm_bindgen_futures::JsFuture::from(pending).await.map_err(|e| d1_error(sql, e.into()))?;
    let rows = js_sys::Reflect::get(&result, &JsValue::from_str("results")).map_err(|e| d1_error(sql, e.into()))?;
    if rows.is_undefined() || rows.is_null() {
        return Ok(Vec::new());
    }
    let text: String = js_sys::JSON::stringify(&rows).map_err(|e| d1_error(sql, e.into()))?.into();
    serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("rows of {sql}: {e}")))
}

pub async fn first<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<Option<T>> {
    Ok(all::<T>(db, sql, args).await?.into_iter().next())
}

/// Runs one statement that answers no rows; answers how many rows it changed (a
/// conditional write tells by this whether its condition held).
pub async fn run(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<usize> {
    count(1);
    stmt(db, sql, args)?.run().await.map(|result| changes(&result)).map_err(|e| d1_error(sql, e))
}

/// Runs statements as one atomic transaction (one round trip).
pub async fn batch(db: &D1Database, statements: Vec<D1PreparedStatement>) -> ApiResult<Vec<D1Result>> {
    count(statements.len());
    db.batch(statements).await.map_err(|e| d1_error("batch", e))
}

/// The rows a statement of a batch returned (`RETURNING`).
pub fn returned<T: DeserializeOwned>(result: &D1Result) -> ApiResult<Vec<T>> {
    result.results::<T>().map_err(|e| ApiError::Internal(format!("returned rows: {e}")))
}

/// The first row statement `index` of a batch returned, if it changed one.
pub fn returned_first<T: DeserializeOwned>(results: &[D1Result], index: usize) -> ApiResult<Option<T>> {
    Ok(results.get(index).map(returned::<T>).transpose()?.and_then(|rows| rows.into_iter().next()))
}

pub fn changes(result: &D1Result) -> usize {
    result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

fn d1_error(sql: &str, e: worker::Error) -> ApiError {
    ApiError::Internal(format!("d1 ({sql}): {e}"))
}

/// Parses a JSON text column, tolerating a corrupt value as empty.
pub fn json_column<T: DeserializeOwned + Default>(text: &Option<String>) -> T {
    text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
}

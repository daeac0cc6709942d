//! D1 access: bound statements, batches, rows. Only the edge knows SQL.

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1PreparedStatement};

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

/// Every row of a query. Rows cross from JavaScript as one JSON text (`JSON.stringify`,
/// native code) that serde_json parses in wasm: this is the one way rows are decoded,
/// for queries, batches and `RETURNING` alike. Converting them value by value
/// (`D1Result::results`, serde-wasm-bindgen) costs wasm↔JS calls per column — 10,000
/// board cards took 73–78 ms that way and 53–60 ms this way, and a page of 50 customers
/// about 10 % less of its time (`cargo xtask bench api`, 2026-11-27).
pub async fn all<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<Vec<T>> {
    count(1);
    let statement = stmt(db, sql, args)?;
    let result = settle(sql, statement.inner().all()).await?;
    Outcome::of(sql, &result)?.rows(sql)
}

pub async fn first<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<Option<T>> {
    Ok(all::<T>(db, sql, args).await?.into_iter().next())
}

/// Runs one statement that answers no rows; answers how many rows it changed (a
/// conditional write tells by this whether its condition held).
pub async fn run(db: &D1Database, sql: &str, args: &[Arg]) -> ApiResult<usize> {
    count(1);
    let statement = stmt(db, sql, args)?;
    let result = settle(sql, statement.inner().run()).await?;
    Ok(Outcome::of(sql, &result)?.changes)
}

/// What one statement did: the rows it changed and the rows it answered, still as
/// JavaScript until [`Outcome::rows`] reads them through one JSON text.
pub struct Outcome {
    changes: usize,
    rows: JsValue,
}

impl Outcome {
    fn of(sql: &str, result: &JsValue) -> ApiResult<Outcome> {
        let field = |target: &JsValue, name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).map_err(|e| d1_js_error(sql, e));
        let meta = field(result, "meta")?;
        let changes = if meta.is_object() { field(&meta, "changes")?.as_f64().unwrap_or(0.0) as usize } else { 0 };
        Ok(Outcome { changes, rows: field(result, "results")? })
    }

    fn rows<T: DeserializeOwned>(&self, sql: &str) -> ApiResult<Vec<T>> {
        if self.rows.is_undefined() || self.rows.is_null() {
            return Ok(Vec::new());
        }
        let text: String = js_sys::JSON::stringify(&self.rows).map_err(|e| d1_js_error(sql, e))?.into();
        serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("rows of {sql}: {e}")))
    }
}

/// Runs statements as one atomic transaction (one round trip).
pub async fn batch(db: &D1Database, statements: Vec<D1PreparedStatement>) -> ApiResult<Vec<Outcome>> {
    count(statements.len());
    let list: js_sys::Array = statements.iter().map(|s| JsValue::from(s.inner().clone())).collect();
    let target: &JsValue = db.as_ref();
    let method = js_sys::Reflect::get(target, &JsValue::from_str("batch")).map_err(|e| d1_js_error("batch", e))?;
    let method: js_sys::Function = method.dyn_into().map_err(|e| d1_js_error("batch", e))?;
    let pending = method.call1(target, &list).map_err(|e| d1_js_error("batch", e))?;
    let results = settle("batch", pending.dyn_into::<js_sys::Promise>()).await?;
    let results: js_sys::Array = results.dyn_into().map_err(|e| d1_js_error("batch", e))?;
    results.iter().map(|result| Outcome::of("batch", &result)).collect()
}

/// Awaits a D1 promise.
async fn settle(sql: &str, pending: Result<js_sys::Promise, JsValue>) -> ApiResult<JsValue> {
    let pending = pending.map_err(|e| d1_js_error(sql, e))?;
    wasm_bindgen_futures::JsFuture::from(pending).await.map_err(|e| d1_js_error(sql, e))
}

/// The rows a statement of a batch returned (`RETURNING`, or a `SELECT`).
pub fn returned<T: DeserializeOwned>(result: &Outcome) -> ApiResult<Vec<T>> {
    result.rows("returned rows")
}

/// The first row statement `index` of a batch returned, if it changed one.
pub fn returned_first<T: DeserializeOwned>(results: &[Outcome], index: usize) -> ApiResult<Option<T>> {
    Ok(results.get(index).map(returned::<T>).transpose()?.and_then(|rows| rows.into_iter().next()))
}

pub fn changes(result: &Outcome) -> usize {
    result.changes
}

fn d1_js_error(sql: &str, e: JsValue) -> ApiError {
    let message = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"));
    ApiError::Internal(format!("d1 ({sql}): {message}"))
}

/// Parses a JSON text column, tolerating a corrupt value as empty.
pub fn json_column<T: DeserializeOwned + Default>(text: &Option<String>) -> T {
    text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
}

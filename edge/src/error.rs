//! The one error type of the edge and the one place it becomes an HTTP answer.

use shared::api::{DuplicateDetails, ErrorBody, ErrorDetail, InvalidDetails};
use shared::field_error::FieldError;
use worker::Response;

#[derive(Debug)]
pub enum ApiError {
    /// 401: no token, a bad one, or an unknown tenant.
    Unauthorized(String),
    /// A valid token of a user an admin deactivated: a new token would be refused too.
    Deactivated,
    /// 403: authenticated but not allowed.
    Forbidden(String),
    /// 403 `origin_not_allowed`: a page on an origin the tenant does not list.
    OriginNotAllowed(String),
    /// 404: no such route, or no such record visible to the caller.
    NotFound(String),
    /// 405 on a known path.
    MethodNotAllowed,
    /// 400 with a specific code: malformed JSON, bad UTF-8, …
    BadRequest { code: &'static str, message: String },
    /// 400 `invalid`: field problems, each with its path.
    Invalid(Vec<FieldError>),
    /// 409 `duplicate` (撞单).
    Duplicate(DuplicateDetails),
    /// 409 `stale`: the record changed since the caller read it.
    Stale { current_version: i64 },
    /// 409 with a specific code.
    Conflict { code: &'static str, message: String },
    /// 409 decided by a shared rule, with its code and details (claim refusals).
    Refused { code: String, message: String, details: serde_json::Value },
    /// 422: well-formed, but a business rule refuses it (a stage move).
    Unprocessable { code: String, message: String, details: serde_json::Value },
    /// 413.
    TooLarge(String),
    /// 413 with a specific code: a file past one of the import's limits (rows, columns,
    /// unpacked size), `details.limit` the limit.
    LimitExceeded { code: &'static str, message: String, limit: u64 },
    /// 415.
    UnsupportedMedia(String),
    /// 429 `rate_limited`, with `Retry-After`: the caller's budget for this class is spent.
    RateLimited(shared::rate::RateClass),
    /// 429 `contact_budget_spent`: a rep set today's last new phone or e-mail
    /// (`shared::contact_budget`); `retry_after` seconds until the next day's budget.
    ContactBudgetSpent { retry_after: u64 },
    /// 429: an intake key took its submissions for the day (counted from midnight UTC);
    /// `retry_after` seconds until the next midnight, when the count starts again.
    IntakeDailyLimit { limit: u32, retry_after: u64 },
    /// 500: details go to the log, never to the client.
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthorized(_) | ApiError::Deactivated => 401,
            ApiError::Forbidden(_) | ApiError::OriginNotAllowed(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::BadRequest { .. } | ApiError::Invalid(_) => 400,
            ApiError::Duplicate(_) | ApiError::Stale { .. } | ApiError::Conflict { .. } | ApiError::Refused { .. } => 409,
            ApiError::TooLarge(_) | ApiError::LimitExceeded { .. } => 413,
            ApiError::Unprocessable { .. } => 422,
            ApiError::UnsupportedMedia(_) => 415,
            ApiError::RateLimited(_) | ApiError::ContactBudgetSpent { .. } | ApiError::IntakeDailyLimit { .. } => 429,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn body(&self) -> ErrorBody {
        if let ApiError::Refused { code, message, details } | ApiError::Unprocessable { code, message, details } = self {
            return ErrorBody { error: ErrorDetail { code: code.clone(), message: message.clone(), details: Some(details.clone()) } };
        }
        let (code, message, details) = match self {
            ApiError::Unauthorized(m) => ("unauthorized", m.clone(), None),
            ApiError::Deactivated => ("deactivated", "this account is deactivated; an admin can reactivate it".into(), None),
            ApiError::Forbidden(m) => ("forbidden", m.clone(), None),
            ApiError::OriginNotAllowed(origin) => (
                "origin_not_allowed",
                format!("pages on {origin} may not use this tenant's Allot: an admin adds the origin to allowed_origins in the settings"),
                Some(serde_json::json!({ "origin": origin })),
            ),
            ApiError::NotFound(m) => ("not_found", m.clone(), None),
            ApiError::MethodNotAllowed => ("method_not_allowed", "this path does not accept that method".into(), None),
            ApiError::BadRequest { code, message } => (*code, message.clone(), None),
            ApiError::Invalid(fields) => ("invalid", summarise(fields), serde_json::to_value(InvalidDetails { fields: fields.clone() }).ok()),
            ApiError::Duplicate(d) => {
                let who = match (&d.owner, d.owned_by_you) {
                    (_, true) => "you already own it".to_string(),
                    (Some(owner), false) => format!("it is already owned by {owner}"),
                    (None, false) => "it is in the public pool".to_string(),
                };
                ("duplicate", format!("a customer with the same {:?} exists: {who}", d.field).to_lowercase(), serde_json::to_value(d).ok())
            }
            ApiError::Stale { current_version } => ("stale", "the customer changed since you read it; reload and try again".into(), Some(serde_json::json!({ "current_version": current_version }))),
            ApiError::Conflict { code, message } => (*code, message.clone(), None),
            ApiError::Refused { .. } | ApiError::Unprocessable { .. } => ("conflict", String::new(), None),
            ApiError::TooLarge(m) => ("too_large", m.clone(), None),
            ApiError::LimitExceeded { code, message, limit } => (*code, message.clone(), Some(serde_json::json!({ "limit": limit }))),
            ApiError::UnsupportedMedia(m) => ("unsupported_media_type", m.clone(), None),
            ApiError::RateLimited(class) => ("rate_limited", class.refusal(), Some(serde_json::json!({ "per_minute": class.per_minute(), "retry_after_seconds": 60 }))),
            ApiError::ContactBudgetSpent { retry_after } => (
                "contact_budget_spent",
                format!(
                    "you set {} new phones and e-mails today, the most a rep may in a day; try again tomorrow or ask a manager to enter this customer",
                    shared::contact_budget::CONTACT_KEYS_PER_DAY
                ),
                Some(serde_json::json!({ "per_day": shared::contact_budget::CONTACT_KEYS_PER_DAY, "retry_after_seconds": retry_after })),
            ),
            ApiError::IntakeDailyLimit { limit, retry_after } => (
                "intake_daily_limit",
                format!("this form took its {limit} submissions for today; please try again tomorrow or contact us directly"),
                Some(serde_json::json!({ "per_day": limit, "retry_after_seconds": retry_after })),
            ),
            ApiError::Internal(_) => ("internal", "an internal error occurred; it has been logged".into(), None),
        };
        ErrorBody { error: ErrorDetail { code: code.into(), message, details } }
    }

    pub fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            worker::console_error!("internal error: {cause}");
        }
        let status = self.status();
        let response = crate::reply::json(status, &self.body());
        let retry_after = match self {
            // The binding counts whole minutes: a minute always frees the budget.
            ApiError::RateLimited(_) => Some(60),
            ApiError::ContactBudgetSpent { retry_after } | ApiError::IntakeDailyLimit { retry_after, .. } => Some(retry_after),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            let headers = response.headers().clone();
            let _ = headers.set("retry-after", &seconds.to_string());
            return response.with_headers(headers);
        }
        response
    }
}

fn summarise(fields: &[FieldError]) -> String {
    match fields {
        [one] => format!("{}: {}", one.path, one.message),
        many => format!("{} fields are invalid: {}", many.len(), many.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(", ")),
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

impl From<worker::kv::KvError> for ApiError {
    fn from(e: worker::kv::KvError) -> ApiError {
        ApiError::Internal(format!("kv: {e:?}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> ApiError {
        ApiError::Internal(format!("json: {e}"))
    }
}

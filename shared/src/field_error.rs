//! A problem with one field of a request, and how validators report a list of them.
//! Every validator in the crate speaks this one type, so it lives alone: a leaf every
//! module may import without importing validation itself.

use serde::{Deserialize, Serialize};

/// One problem with one field, named by its path (`phone`, `custom.level`, `tags[2]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub path: String,
    /// Stable machine code (`required`, `too_long`, `invalid_phone`, `not_in_list`, …)
    /// that the widget translates.
    pub code: String,
    /// English explanation for logs and API users.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, code: &str, message: impl Into<String>) -> FieldError {
        FieldError { path: path.into(), code: code.into(), message: message.into() }
    }
}

/// `Ok` when nothing was reported: the tail of every validator.
pub fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

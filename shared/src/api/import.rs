//! `POST /customers/import`: the report of an import, row by row.

use serde::{Deserialize, Serialize};

use crate::customer::DuplicateField;
use crate::field_error::FieldError;

/// `POST /customers/import` answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (the header row not counted).
    pub rows: usize,
    /// Rows that passed validation.
    pub valid: usize,
    /// Customers created by this request (0 on a dry run).
    pub created: usize,
    /// Valid rows that were not created because the customer already exists (in the
    /// tenant, or earlier in the same file).
    pub duplicates: Vec<ImportDuplicate>,
    /// Existing customers of other users handed to the importer by the tenant's ownership
    /// rule (each also listed in `duplicates` with `taken_over`).
    #[serde(default)]
    pub taken_over: usize,
    /// Customers created owned by the rep the owner column (负责人) named (0 on a dry run).
    #[serde(default)]
    pub assigned: usize,
    /// Rows refused by validation, by line number (the header is line 1).
    pub errors: Vec<ImportRowError>,
    /// Headers that match no field and were ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
    /// The file's headers that were read, each with the field path it fills: a row
    /// error's `path` names the field, this names the column it came from (an error file
    /// built from the report shows the header the user wrote).
    #[serde(default)]
    pub columns: Vec<ImportColumn>,
}

/// A header of the imported file and the field it fills (`owner` for the owner column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportColumn {
    pub header: String,
    pub field: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportDuplicate {
    pub line: usize,
    pub field: DuplicateField,
    /// The earlier line in the same file, when the duplicate is within the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as_line: Option<usize>,
    /// The existing customer this row matched, when the tenant's ownership rule handed it
    /// to the importer (a real import, not a dry run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_over: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportRowError {
    pub line: usize,
    pub errors: Vec<FieldError>,
}

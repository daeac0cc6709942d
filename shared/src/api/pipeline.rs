//! The pipeline's stages over the wire: moving a customer (`POST /customers/{id}/stage`)
//! and replacing the stage list (`PUT /pipeline/stages`).

use serde::{Deserialize, Serialize};

use crate::field_error::FieldError;
use crate::settings::StageDef;

/// `POST /customers/{id}/stage` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    pub stage: String,
    /// The version the caller read; a stale one is refused (409 `stale`).
    pub version: i64,
}

/// `PUT /pipeline/stages` body: the new stage list, the settings version it was based on,
/// and where the customers of each removed stage go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StagesUpdate {
    pub version: i64,
    pub stages: Vec<StageDef>,
    /// Removed stage key → the stage its customers move to.
    #[serde(default)]
    pub moves: std::collections::BTreeMap<String, String>,
}

impl StagesUpdate {
    /// The stages that disappear, each with where its customers go (`None`: nowhere said).
    pub fn removed<'a>(&'a self, current: &'a [StageDef]) -> Vec<(&'a str, Option<&'a str>)> {
        current.iter().filter(|old| !self.stages.iter().any(|s| s.key == old.key)).map(|old| (old.key.as_str(), self.moves.get(&old.key).map(String::as_str))).collect()
    }

    /// Checks the moves: each names a removed stage and a stage that remains.
    pub fn validate_moves(&self, current: &[StageDef]) -> Result<(), Vec<FieldError>> {
        crate::limits::check([("stages".to_string(), self.stages.len(), crate::limits::STAGES), ("moves".to_string(), self.moves.len(), crate::limits::STAGES)])?;
        let mut errors = Vec::new();
        for (from, to) in &self.moves {
            if !current.iter().any(|s| &s.key == from) || self.stages.iter().any(|s| &s.key == from) {
                errors.push(FieldError::new(format!("moves.{from}"), "not_in_list", "moves name stages that are removed"));
            }
            if !self.stages.iter().any(|s| &s.key == to) {
                errors.push(FieldError::new(format!("moves.{from}"), "not_in_list", format!("{to} is not one of the new stages")));
            }
        }
        crate::field_error::finish(errors)
    }
}

//! Who may import what, by the importer's role: how many rows, whether into the pool, and
//! what a dry run may compare the file with.

use super::{MAX_REP_ROWS, MAX_ROWS};
use crate::ids::Role;

/// What an import may do, by the importer's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportPermit {
    /// Most data rows the file may carry.
    pub max_rows: usize,
    /// Whether a dry run compares the file with every stored customer, or only with those
    /// whose contacts the importer can see (for a rep: their own and those they
    /// collaborate on). Which of a thousand guessed phones a dry run reports as taken
    /// would otherwise give away a masked pool phone (138****5678 leaves 10,000
    /// candidates), or another rep's, with nothing written and nobody told. The real
    /// import reports every collision, and it is written and audited.
    pub dry_run_checks_all_stored: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportRefusal {
    /// Only managers and admins import into the public pool.
    RepToPool,
}

impl ImportRefusal {
    pub fn message(self) -> &'static str {
        match self {
            ImportRefusal::RepToPool => "a rep imports customers as their own; a list for the public pool is a manager's or admin's import",
        }
    }
}

/// Who may import what. Everyone may import customers as their own, under the tenant's
/// ownership rule (a row matching another user's customer is a duplicate, or a takeover
/// where the rule says so — exactly as if entered one by one). Managers and admins import
/// the team's lists: up to [`MAX_ROWS`] rows, and into the public pool (`to_pool`), from
/// where the allocation rules hand them out. A rep imports their own book of contacts:
/// up to [`MAX_REP_ROWS`] rows, never into the pool (a list for everyone is a manager's
/// decision, as handing the pool out is).
pub fn permit(role: Role, to_pool: bool) -> Result<ImportPermit, ImportRefusal> {
    match role {
        Role::Admin | Role::Manager => Ok(ImportPermit { max_rows: MAX_ROWS, dry_run_checks_all_stored: true }),
        Role::Rep if to_pool => Err(ImportRefusal::RepToPool),
        Role::Rep => Ok(ImportPermit { max_rows: MAX_REP_ROWS, dry_run_checks_all_stored: false }),
    }
}

//! Reps as the directory keeps them: the validation of what an admin types in, and who
//! may change whose record. Performance is never typed in; the edge computes it from won
//! and lost deals. The wire types (`RepView`, `RepInput`, `RepPatch`) are in `crate::api`.

use crate::allocation::Level;
use crate::api::{RepInput, RepPatch};
use crate::field_error::FieldError;
use crate::ids::Role;
use crate::settings::{CustomerSchema, TenantSettings};

pub const MAX_CAPACITY: u32 = 100_000;

/// A rep's editable fields after validation: labels resolved to keys, deduplicated.
#[derive(Clone, Debug, PartialEq)]
pub struct RepFields {
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    pub level: Level,
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub capacity: u32,
    pub active: bool,
}

/// Whose directory record (capacity, regions, level, active, …) a caller may change,
/// within the caller's scope: an admin anyone's; a manager their reps', never their own
/// or another manager's (a manager raising their own capacity or widening their regions
/// would tilt allocation and the region ownership rule towards themselves); a rep nobody's.
pub fn may_change(caller: Role, caller_id: &str, target: Role, target_id: &str) -> bool {
    Changeable::of(caller).allows(caller_id, target, target_id)
}

/// [`may_change`] as data: whose records a role may change. The edge renders it as the
/// condition its rep `UPDATE` carries, so a role changed since the read is not acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changeable {
    /// Any record.
    Anyone,
    /// Records of this role, other than the caller's own.
    OthersOfRole(Role),
    /// No record.
    Nobody,
}

impl Changeable {
    pub fn of(caller: Role) -> Changeable {
        match caller {
            Role::Admin => Changeable::Anyone,
            Role::Manager => Changeable::OthersOfRole(Role::Rep),
            Role::Rep => Changeable::Nobody,
        }
    }

    pub fn allows(self, caller_id: &str, target: Role, target_id: &str) -> bool {
        match self {
            Changeable::Anyone => true,
            Changeable::OthersOfRole(role) => target == role && target_id != caller_id,
            Changeable::Nobody => false,
        }
    }
}

impl RepFields {
    pub fn from_input(input: &RepInput, settings: &TenantSettings) -> Result<(String, RepFields), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !crate::ids::is_valid_slug(&input.id) {
            errors.push(FieldError::new("id", "invalid_key", "letters, digits, - _ . @, at most 64"));
        }
        let fields = RepFields {
            name: input.name.clone(),
            role: input.role.unwrap_or(Role::Rep),
            team: input.team.clone(),
            level: input.level,
            industries: input.industries.clone(),
            regions: input.regions.clone(),
            capacity: input.capacity,
            active: input.active,
        };
        match fields.checked(settings) {
            Ok(f) if errors.is_empty() => Ok((input.id.clone(), f)),
            Ok(_) => Err(errors),
            Err(mut more) => {
                errors.append(&mut more);
                Err(errors)
            }
        }
    }

    pub fn patched(&self, patch: &RepPatch, settings: &TenantSettings) -> Result<RepFields, Vec<FieldError>> {
        let mut next = self.clone();
        if let Some(name) = &patch.name {
            next.name = name.clone();
        }
        if let Some(team) = &patch.team {
            next.team = team.clone();
        }
        if let Some(level) = patch.level {
            next.level = level;
        }
        if let Some(industries) = &patch.industries {
            next.industries = industries.clone();
        }
        if let Some(regions) = &patch.regions {
            next.regions = regions.clone();
        }
        if let Some(capacity) = patch.capacity {
            next.capacity = capacity;
        }
        if let Some(active) = patch.active {
            next.active = active;
        }
        next.checked(settings)
    }

    fn checked(mut self, settings: &TenantSettings) -> Result<RepFields, Vec<FieldError>> {
        use crate::limits::{self, REP_SKILLS};
        limits::check([("industries".to_string(), self.industries.len(), REP_SKILLS), ("regions".to_string(), self.regions.len(), REP_SKILLS)])?;
        let mut errors = Vec::new();
        self.name = self.name.trim().to_string();
        if self.name.is_empty() || self.name.chars().count() > 100 {
            errors.push(FieldError::new("name", "required", "a name of 1 to 100 characters"));
        }
        if self.role == Role::Admin {
            errors.push(FieldError::new("role", "not_in_list", "rep or manager"));
        }
        if self.team.as_deref().is_some_and(|t| !crate::ids::is_valid_slug(t)) {
            errors.push(FieldError::new("team", "invalid_key", "letters, digits, - _ ."));
        }
        if self.capacity > MAX_CAPACITY {
            errors.push(FieldError::new("capacity", "out_of_range", format!("0 to {MAX_CAPACITY}")));
        }
        let industries = resolve_all("industries", &self.industries, |t| settings.resolve_industry(t), &mut errors);
        let regions = resolve_all("regions", &self.regions, |t| settings.resolve_region(t), &mut errors);
        self.industries = industries;
        self.regions = regions;
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Resolves labels to keys, dropping repeats and naming each unknown value by index.
fn resolve_all<'a>(list: &str, texts: &[String], resolve: impl Fn(&str) -> Option<&'a str>, errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        match resolve(text) {
            Some(key) if !keys.iter().any(|k| k == key) => keys.push(key.to_string()),
            Some(_) => {}
            None => errors.push(FieldError::new(format!("{list}[{i}]"), "not_in_list", format!("{text} is not one of the tenant's {list}"))),
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    #[test]
    fn who_may_change_a_directory_record() {
        use super::may_change;
        use crate::ids::Role::{Admin, Manager, Rep};
        for (caller, caller_id, target, target_id, allowed) in [
            (Admin, "a", Manager, "m", true),
            (Admin, "a", Rep, "r", true),
            (Manager, "m", Rep, "r", true),
            (Manager, "m", Manager, "m", false),
            (Manager, "m", Manager, "m2", false),
            (Rep, "r", Rep, "r", false),
        ] {
            assert_eq!(may_change(caller, caller_id, target, target_id), allowed, "{caller:?} {caller_id} → {target:?} {target_id}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_labels_and_reports_every_problem() {
        let s = TenantSettings::default();
        let input: RepInput =
            serde_json::from_value(json!({"id": "rep-x", "name": " 小明 ", "level": "junior", "industries": ["零售业", "retail", "internet"], "regions": ["上海"], "capacity": 30})).unwrap();
        let (id, f) = RepFields::from_input(&input, &s).unwrap();
        assert_eq!(
            (id.as_str(), f.name.as_str(), f.industries.clone(), f.regions.clone(), f.active, f.role),
            ("rep-x", "小明", vec!["retail".to_string(), "internet".to_string()], vec!["east".to_string()], true, Role::Rep)
        );
        let bad: RepInput = serde_json::from_value(json!({"id": "a b", "name": "", "role": "admin", "level": "senior", "industries": ["mining"], "regions": ["Mars"], "capacity": 200000})).unwrap();
        let paths: Vec<String> = RepFields::from_input(&bad, &s).unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, vec!["id", "name", "role", "capacity", "industries[0]", "regions[0]"]);
        let patched = f.patched(&RepPatch { capacity: Some(5), team: Some(None), ..Default::default() }, &s).unwrap();
        assert_eq!((patched.capacity, patched.team), (5, None));
    }
}

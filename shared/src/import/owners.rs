//! The owner column (负责人) of an import: teams moving from another CRM bring each
//! customer's rep along. A cell names a user by id or by exact name; who may be named
//! follows who may be given a customer (`ownership::Scope`): an admin names any active
//! user, a manager the members of the team they lead (anyone, if they lead none), a rep
//! only themselves. Every cell that names nobody, several people, someone inactive or
//! someone out of reach is its row's error in the dry run and the import alike — a row is
//! never imported under an owner other than the one it names.
//!
//! The edge states the same reach in the insert's `WHERE` (`store::scope::
//! assignable_target`), so a rep deactivated between the check and the write still gets
//! nothing.

use std::collections::HashMap;

use super::ImportPlan;
use crate::api::ImportRowError;
use crate::field_error::FieldError;
use crate::ids::Role;
use crate::ownership::Scope;

/// A user as the owner column may name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub team: Option<String>,
}

/// Who imports: their role, id and the team they belong to (a manager leads the team of
/// the same id, `users.team_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Importer<'a> {
    pub role: Role,
    pub id: &'a str,
    pub team: Option<&'a str>,
}

/// The tenant's users, found by id and by name through hash maps (no scan per row).
pub struct OwnerDirectory {
    users: Vec<DirectoryUser>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl OwnerDirectory {
    pub fn new(users: Vec<DirectoryUser>) -> OwnerDirectory {
        let mut by_id = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in users.iter().enumerate() {
            by_id.insert(u.id.clone(), i);
            by_name.entry(u.name.trim().to_string()).or_default().push(i);
        }
        OwnerDirectory { users, by_id, by_name }
    }

    /// The id of the user `text` names, if the importer may give them customers; else
    /// the row's error, under the path `owner`.
    pub fn resolve(&self, text: &str, importer: &Importer<'_>) -> Result<String, FieldError> {
        let text = text.trim();
        let error = |code: &str, message: String| Err(FieldError::new("owner", code, message));
        let named = self.by_name.get(text).map(Vec::as_slice).unwrap_or_default();
        let user = match self.by_id.get(text) {
            // One user's id and another's name: which was meant cannot be told.
            Some(&i) if named.iter().any(|&n| n != i) => return error("ambiguous_owner", format!("{text} is one user's id and another user's name; write the other user's id instead")),
            Some(&i) => &self.users[i],
            None => match named {
                [i] => &self.users[*i],
                [_, _, ..] => return error("ambiguous_owner", format!("{text}: several users have this name; write the user's id instead")),
                [] => return error("unknown_owner", format!("{text} is no user's name or id")),
            },
        };
        if !user.active {
            return error("inactive_owner", format!("{} is deactivated", user.name));
        }
        let reachable = match Scope::of(importer.role) {
            Scope::Tenant => true,
            Scope::Team => user.id == importer.id || importer.team.is_none() || user.team.as_deref() == importer.team,
            Scope::Own => user.id == importer.id,
        };
        if !reachable {
            let why = if importer.role == Role::Rep { "a rep's import may name only the rep" } else { "a manager's import may name only their team's reps" };
            return error("owner_out_of_scope", format!("{}: {why}", user.name));
        }
        Ok(user.id.clone())
    }
}

/// Resolves every valid row's owner cell: resolved rows keep the user's id, the others
/// leave `valid` for `errors` (kept in line order).
pub fn assign_owners(plan: &mut ImportPlan, directory: &OwnerDirectory, importer: &Importer<'_>) {
    let mut refused = Vec::new();
    plan.valid.retain_mut(|row| {
        let Some(text) = &row.owner else { return true };
        match directory.resolve(text, importer) {
            Ok(id) => {
                row.owner = Some(id);
                true
            }
            Err(e) => {
                refused.push(ImportRowError { line: row.line, errors: vec![e] });
                false
            }
        }
    });
    if !refused.is_empty() {
        plan.errors.append(&mut refused);
        plan.errors.sort_by_key(|e| e.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> OwnerDirectory {
        let user = |id: &str, name: &str, active: bool, team: Option<&str>| DirectoryUser { id: id.into(), name: name.into(), active, team: team.map(String::from) };
        OwnerDirectory::new(vec![
            user("m-east", "东区经理", true, Some("east")),
            user("r-1", "张伟", true, Some("east")),
            user("r-2", "李娜", true, Some("west")),
            user("r-3", "王芳", false, Some("east")),
            user("r-4", "王芳", true, Some("east")),
            user("r-5", "刘洋", true, Some("east")),
            user("r-6", "刘洋", true, Some("west")),
            user("alice", "Alice", true, Some("west")),
            user("r-7", "alice", true, Some("west")),
            user("bob", "bob", true, Some("west")),
        ])
    }

    fn check(role: Role, id: &str, team: Option<&str>, text: &str) -> Result<String, String> {
        directory().resolve(text, &Importer { role, id, team }).map_err(|e| e.code)
    }

    #[test]
    fn owners_resolve_within_the_importers_reach() {
        let admin = |t: &str| check(Role::Admin, "admin", None, t);
        assert_eq!(admin("张伟"), Ok("r-1".into()));
        assert_eq!(admin(" r-2 "), Ok("r-2".into()), "by id, trimmed");
        assert_eq!(admin("r-3"), Err("inactive_owner".into()));
        assert_eq!(admin("王芳"), Err("ambiguous_owner".into()), "two users share the name, one inactive: still ambiguous");
        assert_eq!(admin("刘洋"), Err("ambiguous_owner".into()));
        assert_eq!(admin("r-6"), Ok("r-6".into()), "the id settles it");
        assert_eq!(admin("Nobody"), Err("unknown_owner".into()));
        assert_eq!(admin("alice"), Err("ambiguous_owner".into()), "one user's id, another's name");
        assert_eq!(admin("Alice"), Ok("alice".into()), "names are exact: only alice's own name");
        assert_eq!(admin("bob"), Ok("bob".into()), "a user whose id is their name is one user");
        let manager = |t: &str| check(Role::Manager, "m-east", Some("east"), t);
        assert_eq!(manager("张伟"), Ok("r-1".into()));
        assert_eq!(manager("李娜"), Err("owner_out_of_scope".into()));
        assert_eq!(check(Role::Manager, "m-none", None, "李娜"), Ok("r-2".into()), "a manager who leads no team reaches the tenant");
        assert_eq!(check(Role::Rep, "r-1", Some("east"), "张伟"), Ok("r-1".into()));
        assert_eq!(check(Role::Rep, "r-1", Some("east"), "r-5"), Err("owner_out_of_scope".into()));
    }

    #[test]
    fn refused_owners_become_row_errors_in_line_order() {
        let csv = "客户名称,负责人\n甲,张伟\n乙,李娜\n丙,\n丁,Nobody\n";
        let mut plan = super::super::plan(csv.as_bytes(), &crate::settings::TenantSettings::default(), 100).unwrap();
        plan.errors.push(ImportRowError { line: 9, errors: vec![] });
        assign_owners(&mut plan, &directory(), &Importer { role: Role::Manager, id: "m-east", team: Some("east") });
        let valid: Vec<(usize, Option<&str>)> = plan.valid.iter().map(|r| (r.line, r.owner.as_deref())).collect();
        assert_eq!(valid, vec![(2, Some("r-1")), (4, None)]);
        let errors: Vec<(usize, Vec<&str>)> = plan.errors.iter().map(|e| (e.line, e.errors.iter().map(|f| f.code.as_str()).collect())).collect();
        assert_eq!(errors, vec![(3, vec!["owner_out_of_scope"]), (5, vec!["unknown_owner"]), (9, vec![])]);
        assert!(plan.has_owner_column);
        assert_eq!(plan.columns.iter().map(|c| (c.header.as_str(), c.field.as_str())).collect::<Vec<_>>(), vec![("客户名称", "name"), ("负责人", "owner")]);
    }
}

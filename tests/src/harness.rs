//! A minimal test runner for suites that share one expensive fixture (a running worker):
//! runs named cases, catches panics, prints cargo-style lines and summary.
//!
//! Cases are registered where they are written (each file of a suite adds its own) and
//! must not depend on one another. What a case may do to the fixture decides its
//! [`Phase`], and the harness, not the order of registration, runs the phases one after
//! the other: a case that changes what every other case reads (a tenant's settings) or
//! restarts the server never runs while a case that assumes otherwise is still to come.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// When a case runs: every [`Phase::Seeded`] case, then every [`Phase::Shared`] one, then
/// every [`Phase::TenantWide`] one, then every [`Phase::Restart`] one (in registration
/// order within a phase).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Reads the fixture as it was seeded (e.g. counts its users), before any other case
    /// adds to it; changes only what it creates itself.
    Seeded,
    /// Changes only what it creates itself (its customers, users, tenant).
    Shared,
    /// Changes a document every case of its tenant reads (settings, stages, pool or
    /// allocation rules) and puts it back before it ends.
    TenantWide,
    /// Stops or restarts the server (or changes its state underneath it).
    Restart,
}

type Case<C> = (Phase, &'static str, Box<dyn Fn(&mut C)>);

pub struct Suite<C> {
    cases: Vec<Case<C>>,
}

impl<C> Default for Suite<C> {
    fn default() -> Self {
        Suite { cases: Vec::new() }
    }
}

impl<C> Suite<C> {
    /// A case that changes only what it creates ([`Phase::Shared`]).
    pub fn case(self, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.in_phase(Phase::Shared, name, f)
    }

    /// A case that reads the fixture as seeded ([`Phase::Seeded`]).
    pub fn seeded(self, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.in_phase(Phase::Seeded, name, f)
    }

    /// A case that changes a tenant-wide document and restores it ([`Phase::TenantWide`]).
    pub fn tenant_wide(self, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.in_phase(Phase::TenantWide, name, f)
    }

    /// A case that stops or restarts the server ([`Phase::Restart`]).
    pub fn restarting(self, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.in_phase(Phase::Restart, name, f)
    }

    pub fn in_phase(mut self, phase: Phase, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.cases.push((phase, name, Box::new(f)));
        self
    }

    /// The names in the order [`Suite::run`] runs them.
    pub fn order(&self) -> Vec<&'static str> {
        let mut cases: Vec<(Phase, &'static str)> = self.cases.iter().map(|(p, n, _)| (*p, *n)).collect();
        cases.sort_by_key(|(p, _)| *p);
        cases.into_iter().map(|(_, n)| n).collect()
    }

    /// Runs every case (or those whose name contains the first CLI argument) and returns
    /// whether all passed.
    pub fn run(self, context: &mut C) -> bool {
        let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
        let mut selected: Vec<_> = self.cases.into_iter().filter(|(_, n, _)| filter.as_ref().is_none_or(|f| n.contains(f.as_str()))).collect();
        // Stable: registration order within a phase.
        selected.sort_by_key(|(phase, _, _)| *phase);
        println!("\nrunning {} tests", selected.len());
        let started = Instant::now();
        let mut failed = Vec::new();
        for (_, name, case) in &selected {
            let t = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| case(context)));
            match outcome {
                Ok(()) => println!("test {name} ... ok ({:.1}s)", t.elapsed().as_secs_f64()),
                Err(_) => {
                    println!("test {name} ... FAILED");
                    failed.push(*name);
                }
            }
        }
        let passed = selected.len() - failed.len();
        if !failed.is_empty() {
            println!("\nfailures:");
            for f in &failed {
                println!("    {f}");
            }
        }
        println!(
            "\ntest result: {}. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s\n",
            if failed.is_empty() { "ok" } else { "FAILED" },
            failed.len(),
            started.elapsed().as_secs_f64()
        );
        failed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_run_in_order_whatever_the_registration() {
        let suite = Suite::<()>::default().restarting("restart", |_| {}).tenant_wide("settings", |_| {}).case("a", |_| {}).tenant_wide("rules", |_| {}).seeded("seed", |_| {}).case("b", |_| {});
        assert_eq!(suite.order(), ["seed", "a", "b", "settings", "rules", "restart"]);
    }
}

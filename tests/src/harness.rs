//! A minimal test runner for suites that share one expensive fixture (a running worker):
//! runs named cases in order, catches panics, prints cargo-style lines and summary.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

pub struct Suite<C> {
    cases: Vec<(&'static str, Box<dyn Fn(&mut C)>)>,
}

impl<C> Default for Suite<C> {
    fn default() -> Self {
        Suite { cases: Vec::new() }
    }
}

impl<C> Suite<C> {
    pub fn case(mut self, name: &'static str, f: impl Fn(&mut C) + 'static) -> Self {
        self.cases.push((name, Box::new(f)));
        self
    }

    /// Runs every case (or those whose name contains the first CLI argument) and returns
    /// whether all passed.
    pub fn run(self, context: &mut C) -> bool {
        let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
        let selected: Vec<_> = self.cases.into_iter().filter(|(n, _)| filter.as_ref().is_none_or(|f| n.contains(f.as_str()))).collect();
        println!("\nrunning {} tests", selected.len());
        let started = Instant::now();
        let mut failed = Vec::new();
        for (name, case) in &selected {
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

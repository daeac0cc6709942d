//! Allocation speed: `cargo run --release -p allot-shared --example allocation_bench`.
//! Prints, for synthetic instances, the time of the optimal solver (10,000 customers ×
//! 100 reps) and its total against the best greedy strategy's, and every greedy strategy
//! on 100,000 customers × 1,000 reps. Used by `cargo xtask bench`.

use std::time::Instant;

use shared::allocation::{allocate, Level, Performance, Plan, Prospect, RepProfile, Strategy, Weights};
use shared::customer::Tier;

const INDUSTRIES: [&str; 8] = ["manufacturing", "retail", "services", "internet", "healthcare", "finance", "education", "logistics"];
const REGIONS: [&str; 4] = ["east", "south", "west", "north"];

fn lcg(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    *state >> 33
}

fn instance(n_customers: usize, n_reps: usize, seed: u64) -> (Vec<RepProfile>, Vec<Prospect>) {
    let mut s = seed;
    let total_capacity = (n_customers as f64 * 1.2) as u64;
    let reps = (0..n_reps)
        .map(|i| RepProfile {
            id: format!("rep{i:04}"),
            level: if lcg(&mut s).is_multiple_of(3) { Level::Junior } else { Level::Senior },
            industries: vec![INDUSTRIES[(lcg(&mut s) % 8) as usize].into(), INDUSTRIES[(lcg(&mut s) % 8) as usize].into()],
            regions: vec![REGIONS[(lcg(&mut s) % 4) as usize].into()],
            capacity: (total_capacity / n_reps as u64) as u32 + (lcg(&mut s) % 20) as u32,
            active: !lcg(&mut s).is_multiple_of(20),
            held: 0,
            held_value: 0.0,
            performance: Performance { won_amount: (lcg(&mut s) % 1_000_000) as f64, conversion: (lcg(&mut s) % 100) as f64 / 100.0 },
        })
        .collect();
    let customers = (0..n_customers)
        .map(|i| Prospect {
            name: String::new(),
            id: format!("c{i:06}"),
            industry: Some(INDUSTRIES[(lcg(&mut s) % 8) as usize].into()),
            region: Some(REGIONS[(lcg(&mut s) % 4) as usize].into()),
            tier: Some(Tier::ALL[(lcg(&mut s) % 3) as usize]),
            amount: (lcg(&mut s) % 500_000) as f64,
            existing: lcg(&mut s).is_multiple_of(4),
        })
        .collect();
    (reps, customers)
}

fn run(reps: &[RepProfile], customers: &[Prospect], strategy: Strategy) -> (f64, f64) {
    let plan = Plan { reps, customers, strategy, weights: Weights::default(), seed: 1, cursor: 0, junior_min_share: 0.0, explain_full: false };
    let t = Instant::now();
    let out = allocate(&plan);
    (t.elapsed().as_secs_f64(), out.distribution.total_score)
}

fn main() {
    let (reps, customers) = instance(10_000, 100, 42);
    let (optimal_s, optimal_total) = run(&reps, &customers, Strategy::Optimal);
    let best_greedy = Strategy::ALL.iter().filter(|s| **s != Strategy::Optimal).map(|s| (run(&reps, &customers, *s).1, *s)).max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
    println!(
        "optimal 10000x100: {optimal_s:.3} s, total {optimal_total:.1}; best greedy {:?} total {:.1} (gap {:.2}%)",
        best_greedy.1,
        best_greedy.0,
        100.0 * (optimal_total - best_greedy.0) / optimal_total
    );
    let (reps, customers) = instance(100_000, 1_000, 7);
    for s in Strategy::ALL.iter().filter(|s| **s != Strategy::Optimal) {
        let (secs, _) = run(&reps, &customers, *s);
        println!("greedy {s:?} 100000x1000: {secs:.3} s");
    }
}

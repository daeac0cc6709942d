use proptest::prelude::{any, prop_assert, prop_assert_eq, proptest, ProptestConfig};
use proptest::strategy::Strategy as Gen;

use super::*;
use crate::customer::Tier;

// A fixture row: one positional argument per column reads like the table it builds.
#[allow(clippy::too_many_arguments)]
fn rep(id: &str, level: Level, industries: &[&str], regions: &[&str], capacity: u32, held: u32, won: f64, conversion: f64) -> RepProfile {
    RepProfile {
        id: id.into(),
        level,
        industries: industries.iter().map(|s| s.to_string()).collect(),
        regions: regions.iter().map(|s| s.to_string()).collect(),
        capacity,
        active: true,
        held,
        held_value: 0.0,
        performance: Performance { won_amount: won, conversion },
    }
}

fn prospect(id: &str, industry: &str, region: &str, tier: Option<Tier>, amount: f64, existing: bool) -> Prospect {
    Prospect { id: id.into(), name: format!("客户 {id}"), industry: Some(industry.into()), region: Some(region.into()), tier, amount, existing }
}

fn plan<'a>(reps: &'a [RepProfile], customers: &'a [Prospect], strategy: Strategy) -> Plan<'a> {
    Plan { reps, customers, strategy, weights: Weights::default(), seed: 7, cursor: 0, junior_min_share: 0.0, explain_full: false }
}

fn owners(o: &Outcome) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = o.assignments.iter().map(|a| (a.customer.clone(), a.rep.clone())).collect();
    v.sort();
    v
}

#[test]
fn round_robin_rotates_and_resumes_from_the_cursor() {
    let reps = [rep("a", Level::Junior, &[], &[], 10, 0, 0.0, 0.0), rep("b", Level::Junior, &[], &[], 10, 0, 0.0, 0.0), rep("c", Level::Junior, &[], &[], 10, 0, 0.0, 0.0)];
    let customers: Vec<Prospect> = (0..4).map(|i| prospect(&format!("c{i}"), "x", "y", None, 1.0, false)).collect();
    let first = allocate(&plan(&reps, &customers, Strategy::RoundRobin));
    let who: Vec<&str> = first.assignments.iter().map(|a| a.rep.as_str()).collect();
    assert_eq!(who, vec!["a", "b", "c", "a"]);
    let mut next = plan(&reps, &customers[..2], Strategy::RoundRobin);
    next.cursor = first.next_cursor;
    let who: Vec<String> = allocate(&next).assignments.into_iter().map(|a| a.rep).collect();
    assert_eq!(who, vec!["b", "c"]);
}

#[test]
fn each_strategy_follows_its_rule() {
    let reps = [rep("senior-east-mfg", Level::Senior, &["manufacturing"], &["east"], 10, 5, 900_000.0, 0.6), rep("junior-south-retail", Level::Junior, &["retail"], &["south"], 10, 0, 100_000.0, 0.2)];
    let c = [prospect("big-retail-east", "retail", "east", Some(Tier::Key), 1_000_000.0, true)];
    let to = |s: Strategy| allocate(&plan(&reps, &c, s)).assignments[0].rep.clone();
    assert_eq!(to(Strategy::PerformanceFirst), "senior-east-mfg");
    assert_eq!(to(Strategy::IndustryExpertise), "junior-south-retail");
    assert_eq!(to(Strategy::Region), "senior-east-mfg");
    assert_eq!(to(Strategy::CustomerType), "senior-east-mfg");
    assert_eq!(to(Strategy::LeastLoaded), "junior-south-retail");
}

#[test]
fn explanations_name_the_criteria_and_the_runner_up() {
    let reps = [rep("a", Level::Senior, &["retail"], &["east"], 1, 0, 0.0, 0.0), rep("b", Level::Senior, &["retail"], &["east"], 5, 0, 0.0, 0.0)];
    let c = [prospect("c1", "retail", "east", None, 1.0, false), prospect("c2", "retail", "east", None, 1.0, false)];
    let out = allocate(&plan(&reps, &c, Strategy::Combined));
    let a = &out.assignments[0];
    assert_eq!(a.breakdown.contributions.len(), 5);
    assert!((a.breakdown.total - a.score).abs() < 1e-12);
    let industry = a.breakdown.contributions.iter().find(|c| c.criterion == Criterion::Industry).unwrap();
    assert_eq!((industry.value, industry.points), (1.0, 2.0));
    assert!(out.assignments.iter().any(|x| x.runner_up.as_ref().is_some_and(|r| r.why_not == WhyNot::CapacityFull)));
}

#[test]
fn optimal_beats_greedy_where_greedy_is_myopic() {
    // Greedy gives c1 to a (its best), leaving c2 only b; the optimum swaps them.
    let reps = [rep("a", Level::Senior, &["retail", "finance"], &[], 1, 0, 0.0, 0.0), rep("b", Level::Senior, &["retail"], &[], 1, 0, 0.0, 0.0)];
    let c = [prospect("c1", "retail", "", None, 1.0, false), prospect("c2", "finance", "", None, 1.0, false)];
    let greedy = allocate(&plan(&reps, &c, Strategy::Combined));
    let best = allocate(&plan(&reps, &c, Strategy::Optimal));
    assert!(best.distribution.total_score > greedy.distribution.total_score + 1.0);
    assert_eq!(owners(&best), vec![("c1".into(), "b".into()), ("c2".into(), "a".into())]);
}

#[test]
fn junior_share_is_honoured_when_feasible_and_reported_when_not() {
    let reps = [rep("s", Level::Senior, &["x"], &["r"], 10, 0, 1.0, 1.0), rep("j", Level::Junior, &[], &[], 2, 0, 0.0, 0.0)];
    let c: Vec<Prospect> = (0..4).map(|i| prospect(&format!("c{i}"), "x", "r", Some(Tier::Key), 10.0, true)).collect();
    let mut p = plan(&reps, &c, Strategy::Combined);
    p.junior_min_share = 0.5;
    let out = allocate(&p);
    assert!(out.junior_share_met);
    assert_eq!(out.distribution.junior_share, 0.5);
    p.junior_min_share = 0.9;
    let out = allocate(&p);
    assert!(!out.junior_share_met, "the junior can hold only 2 of 4");
    assert_eq!(out.assignments.len(), 4);
}

// ---- properties ----

fn arb_instance() -> impl Gen<Value = (Vec<RepProfile>, Vec<Prospect>)> {
    let industries = ["a", "b", "c"];
    let rep_strategy = (any::<bool>(), 0..3usize, 0..3usize, 0u32..4, any::<bool>(), 0u32..100)
        .prop_map(move |(senior, ind, reg, cap, active, perf)| (if senior { Level::Senior } else { Level::Junior }, industries[ind], industries[reg], cap, active, perf));
    let customer_strategy = (0..3usize, 0..3usize, 0..3usize, 0u32..1000, any::<bool>());
    (proptest::collection::vec(rep_strategy, 1..4), proptest::collection::vec(customer_strategy, 0..7)).prop_map(move |(reps, customers)| {
        let reps = reps
            .into_iter()
            .enumerate()
            .map(|(i, (level, ind, reg, cap, active, perf))| {
                let mut r = rep(&format!("r{i}"), level, &[ind], &[reg], cap, 0, f64::from(perf) * 1000.0, f64::from(perf) / 100.0);
                r.active = active;
                r
            })
            .collect();
        let customers = customers
            .into_iter()
            .enumerate()
            .map(|(i, (ind, reg, tier, amount, existing))| prospect(&format!("c{i}"), industries[ind], industries[reg], Some(Tier::ALL[tier]), f64::from(amount), existing))
            .collect();
        (reps, customers)
    })
}

/// The best total over every assignment (each customer to any active rep with room, or to
/// nobody): the ground truth for small instances.
fn brute_force(reps: &[RepProfile], customers: &[Prospect], weights: &Weights) -> f64 {
    let context = Context::new(reps, customers);
    fn go(i: usize, reps: &[RepProfile], customers: &[Prospect], room: &mut Vec<u32>, context: &Context<'_>, weights: &Weights) -> f64 {
        if i == customers.len() {
            return 0.0;
        }
        let mut best = go(i + 1, reps, customers, room, context, weights);
        for r in 0..reps.len() {
            if reps[r].active && room[r] > 0 {
                room[r] -= 1;
                let s = context.total(weights, r, i) + go(i + 1, reps, customers, room, context, weights);
                room[r] += 1;
                best = best.max(s);
            }
        }
        best
    }
    let mut room: Vec<u32> = reps.iter().map(|r| r.capacity.saturating_sub(r.held)).collect();
    go(0, reps, customers, &mut room, &context, weights)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn hard_constraints_hold_for_every_strategy((reps, customers) in arb_instance(), seed in any::<u64>()) {
        for strategy in Strategy::ALL {
            let mut p = plan(&reps, &customers, strategy);
            p.seed = seed;
            let out = allocate(&p);
            let mut seen = std::collections::HashSet::new();
            for a in &out.assignments {
                prop_assert!(seen.insert(a.customer.clone()), "{strategy:?} assigned {} twice", a.customer);
                let r = reps.iter().find(|r| r.id == a.rep).unwrap();
                prop_assert!(r.active, "{strategy:?} gave a customer to inactive {}", r.id);
            }
            prop_assert_eq!(out.assignments.len() + out.unassigned.len(), customers.len());
            for row in &out.distribution.reps {
                prop_assert!(row.count_after <= row.capacity.max(row.count_before), "{strategy:?}: {} over capacity", row.rep);
            }
            // Same seed, same result.
            prop_assert_eq!(&allocate(&p), &out);
        }
    }

    #[test]
    fn optimal_equals_brute_force_and_beats_every_strategy((reps, customers) in arb_instance()) {
        let best = allocate(&plan(&reps, &customers, Strategy::Optimal));
        let truth = brute_force(&reps, &customers, &Weights::default());
        prop_assert!((best.distribution.total_score - truth).abs() < 1e-4, "optimal {} vs brute force {truth}", best.distribution.total_score);
        for strategy in Strategy::ALL {
            let other = allocate(&plan(&reps, &customers, strategy));
            prop_assert!(best.distribution.total_score + 1e-6 >= other.distribution.total_score, "{strategy:?} beat optimal");
        }
    }

    #[test]
    fn optimal_is_independent_of_input_order((reps, customers) in arb_instance(), rotate in 0usize..7) {
        let mut shuffled = customers.clone();
        if !shuffled.is_empty() {
            let k = rotate % shuffled.len();
            shuffled.rotate_left(k);
            shuffled.reverse();
        }
        let mut reps_shuffled = reps.clone();
        reps_shuffled.reverse();
        let a = allocate(&plan(&reps, &customers, Strategy::Optimal));
        let b = allocate(&plan(&reps_shuffled, &shuffled, Strategy::Optimal));
        // The optimum's value is order-independent. The assignment itself is too, except
        // between optima whose totals differ below floating-point resolution (scores are
        // continuous, so such near-ties happen); there either is optimal.
        prop_assert!((a.distribution.total_score - b.distribution.total_score).abs() < 1e-9, "{} vs {}", a.distribution.total_score, b.distribution.total_score);
        prop_assert_eq!(a.assignments.len(), b.assignments.len());
    }

    #[test]
    fn runner_up_is_the_best_other_active_rep((reps, customers) in arb_instance()) {
        // Checked against a plain scan with `Context::total`: the fast paths (the greedy
        // scan's top two, `FastScore`) must name the same rep with the same score.
        let context = score::Context::new(&reps, &customers);
        for strategy in Strategy::ALL {
            let out = allocate(&plan(&reps, &customers, strategy));
            for a in &out.assignments {
                let ci = customers.iter().position(|c| c.id == a.customer).unwrap();
                let mut best: Option<(usize, f64)> = None;
                for (ri, r) in reps.iter().enumerate() {
                    if r.id == a.rep || !r.active {
                        continue;
                    }
                    let s = context.total(&Weights::default(), ri, ci);
                    if best.is_none_or(|(bi, bs)| s > bs + 1e-12 || ((s - bs).abs() <= 1e-12 && r.id < reps[bi].id)) {
                        best = Some((ri, s));
                    }
                }
                let got = a.runner_up.as_ref().map(|r| (r.rep.clone(), r.score));
                match (best, got) {
                    (None, None) => {}
                    (Some((bi, bs)), Some((rep, score))) => {
                        prop_assert!((bs - score).abs() < 1e-9, "{strategy:?}: runner-up score {score} vs {bs}");
                        let tied = reps.iter().enumerate().any(|(ri, r)| r.id == rep && ri != bi && (context.total(&Weights::default(), ri, ci) - bs).abs() < 1e-9);
                        prop_assert!(rep == reps[bi].id || tied, "{strategy:?}: runner-up {rep} vs {}", reps[bi].id);
                    }
                    (want, got) => prop_assert!(false, "{strategy:?}: runner-up {got:?} vs {want:?}"),
                }
            }
        }
    }

    #[test]
    fn junior_share_holds_when_feasible((reps, customers) in arb_instance(), share in 0.0f64..1.0) {
        for strategy in [Strategy::Combined, Strategy::Optimal, Strategy::RoundRobin] {
            let mut p = plan(&reps, &customers, strategy);
            p.junior_min_share = share;
            let out = allocate(&p);
            if out.junior_share_met && !out.assignments.is_empty() {
                prop_assert!(out.distribution.junior_share + 1e-9 >= share - 1.0 / out.assignments.len() as f64 + 1e-9 || out.distribution.junior_share >= share - 1e-9);
            }
        }
    }
}

//! The rule-based strategies: each customer in turn goes to the best rep with room by
//! the strategy's own ordering, ties broken by the seed.

use super::score::{load_score, Context, Criterion};
use super::{jitter_from, jitter_prefix, Level, Plan, Strategy, WhyNot};

/// A pick per customer: the rep index, and a reason to report for the runner-up.
pub type Picks = Vec<Option<(usize, Option<WhyNot>)>>;

fn room(plan: &Plan<'_>) -> Vec<u32> {
    plan.reps.iter().map(|r| if r.active { r.capacity.saturating_sub(r.held) } else { 0 }).collect()
}

pub fn run(plan: &Plan<'_>, context: &Context, strategy: Strategy) -> (Picks, u64) {
    let n_reps = plan.reps.len();
    let mut room = room(plan);
    let mut load: Vec<u32> = plan.reps.iter().map(|r| r.held).collect();
    let mut picks: Picks = vec![None; plan.customers.len()];
    let mut cursor = plan.cursor;
    // Round robin walks reps in id order, whatever order they were passed in.
    let mut rotation: Vec<usize> = (0..n_reps).filter(|&i| plan.reps[i].active).collect();
    rotation.sort_by(|a, b| plan.reps[*a].id.cmp(&plan.reps[*b].id));
    let mut smooth = vec![0i64; n_reps];
    let prefixes: Vec<u64> = plan.reps.iter().map(|r| jitter_prefix(plan.seed, &r.id)).collect();
    let mut order: Vec<usize> = (0..plan.customers.len()).collect();
    if strategy == Strategy::PerformanceFirst {
        // The most valuable customers choose first, so they meet the best performers.
        order.sort_by(|a, b| context.value(*b).total_cmp(&context.value(*a)).then(a.cmp(b)));
    }
    for ci in order {
        let customer = &plan.customers[ci];
        let chosen = match strategy {
            Strategy::RoundRobin => {
                let n = rotation.len() as u64;
                (0..n).map(|step| (cursor + step) % n.max(1)).find(|&k| room[rotation[k as usize]] > 0).map(|k| {
                    cursor = k + 1;
                    (rotation[k as usize], Some(WhyNot::NotItsTurn))
                })
            }
            Strategy::WeightedRoundRobin => {
                // Smooth weighted round robin (as in nginx): weight = capacity.
                let eligible: Vec<usize> = rotation.iter().copied().filter(|&ri| room[ri] > 0).collect();
                let total: i64 = eligible.iter().map(|&ri| i64::from(plan.reps[ri].capacity)).sum();
                for &ri in &eligible {
                    smooth[ri] += i64::from(plan.reps[ri].capacity);
                }
                eligible.iter().copied().max_by_key(|&ri| (smooth[ri], std::cmp::Reverse(ri))).map(|ri| {
                    smooth[ri] -= total;
                    (ri, Some(WhyNot::NotItsTurn))
                })
            }
            other => {
                // Primary criterion first, then spare capacity, then the seed.
                let key = |ri: usize| -> f64 {
                    let rep = &plan.reps[ri];
                    let spare = load_score(load[ri], rep.capacity);
                    let primary = match other {
                        Strategy::PerformanceFirst => context.performance(ri),
                        Strategy::IndustryExpertise => context.criterion(Criterion::Industry, ri, ci),
                        Strategy::Region => context.criterion(Criterion::Region, ri, ci),
                        Strategy::CustomerType => context.criterion(Criterion::CustomerType, ri, ci),
                        Strategy::LeastLoaded => spare,
                        // Combined: the weighted score, with load as it is now.
                        _ => context.total_with_load(&plan.weights, ri, ci, load[ri]),
                    };
                    primary * 1e6 + spare * 1e3
                };
                let mut best: Option<(usize, f64)> = None;
                for ri in 0..n_reps {
                    if room[ri] == 0 {
                        continue;
                    }
                    let k = key(ri);
                    best = match best {
                        None => Some((ri, k)),
                        Some((_, bk)) if k > bk => Some((ri, k)),
                        Some((bi, bk)) if k == bk && jitter_from(prefixes[ri], &customer.id) > jitter_from(prefixes[bi], &customer.id) => Some((ri, k)),
                        keep => keep,
                    };
                }
                best.map(|(ri, _)| (ri, None))
            }
        };
        if let Some((ri, hint)) = chosen {
            room[ri] -= 1;
            load[ri] += 1;
            picks[ci] = Some((ri, hint));
        }
    }
    (picks, cursor)
}

/// Moves assignments from seniors to juniors with room, cheapest loss of score first,
/// until juniors hold the minimum share. Returns whether the share is met.
pub fn honour_junior_share(plan: &Plan<'_>, context: &Context, picks: &mut Picks) -> bool {
    let share = plan.junior_min_share.clamp(0.0, 1.0);
    let assigned = picks.iter().flatten().count();
    if share <= 0.0 || assigned == 0 {
        return true;
    }
    let need = (share * assigned as f64 - 1e-9).ceil() as usize;
    let mut room = room(plan);
    for (ri, _) in picks.iter().flatten() {
        room[*ri] = room[*ri].saturating_sub(1);
    }
    let is_junior = |ri: usize| plan.reps[ri].level == Level::Junior;
    let mut juniors = picks.iter().flatten().filter(|(ri, _)| is_junior(*ri)).count();
    while juniors < need {
        let mut best: Option<(f64, usize, usize)> = None;
        for (ci, pick) in picks.iter().enumerate() {
            let Some((from, _)) = pick else { continue };
            if is_junior(*from) {
                continue;
            }
            let lost = context.total(&plan.weights, *from, ci);
            for to in (0..plan.reps.len()).filter(|&r| is_junior(r) && room[r] > 0) {
                let loss = lost - context.total(&plan.weights, to, ci);
                if best.is_none_or(|(b, _, _)| loss < b) {
                    best = Some((loss, ci, to));
                }
            }
        }
        let Some((_, ci, to)) = best else { return false };
        if let Some((from, _)) = picks[ci] {
            room[from] += 1;
        }
        room[to] -= 1;
        picks[ci] = Some((to, Some(WhyNot::JuniorShare)));
        juniors += 1;
    }
    true
}

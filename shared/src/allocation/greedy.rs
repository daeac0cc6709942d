//! The rule-based strategies: each customer in turn goes to the best rep with room by
//! the strategy's own ordering, ties broken by the seed.

use super::score::{self, criterion, Context, Criterion};
use super::{jitter, Level, Plan, Strategy, WhyNot};

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
    let mut order: Vec<usize> = (0..plan.customers.len()).collect();
    if strategy == Strategy::PerformanceFirst {
        // The most valuable customers choose first, so they meet the best performers.
        order.sort_by(|a, b| context.value(&plan.customers[*b]).total_cmp(&context.value(&plan.customers[*a])).then(a.cmp(b)));
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
                let key = |ri: usize| -> f64 {
                    let rep = &plan.reps[ri];
                    let spare = if rep.capacity == 0 { 0.0 } else { 1.0 - f64::from(load[ri]) / f64::from(rep.capacity) };
                    let primary = match other {
                        Strategy::PerformanceFirst => context.performance(rep),
                        Strategy::IndustryExpertise => criterion(context, Criterion::Industry, rep, customer),
                        Strategy::Region => criterion(context, Criterion::Region, rep, customer),
                        Strategy::CustomerType => criterion(context, Criterion::CustomerType, rep, customer),
                        Strategy::LeastLoaded => spare,
                        _ => {
                            // Combined: the weighted score, with load as it is now.
                            let w = plan.weights.load.max(0.0);
                            score::total(context, &plan.weights, rep, customer) - w * criterion(context, Criterion::Load, rep, customer) + w * spare.max(0.0)
                        }
                    };
                    // Primary criterion first, then spare capacity, then the seed.
                    primary * 1e6 + spare * 1e3 + jitter(plan.seed, &rep.id, &customer.id)
                };
                (0..n_reps).filter(|&ri| room[ri] > 0).max_by(|a, b| key(*a).total_cmp(&key(*b))).map(|ri| (ri, None))
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
            let customer = &plan.customers[ci];
            let lost = score::total(context, &plan.weights, &plan.reps[*from], customer);
            for to in (0..plan.reps.len()).filter(|&r| is_junior(r) && room[r] > 0) {
                let loss = lost - score::total(context, &plan.weights, &plan.reps[to], customer);
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

//! The rule-based strategies: each customer in turn goes to the best rep with room by
//! the strategy's own ordering, ties broken by the seed.

use super::score::{load_score, Context, Criterion, FastScore};
use super::{jitter_prefix, Level, Plan, Strategy, WhyNot};

/// A pick per customer: the rep index, and a reason to report for the runner-up.
pub type Picks = Vec<Option<(usize, Option<WhyNot>)>>;

/// The two best active reps for a customer by the combined score as the run began,
/// (rep, score), best first: the runner-up is whichever of them was not chosen.
pub type TopTwo = [Option<(usize, f64)>; 2];

/// One customer's scan over every rep: the best rep with room by the strategy's key
/// (`primary(rep, score without load)`, then spare capacity, then the seed), and the two
/// best active reps by the starting combined score (for the runner-up).
struct Scan<'s, 'p> {
    plan: &'s Plan<'p>,
    fast: Option<&'s FastScore<'s, 's>>,
    active: &'s [bool],
    static_load: &'s [f64],
    room: &'s [u32],
    spare: &'s [f64],
    prefixes: &'s [u64],
    customer_hash: u64,
    ci: usize,
}

type Ranked = (usize, f64);

impl Scan<'_, '_> {
    #[inline]
    fn run(&self, primary: impl Fn(usize, f64) -> f64) -> (Option<usize>, Ranked, Ranked) {
        let mut best: Option<Ranked> = None;
        let (mut t0, mut t1) = ((usize::MAX, f64::NEG_INFINITY), (usize::MAX, f64::NEG_INFINITY));
        for ri in 0..self.room.len() {
            let without_load = match self.fast {
                Some(f) if self.active[ri] => {
                    let w = f.without_load(ri, self.ci);
                    let s = w + self.static_load[ri];
                    if s >= t1.1 {
                        let ids = |a: usize, b: usize| self.plan.reps[a].id < self.plan.reps[b].id;
                        if s > t0.1 || (s == t0.1 && ids(ri, t0.0)) {
                            t1 = t0;
                            t0 = (ri, s);
                        } else if s > t1.1 || t1.0 == usize::MAX || ids(ri, t1.0) {
                            t1 = (ri, s);
                        }
                    }
                    w
                }
                _ => 0.0,
            };
            if self.room[ri] == 0 {
                continue;
            }
            let k = primary(ri, without_load) * 1e6 + self.spare[ri] * 1e3;
            best = match best {
                None => Some((ri, k)),
                Some((_, bk)) if k > bk => Some((ri, k)),
                Some((bi, bk)) if k == bk && tie(self.prefixes[ri], self.customer_hash) > tie(self.prefixes[bi], self.customer_hash) => Some((ri, k)),
                keep => keep,
            };
        }
        (best.map(|(ri, _)| ri), t0, t1)
    }
}

/// FNV-1a of a customer id, once per customer.
fn customer_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The seeded tie-breaker of a rep (its seeded prefix) and a customer (its hash): a
/// SplitMix64 finaliser, so ties cost no string hashing in the 10⁸-pair loop.
fn tie(rep_prefix: u64, customer_hash: u64) -> u64 {
    let mut z = rep_prefix ^ customer_hash.rotate_left(29);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Keeps `top` the two best by score, ties to the smaller rep id (as `runner_up` does).
fn push_top(plan: &Plan<'_>, top: &mut TopTwo, candidate: (usize, f64)) {
    let better = |a: (usize, f64), b: Option<(usize, f64)>| b.is_none_or(|b| a.1 > b.1 || (a.1 == b.1 && plan.reps[a.0].id < plan.reps[b.0].id));
    if better(candidate, top[0]) {
        top[1] = top[0];
        top[0] = Some(candidate);
    } else if better(candidate, top[1]) {
        top[1] = Some(candidate);
    }
}

fn room(plan: &Plan<'_>) -> Vec<u32> {
    plan.reps.iter().map(|r| if r.active { r.capacity.saturating_sub(r.held) } else { 0 }).collect()
}

/// Runs a rule-based strategy. For the strategies that scan every rep per customer, the
/// same scan also finds each customer's two best reps for the runner-up explanation
/// (returned; empty when not computed), which saves a second pass over 10⁸ pairs.
pub fn run(plan: &Plan<'_>, context: &Context<'_>, strategy: Strategy) -> (Picks, u64, Vec<TopTwo>) {
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
    let fast = FastScore::new(context, &plan.weights);
    // Per rep, the load parts of the combined score and of the tie-break, kept current
    // as reps fill up (only the chosen rep's change per customer).
    let mut load_term: Vec<f64> = plan.reps.iter().map(|r| fast.as_ref().map_or(0.0, |f| f.load_term(r.held, r.capacity))).collect();
    let mut spare: Vec<f64> = plan.reps.iter().map(|r| load_score(r.held, r.capacity)).collect();
    let active: Vec<bool> = plan.reps.iter().map(|r| r.active).collect();
    let scans = !matches!(strategy, Strategy::RoundRobin | Strategy::WeightedRoundRobin);
    let static_load: Vec<f64> = plan.reps.iter().map(|r| fast.as_ref().map_or(0.0, |f| f.load_term(r.held, r.capacity))).collect();
    let mut tops: Vec<TopTwo> = if scans && fast.is_some() { vec![[None, None]; plan.customers.len()] } else { Vec::new() };
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
                // Primary criterion first, then spare capacity, then the seed. Each
                // strategy gets its own copy of the scan (generic over the criterion),
                // so the 10⁸-pair loop has no dispatch inside.
                let scan =
                    Scan { plan, fast: fast.as_ref(), active: &active, static_load: &static_load, room: &room, spare: &spare, prefixes: &prefixes, customer_hash: customer_hash(&customer.id), ci };
                let (found, t0, t1) = match (other, &fast) {
                    (Strategy::PerformanceFirst, _) => scan.run(|ri, _| context.performance(ri)),
                    (Strategy::IndustryExpertise, Some(f)) => scan.run(|ri, _| f.criterion(Criterion::Industry, ri, ci)),
                    (Strategy::Region, Some(f)) => scan.run(|ri, _| f.criterion(Criterion::Region, ri, ci)),
                    (Strategy::CustomerType, Some(f)) => scan.run(|ri, _| f.criterion(Criterion::CustomerType, ri, ci)),
                    (Strategy::IndustryExpertise, None) => scan.run(|ri, _| context.criterion(Criterion::Industry, ri, ci)),
                    (Strategy::Region, None) => scan.run(|ri, _| context.criterion(Criterion::Region, ri, ci)),
                    (Strategy::CustomerType, None) => scan.run(|ri, _| context.criterion(Criterion::CustomerType, ri, ci)),
                    (Strategy::LeastLoaded, _) => scan.run(|ri, _| spare[ri]),
                    // Combined: the weighted score, with load as it is now.
                    (_, Some(_)) => scan.run(|ri, without_load| without_load + load_term[ri]),
                    (_, None) => scan.run(|ri, _| context.total_with_load(&plan.weights, ri, ci, load[ri])),
                };
                let mut top: TopTwo = [None, None];
                for t in [t0, t1] {
                    if t.0 != usize::MAX {
                        push_top(plan, &mut top, t);
                    }
                }
                if let Some(slot) = tops.get_mut(ci) {
                    *slot = top;
                }
                found.map(|ri| (ri, None))
            }
        };
        if let Some((ri, hint)) = chosen {
            room[ri] -= 1;
            load[ri] += 1;
            let rep = &plan.reps[ri];
            spare[ri] = load_score(load[ri], rep.capacity);
            if let Some(f) = &fast {
                load_term[ri] = f.load_term(load[ri], rep.capacity);
            }
            picks[ci] = Some((ri, hint));
        }
    }
    (picks, cursor, tops)
}

/// Moves assignments from seniors to juniors with room, cheapest loss of score first,
/// until juniors hold the minimum share. Returns whether the share is met.
pub fn honour_junior_share(plan: &Plan<'_>, context: &Context<'_>, picks: &mut Picks) -> bool {
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

//! The exact optimum: assign customers to reps to maximise the total combined score,
//! with no rep above capacity. A min-cost flow (cost = −score) solved by successive
//! shortest paths with Johnson potentials, on a graph compressed to the reps.
//!
//! Customers are added one at a time. Adding one is a shortest path from the new customer
//! to a rep with room, possibly moving already-assigned customers along the way (rep a →
//! rep b means "move some customer from a to b"; its cost is the best such move, kept in a
//! lazy heap per ordered pair of reps). A dummy node "unassigned" with unbounded room and
//! score 0 makes the optimum exact when capacity is short, too. With R reps, each step is
//! a dense Dijkstra over R + 1 nodes, so n customers cost O(n·R²) plus heap upkeep.
//!
//! Ties are broken by a tiny seed-derived perturbation, which makes the optimum unique and
//! so independent of the order customers are given in.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::score::Context;
use super::{jitter_from, jitter_prefix, Plan};
use crate::allocation::greedy::Picks;

/// Scale of the tie-breaking perturbation: far below any real score difference.
const TIE: f64 = 1e-7;

/// f64 with a total order, for the heaps.
#[derive(Clone, Copy, PartialEq)]
struct Key(f64);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Most cells (customers × (active reps + 1)) one solve may hold. The solver keeps a cost
/// per cell and a move-heap entry per cell, about 50–70 bytes each (measured natively:
/// 10,000 × 100 took 49 MB, 30,000 × 300 took 638 MB); 400,000 cells stay under 30 MB, a
/// quarter of a Worker isolate's 128 MB.
pub const MAX_CELLS: u64 = 400_000;
/// Most steps (customers × active reps²: a dense Dijkstra over the reps per customer) one
/// solve may take: 10,000 × 100² = 10⁸ took 0.36 s natively, 30,000 × 300² took 12.8 s,
/// and wasm runs 1.6× slower, so 10⁸ is about half a second of a Worker's CPU.
pub const MAX_STEPS: u64 = 100_000_000;

/// Why a run is too big for the exact solver, naming the limit it would exceed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub customers: usize,
    pub reps: usize,
    pub message: String,
}

/// Whether `customers` customers over `reps` active reps fit the solver's memory and
/// time bounds; checked before anything is allocated.
pub fn fits(customers: usize, reps: usize) -> Result<(), TooLarge> {
    let (n, r) = (customers as u64, reps as u64);
    let cells = n.saturating_mul(r + 1);
    let steps = n.saturating_mul(r.saturating_mul(r));
    let message = if cells > MAX_CELLS {
        format!("{customers} customers × {} nodes ({reps} active reps + unassigned) = {cells} cells; the optimal strategy solves at most {MAX_CELLS} (memory): name fewer customer_ids or use a greedy strategy such as combined", reps + 1)
    } else if steps > MAX_STEPS {
        format!("{customers} customers × {reps}² active reps = {steps} steps; the optimal strategy takes at most {MAX_STEPS} (time): name fewer customer_ids or use a greedy strategy such as combined")
    } else {
        return Ok(());
    };
    Err(TooLarge { customers, reps, message })
}

pub fn solve(plan: &Plan<'_>, context: &Context<'_>) -> Picks {
    let reps: Vec<usize> = (0..plan.reps.len()).filter(|&i| plan.reps[i].active).collect();
    let r = reps.len();
    let dummy = r;
    let nodes = r + 1;
    let room: Vec<u32> = reps.iter().map(|&i| plan.reps[i].capacity.saturating_sub(plan.reps[i].held)).collect();
    let n = plan.customers.len();
    // cost[c * nodes + v]: −score (plus tie-break) of customer c at node v; 0 at the dummy.
    let mut cost = vec![0.0f64; n * nodes];
    let prefixes: Vec<u64> = reps.iter().map(|&ri| jitter_prefix(plan.seed, &plan.reps[ri].id)).collect();
    for (c, customer) in plan.customers.iter().enumerate() {
        for (v, &ri) in reps.iter().enumerate() {
            cost[c * nodes + v] = -(context.total(&plan.weights, ri, c) + TIE * jitter_from(prefixes[v], &customer.id));
        }
    }
    let mut at: Vec<usize> = vec![usize::MAX; n];
    let mut used = vec![0u32; nodes];
    let mut potential = vec![0.0f64; nodes];
    // moves[a * nodes + b]: min-heap of (cost(x, b) − cost(x, a), x) for x at a.
    let mut moves: Vec<BinaryHeap<Reverse<(Key, u32)>>> = (0..nodes * nodes).map(|_| BinaryHeap::new()).collect();
    let push_moves = |moves: &mut Vec<BinaryHeap<Reverse<(Key, u32)>>>, cost: &[f64], x: usize, a: usize| {
        for b in 0..nodes {
            if b != a {
                moves[a * nodes + b].push(Reverse((Key(cost[x * nodes + b] - cost[x * nodes + a]), x as u32)));
            }
        }
    };
    let has_room = |used: &[u32], v: usize| v == dummy || used[v] < room[v];

    let mut dist = vec![0.0f64; nodes];
    let mut done = vec![false; nodes];
    let mut parent: Vec<(usize, u32)> = vec![(usize::MAX, u32::MAX); nodes];
    for c in 0..n {
        for v in 0..nodes {
            dist[v] = cost[c * nodes + v] - potential[v];
            done[v] = false;
            parent[v] = (usize::MAX, u32::MAX);
        }
        let target = loop {
            let Some(u) = (0..nodes).filter(|&v| !done[v]).min_by(|a, b| dist[*a].total_cmp(&dist[*b])) else {
                break dummy;
            };
            done[u] = true;
            if has_room(&used, u) {
                break u;
            }
            for v in 0..nodes {
                if done[v] || v == u {
                    continue;
                }
                let heap = &mut moves[u * nodes + v];
                // Drop entries of customers that have since moved away from u.
                while let Some(Reverse((_, x))) = heap.peek() {
                    if at[*x as usize] == u {
                        break;
                    }
                    heap.pop();
                }
                if let Some(Reverse((Key(delta), x))) = heap.peek() {
                    let candidate = dist[u] + delta + potential[u] - potential[v];
                    if candidate < dist[v] {
                        dist[v] = candidate;
                        parent[v] = (u, *x);
                    }
                }
            }
        };
        let reach = dist[target];
        for v in 0..nodes {
            potential[v] += if done[v] { dist[v] } else { reach };
        }
        // Walk back from the target, moving customers one step along the path.
        let mut v = target;
        while parent[v].0 != usize::MAX {
            let (u, x) = parent[v];
            at[x as usize] = v;
            push_moves(&mut moves, &cost, x as usize, v);
            v = u;
        }
        at[c] = v;
        push_moves(&mut moves, &cost, c, v);
        used[target] += 1;
    }
    at.into_iter().map(|v| (v < r).then(|| (reps[v], None))).collect()
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn the_bounds_name_what_is_exceeded() {
        assert!(super::fits(5_000, 78).is_ok(), "the largest run at 5,000 customers: 395,000 cells");
        assert!(super::fits(10_000, 100).unwrap_err().message.contains("at most 400000"), "memory");
        assert!(super::fits(1_000, 400).unwrap_err().message.contains("(memory)"));
        let time = super::fits(700, 400).unwrap_err();
        assert!(time.message.contains("(time)"), "{}", time.message);
        assert!(super::fits(0, 10_000).is_ok() && super::fits(1, 0).is_ok());
    }
}

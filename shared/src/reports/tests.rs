//! Each report on small fixtures whose figures were worked out by hand.

use super::*;
use crate::settings::TenantSettings;
use crate::time::{days_from_civil, DAY_MS};

const OFFSET: i32 = 480;

fn period() -> Period {
    Period::of_days(days_from_civil(2026, 11, 1), days_from_civil(2026, 11, 30), OFFSET)
}

fn funnel_row(stage: &str, reached: Option<&str>, customers: f64, amount: f64) -> FunnelRow {
    FunnelRow { stage: stage.into(), reached_stage: reached.map(Into::into), customers, amount }
}

#[test]
fn period_parse_defaults_and_errors() {
    // 2026-11-26 20:00 UTC is 2026-11-27 04:00 in UTC+8: "today" is the 27th locally.
    let now = days_from_civil(2026, 11, 26) * DAY_MS + 20 * 3_600_000;
    let q = ReportQuery::parse([], now, OFFSET).unwrap();
    assert_eq!((q.period.from.as_str(), q.period.to.as_str()), ("2026-10-29", "2026-11-27"));
    assert_eq!(q.period.days(), 30);
    assert_eq!(q.period.start, days_from_civil(2026, 10, 29) * DAY_MS - 8 * 3_600_000);
    let q = ReportQuery::parse([("from", "2026-01-01"), ("to", "2026-12-31"), ("team", "east"), ("format", "csv")], now, OFFSET).unwrap();
    assert_eq!((q.period.bucket_days, q.period.buckets(), q.team.as_deref(), q.csv), (7, 53, Some("east"), true));
    let week = ReportQuery::parse([("days", "7"), ("to", "2026-11-10")], now, OFFSET).unwrap();
    assert_eq!((week.period.from.as_str(), week.period.days()), ("2026-11-04", 7));
    assert!(ReportQuery::parse([("days", "0")], now, OFFSET).is_err());
    let bad = ReportQuery::parse([("from", "2026-12-01"), ("to", "2026-11-01")], now, OFFSET).unwrap_err();
    assert_eq!(bad[0].code, "after_to");
    let bad = ReportQuery::parse([("from", "yesterday"), ("format", "xml"), ("x", "1")], now, OFFSET).unwrap_err();
    assert_eq!(bad.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["from", "format", "x"]);
    assert!(ReportQuery::parse([("from", "2000-01-01"), ("to", "2026-01-01")], now, OFFSET).is_err());
}

#[test]
fn period_buckets() {
    let p = period();
    assert_eq!((p.bucket_days, p.buckets()), (1, 30));
    assert_eq!(p.bucket_of(p.start), Some(0));
    assert_eq!(p.bucket_of(p.end - 1), Some(29));
    assert_eq!(p.bucket_of(p.end), None);
    assert_eq!(p.bucket_label(29), "2026-11-30");
}

#[test]
fn reached_stage_moves_forward_only() {
    let stages = TenantSettings::default().stages;
    use crate::pipeline::reached_stage;
    assert_eq!(reached_stage(&stages, None, "lead").as_deref(), Some("lead"));
    assert_eq!(reached_stage(&stages, Some("lead"), "proposal").as_deref(), Some("proposal"));
    assert_eq!(reached_stage(&stages, Some("proposal"), "lead").as_deref(), Some("proposal"));
    assert_eq!(reached_stage(&stages, Some("proposal"), "lost").as_deref(), Some("proposal"));
    assert_eq!(reached_stage(&stages, None, "lost"), None);
    assert_eq!(reached_stage(&stages, Some("negotiation"), "won").as_deref(), Some("won"));
}

#[test]
fn funnel_by_hand() {
    let settings = TenantSettings::default();
    let keys: Vec<&str> = settings.stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["lead", "contacted", "qualified", "proposal", "negotiation", "won", "lost"], "fixture assumes the default stages");
    let rows = [
        funnel_row("lead", Some("lead"), 4.0, 0.0),
        funnel_row("contacted", Some("contacted"), 3.0, 0.0),
        // moved back from proposal to qualified: reached proposal
        funnel_row("qualified", Some("proposal"), 1.0, 1000.0),
        funnel_row("proposal", Some("proposal"), 2.0, 5000.0),
        funnel_row("won", Some("won"), 2.0, 8000.0),
        // lost after a proposal, and lost straight away
        funnel_row("lost", Some("proposal"), 1.0, 300.0),
        funnel_row("lost", None, 2.0, 0.0),
    ];
    let r = FunnelReport::build(period(), &settings.stages, &rows, &[], &[], LifecycleMix::default());
    assert_eq!(r.cohort, 15);
    assert_eq!(r.lost, 3);
    let reached: Vec<u32> = r.steps.iter().map(|s| s.reached).collect();
    // lead: all 15; contacted: all but the 4 leads and 2 lost at once = 9; qualified and
    // proposal: 1 + 2 + 2 + 1 = 6; negotiation and won: the 2 won.
    assert_eq!(reached, [15, 9, 6, 6, 2, 2]);
    assert_eq!(r.steps[1].conversion, Some(9.0 / 15.0));
    assert_eq!(r.steps[4].conversion, Some(2.0 / 6.0));
    assert_eq!(r.steps[0].conversion, None);
    assert_eq!(r.steps[5].overall, Some(2.0 / 15.0));
    let proposal = &r.steps[3];
    assert_eq!((proposal.current, proposal.amount, proposal.weighted), (2, 5000.0, 3000.0));
    let table = r.table(false);
    assert_eq!(table.rows[1][..4], ["阶段".to_string(), "初步接触".into(), "9".into(), "60.0%".into()]);
}

#[test]
fn one_cohort_scan_sums_to_the_three_groupings() {
    let cell = |stage: &str, reached: Option<&str>, tier: &str, segment: Option<&str>, customers: f64, amount: f64, won: f64| CohortCell {
        stage: stage.into(),
        reached_stage: reached.map(Into::into),
        tier: Some(tier.into()),
        segment: segment.map(Into::into),
        customers,
        amount,
        won,
        lost: 0.0,
        won_amount: if won > 0.0 { amount } else { 0.0 },
    };
    let cells = [
        cell("lead", Some("lead"), "key", Some("vip"), 2.0, 100.0, 0.0),
        cell("lead", Some("lead"), "regular", None, 3.0, 50.0, 0.0),
        cell("won", Some("won"), "key", Some("vip"), 1.0, 900.0, 1.0),
        cell("won", Some("won"), "regular", Some("vip"), 1.0, 10.0, 1.0),
    ];
    let (stages, tiers, segments) = split_cohort(&cells);
    assert_eq!(stages, vec![funnel_row("lead", Some("lead"), 5.0, 150.0), funnel_row("won", Some("won"), 2.0, 910.0)]);
    let figures = |rows: &[GroupRow]| rows.iter().map(|g| (g.key.clone().unwrap_or_default(), g.customers, g.won, g.won_amount)).collect::<Vec<_>>();
    assert_eq!(figures(&tiers), vec![("key".into(), 3.0, 1.0, 900.0), ("regular".into(), 4.0, 1.0, 10.0)]);
    assert_eq!(figures(&segments), vec![(String::new(), 3.0, 0.0, 0.0), ("vip".into(), 4.0, 2.0, 910.0)]);
}

#[test]
fn funnel_outcomes_by_group() {
    let tiers = [GroupRow { key: Some("key".into()), customers: 4.0, won: 2.0, lost: 1.0, won_amount: 9000.0 }, GroupRow { key: None, customers: 6.0, won: 0.0, lost: 0.0, won_amount: 0.0 }];
    let r = FunnelReport::build(period(), &TenantSettings::default().stages, &[], &tiers, &[], LifecycleMix::default());
    assert_eq!(r.by_tier[0].key, "");
    assert_eq!(r.by_tier[0].conversion, Some(0.0));
    assert_eq!(r.by_tier[1].conversion, Some(0.5));
    assert_eq!(r.steps[0].reached, 0);
    assert_eq!(r.steps[1].conversion, None, "nothing to divide by");
}

// A fixture row: one positional argument per column reads like the table it builds.
#[allow(clippy::too_many_arguments)]
fn rep_row(rep: &str, level: &str, capacity: f64, held: f64, assigned: f64, won: f64, lost: f64, won_amount: f64) -> RepRow {
    RepRow {
        rep: rep.into(),
        name: rep.to_uppercase(),
        team: None,
        level: level.into(),
        capacity,
        active: 1.0,
        held,
        held_value: held * 100.0,
        assigned,
        assigned_value: assigned * 10.0,
        won,
        lost,
        won_amount,
    }
}

#[test]
fn reps_by_hand() {
    let rows = [rep_row("a", "senior", 10.0, 5.0, 4.0, 3.0, 1.0, 900.0), rep_row("b", "junior", 10.0, 1.0, 0.0, 0.0, 0.0, 0.0)];
    let r = RepsReport::build(period(), &rows);
    assert_eq!(r.reps[0].conversion, Some(0.75));
    assert_eq!(r.reps[0].average_deal, Some(300.0));
    assert_eq!(r.reps[1].conversion, None);
    assert_eq!((r.total.held, r.total.won, r.total.won_amount, r.total.conversion), (6, 3, 900.0, Some(0.75)));
    let csv = r.table(true).to_csv();
    assert!(csv.starts_with("\u{feff}Rep,Team,Held,Received,Won,Lost,Won amount,Conversion,Average deal\r\nA,,5,4,3,1,900,75.0%,300\r\n"), "{csv}");
    assert!(csv.ends_with("Total,,6,4,3,1,900,75.0%,300\r\n"));
}

#[test]
fn fairness_by_hand() {
    let mut inactive = rep_row("z", "junior", 10.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    inactive.active = 0.0;
    let rows = [rep_row("a", "senior", 10.0, 6.0, 6.0, 0.0, 0.0, 0.0), rep_row("b", "junior", 20.0, 2.0, 2.0, 0.0, 0.0, 0.0), inactive];
    let r = FairnessReport::build(period(), &rows);
    assert_eq!(r.reps.len(), 2, "inactive reps are left out");
    assert_eq!(r.reps[0].load, Some(0.6));
    assert_eq!(r.reps[1].load, Some(0.1));
    // Gini of [6, 2]: (2·1 − 3)·2 + (2·2 − 3)·6 = 4, over 2 · 8 = 0.25.
    assert!((r.held_gini_count - 0.25).abs() < 1e-12);
    assert!((r.assigned_gini_value - 0.25).abs() < 1e-12);
    assert_eq!(r.assigned_max_min, Some(3.0));
    assert!((r.load_max_min.unwrap() - 6.0).abs() < 1e-9);
    assert_eq!(r.junior_share, Some(0.25));
    let none = FairnessReport::build(period(), &[rep_row("a", "senior", 10.0, 0.0, 0.0, 0.0, 0.0, 0.0)]);
    assert_eq!((none.junior_share, none.assigned_max_min, none.held_gini_count), (None, None, 0.0));
}

#[test]
fn strategies_by_hand() {
    let row = |action: &str, rule: Option<&str>, assigned: f64, followed_up: f64, won: f64, lost: f64, won_amount: f64| StrategyRow {
        action: action.into(),
        rule: rule.map(Into::into),
        assigned,
        followed_up,
        won,
        lost,
        won_amount,
    };
    let rows = [
        row("allocate", Some("combined@v2"), 6.0, 4.0, 2.0, 1.0, 2000.0),
        row("allocate", Some("combined@v3"), 4.0, 4.0, 1.0, 0.0, 1000.0),
        row("allocate", Some("round_robin@v3"), 5.0, 1.0, 0.0, 2.0, 0.0),
        row("claim", Some("pool:default@v1"), 12.0, 6.0, 3.0, 3.0, 600.0),
    ];
    let r = StrategyReport::build(period(), &rows);
    let names: Vec<&str> = r.strategies.iter().map(|s| s.strategy.as_str()).collect();
    assert_eq!(names, ["claim", "combined", "round_robin"]);
    let combined = &r.strategies[1];
    assert_eq!((combined.assigned, combined.followed_up, combined.won, combined.won_amount), (10, 8, 3, 3000.0));
    assert_eq!(combined.conversion, Some(0.3));
    assert_eq!(combined.win_rate, Some(0.75));
    assert_eq!(combined.follow_up_rate, Some(0.8));
    assert_eq!(combined.value_per_customer, Some(300.0));
    assert_eq!(r.strategies[2].win_rate, Some(0.0));
}

#[test]
fn follow_up_timeliness_by_hand() {
    let rows = [
        TimelinessRow { rep: "a".into(), name: Some("甲".into()), scheduled: 10.0, on_time: 6.0, late: 1.0, missed: 1.0 },
        TimelinessRow { rep: "b".into(), name: None, scheduled: 2.0, on_time: 0.0, late: 0.0, missed: 0.0 },
    ];
    let r = FollowUpReport::build(period(), &rows);
    assert_eq!((r.reps[0].pending, r.reps[0].rate), (2, Some(0.75)));
    assert_eq!((r.reps[1].name.as_str(), r.reps[1].pending, r.reps[1].rate), ("b", 2, None));
    assert_eq!((r.total.scheduled, r.total.pending, r.total.rate), (12, 4, Some(0.75)));
    assert_eq!(r.table(false).rows[2], ["合计", "12", "6", "1", "1", "4", "75.0%"]);
}

#[test]
fn pool_flow_by_hand() {
    let rows = [
        FlowRow { bucket: 0.0, action: "recycle".into(), events: 3.0 },
        FlowRow { bucket: 0.0, action: "claim".into(), events: 2.0 },
        FlowRow { bucket: 29.0, action: "release".into(), events: 1.0 },
        FlowRow { bucket: 29.0, action: "allocate".into(), events: 4.0 },
        FlowRow { bucket: 5.0, action: "import".into(), events: 7.0 },
        FlowRow { bucket: 99.0, action: "claim".into(), events: 1.0 },
    ];
    let r = PoolFlowReport::build(period(), &rows, 42.0);
    assert_eq!(r.buckets.len(), 30);
    assert_eq!((r.inflow, r.outflow, r.in_pool), (11, 7, 42));
    assert_eq!((r.buckets[0].inflow(), r.buckets[0].outflow()), (3, 2));
    assert_eq!((r.buckets[29].released, r.buckets[29].allocated, r.buckets[5].entered), (1, 4, 7));
    assert_eq!(r.total.claimed, 3, "a row outside the buckets still counts in the total");
}

#[test]
fn csv_quotes_and_guards_formulas() {
    let mut t = Table::new(true, &[("名", "Name"), ("值", "Value")]);
    t.push(vec!["=SUM(A1)".into(), "a,\"b\"".into()]);
    t.push(vec!["-12.5".into(), "-x".into()]);
    assert_eq!(t.to_csv(), "\u{feff}Name,Value\r\n'=SUM(A1),\"a,\"\"b\"\"\"\r\n-12.5,'-x\r\n");
}

#[test]
fn report_kinds_round_trip() {
    for k in ReportKind::ALL {
        assert_eq!(ReportKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(ReportKind::parse("nope"), None);
}

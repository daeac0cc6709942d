//! Names for people of `shared::allocation`'s choices: read by the allocation form, the
//! pool's distribution preview and the dashboard; and of the release reasons
//! (`shared::api::RELEASE_REASONS`), read by the pool and the customer list's bulk release.

use crate::i18n::Lang;

/// A criterion's name for people.
pub fn criterion_label(lang: Lang, criterion: shared::allocation::Criterion) -> &'static str {
    use shared::allocation::Criterion::*;
    match criterion {
        Performance => lang.pick("业绩优先", "Performance"),
        Industry => lang.pick("行业专长", "Industry expertise"),
        Region => lang.pick("地域匹配", "Region"),
        CustomerType => lang.pick("客户类型", "Customer type"),
        Load => lang.pick("负载余量", "Spare capacity"),
    }
}

pub fn why_not_label(lang: Lang, why: shared::allocation::WhyNot) -> &'static str {
    use shared::allocation::WhyNot::*;
    match why {
        CapacityFull => lang.pick("已满额", "at capacity"),
        LowerScore => lang.pick("得分较低", "lower score"),
        NotItsTurn => lang.pick("未轮到", "not its turn"),
        BetterUsedElsewhere => lang.pick("整体最优需要其负责其他客户", "needed for other customers in the optimum"),
        JuniorShare => lang.pick("为保障新人最低分配比例", "to honour the junior minimum share"),
    }
}

pub fn strategy_label(lang: Lang, s: shared::allocation::Strategy) -> &'static str {
    use shared::allocation::Strategy::*;
    match s {
        RoundRobin => lang.pick("轮流分配", "Round robin"),
        WeightedRoundRobin => lang.pick("加权轮流", "Weighted round robin"),
        PerformanceFirst => lang.pick("业绩优先", "Performance first"),
        IndustryExpertise => lang.pick("行业专长", "Industry expertise"),
        Region => lang.pick("地域分配", "Region"),
        CustomerType => lang.pick("客户类型", "Customer type"),
        LeastLoaded => lang.pick("负载最低", "Least loaded"),
        Combined => lang.pick("组合评分", "Combined"),
        Optimal => lang.pick("全局最优", "Optimal"),
    }
}

/// A release reason's name for people (`shared::api::RELEASE_REASONS`).
pub fn release_reason_label(lang: Lang, code: &str) -> Option<&'static str> {
    let (zh, en) = match code {
        "not_interested" => ("无意向", "Not interested"),
        "unreachable" => ("联系不上", "Unreachable"),
        "wrong_info" => ("信息有误", "Wrong information"),
        "duplicate" => ("重复客户", "Duplicate"),
        "no_budget" => ("无预算", "No budget"),
        "other" => ("其他", "Other"),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

//! UI text in Simplified Chinese and English. The language comes from the element's
//! `lang` attribute, else the browser's.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn resolve(attr: Option<String>) -> Lang {
        let browser = || web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        // Language tags are ASCII (BCP 47); ASCII folding keeps Unicode case tables out.
        let tag = attr.unwrap_or_else(browser).to_ascii_lowercase();
        if tag.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Picks the label of a `shared::settings` choice.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The text for `key`; unknown keys are shown as themselves so a gap is visible.
pub fn t(lang: Lang, key: &str) -> String {
    let (zh, en) = match key {
        "customers" => ("客户", "Customers"),
        "search" => ("搜索名称、公司或电话", "Search name, company or phone"),
        "mine" => ("我的", "Mine"),
        "pool" => ("公海", "Pool"),
        "all" => ("全部", "All"),
        "add" => ("新建客户", "New customer"),
        "edit" => ("编辑", "Edit"),
        "save" => ("保存", "Save"),
        "cancel" => ("取消", "Cancel"),
        "loading" => ("加载中…", "Loading…"),
        "more" => ("加载更多", "Load more"),
        "empty" => ("没有符合条件的客户", "No customers match"),
        "name" => ("客户名称", "Name"),
        "company" => ("公司", "Company"),
        "contact_name" => ("联系人", "Contact"),
        "phone" => ("电话", "Phone"),
        "email" => ("邮箱", "Email"),
        "wechat" => ("微信", "WeChat"),
        "industry" => ("行业", "Industry"),
        "region" => ("地区", "Region"),
        "source" => ("来源", "Source"),
        "amount" => ("预计金额", "Amount"),
        "stage" => ("阶段", "Stage"),
        "tier" => ("客户价值", "Value tier"),
        "intent" => ("成交意向", "Intent"),
        "status" => ("客户状态", "Status"),
        "owner" => ("负责人", "Owner"),
        "any" => ("不限", "Any"),
        "key" => ("大客户", "Key"),
        "potential" => ("潜力客户", "Potential"),
        "regular" => ("普通客户", "Regular"),
        "high" => ("高", "High"),
        "medium" => ("中", "Medium"),
        "low" => ("低", "Low"),
        "new" => ("新客户", "New"),
        "active" => ("活跃", "Active"),
        "dormant" => ("沉睡", "Dormant"),
        "lost" => ("流失", "Lost"),
        "unowned" => ("公海", "Pool"),
        "created" => ("已创建", "Created"),
        "saved" => ("已保存", "Saved"),
        "taken_over" => ("已有此客户，按归属规则转到你名下", "Already a customer; the ownership rule gave it to you"),
        "expired" => ("会话已过期，请重新登录", "Session expired — please sign in again"),
        "deactivated" => ("账号已停用，请联系管理员", "This account is deactivated — ask an admin"),
        "rate_limited" => ("操作太频繁，请一分钟后再试", "Too many requests — please retry in a minute"),
        "origin_not_allowed" => {
            ("此网站（{origin}）尚未获准嵌入 Allot：请管理员在设置的「允许的来源」中添加", "This site ({origin}) may not embed Allot yet: an admin adds it to the allowed origins in the settings")
        }
        "no_token" => ("缺少访问令牌", "No access token"),
        "network" => ("网络错误，请重试", "Network error — please retry"),
        "unreadable" => ("无法读取服务器的回答，请刷新页面", "Could not read the server's answer — please reload"),
        "duplicate_yours" => ("该客户已在你名下", "You already own this customer"),
        "duplicate_pool" => ("该客户已在公海，可直接领取", "This customer is in the pool — claim it instead"),
        "duplicate_other" => ("撞单：该客户已由 {owner} 负责", "Already owned by {owner}"),
        "stale" => ("客户已被他人修改，请刷新后重试", "Someone else changed this customer; reload and retry"),
        "forbidden" => ("没有权限执行此操作", "You are not allowed to do that"),
        "required" => ("必填", "Required"),
        "too_long" => ("太长", "Too long"),
        "invalid_phone" => ("电话号码格式不正确", "Not a valid phone number"),
        "invalid_email" => ("邮箱格式不正确", "Not a valid email address"),
        "not_in_list" => ("不在可选范围内", "Not one of the allowed values"),
        "out_of_range" => ("超出范围", "Out of range"),
        "wrong_type" => ("类型不正确", "Wrong type"),
        "masked" => ("领取后可见完整联系方式", "Claim to see full contacts"),
        "count" => ("共 {n} 个", "{n} shown"),
        "shared" => ("协作", "Shared"),
        "collaborators" => ("协作人", "Collaborators"),
        "no_collaborators" => ("暂无协作人", "No collaborators yet"),
        "add_collaborator" => ("添加协作人", "Add a collaborator"),
        "remove" => ("移除", "Remove"),
        "leave" => ("退出协作", "Leave"),
        "left" => ("已退出协作", "Left"),
        "is_owner" => ("负责人无需设为协作人", "The owner needs no collaborator rights"),
        "share_unowned" => ("公海客户没有协作人", "A pool customer has no collaborators"),
        "too_many_collaborators" => ("协作人已达上限", "This customer has the most collaborators allowed"),
        "unknown_user" => ("该成员不存在或已停用", "No such active rep"),
        #[cfg(any(feature = "customers", feature = "bulk"))]
        "bulk" => ("批量操作", "Bulk action"),
        #[cfg(feature = "customers")]
        "pick_page" => ("本页全选", "Select this page"),
        #[cfg(feature = "customers")]
        "picked" => ("已选 {n} 个", "{n} selected"),
        #[cfg(feature = "customers")]
        "pick_all" => ("选择全部 {n} 个符合条件的客户", "Select all {n} matching"),
        #[cfg(feature = "customers")]
        "too_many_match" => ("符合条件的超过 {n} 个，请缩小筛选范围", "More than {n} match: narrow the filter"),
        #[cfg(feature = "bulk")]
        "assign" => ("分配公海客户给", "Assign pool customers to"),
        #[cfg(feature = "bulk")]
        "transfer" => ("转移给", "Transfer to"),
        #[cfg(feature = "bulk")]
        "release" => ("退回公海", "Release to the pool"),
        #[cfg(feature = "bulk")]
        "distribute" => ("按策略分配", "Distribute by strategy"),
        #[cfg(feature = "bulk")]
        "tag" => ("添加标签", "Add a tag"),
        #[cfg(feature = "bulk")]
        "delete" => ("删除", "Delete"),
        #[cfg(feature = "bulk")]
        "preview" => ("预览", "Preview"),
        #[cfg(feature = "bulk")]
        "apply" => ("执行", "Apply"),
        #[cfg(feature = "bulk")]
        "confirm_delete" => ("确认删除 {n} 个客户", "Delete {n} customers"),
        #[cfg(feature = "bulk")]
        "reason" => ("原因", "Reason"),
        #[cfg(feature = "bulk")]
        "note" => ("备注", "Note"),
        #[cfg(feature = "bulk")]
        "strategy" => ("分配策略", "Strategy"),
        #[cfg(feature = "bulk")]
        "done" => ("已完成 {n} 个", "Done: {n}"),
        #[cfg(feature = "bulk")]
        "would_do" => ("将处理 {n} 个", "Would do: {n}"),
        #[cfg(feature = "bulk")]
        "skipped" => ("跳过 {n} 个", "skipped {n}"),
        #[cfg(feature = "customers")]
        "select" => ("选择", "Select"),
        _ => return key.to_string(),
    };
    lang.pick(zh, en).to_string()
}

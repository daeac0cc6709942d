//! Demo and fixture data as SQL: tenants `demo` and `acme`, their users, and ~300 demo
//! customers with realistic Chinese and English names. Deterministic for a given `now`
//! and seed, and idempotent (`INSERT OR IGNORE` with fixed ids), so running it twice
//! changes nothing.

use shared::api::CustomerInput;
use shared::customer::{DuplicateKeys, Intent, Tier};
use shared::settings::TenantSettings;
use shared::time::DAY_MS;
use shared::validate::{check_customer, new_customer, Creation};

/// SplitMix64: a tiny deterministic generator, good enough for demo data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    // A generator's draw, not an iterator's: it never ends, so `Iterator` would only add an
    // `Option` every caller unwraps.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn opt(text: &Option<String>) -> String {
    text.as_deref().map_or("NULL".into(), quote)
}

fn opt_num<T: ToString>(n: Option<T>) -> String {
    n.map_or("NULL".into(), |v| v.to_string())
}

pub struct SeedUser {
    pub tenant: &'static str,
    pub id: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub team: Option<&'static str>,
    pub level: &'static str,
    pub industries: &'static [&'static str],
    pub regions: &'static [&'static str],
    pub capacity: u32,
}

// A fixture row: one positional argument per column reads like the table it builds.
#[allow(clippy::too_many_arguments)]
const fn user(
    tenant: &'static str,
    id: &'static str,
    name: &'static str,
    role: &'static str,
    team: Option<&'static str>,
    level: &'static str,
    industries: &'static [&'static str],
    regions: &'static [&'static str],
    capacity: u32,
) -> SeedUser {
    SeedUser { tenant, id, name, role, team, level, industries, regions, capacity }
}

/// The demo tenant: 1 admin, 1 manager leading team `sales1`, 8 reps (6 in `sales1`, 2 in
/// `sales2`); and a small second tenant `acme` for trying isolation.
pub const USERS: &[SeedUser] = &[
    user("demo", "admin", "张伟", "admin", None, "senior", &[], &[], 0),
    user("demo", "mgr-li", "李娜", "manager", Some("sales1"), "senior", &[], &[], 0),
    user("demo", "rep-wang", "王芳", "rep", Some("sales1"), "senior", &["manufacturing", "logistics"], &["east"], 60),
    user("demo", "rep-liu", "刘洋", "rep", Some("sales1"), "senior", &["internet", "finance"], &["north", "east"], 60),
    user("demo", "rep-chen", "陈静", "rep", Some("sales1"), "junior", &["retail"], &["south"], 40),
    user("demo", "rep-zhao", "赵磊", "rep", Some("sales1"), "junior", &["services", "education"], &["west"], 40),
    user("demo", "rep-sun", "孙丽", "rep", Some("sales1"), "senior", &["healthcare"], &["east", "south"], 50),
    user("demo", "rep-zhou", "周强", "rep", Some("sales1"), "junior", &["manufacturing"], &["north"], 40),
    user("demo", "rep-emily", "Emily Chen", "rep", Some("sales2"), "senior", &["internet", "retail"], &["south"], 50),
    user("demo", "rep-david", "David Li", "rep", Some("sales2"), "junior", &["finance", "services"], &["east"], 40),
    user("acme", "acme-admin", "Alice Admin", "admin", None, "senior", &[], &[], 0),
    user("acme", "acme-rep", "Bob Rep", "rep", None, "junior", &["retail"], &["east"], 30),
];

pub fn fixture_sql(now: i64) -> String {
    let mut sql = String::new();
    for (id, name) in [("demo", "Demo Sales Co."), ("acme", "Acme Trading")] {
        sql.push_str(&format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ({}, {}, {now});\n", quote(id), quote(name)));
    }
    for u in USERS {
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 1, {now});\n",
            quote(u.tenant),
            quote(u.id),
            quote(u.name),
            quote(u.role),
            u.team.map_or("NULL".into(), quote),
            quote(u.level),
            quote(&serde_json::to_string(u.industries).unwrap_or_default()),
            quote(&serde_json::to_string(u.regions).unwrap_or_default()),
            u.capacity,
        ));
    }
    sql
}

/// Customers of tenant `acme` whose dates make the recycle job act: one overdue, one to
/// remind, one won (exempt), one just claimed (protected). Owned by `acme-rep`.
pub fn recycle_fixture_sql(now: i64) -> String {
    let day = DAY_MS;
    let rows = [
        ("c_acme_overdue", "Overdue Trading", "13911110001", 60 * day, None, "lead", None),
        ("c_acme_warn", "Warning Foods", "13911110002", 60 * day, Some(12 * day), "contacted", None),
        ("c_acme_won", "Won Systems", "13911110003", 200 * day, None, "won", Some(100 * day)),
        ("c_acme_fresh", "Fresh Labs", "13911110004", 3 * day, None, "lead", None),
    ];
    let mut sql = String::new();
    for (id, name, phone, owned_ago, follow_up_ago, stage, won_ago) in rows {
        let owned = now - owned_ago;
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, last_follow_up_at, won_at, version, phone_key) \
             VALUES ('acme', {}, {}, {}, {}, 'regular', 'acme-rep', 'acme-rep', {owned}, {owned}, {owned}, {}, {}, 1, {});\n",
            quote(id),
            quote(name),
            quote(phone),
            quote(stage),
            opt_num(follow_up_ago.map(|a| now - a)),
            opt_num(won_ago.map(|a| now - a)),
            quote(phone),
        ));
    }
    sql
}

/// Tenant `history` for the document-history test that writes a document a hundred
/// times: a tenant of its own, so no other case reads those versions. No users: its
/// admin is known only to the token.
pub fn history_fixture_sql(now: i64) -> String {
    format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('history', 'History Co.', {now});\n")
}

/// Tenant `versions` for the test that serves stale copies of its documents from KV and
/// ages their claims in D1: a tenant of its own, so no other case reads those documents.
/// No users: its admins are known only to their tokens.
pub fn versions_fixture_sql(now: i64) -> String {
    format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('versions', 'Versions Co.', {now});\n")
}

/// Tenant `tagseg` for the bulk tag whose segment rule reads the tags: its segment rules
/// are the test's own. No users: its admin is known only to the token.
pub fn tag_segments_fixture_sql(now: i64) -> String {
    format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('tagseg', 'Tag Segments Co.', {now});\n")
}

/// Tenant `feed` for the recent-changes feed of a manager of a small team in a big
/// tenant: `feed-mgr` leads team `small`, whose one rep `feed-rep` owns one customer
/// created a day ago; `feed-out`, of another team, owns `outside` customers each created
/// since, every one with its audit event: newer than anything the manager oversees.
pub fn feed_fixture_sql(now: i64, outside: usize) -> String {
    let day_ago = now - 86_400_000;
    format!(
        "INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('feed', 'Feed Co.', {now});\n\
         INSERT OR IGNORE INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES \
         ('feed', 'feed-admin', 'Feed Admin', 'admin', NULL, 'senior', '[]', '[]', 0, 1, {now}), \
         ('feed', 'feed-mgr', 'Feed Manager', 'manager', 'small', 'senior', '[]', '[]', 0, 1, {now}), \
         ('feed', 'feed-rep', 'Feed Rep', 'rep', 'small', 'senior', '[]', '[]', 100000, 1, {now}), \
         ('feed', 'feed-out', 'Feed Outsider', 'rep', 'big', 'senior', '[]', '[]', 100000, 1, {now});\n\
         INSERT OR IGNORE INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, version, phone_key) \
         VALUES ('feed', 'c_feed_team', 'Team Customer', '13700000000', 'lead', 'regular', 'feed-rep', 'feed-rep', {day_ago}, {day_ago}, {day_ago}, 1, '13700000000');\n\
         INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, to_owner, at) \
         SELECT 'feed', 'c_feed_team', 'feed-rep', 'create', 'feed-rep', {day_ago} WHERE NOT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = 'feed');\n\
         INSERT OR IGNORE INTO customers (tenant_id, id, name, phone, stage, tier, owner_id, created_by, created_at, updated_at, owned_since, version, phone_key) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {outside}) \
         SELECT 'feed', printf('c_feed_out_%06d', i), printf('Outside %d', i), printf('137%08d', i), 'lead', 'regular', 'feed-out', 'feed-out', {now} - i, {now} - i, {now} - i, 1, printf('137%08d', i) FROM n;\n\
         INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, to_owner, at) \
         SELECT 'feed', id, 'feed-out', 'create', 'feed-out', created_at FROM customers WHERE tenant_id = 'feed' AND owner_id = 'feed-out' \
         AND NOT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = 'feed' AND actor_id = 'feed-out') ORDER BY created_at;\n"
    )
}

/// Tenant `race` for the claim-racing-recycle test: ten customers held by `race-rep`
/// for ten days without a follow-up: not due under the default rules (30 days and
/// more), due as soon as the test shortens the recycle period. A tenant of its own, so
/// the other recycle tests never see them.
pub fn race_fixture_sql(now: i64) -> String {
    let mut sql = format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('race', 'Race Co.', {now});\n");
    // One claimer per customer: each stays within its own claim budget (`shared::rate`)
    // while it retries until the recycle lands.
    let claimers: Vec<String> = (0..10).map(|i| format!("race-claimer-{i}")).collect();
    let users = [("race-admin", "admin"), ("race-rep", "rep")].into_iter().chain(claimers.iter().map(|c| (c.as_str(), "rep")));
    for (id, role) in users {
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO users (tenant_id, id, name, role, team_id, level, industries, regions, capacity, active, created_at) VALUES ('race', {}, {}, {}, NULL, 'senior', '[]', '[]', 100, 1, {now});\n",
            quote(id), quote(id), quote(role)
        ));
    }
    let since = now - 10 * DAY_MS;
    for i in 0..10 {
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO customers (tenant_id, id, name, stage, reached_stage, tier, owner_id, created_by, created_at, updated_at, owned_since, last_follow_up_at, version) \
             VALUES ('race', 'c_race_{i}', '竞速客户{i}', 'lead', 'lead', 'regular', 'race-rep', 'race-rep', {since}, {since}, {since}, {since}, 1);\n"
        ));
    }
    sql
}

/// Tenant `trust` for the optimal solver's bound: 80 active reps and 5,000 pool
/// customers, a run whose 405,000 cells (5,000 × 81 nodes) exceed
/// `shared::allocation::optimal::MAX_CELLS` while each greedy strategy takes it. A tenant
/// of its own, so no other test sees them.
pub fn trust_fixture_sql(now: i64) -> String {
    let mut sql = format!("INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES ('trust', 'Trust Co.', {now});\n");
    sql.push_str(&format!("INSERT OR IGNORE INTO users (tenant_id, id, name, role, created_at) VALUES ('trust', 'trust-admin', 'Trust Admin', 'admin', {now});\n"));
    sql.push_str(&format!(
        "INSERT OR IGNORE INTO users (tenant_id, id, name, role, level, capacity, active, created_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80) \
         SELECT 'trust', printf('trust-rep-%02d', i), printf('Rep %02d', i), 'rep', 'senior', 1000, 1, {now} FROM n;\n"
    ));
    sql.push_str(&format!(
        "INSERT OR IGNORE INTO customers (tenant_id, id, name, stage, reached_stage, created_by, created_at, updated_at, version) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         SELECT 'trust', printf('c_trust_%05d', i), printf('大池客户%05d', i), 'lead', 'lead', 'trust-admin', {now}, {now}, 1 FROM n;\n"
    ));
    sql
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "杰", "涛", "明", "超", "秀英", "建国", "晓燕", "志强", "海燕", "俊杰", "子涵"];
const CITIES: &[&str] = &["上海", "北京", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安", "重庆", "天津", "青岛", "厦门", "长沙", "郑州"];
const WORDS: &[&str] = &["星辰", "华信", "瑞丰", "博远", "鼎盛", "锦程", "恒通", "佳和", "中科", "云启", "天成", "嘉禾", "新锐", "优品", "康泰", "远航", "汇智", "宏图", "万象", "东方"];
const KINDS: &[(&str, &str)] = &[
    ("科技", "internet"),
    ("智能制造", "manufacturing"),
    ("商贸", "retail"),
    ("医疗器械", "healthcare"),
    ("物流", "logistics"),
    ("教育科技", "education"),
    ("咨询服务", "services"),
    ("金融服务", "finance"),
    ("电子商务", "retail"),
    ("机械", "manufacturing"),
];
const SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"];
const EN_FIRST: &[&str] = &["Nova", "Blue", "Pacific", "Summit", "Bright", "Golden", "Silver", "Crystal", "Harbor", "Orchid"];
const EN_SECOND: &[&str] = &["Tech", "Trading", "Medical", "Logistics", "Foods", "Retail", "Systems", "Labs", "Partners", "Capital"];
const EN_PEOPLE: &[&str] = &["Michael Wong", "Sarah Lin", "Kevin Zhang", "Grace Liu", "Jason Huang", "Linda Xu", "Tony Ma", "Cindy Guo"];
const SOURCES: &[&str] = &["官网", "展会", "转介绍", "电话营销", "微信", "百度推广", "Referral", "Website"];
const STAGES: &[(&str, u64)] = &[("lead", 30), ("contacted", 22), ("qualified", 16), ("proposal", 12), ("negotiation", 8), ("won", 7), ("lost", 5)];

/// `n` demo customers for tenant `demo`, created over the last six months.
pub fn demo_customers_sql(now: i64, n: usize, seed: u64) -> String {
    let settings = TenantSettings::default();
    let mut rng = Rng::new(seed);
    let reps: Vec<&SeedUser> = USERS.iter().filter(|u| u.tenant == "demo" && u.role == "rep").collect();
    let mut sql = String::from("-- Demo customers (generated by the tests crate's seed module)\n");
    let mut seen = std::collections::HashSet::new();
    let mut made = 0usize;
    let mut attempt = 0u64;
    while made < n && attempt < n as u64 * 4 {
        attempt += 1;
        let english = rng.chance(15);
        let city = rng.pick(CITIES);
        let (company, industry) = if english {
            let (a, b) = (rng.pick(EN_FIRST), rng.pick(EN_SECOND));
            let industry = match *b {
                "Tech" | "Systems" | "Labs" => "internet",
                "Medical" => "healthcare",
                "Logistics" => "logistics",
                "Foods" | "Retail" | "Trading" => "retail",
                "Capital" => "finance",
                _ => "services",
            };
            (format!("{a} {b} {}", rng.pick(&["Co., Ltd.", "Inc.", "Ltd."])), industry)
        } else {
            let (kind, industry) = *rng.pick(KINDS);
            (format!("{}{}{}{}", city, rng.pick(WORDS), kind, rng.pick(SUFFIXES)), industry)
        };
        let Some(company_key) = shared::normalize::company_key(&company) else { continue };
        if !seen.insert(company_key) {
            continue;
        }
        let contact = if english { rng.pick(EN_PEOPLE).to_string() } else { format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)) };
        let phone = format!("1{}{} {:04} {:04}", rng.pick(&[3, 5, 7, 8, 9]), rng.below(10), rng.below(10_000), rng.below(10_000));
        let stage = {
            let mut roll = rng.below(100);
            let mut chosen = "lead";
            for (s, weight) in STAGES {
                if roll < *weight {
                    chosen = s;
                    break;
                }
                roll -= weight;
            }
            chosen
        };
        let tier = *rng.pick(&[Tier::Key, Tier::Potential, Tier::Potential, Tier::Regular, Tier::Regular, Tier::Regular]);
        let amount = match tier {
            Tier::Key => 200_000 + rng.below(1_800_000),
            Tier::Potential => 50_000 + rng.below(300_000),
            Tier::Regular => 5_000 + rng.below(80_000),
        } as f64;
        let input = CustomerInput {
            name: company.clone(),
            company: Some(company.clone()),
            contact_name: Some(contact),
            phone: Some(phone),
            email: Some(format!("contact{made}@{}.example.cn", if english { "global" } else { "corp" })),
            wechat: rng.chance(60).then(|| format!("wx_{:06}", rng.below(1_000_000))),
            industry: Some(industry.to_string()),
            region: Some(city.to_string()),
            source: Some(rng.pick(SOURCES).to_string()),
            amount: Some(amount),
            stage: Some(stage.to_string()),
            tier: Some(tier),
            intent: Some(*rng.pick(&[Intent::High, Intent::Medium, Intent::Medium, Intent::Low])),
            ..Default::default()
        };
        let Ok(fields) = check_customer(&input, &settings) else { continue };
        let created_at = now - (1 + rng.below(180)) as i64 * DAY_MS - rng.below(DAY_MS as u64) as i64;
        let owner = (!rng.chance(20)).then(|| rng.pick(&reps).id.to_string());
        let id = format!("c_demo{made:05}");
        let mut c = new_customer(fields, Creation { id, owner: owner.clone(), created_by: owner.as_deref().unwrap_or("admin"), now: created_at }, &settings);
        let age_days = (now - created_at) / DAY_MS;
        if rng.chance(75) && age_days > 0 {
            c.last_follow_up_at = Some(now - rng.below(age_days.min(120) as u64) as i64 * DAY_MS - rng.below(DAY_MS as u64) as i64);
            c.next_follow_up_at = Some(now + (rng.below(21) as i64 - 7) * DAY_MS);
        }
        if let Some(won) = c.won_at.as_mut() {
            *won = c.last_follow_up_at.unwrap_or(created_at);
        }
        if let Some(lost) = c.lost_at.as_mut() {
            *lost = c.last_follow_up_at.unwrap_or(created_at);
        }
        // Every twelfth owned customer is shared with the next rep (协作人), so the
        // "shared" list has something in it; chosen by index, not by the generator, so
        // the rest of the data stays what it was.
        if let (Some(owner), 5) = (c.owner.as_deref(), made % 12) {
            let at = reps.iter().position(|r| r.id == owner).unwrap_or(0);
            c.collaborators = vec![reps[(at + 1) % reps.len()].id.to_string()];
        }
        let keys = DuplicateKeys::of_customer(&c);
        // A lost deal got somewhere before it was lost.
        let reached = if c.stage == "lost" { Some(rng.pick(&["lead", "contacted", "qualified", "proposal", "negotiation"]).to_string()) } else { Some(c.stage.clone()) };
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO customers (tenant_id, id, name, company, contact_name, phone, email, wechat, industry, region, source, amount, stage, tier, intent, tags, custom, owner_id, collaborators, created_by, created_at, updated_at, owned_since, last_follow_up_at, next_follow_up_at, won_at, lost_at, segment, version, phone_key, email_key, company_key, reached_stage) VALUES ('demo', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, '[]', '{{}}', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 1, {}, {}, {}, {});\n",
            quote(&c.id), quote(&c.name), opt(&c.company), opt(&c.contact_name), opt(&c.phone), opt(&c.email), opt(&c.wechat),
            opt(&c.industry), opt(&c.region), opt(&c.source), opt_num(c.amount), quote(&c.stage),
            opt(&c.tier.map(|t| t.as_str().to_string())), opt(&c.intent.map(|i| i.as_str().to_string())),
            opt(&c.owner), quote(&serde_json::to_string(&c.collaborators).unwrap_or_else(|_| "[]".into())), quote(&c.created_by), c.created_at, c.created_at, opt_num(c.owner.as_ref().map(|_| c.created_at)),
            opt_num(c.last_follow_up_at), opt_num(c.next_follow_up_at), opt_num(c.won_at), opt_num(c.lost_at), opt(&c.segment),
            opt(&keys.phone), opt(&keys.email), opt(&keys.company), opt(&reached),
        ));
        sql.push_str(&history_sql(&mut rng, &c, &reps, now));
        for user in &c.collaborators {
            let owner = c.owner.as_deref().unwrap_or("admin");
            sql.push_str(&format!(
                "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, at, subject) SELECT 'demo', {id}, {}, 'add_collaborator', {at}, {} \
                 FROM customers WHERE tenant_id = 'demo' AND id = {id} AND version = 1 AND NOT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = 'demo' AND customer_id = {id} AND action = 'add_collaborator');\n",
                quote(owner),
                quote(user),
                id = quote(&c.id),
                at = c.created_at + DAY_MS,
            ));
        }
        made += 1;
    }
    sql
}

/// Bulk data for the report benchmarks, generated inside SQLite by recursive CTEs (a few
/// statements instead of 600,000 literal rows): `customers` customers of tenant `demo`
/// over the last year, spread over the eight demo reps (every fifth in the pool), each
/// with the audit event that gave it its owner and `follow_ups` follow-ups (logged by
/// the owner, or by one rep for pool customers).
pub fn bulk_sql(now: i64, customers: u32, follow_ups: u32) -> String {
    let reps: Vec<String> = USERS.iter().filter(|u| u.tenant == "demo" && u.role == "rep").map(|u| quote(u.id)).collect();
    let owner = format!(
        "CASE WHEN i % 5 = 0 THEN NULL ELSE json_extract('[{}]', '$[' || (i % {}) || ']') END",
        reps.iter().map(|r| format!("\"{}\"", r.trim_matches('\''))).collect::<Vec<_>>().join(","),
        reps.len()
    );
    let day = DAY_MS;
    let last = customers.saturating_sub(1);
    format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
         INSERT OR IGNORE INTO customers (tenant_id, id, name, stage, reached_stage, tier, segment, amount, owner_id, created_by, created_at, updated_at, owned_since, last_follow_up_at, next_follow_up_at, won_at, lost_at, version) \
         SELECT 'demo', printf('c_bulk%07d', i), printf('压测客户%07d', i), \
           CASE WHEN i % 100 < 30 THEN 'lead' WHEN i % 100 < 52 THEN 'contacted' WHEN i % 100 < 68 THEN 'qualified' WHEN i % 100 < 80 THEN 'proposal' WHEN i % 100 < 88 THEN 'negotiation' WHEN i % 100 < 95 THEN 'won' ELSE 'lost' END, \
           CASE WHEN i % 100 < 30 THEN 'lead' WHEN i % 100 < 52 THEN 'contacted' WHEN i % 100 < 68 THEN 'qualified' WHEN i % 100 < 80 THEN 'proposal' WHEN i % 100 < 88 THEN 'negotiation' WHEN i % 100 < 95 THEN 'won' ELSE 'qualified' END, \
           CASE i % 6 WHEN 0 THEN 'key' WHEN 1 THEN 'potential' WHEN 2 THEN 'potential' ELSE 'regular' END, \
           CASE i % 3 WHEN 0 THEN 'vip' ELSE NULL END, 5000 + (i * 37) % 500000, {owner}, 'admin', \
           {now} - (i % 365) * {day} - (i * 7919) % {day}, {now}, {now} - (i % 365) * {day}, \
           {now} - (i % 365) * {day} + {follow_ups} * 2 * {day}, {now} + (i % 14 - 7) * {day}, \
           CASE WHEN i % 100 BETWEEN 88 AND 94 THEN {now} - (i % 365) * {day} + 20 * {day} END, \
           CASE WHEN i % 100 >= 95 THEN {now} - (i % 365) * {day} + 20 * {day} END, 1 FROM n;\n\
         INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at) \
         SELECT 'demo', id, 'mgr-li', CASE WHEN rowid % 4 = 3 THEN 'claim' ELSE 'allocate' END, NULL, owner_id, 'bulk', \
           CASE rowid % 4 WHEN 0 THEN 'round_robin@v1' WHEN 1 THEN 'combined@v1' WHEN 2 THEN 'optimal@v1' ELSE 'pool:main@v1' END, created_at \
         FROM customers WHERE tenant_id = 'demo' AND id LIKE 'c_bulk%' AND owner_id IS NOT NULL;\n\
         WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < {follow_ups} - 1) \
         INSERT OR IGNORE INTO follow_ups (tenant_id, id, customer_id, author_id, kind, note, outcome, next_follow_up_at, at, done_at) \
         SELECT 'demo', c.id || '_' || k.j, c.id, coalesce(c.owner_id, 'rep-wang'), 'call', '压测跟进', NULL, \
           c.created_at + (k.j * 2 + 2 + (k.j + c.rowid) % 3 - 1) * {day}, c.created_at + k.j * 2 * {day}, \
           CASE WHEN k.j < {follow_ups} - 1 THEN c.created_at + (k.j + 1) * 2 * {day} END \
         FROM customers c, k WHERE c.tenant_id = 'demo' AND c.id LIKE 'c_bulk%';\n"
    )
}

const NOTES: &[&str] = &["电话沟通需求", "发送产品资料", "上门拜访", "微信跟进报价", "约定下周演示", "确认预算", "Demo call", "Sent the proposal"];

/// The audit trail and follow-up log behind a seeded customer, so that the reports have
/// history to show: how it reached its owner (own entry, an allocation strategy, a pool
/// claim, or recycled into the pool) and its follow-ups, some on time and some late.
/// Only runs when the customer row was new (`changes() = 1` after its insert).
fn history_sql(rng: &mut Rng, c: &shared::customer::Customer, reps: &[&SeedUser], now: i64) -> String {
    let mut sql = String::new();
    let mut event = |actor: &str, action: &str, from: Option<&str>, to: Option<&str>, reason: &str, rule: Option<&str>, at: i64| {
        sql.push_str(&format!(
            "INSERT INTO audit_events (tenant_id, customer_id, actor_id, action, from_owner, to_owner, reason, rule, at) SELECT 'demo', {}, {}, {}, {}, {}, {}, {}, {at} FROM customers WHERE tenant_id = 'demo' AND id = {} AND version = 1 AND NOT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = 'demo' AND customer_id = {} AND action = {} AND at = {at});\n",
            quote(&c.id), quote(actor), quote(action), from.map_or("NULL".into(), quote), to.map_or("NULL".into(), quote), quote(reason), rule.map_or("NULL".into(), quote), quote(&c.id), quote(&c.id), quote(action),
        ));
    };
    let hour = 3_600_000;
    match c.owner.as_deref() {
        Some(owner) => match rng.below(100) {
            0..=34 => event(owner, "create", None, Some(owner), "seed", None, c.created_at),
            35..=79 => {
                event("admin", "create", None, None, "seed", None, c.created_at - hour);
                let rule = *rng.pick(&["round_robin@v1", "combined@v1", "combined@v1", "optimal@v1"]);
                event("mgr-li", "allocate", None, Some(owner), &format!("allocation: {rule}"), Some(rule), c.created_at);
            }
            _ => {
                event("admin", "create", None, None, "seed", None, c.created_at - hour);
                event(owner, "claim", None, Some(owner), "claimed from the pool", Some("pool:main@v1"), c.created_at);
            }
        },
        None => {
            event("admin", "create", None, None, "seed", None, c.created_at - 2 * hour);
            // Some pool customers were recycled from a rep (never rep-wang, whom the
            // browser tests have claim from the pool, and never within the cool-down).
            let age_days = (now - c.created_at) / DAY_MS;
            if age_days > 9 && rng.chance(60) {
                let from = loop {
                    let r = rng.pick(reps);
                    if r.id != "rep-wang" {
                        break r.id;
                    }
                };
                event(from, "claim", None, Some(from), "claimed from the pool", Some("pool:main@v1"), c.created_at - hour);
                let recycled = now - (8 + rng.below((age_days - 8) as u64) as i64) * DAY_MS;
                event("system", "recycle", Some(from), None, "no_follow_up", Some("pool:main@v1"), recycled);
            }
        }
    }
    let (Some(owner), Some(last)) = (c.owner.as_deref(), c.last_follow_up_at) else { return sql };
    // Follow-ups back from the last one, each scheduling the next with a due date that
    // the next one met or missed by a day or two.
    let count = 1 + rng.below(4) as usize;
    let mut times = vec![last];
    for _ in 1..count {
        let earlier = times[times.len() - 1] - (2 + rng.below(12) as i64) * DAY_MS - rng.below(DAY_MS as u64) as i64;
        if earlier <= c.created_at {
            break;
        }
        times.push(earlier);
    }
    times.reverse();
    for (i, at) in times.iter().enumerate() {
        let next = match times.get(i + 1) {
            Some(done) => (done.div_euclid(DAY_MS) + rng.below(4) as i64 - 1) * DAY_MS,
            None => c.next_follow_up_at.unwrap_or(at + 7 * DAY_MS),
        };
        let kind = *rng.pick(&["call", "visit", "wechat", "email", "meeting"]);
        let note = *rng.pick(NOTES);
        sql.push_str(&format!(
            "INSERT OR IGNORE INTO follow_ups (tenant_id, id, customer_id, author_id, kind, note, outcome, next_follow_up_at, at, done_at) VALUES ('demo', {}, {}, {}, {}, {}, NULL, {next}, {at}, {});\n",
            quote(&format!("f_{}_{i}", c.id)), quote(&c.id), quote(owner), quote(kind), quote(note), opt_num(times.get(i + 1)),
        ));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_sized() {
        let a = demo_customers_sql(1_780_000_000_000, 300, 7);
        let b = demo_customers_sql(1_780_000_000_000, 300, 7);
        assert_eq!(a, b);
        assert_eq!(a.matches("INSERT OR IGNORE INTO customers").count(), 300);
        assert_ne!(a, demo_customers_sql(1_780_000_000_000, 300, 8));
    }
}

//! How fast one caller may call the API: a budget per minute for each class of request,
//! enforced at the edge by the Workers Rate Limiting binding named here (configured in
//! `edge/wrangler.toml`, whose `[[ratelimits]]` a test holds equal to this table).
//!
//! Budgets are per user (tenant and user id) for authenticated calls and per client
//! address for calls refused as unauthenticated, so a colleague's script never uses up
//! a rep's budget and a token-guessing flood is slowed without knowing any tenant. They
//! are far above what a person does: they stop scripts and loops, not work.

/// A class of request, with its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateClass {
    /// Reading: lists, records, reports, the board.
    Read,
    /// Changing: create, edit, move, release, transfer, settings.
    Write,
    /// Taking a customer from the pool (领取): the daily claim limit is the business
    /// rule; this only stops a claim script from hammering the database.
    Claim,
    /// Importing a file (dry run or real): each is heavy.
    Import,
    /// Exporting customers as CSV: each reads every row the filters select.
    Export,
    /// Work over many customers at once: a bulk action (up to 5,000 customers, an audit
    /// row each) or a what-if over the tenant's customers (allocation, pool rules,
    /// segments). A person does a few a minute, the admin console's live previews a few
    /// more; a script looping them would write millions of rows or scan the tenant.
    Heavy,
    /// Any request refused as unauthenticated, per client address.
    Unauthenticated,
    /// Submissions with one intake key, from everywhere (`shared::intake`).
    IntakeKey,
    /// Submissions with one intake key from one client address: a person sends a form a
    /// few times; a script from one machine is stopped here, a trade fair's Wi-Fi (many
    /// people behind one address) is not.
    IntakeAddress,
}

impl RateClass {
    pub const ALL: [RateClass; 9] =
        [RateClass::Read, RateClass::Write, RateClass::Claim, RateClass::Import, RateClass::Export, RateClass::Heavy, RateClass::Unauthenticated, RateClass::IntakeKey, RateClass::IntakeAddress];

    /// The class of an authenticated request: by its method, with claims, imports,
    /// exports, bulk actions and what-ifs apart (`claim`, `import`, `export`, `bulk` and
    /// `preview` name those routes' last path segment).
    pub fn of(method: &str, last_segment: &str) -> RateClass {
        match (method, last_segment) {
            ("POST", "claim") => RateClass::Claim,
            ("POST", "import") => RateClass::Import,
            ("GET", "export") => RateClass::Export,
            ("POST", "bulk" | "preview") => RateClass::Heavy,
            ("GET" | "HEAD", _) => RateClass::Read,
            _ => RateClass::Write,
        }
    }

    /// Requests of this class one key may make in a minute.
    pub fn per_minute(self) -> u32 {
        match self {
            RateClass::Read => 1200,
            RateClass::Write => 300,
            RateClass::Claim => 60,
            RateClass::Import => 60,
            RateClass::Export => 20,
            RateClass::Heavy => 60,
            RateClass::Unauthenticated => 120,
            RateClass::IntakeKey => 300,
            RateClass::IntakeAddress => 20,
        }
    }

    /// The Rate Limiting binding that counts this class.
    pub fn binding(self) -> &'static str {
        match self {
            RateClass::Read => "RL_READ",
            RateClass::Write => "RL_WRITE",
            RateClass::Claim => "RL_CLAIM",
            RateClass::Import => "RL_IMPORT",
            RateClass::Export => "RL_EXPORT",
            RateClass::Heavy => "RL_HEAVY",
            RateClass::Unauthenticated => "RL_UNAUTHENTICATED",
            RateClass::IntakeKey => "RL_INTAKE_KEY",
            RateClass::IntakeAddress => "RL_INTAKE_ADDRESS",
        }
    }

    /// What is counted, for the refusal's message.
    pub fn counted(self) -> &'static str {
        match self {
            RateClass::Read => "reads per user",
            RateClass::Write => "changes per user",
            RateClass::Claim => "claims per user",
            RateClass::Import => "imports per user",
            RateClass::Export => "exports per user",
            RateClass::Heavy => "bulk actions and what-if counts per user",
            RateClass::Unauthenticated => "unauthenticated requests per address",
            RateClass::IntakeKey => "submissions per form",
            RateClass::IntakeAddress => "submissions per form from one address",
        }
    }

    /// The refusal's message: what was exceeded and when to retry.
    pub fn refusal(self) -> String {
        format!("too many requests: at most {} {} a minute; retry in a minute", self.per_minute(), self.counted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_route() {
        for (method, last, class) in [
            ("GET", "customers", RateClass::Read),
            ("GET", "export", RateClass::Export),
            ("POST", "customers", RateClass::Write),
            ("PATCH", "c-1", RateClass::Write),
            ("DELETE", "me", RateClass::Write),
            ("POST", "claim", RateClass::Claim),
            ("POST", "import", RateClass::Import),
            ("POST", "bulk", RateClass::Heavy),
            ("POST", "preview", RateClass::Heavy),
            ("GET", "claim", RateClass::Read),
        ] {
            assert_eq!(RateClass::of(method, last), class, "{method} …/{last}");
        }
    }

    #[test]
    fn every_class_has_its_own_binding_and_a_message_naming_the_budget() {
        let bindings: std::collections::BTreeSet<&str> = RateClass::ALL.iter().map(|c| c.binding()).collect();
        assert_eq!(bindings.len(), RateClass::ALL.len());
        assert_eq!(RateClass::Import.refusal(), "too many requests: at most 60 imports per user a minute; retry in a minute");
    }
}

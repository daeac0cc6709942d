//! How many items each collection a request can send may hold: checked before any work is
//! done on the collection (deduplication, resolution, a search per item), so a 1 MB body
//! of 300,000 one-letter tags is a 400 that names the limit, not a CPU-bound isolate.
//! The README's limits table lists these (keep the two equal).

use crate::field_error::FieldError;

/// Tags on a customer.
pub const TAGS: usize = 20;
/// Custom field values on a customer (and custom fields a tenant defines).
pub const CUSTOM_FIELDS: usize = 50;
/// Options of one select field.
pub const FIELD_OPTIONS: usize = 100;
/// Industries, territories, segment rules and allowed origins in the settings.
pub const SETTINGS_LIST: usize = 100;
/// Provinces and cities one territory covers.
pub const PLACES: usize = 1_000;
/// Pipeline stages (`PUT /settings`, `PUT /pipeline/stages`) and stage moves.
pub const STAGES: usize = 30;
/// Fields a stage requires, conditions of one segment rule.
pub const SMALL_LIST: usize = 20;
/// Industries or regions of one rep.
pub const REP_SKILLS: usize = 50;
/// Pools in the pool rules; regions or tiers one pool takes.
pub const POOLS: usize = 20;
/// Customers one allocation run or distribution may name (`customer_ids`).
pub const CUSTOMER_IDS: usize = 5_000;
/// Customers one export may hold (`GET /customers/export`): read a page at a time, the
/// file is built in the worker's memory (128 MB) within one request's D1 statements
/// (50 pages of 1,000). More matching customers answer 422 `export_too_large`: export
/// by a filter (owner, status, stage, tier, industry, region) in parts.
pub const EXPORT_ROWS: usize = 50_000;
/// Bytes one export may hold: rows with many long custom fields reach the worker's memory
/// long before 50,000 of them; checked after each row.
pub const EXPORT_BYTES: usize = 32 << 20;

/// A collection over its limit: `too_many`, naming the limit.
pub fn at_most(path: impl Into<String>, len: usize, max: usize) -> Result<(), FieldError> {
    if len > max {
        Err(FieldError::new(path, "too_many", format!("{len} items; at most {max}")))
    } else {
        Ok(())
    }
}

/// Checks several collections at once; every one over its limit is reported.
pub fn check(bounds: impl IntoIterator<Item = (String, usize, usize)>) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = bounds.into_iter().filter_map(|(path, len, max)| at_most(path, len, max).err()).collect();
    crate::field_error::finish(errors)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_error_names_the_limit() {
        assert!(super::at_most("tags", 20, super::TAGS).is_ok());
        let e = super::at_most("tags", 300_000, super::TAGS).unwrap_err();
        assert_eq!((e.path.as_str(), e.code.as_str()), ("tags", "too_many"));
        assert!(e.message.contains("at most 20"), "{}", e.message);
    }
}

//! A fresh schema per test in the cluster the test command starts.
//!
//! `scripts/test` starts a throwaway PostgreSQL (`scripts/pg-cluster`) and exports
//! `MYNA_TEST_DATABASE_URL` and `MYNA_REQUIRE_POSTGRES=1`. Without the URL a test asking for
//! a database gets `None` — unless PostgreSQL is required, in which case it fails, so that
//! the test command never passes by skipping.

use core::hash::{BuildHasher, Hasher};
use std::collections::hash_map::RandomState;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::database::DatabaseConfig;

/// The environment variable naming the test cluster's URL.
pub const URL_VAR: &str = "MYNA_TEST_DATABASE_URL";
/// Set to `1` when the tests must have PostgreSQL (the test command sets it).
pub const REQUIRE_VAR: &str = "MYNA_REQUIRE_POSTGRES";

/// A configuration for a new, empty schema of its own in the test cluster, or `None` when
/// no cluster is given and none is required.
///
/// # Panics
/// When `MYNA_REQUIRE_POSTGRES=1` and the URL is missing or does not parse: a test run that
/// must cover PostgreSQL does not pass without it.
/// ```
/// // Without MYNA_TEST_DATABASE_URL (and not required), there is nothing to test against.
/// if std::env::var_os(myna_postgres::testing::URL_VAR).is_none()
///     && std::env::var_os(myna_postgres::testing::REQUIRE_VAR).is_none()
/// {
///     assert!(myna_postgres::testing::fresh_schema().is_none());
/// }
/// ```
pub fn fresh_schema() -> Option<DatabaseConfig> {
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
    let Ok(text) = std::env::var(URL_VAR) else {
        assert!(!required, "{REQUIRE_VAR}=1 but {URL_VAR} is not set");
        return None;
    };
    #[allow(clippy::panic, reason = "a test without its database must fail loudly")]
    let url = match text.parse() {
        Ok(url) => url,
        Err(err) => panic!("{URL_VAR}: {err}"),
    };
    let schema = format!("t_{}", unique_suffix()).parse().ok()?;
    Some(DatabaseConfig::new(url).in_schema(schema))
}

/// 16 hex digits, different for every call in every process.
fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{:016x}", hasher.finish())
}

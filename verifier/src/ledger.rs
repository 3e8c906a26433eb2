//! The redemption ledger: which pseudonym already bought in which sale.
//!
//! [`RedemptionLedger::redeem`] is one atomic "record unless present" step, so two shops
//! racing for the same person cannot both succeed. [`MemoryLedger`] serves one till;
//! [`RedbLedger`] persists to a redb file and is shared by every shop handed the same
//! instance (one process, e.g. the sale's service, opens the file); `PgLedger` (feature
//! `postgres`) keeps the ledger in PostgreSQL, shared by the shops' processes on every
//! machine that reaches the database.
//!
//! ```
//! use myna_verifier::ledger::{MemoryLedger, Redemption, RedemptionLedger};
//! use myna_verifier::core::time::NumericDate;
//! let ledger = MemoryLedger::new();
//! let t = NumericDate::from_unix(1_000);
//! assert_eq!(ledger.redeem("sale-1", "pseudo-A", "shop-1", t)?, Redemption::First);
//! assert!(matches!(ledger.redeem("sale-1", "pseudo-A", "shop-2", t)?, Redemption::Already { .. }));
//! assert_eq!(ledger.redeem("sale-2", "pseudo-A", "shop-2", t)?, Redemption::First);
//! # Ok::<(), myna_verifier::ledger::LedgerError>(())
//! ```

use std::collections::HashMap;
use std::path::Path;

use redb::ReadableTable;
use std::sync::Mutex;

use myna_vc_core::time::NumericDate;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
pub use postgres::PgLedger;

/// The outcome of a redemption attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// Recorded now: the first purchase of this person in this sale.
    First,
    /// Already recorded earlier, at `shop` and `at`.
    Already {
        /// Where the first purchase was made.
        shop: String,
        /// When.
        at: NumericDate,
    },
}

/// The ledger's storage failed; nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError(pub String);

impl core::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "redemption ledger: {}", self.0)
    }
}

impl std::error::Error for LedgerError {}

/// Records one purchase per (sale, pseudonym).
pub trait RedemptionLedger: Send + Sync {
    /// Records the purchase of `pseudonym` in `sale` at `shop`, unless one is recorded.
    fn redeem(
        &self,
        sale: &str,
        pseudonym: &str,
        shop: &str,
        at: NumericDate,
    ) -> Result<Redemption, LedgerError>;
}

/// An in-memory ledger for one till.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    entries: Mutex<HashMap<(String, String), (String, NumericDate)>>,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RedemptionLedger for MemoryLedger {
    fn redeem(
        &self,
        sale: &str,
        pseudonym: &str,
        shop: &str,
        at: NumericDate,
    ) -> Result<Redemption, LedgerError> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = (sale.to_owned(), pseudonym.to_owned());
        if let Some((shop, at)) = entries.get(&key) {
            return Ok(Redemption::Already {
                shop: shop.clone(),
                at: *at,
            });
        }
        entries.insert(key, (shop.to_owned(), at));
        Ok(Redemption::First)
    }
}

/// (sale, pseudonym) → (shop, unix time).
const REDEMPTIONS: redb::TableDefinition<(&str, &str), (&str, i64)> =
    redb::TableDefinition::new("redemptions");

/// A redb-backed ledger: survives restarts and serves every shop given the same instance.
///
/// ```
/// use myna_verifier::ledger::{RedbLedger, Redemption, RedemptionLedger};
/// use myna_verifier::core::time::NumericDate;
/// let dir = tempfile::tempdir().unwrap();
/// let ledger = RedbLedger::open(&dir.path().join("sale.redb"))?;
/// let t = NumericDate::from_unix(5);
/// assert_eq!(ledger.redeem("s", "p", "shop-1", t)?, Redemption::First);
/// assert_eq!(ledger.redeem("s", "p", "shop-2", t)?, Redemption::Already { shop: "shop-1".into(), at: t });
/// # Ok::<(), myna_verifier::ledger::LedgerError>(())
/// ```
#[derive(Debug)]
pub struct RedbLedger {
    db: redb::Database,
}

impl RedbLedger {
    /// Opens (or creates) the ledger file.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let db = redb::Database::create(path).map_err(storage)?;
        Ok(RedbLedger { db })
    }
}

fn storage(error: impl core::fmt::Display) -> LedgerError {
    LedgerError(error.to_string())
}

impl RedemptionLedger for RedbLedger {
    fn redeem(
        &self,
        sale: &str,
        pseudonym: &str,
        shop: &str,
        at: NumericDate,
    ) -> Result<Redemption, LedgerError> {
        // One write transaction: redb serialises writers, so check-then-insert is atomic.
        let tx = self.db.begin_write().map_err(storage)?;
        let outcome = {
            let mut table = tx.open_table(REDEMPTIONS).map_err(storage)?;
            let existing = table.get((sale, pseudonym)).map_err(storage)?.map(|v| {
                let (shop, at) = v.value();
                (shop.to_owned(), at)
            });
            match existing {
                Some((shop, at)) => Redemption::Already {
                    shop,
                    at: NumericDate::from_unix(at),
                },
                None => {
                    table
                        .insert((sale, pseudonym), (shop, at.as_unix()))
                        .map_err(storage)?;
                    Redemption::First
                }
            }
        };
        tx.commit().map_err(storage)?;
        Ok(outcome)
    }
}

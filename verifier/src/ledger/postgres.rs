//! The redemption ledger in PostgreSQL (feature `postgres`): one ledger for every shop of a
//! sale, whichever process or machine its register runs on.
//!
//! A purchase is recorded by a single `INSERT … ON CONFLICT DO NOTHING` on the primary key
//! (sale, pseudonym). PostgreSQL lets exactly one of any number of concurrent inserts of the
//! same key succeed; the others wait for it to commit and then insert nothing. Only the
//! winner gets a row back, and it alone is [`Redemption::First`]; a loser then reads the
//! winner's row (a new statement, so it sees the committed row) to say where and when the
//! person bought. No writer lock is taken: purchases of different people never wait for one
//! another.
//!
//! The table lives in the configured schema, created with the verifier's others when the
//! ledger opens ([`database`](crate::database)).

use myna_postgres::postgres::Row;
use myna_postgres::{DatabaseConfig, DbError};

use super::{LedgerError, Redemption, RedemptionLedger};
use crate::database::VerifierDatabase;
use myna_vc_core::time::NumericDate;

/// Records the purchase unless the key exists; a row comes back only when it was recorded.
const RECORD: &str = "INSERT INTO redemptions (sale, pseudonym, shop, redeemed_at) \
                      VALUES ($1, $2, $3, $4) ON CONFLICT (sale, pseudonym) DO NOTHING \
                      RETURNING redeemed_at";

/// The purchase already recorded.
const RECORDED: &str =
    "SELECT shop, redeemed_at FROM redemptions WHERE sale = $1 AND pseudonym = $2";

/// A sale's ledger in PostgreSQL, shared by every process opened on the same database and
/// schema: a person buys once per sale however many shops (and processes) race.
/// ```no_run
/// # // Needs a server; verifier/tests/ledger_postgres.rs runs this against the test cluster.
/// use myna_postgres::DatabaseConfig;
/// use myna_verifier::core::time::NumericDate;
/// use myna_verifier::ledger::{PgLedger, Redemption, RedemptionLedger};
/// let config = DatabaseConfig::new("postgres://shops:pw@db.sale.example/myna".parse()?)
///     .in_schema("izu_sake_2026".parse()?);
/// let shop_1 = PgLedger::open(&config)?;
/// let shop_2 = PgLedger::open(&config)?; // another register, another process
/// let t = NumericDate::from_unix(1_000);
/// assert_eq!(shop_1.redeem("izu-sake", "p-7Qx3", "shop-1", t)?, Redemption::First);
/// assert_eq!(
///     shop_2.redeem("izu-sake", "p-7Qx3", "shop-2", t)?,
///     Redemption::Already { shop: "shop-1".into(), at: t }
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PgLedger {
    db: VerifierDatabase,
}

impl PgLedger {
    /// Connects, creates the schema if needed and applies the ledger's migrations. An
    /// unreachable server or a refused login is [`DbError::Connect`], which names the server
    /// without the password.
    pub fn open(config: &DatabaseConfig) -> Result<Self, DbError> {
        Ok(PgLedger::on(VerifierDatabase::open(config)?))
    }

    /// The ledger in a database already opened (its pool shared with the replay guard).
    pub fn on(db: VerifierDatabase) -> Self {
        PgLedger { db }
    }
}

impl From<DbError> for LedgerError {
    fn from(err: DbError) -> Self {
        LedgerError(err.to_string())
    }
}

fn query(err: myna_postgres::postgres::Error) -> LedgerError {
    DbError::from(err).into()
}

/// Where and when the recorded purchase was made.
fn already(row: &Row) -> Result<Redemption, LedgerError> {
    let shop: String = row.try_get(0).map_err(query)?;
    let at: i64 = row.try_get(1).map_err(query)?;
    Ok(Redemption::Already {
        shop,
        at: NumericDate::from_unix(at),
    })
}

impl RedemptionLedger for PgLedger {
    fn redeem(
        &self,
        sale: &str,
        pseudonym: &str,
        shop: &str,
        at: NumericDate,
    ) -> Result<Redemption, LedgerError> {
        self.db.database().with_connection(|conn| {
            let recorded = conn
                .query_opt(RECORD, &[&sale, &pseudonym, &shop, &at.as_unix()])
                .map_err(query)?;
            if recorded.is_some() {
                return Ok(Redemption::First);
            }
            match conn
                .query_opt(RECORDED, &[&sale, &pseudonym])
                .map_err(query)?
            {
                Some(row) => already(&row),
                // The insert met the row and the read missed it: someone deleted it in
                // between. Not a first purchase either way; the shop asks for another try.
                None => Err(LedgerError(
                    "the purchase was recorded and then removed; try again".into(),
                )),
            }
        })
    }
}

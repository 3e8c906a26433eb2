//! The verifier's tables in PostgreSQL (feature `postgres`): the state a fleet of shops and
//! gates shares — the sale's redemption ledger ([`PgLedger`](crate::ledger::PgLedger)) and
//! the replay guard ([`PgReplayGuard`](crate::replay::PgReplayGuard)).
//!
//! The schema is versioned (`verifier/migrations`, applied by
//! [refinery](https://docs.rs/refinery) when either opens), with its own migration history
//! table, so an issuer's store may share the schema.

use std::sync::Arc;

use myna_postgres::{Database, DatabaseConfig, DbError};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The verifier's migration history, apart from refinery's default table (the issuer's).
const HISTORY_TABLE: &str = "myna_verifier_schema_history";

/// A database with the verifier's tables: one pool that the ledger and the replay guard of
/// one process share ([`PgLedger::on`](crate::ledger::PgLedger::on),
/// [`PgReplayGuard::on`](crate::replay::PgReplayGuard::on)). Cheap to clone.
/// ```no_run
/// # // Needs a server; verifier/tests/ledger_postgres.rs runs the ledger against the test cluster.
/// use myna_postgres::DatabaseConfig;
/// use myna_verifier::database::VerifierDatabase;
/// use myna_verifier::{ledger::PgLedger, replay::PgReplayGuard};
/// let config = DatabaseConfig::new("postgres://shops:pw@db.sale.example/myna".parse()?);
/// let db = VerifierDatabase::open(&config)?; // one pool, the migrations applied once
/// let (ledger, replay) = (PgLedger::on(db.clone()), PgReplayGuard::on(db));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct VerifierDatabase(Arc<Database>);

impl VerifierDatabase {
    /// Connects, creates the schema if needed and applies the verifier's migrations. An
    /// unreachable server or a refused login is [`DbError::Connect`], which names the server
    /// without the password.
    pub fn open(config: &DatabaseConfig) -> Result<Self, DbError> {
        let mut runner = embedded::migrations::runner();
        runner.set_migration_table_name(HISTORY_TABLE);
        Ok(VerifierDatabase(Arc::new(Database::open(
            config,
            Some(&runner),
        )?)))
    }

    pub(crate) fn database(&self) -> &Database {
        &self.0
    }
}

//! The verifier's tables in PostgreSQL (feature `postgres`): the state a fleet of shops and
//! gates shares — the sale's redemption ledger ([`PgLedger`](crate::ledger::PgLedger)) and
//! the replay guard ([`PgReplayGuard`](crate::replay::PgReplayGuard)).
//!
//! The schema is versioned (`verifier/migrations`, applied by
//! [refinery](https://docs.rs/refinery) when either opens), with its own migration history
//! table, so an issuer's store may share the schema.

use myna_postgres::{Database, DatabaseConfig, DbError};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The verifier's migration history, apart from refinery's default table (the issuer's).
const HISTORY_TABLE: &str = "myna_verifier_schema_history";

/// Connects, creates the schema if needed and applies the verifier's migrations.
pub(crate) fn open(config: &DatabaseConfig) -> Result<Database, DbError> {
    let mut runner = embedded::migrations::runner();
    runner.set_migration_table_name(HISTORY_TABLE);
    Database::open(config, Some(&runner))
}

//! The engine the issuer's test suite runs on, chosen by `MYNA_TEST_ISSUER_STORE`: unset (or
//! `memory`), the in-memory store for the library tests and the data directory's redb file
//! for the service tests; `postgres`, a fresh schema in the test command's PostgreSQL cluster
//! (`MYNA_TEST_DATABASE_URL`) for both. `scripts/test` runs the whole suite once each way: one
//! suite, two engines.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "shared by the tests and a benchmark (not test code to clippy), each using its own part; a store that cannot be opened must stop the run loudly"
)]

use std::path::Path;

#[cfg(feature = "service")]
use myna_issuer::service::config::{DatabaseSection, ServiceConfig};
use myna_issuer::store::{AnyStore, MemoryStore};

/// The environment variable choosing the engine.
pub const ENGINE_VAR: &str = "MYNA_TEST_ISSUER_STORE";

/// Whether this run of the suite is the PostgreSQL one.
///
/// # Panics
/// On an engine name other than `memory`, `redb` or `postgres`: a typo must not quietly run
/// the default engine.
pub fn on_postgres() -> bool {
    match std::env::var(ENGINE_VAR).as_deref() {
        Ok("postgres") => true,
        Ok("memory" | "redb") | Err(_) => false,
        Ok(other) => panic!("{ENGINE_VAR}={other}: expected memory, redb or postgres"),
    }
}

/// A fresh, empty store on this run's engine.
pub fn fresh_store() -> AnyStore {
    if !on_postgres() {
        return AnyStore::from(MemoryStore::new());
    }
    postgres_store()
}

#[cfg(feature = "postgres")]
fn postgres_store() -> AnyStore {
    let config = myna_postgres::testing::fresh_schema()
        .unwrap_or_else(|| panic!("{ENGINE_VAR}=postgres needs MYNA_TEST_DATABASE_URL"));
    AnyStore::from(myna_issuer::store::PgStore::open(&config).unwrap())
}

#[cfg(not(feature = "postgres"))]
fn postgres_store() -> AnyStore {
    panic!("{ENGINE_VAR}=postgres: build the tests with the `postgres` feature")
}

#[cfg(feature = "service")]
/// On the PostgreSQL run, points `config` at the schema of the data directory `dir` (drawn on
/// first use and kept in `dir`, so a service reopened over the same directory finds its
/// state again, as with the redb file).
pub fn configure(dir: &Path, config: &mut ServiceConfig) {
    if !on_postgres() {
        return;
    }
    let marker = dir.join("test-database-schema");
    let fresh = myna_postgres::testing::fresh_schema()
        .unwrap_or_else(|| panic!("{ENGINE_VAR}=postgres needs MYNA_TEST_DATABASE_URL"));
    let schema = match std::fs::read_to_string(&marker) {
        Ok(name) => name.trim().parse().unwrap(),
        Err(_) => {
            let schema = fresh.schema.clone().unwrap();
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(&marker, schema.as_str()).unwrap();
            schema
        }
    };
    config.database = Some(DatabaseSection {
        url: Some(fresh.url),
        schema: Some(schema),
        pool_size: Some(8),
    });
}

#[cfg(feature = "service")]
/// The store of the data directory `dir` as a service configured by [`configure`] opens it
/// (the service must not be running on the redb run: the file has one process at a time).
pub fn store_of(dir: &Path, config: &ServiceConfig) -> AnyStore {
    let mut config = config.clone();
    configure(dir, &mut config);
    match config.database_config().unwrap() {
        Some(database) => AnyStore::from(myna_issuer::store::PgStore::open(&database).unwrap()),
        None => {
            AnyStore::from(myna_issuer::store::RedbStore::open(dir.join("issuer.redb")).unwrap())
        }
    }
}

#[cfg(feature = "service")]
/// Flips bit 0 of byte `index` of the value under `key` in `table`, behind the store's back
/// (a tampered backup, an edited row), in whichever engine holds the data directory `dir`.
/// The service must be stopped.
pub fn flip_stored_byte(dir: &Path, config: &ServiceConfig, table: &str, key: &[u8], index: usize) {
    let mut config = config.clone();
    configure(dir, &mut config);
    let Some(database) = config.database_config().unwrap() else {
        use ::redb::ReadableTable;
        let def = ::redb::TableDefinition::<&[u8], &[u8]>::new(table);
        let db = ::redb::Database::open(dir.join("issuer.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut rows = txn.open_table(def).unwrap();
            let mut value = rows.get(key).unwrap().unwrap().value().to_vec();
            value[index] ^= 1;
            rows.insert(key, value.as_slice()).unwrap();
        }
        txn.commit().unwrap();
        return;
    };
    let pg = myna_postgres::Database::open(&database, None).unwrap();
    // `table` is one of the fixed table names; the index is 0-based as `get_byte` counts.
    let sql = format!(
        "UPDATE {table} SET value = set_byte(value, $2, get_byte(value, $2) # 1) WHERE key = $1"
    );
    let index = i32::try_from(index).unwrap();
    let changed = pg
        .with_connection(|client| {
            client
                .execute(&sql, &[&key, &index])
                .map_err(myna_postgres::DbError::from)
        })
        .unwrap();
    assert_eq!(changed, 1, "no row {key:?} in {table}");
}

//! The [`Store`](super::Store) for deployments past one machine (feature `postgres`): every
//! logical table a PostgreSQL table of `(key bytea primary key, value bytea)`, so the logic
//! above the tables is the same code that runs on redb.
//!
//! Several `myna issuer serve` instances may share one database. Each write transaction first
//! takes one advisory lock ([`ISSUER_WRITERS`]), so writers are serialised across processes as
//! redb serialises them within one: status-list allocation reads and writes the assignment
//! bitmap without another instance drawing the same entry in between, and each audit entry
//! is chained to the head the previous writer left (one chain, no forks). Reads run in
//! repeatable-read snapshots and never wait for the lock. A write returns only after
//! PostgreSQL's commit, durable under its default `synchronous_commit = on`.
//!
//! The schema is versioned (`issuer/migrations`, applied by [refinery](https://docs.rs/refinery)
//! when the store opens).

use core::cell::RefCell;
use std::sync::OnceLock;

use myna_postgres::postgres::types::Type;
use myna_postgres::postgres::Transaction;
use myna_postgres::{Database, DatabaseConfig, DbError, WriterLock};

use super::Store;
use crate::error::{Error, Result};
use crate::tables::{Backend, ReadTables, Table, Visit, WriteTables};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The lock every issuer write transaction takes (the bytes of "mynaissu").
pub const ISSUER_WRITERS: WriterLock = WriterLock::new(0x6d79_6e61_6973_7375);

/// How many rows a scan fetches per statement (a scan usually stops early).
const SCAN_PAGE: i64 = 256;

/// A store in a PostgreSQL database (one schema per issuer).
/// ```no_run
/// # // Needs a server: the issuer's test suite runs against the test command's cluster.
/// use myna_issuer::store::{PgStore, Store};
/// use myna_postgres::DatabaseConfig;
/// use myna_vc_core::status_list::StatusListUri;
/// let config = DatabaseConfig::new("postgres://issuer:pw@127.0.0.1/myna".parse()?)
///     .in_schema("maebashi".parse()?);
/// let store = PgStore::open(&config)?;
/// let uri = StatusListUri::new("https://city.example/status/1")?;
/// store.create_status_list(&uri, 4096)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PgStore {
    db: Database,
}

impl PgStore {
    /// Connects, creates the schema if needed and applies the issuer's migrations.
    /// An unreachable server or a refused login is [`Error::Storage`]; the error names the
    /// server without the password.
    pub fn open(config: &DatabaseConfig) -> Result<Self> {
        let runner = embedded::migrations::runner();
        let db = Database::open(config, Some(&runner)).map_err(Error::database)?;
        Ok(PgStore { db })
    }
}

impl Store for PgStore {}

impl Backend for PgStore {
    fn read<R: Send>(&self, f: impl FnOnce(&dyn ReadTables) -> Result<R> + Send) -> Result<R> {
        self.db.read(|tx| f(&PgTables(RefCell::new(tx))))
    }

    fn write<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn WriteTables) -> Result<R> + Send,
    ) -> Result<R> {
        self.db
            .write(ISSUER_WRITERS, |tx| f(&mut PgTables(RefCell::new(tx))))
    }
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        Error::database(err)
    }
}

/// One transaction's view of the tables. The statements need `&mut`; reads are `&self`.
struct PgTables<'a, 't>(RefCell<&'a mut Transaction<'t>>);

/// A table's statements, written once per process (the name comes from the fixed `Table`
/// enum, never from input). They run with their parameter types given (`query_typed`), so
/// each is one round trip — no separate prepare — inside the writers' lock.
struct Statements {
    get: String,
    scan_from: String,
    scan_after: String,
    put: String,
    remove: String,
}

impl Statements {
    fn of(table: Table) -> Self {
        let name = table.name();
        let scan = |op: &str| {
            format!("SELECT key, value FROM {name} WHERE key {op} $1 ORDER BY key LIMIT $2")
        };
        Statements {
            get: format!("SELECT value FROM {name} WHERE key = $1"),
            scan_from: scan(">="),
            scan_after: scan(">"),
            put: format!(
                "INSERT INTO {name} (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
            ),
            remove: format!("DELETE FROM {name} WHERE key = $1"),
        }
    }

    fn of_table(table: Table) -> Result<&'static Statements> {
        static ALL: OnceLock<[Statements; Table::ALL.len()]> = OnceLock::new();
        ALL.get_or_init(|| Table::ALL.map(Statements::of))
            .get(table as usize)
            .ok_or_else(|| Error::invariant("a table has no statements"))
    }
}

impl PgTables<'_, '_> {
    fn page(&self, table: Table, from: &[u8], inclusive: bool) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let statements = Statements::of_table(table)?;
        let sql = if inclusive {
            &statements.scan_from
        } else {
            &statements.scan_after
        };
        let rows = self
            .0
            .borrow_mut()
            .query_typed(sql, &[(&from, Type::BYTEA), (&SCAN_PAGE, Type::INT8)])
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect())
    }
}

fn db(err: myna_postgres::postgres::Error) -> Error {
    Error::database(DbError::from(err))
}

impl ReadTables for PgTables<'_, '_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let sql = &Statements::of_table(table)?.get;
        let row = self
            .0
            .borrow_mut()
            .query_typed_opt(sql, &[(&key, Type::BYTEA)])
            .map_err(db)?;
        Ok(row.map(|row| row.get(0)))
    }

    fn scan(&self, table: Table, from: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        let mut page = self.page(table, from, true)?;
        loop {
            let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= SCAN_PAGE;
            let mut last = None;
            for (key, value) in page {
                if !visit(&key, &value)? {
                    return Ok(());
                }
                last = Some(key);
            }
            match (full, last) {
                (true, Some(last)) => page = self.page(table, &last, false)?,
                _ => return Ok(()),
            }
        }
    }
}

impl WriteTables for PgTables<'_, '_> {
    fn as_read(&self) -> &dyn ReadTables {
        self
    }

    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()> {
        let sql = &Statements::of_table(table)?.put;
        self.0
            .get_mut()
            .execute_typed(sql, &[(&key, Type::BYTEA), (&value, Type::BYTEA)])
            .map_err(db)?;
        Ok(())
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<()> {
        let sql = &Statements::of_table(table)?.remove;
        self.0
            .get_mut()
            .execute_typed(sql, &[(&key, Type::BYTEA)])
            .map_err(db)?;
        Ok(())
    }
}

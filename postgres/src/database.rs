//! A pool of connections with their timeouts, the schema and migrations applied at open, and
//! the two kinds of transaction the services run.

use core::time::Duration;

use postgres::{Client, IsolationLevel, NoTls, Transaction};

use crate::error::DbError;
use crate::schema::SchemaName;
use crate::url::DatabaseUrl;

/// Where the database is and how the pool treats it.
/// ```
/// use myna_postgres::DatabaseConfig;
/// let config = DatabaseConfig::new("postgres://myna@127.0.0.1/myna".parse()?);
/// assert_eq!((config.pool_size, config.statement_timeout_secs), (16, 30));
/// # Ok::<(), myna_postgres::DbError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseConfig {
    /// The server, user, password and database.
    pub url: DatabaseUrl,
    /// The schema the tables live in (created if missing); `None` is the server's default
    /// search path (`public`).
    pub schema: Option<SchemaName>,
    /// Connections kept at most (each instance of a service has its own pool).
    pub pool_size: u32,
    /// How long making a connection may take.
    pub connect_timeout_secs: u64,
    /// How long one statement may run, and how long a transaction may wait for a lock
    /// (another instance's writer) before it fails rather than hangs.
    pub statement_timeout_secs: u64,
    /// How long a caller waits for a free pooled connection.
    pub pool_wait_secs: u64,
}

impl DatabaseConfig {
    /// The defaults: the server's default schema, 16 connections, 10 s to connect, 30 s per
    /// statement or lock wait, 10 s for a free connection.
    pub fn new(url: DatabaseUrl) -> Self {
        DatabaseConfig {
            url,
            schema: None,
            pool_size: 16,
            connect_timeout_secs: 10,
            statement_timeout_secs: 30,
            pool_wait_secs: 10,
        }
    }

    /// The same, in `schema`.
    /// ```
    /// use myna_postgres::DatabaseConfig;
    /// let config = DatabaseConfig::new("postgres://u@h/d".parse()?).in_schema("kobe".parse()?);
    /// assert_eq!(config.schema.map(|s| s.to_string()).as_deref(), Some("kobe"));
    /// # Ok::<(), myna_postgres::DbError>(())
    /// ```
    pub fn in_schema(mut self, schema: SchemaName) -> Self {
        self.schema = Some(schema);
        self
    }

    fn client_config(&self, with_schema: bool) -> Result<postgres::Config, DbError> {
        let mut config = self.url.client_config()?;
        let statement_ms = self.statement_timeout_secs.saturating_mul(1000).max(1);
        // A session left idle inside a transaction (a crashed caller) must not hold the
        // writers' lock for long.
        let mut options = format!(
            "-c statement_timeout={statement_ms} -c lock_timeout={statement_ms} \
             -c idle_in_transaction_session_timeout={}",
            statement_ms.saturating_mul(2)
        );
        if let (true, Some(schema)) = (with_schema, &self.schema) {
            options.push_str(&format!(" -c search_path={schema}"));
        }
        config
            .options(&options)
            .application_name("myna")
            .connect_timeout(Duration::from_secs(self.connect_timeout_secs.max(1)))
            .keepalives(true);
        Ok(config)
    }
}

/// A named lock that serialises writers across every process on the database: the one
/// transaction holding it is the only writer of the state it guards, as redb's single
/// writer is for one file. Released at commit or rollback (`pg_advisory_xact_lock`).
/// ```
/// use myna_postgres::WriterLock;
/// const ISSUER: WriterLock = WriterLock::new(0x6d79_6e61_6973_7375);
/// assert_ne!(ISSUER, WriterLock::new(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterLock(i64);

impl WriterLock {
    /// The lock with this key (one per kind of state; pick a constant).
    pub const fn new(key: i64) -> Self {
        WriterLock(key)
    }
}

/// Held while a process creates the schema and applies migrations.
const MIGRATION_LOCK: i64 = 0x6d79_6e61_6d69_6772;

/// Makes and checks the pool's connections.
#[derive(Debug)]
pub struct Connector {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Connector {
    type Connection = Client;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Client, postgres::Error> {
        self.config.connect(NoTls)
    }

    fn is_valid(&self, client: &mut Client) -> Result<(), postgres::Error> {
        client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, client: &mut Client) -> bool {
        client.is_closed()
    }
}

/// One database as a service sees it: a bounded pool whose every connection has its
/// timeouts and schema set.
/// ```no_run
/// # // Needs a server; the crate's tests run this against the test command's cluster.
/// use myna_postgres::{Database, DatabaseConfig, WriterLock};
/// let config = DatabaseConfig::new("postgres://myna:pw@127.0.0.1/myna".parse()?);
/// let db = Database::open(&config, None)?;
/// let n: i64 = db.write(WriterLock::new(7), |tx| {
///     Ok::<_, myna_postgres::DbError>(tx.query_one("SELECT 1::bigint", &[])?.get(0))
/// })?;
/// assert_eq!(n, 1);
/// # Ok::<(), myna_postgres::DbError>(())
/// ```
pub struct Database {
    pool: r2d2::Pool<Connector>,
    shown: String,
}

impl core::fmt::Debug for Database {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Connects, creates the schema if missing and applies `migrations` (in order, each
    /// once, recorded in the schema's `refinery_schema_history`), holding a lock so that two
    /// instances starting at once do not both migrate; then opens the pool.
    pub fn open(
        config: &DatabaseConfig,
        migrations: Option<&refinery::Runner>,
    ) -> Result<Self, DbError> {
        let shown = config.url.to_string();
        let connect_error = |why: String| DbError::Connect {
            at: shown.clone(),
            why,
        };
        let mut setup = config
            .client_config(false)?
            .connect(NoTls)
            .map_err(|e| connect_error(crate::error::reason(&e)))?;
        setup.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
        let prepared = prepare_schema(&mut setup, config.schema.as_ref(), migrations);
        // Released on disconnect too; unlocking first lets the next instance go at once.
        let _ = setup.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
        prepared?;
        let connector = Connector {
            config: config.client_config(true)?,
        };
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(config.pool_wait_secs.max(1)))
            .test_on_check_out(false)
            .build(connector)
            .map_err(|e| connect_error(e.to_string()))?;
        Ok(Database { pool, shown })
    }

    /// A pooled connection, for a single statement outside [`write`](Self::write)'s lock
    /// (an `INSERT … ON CONFLICT` is atomic on its own).
    pub fn connection(&self) -> Result<r2d2::PooledConnection<Connector>, DbError> {
        self.pool
            .get()
            .map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs `f` in a read-committed transaction that first takes `lock`, and commits if `f`
    /// succeeds (durably: PostgreSQL's `synchronous_commit` decides, on by default). Every
    /// writer of the same state takes the same lock, so read-modify-write steps inside `f`
    /// see the last committed state and cannot interleave with another process's.
    pub fn write<R, E: From<DbError>>(
        &self,
        lock: WriterLock,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut conn = self.connection()?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(DbError::from)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock.0])
            .map_err(DbError::from)?;
        let value = f(&mut tx)?;
        tx.commit().map_err(DbError::from)?;
        Ok(value)
    }

    /// Runs `f` in a read-only, repeatable-read transaction: one consistent snapshot.
    pub fn read<R, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut conn = self.connection()?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(DbError::from)?;
        let value = f(&mut tx)?;
        tx.commit().map_err(DbError::from)?;
        Ok(value)
    }
}

fn prepare_schema(
    client: &mut Client,
    schema: Option<&SchemaName>,
    migrations: Option<&refinery::Runner>,
) -> Result<(), DbError> {
    if let Some(schema) = schema {
        // The name is checked (`SchemaName`): safe to write unquoted.
        client.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
        ))?;
    }
    if let Some(runner) = migrations {
        runner
            .run(client)
            .map_err(|e| DbError::Migrate(e.to_string()))?;
    }
    Ok(())
}

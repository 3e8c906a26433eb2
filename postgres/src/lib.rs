//! # myna-postgres
//!
//! PostgreSQL for the myna-vc services, for deployments that outgrow one machine: two
//! `myna issuer serve` instances behind a load balancer on one database, a fan-club sale's
//! redemption ledger shared by the registers of many shops. redb stays the embedded default;
//! this crate is what both services share when a deployment names a database instead.
//!
//! ## A short tour
//!
//! * [`url`]: [`DatabaseUrl`], a `postgres://` URL parsed at the edge whose password is never
//!   printed — not by `Display`, not by `Debug`, not in an error;
//! * [`schema`]: [`SchemaName`], the PostgreSQL schema a deployment's tables live in (several
//!   issuers, or a test per schema, in one database);
//! * [`database`]: [`Database`], a bounded pool of connections, each with its timeouts set
//!   (connect, statement, lock wait, idle in transaction), the schema created and the caller's
//!   versioned migrations ([refinery](https://docs.rs/refinery)) applied once at open, under a
//!   lock so that instances starting together do not race; [`Database::write`] runs a
//!   transaction while holding a named [`WriterLock`], [`Database::read`] a read-only snapshot;
//! * [`error`]: [`DbError`], what went wrong, without the URL's secret;
//! * `testing` (feature `test-util`): a fresh schema per test in the cluster the test command
//!   starts (`MYNA_TEST_DATABASE_URL`).
//!
//! Connections are plain TCP (no TLS is built in): run the database on the same host, a
//! private network, or behind a local TLS tunnel.
//!
//! ## Example
//!
//! ```
//! use myna_postgres::{DatabaseConfig, DatabaseUrl};
//! let url: DatabaseUrl = "postgres://issuer:s3cret@db.city.example:5432/myna".parse()?;
//! let config = DatabaseConfig::new(url);
//! // What the operator sees in logs and `--help` output: never the password.
//! assert_eq!(config.url.to_string(), "postgres://issuer@db.city.example:5432/myna");
//! assert!(!format!("{config:?}").contains("s3cret"));
//! # Ok::<(), myna_postgres::DbError>(())
//! ```

pub mod database;
pub mod error;
pub mod schema;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod url;

pub use database::{Database, DatabaseConfig, WriterLock};
pub use error::DbError;
pub use schema::SchemaName;
pub use url::DatabaseUrl;

/// The PostgreSQL client types a store implementation works with inside
/// [`Database::write`] and [`Database::read`].
pub use postgres;
/// The migration runner type (`refinery::embed_migrations!` makes one per crate).
pub use refinery;

//! What went wrong with the database, without the URL's secret.

/// A database failure. No variant carries the database URL's password: connection errors
/// name the URL as [`DatabaseUrl`](crate::DatabaseUrl) shows it.
/// ```
/// use myna_postgres::DbError;
/// assert!(DbError::Unavailable("timed out".into()).to_string().contains("no connection"));
/// ```
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DbError {
    /// The database URL is refused.
    #[error("the database URL is refused: {0}")]
    Url(&'static str),
    /// The schema name is refused.
    #[error("the database schema name is refused: {0}")]
    Schema(&'static str),
    /// The database could not be reached or refused the login.
    #[error("cannot connect to PostgreSQL at {at}: {why}")]
    Connect {
        /// The URL as shown (no password).
        at: String,
        /// PostgreSQL's or the network's reason.
        why: String,
    },
    /// No pooled connection became free (or could be made) in time.
    #[error("no connection to PostgreSQL within the pool's wait: {0}")]
    Unavailable(String),
    /// Applying the schema migrations failed; nothing after the failing one was applied.
    #[error("the database schema could not be migrated: {0}")]
    Migrate(String),
    /// A statement failed (including its timeout).
    #[error("PostgreSQL: {0}")]
    Query(String),
}

impl From<postgres::Error> for DbError {
    fn from(err: postgres::Error) -> Self {
        DbError::Query(reason(&err))
    }
}

/// The server's message and code (a server error shows only "db error" by itself), or the
/// client's reason; never connection parameters.
pub(crate) fn reason(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => err.to_string(),
    }
}

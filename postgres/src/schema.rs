//! The PostgreSQL schema a deployment's tables live in.

use core::fmt;
use core::str::FromStr;

use crate::error::DbError;

/// A schema name: 1 to 63 characters of `a-z`, `0-9` and `_`, not starting with a digit and
/// not `pg_…` (PostgreSQL's own). Checked so that it can be written into SQL and connection
/// options unquoted.
/// ```
/// use myna_postgres::SchemaName;
/// assert_eq!("maebashi_issuer".parse::<SchemaName>()?.as_str(), "maebashi_issuer");
/// assert!("Maebashi; DROP".parse::<SchemaName>().is_err());
/// assert!("pg_catalog".parse::<SchemaName>().is_err());
/// # Ok::<(), myna_postgres::DbError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchemaName(String);

impl TryFrom<String> for SchemaName {
    type Error = DbError;

    fn try_from(name: String) -> Result<Self, DbError> {
        name.parse()
    }
}

impl From<SchemaName> for String {
    fn from(name: SchemaName) -> String {
        name.0
    }
}

impl SchemaName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SchemaName {
    type Err = DbError;

    fn from_str(name: &str) -> Result<Self, DbError> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        let starts_well = name.chars().next().is_some_and(|c| !c.is_ascii_digit());
        if name.is_empty()
            || name.len() > 63
            || !name.chars().all(allowed)
            || !starts_well
            || name.starts_with("pg_")
        {
            return Err(DbError::Schema(
                "a schema name is 1–63 of a-z, 0-9 and _, not starting with a digit or pg_",
            ));
        }
        Ok(SchemaName(name.to_owned()))
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

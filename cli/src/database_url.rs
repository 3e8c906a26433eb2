//! A `--database-url` flag's value, parsed by clap into a [`DatabaseUrl`] without ever showing
//! the text: clap's own error for a bad value quotes it, and a database URL may carry the
//! password. Whichever service command names a PostgreSQL database uses this parser.

use std::ffi::OsStr;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use myna_postgres::DatabaseUrl;

/// Parses a flag's (or its environment variable's) text as a [`DatabaseUrl`]; a refused
/// value is named by its flag and the reason, never quoted.
///
/// ```
/// use clap::Parser;
/// use myna::database_url::DatabaseUrlParser;
/// #[derive(Parser)]
/// struct Serve {
///     #[arg(long, value_parser = DatabaseUrlParser)]
///     database_url: myna_postgres::DatabaseUrl,
/// }
/// let serve = Serve::try_parse_from(["serve", "--database-url", "postgres://shop:pw@db/myna"])?;
/// assert_eq!(serve.database_url.to_string(), "postgres://shop@db:5432/myna");
/// let refused = Serve::try_parse_from(["serve", "--database-url", "postgres://shop:pw@[db"]);
/// let said = refused.err().map(|e| e.to_string()).unwrap_or_default();
/// assert!(said.contains("--database-url") && !said.contains("pw"), "{said}");
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DatabaseUrlParser;

impl TypedValueParser for DatabaseUrlParser {
    type Value = DatabaseUrl;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<DatabaseUrl, clap::Error> {
        let flag = arg.map_or_else(|| "the database URL".to_owned(), ToString::to_string);
        let refused = |why: &str| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value for '{flag}' (not shown: it may hold a password): {why}\n"),
            )
            .with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| refused("it is not UTF-8"))?;
        text.parse()
            .map_err(|err: myna_postgres::DbError| refused(&err.to_string()))
    }
}

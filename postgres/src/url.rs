//! The database URL: parsed once, its password never shown.

use core::fmt;
use core::str::FromStr;

use zeroize::Zeroizing;

use crate::error::DbError;

/// A `postgres://user:password@host:port/dbname?options` URL (or a libpq `key=value`
/// string), checked when parsed. Its `Display` and `Debug` show user, hosts, ports and
/// database, never the password; the text itself is zeroized when dropped.
/// ```
/// use myna_postgres::DatabaseUrl;
/// let url: DatabaseUrl = "postgres://myna:pw@127.0.0.1:5433/issuer".parse()?;
/// assert_eq!(url.to_string(), "postgres://myna@127.0.0.1:5433/issuer");
/// assert!(!format!("{url:?}").contains("pw"));
/// // A URL that does not parse is refused without being echoed.
/// let err = "postgres://myna:pw@[bad".parse::<DatabaseUrl>().unwrap_err();
/// assert!(!err.to_string().contains("pw"));
/// # Ok::<(), myna_postgres::DbError>(())
/// ```
#[derive(Clone)]
pub struct DatabaseUrl {
    text: Zeroizing<String>,
    shown: String,
}

impl DatabaseUrl {
    /// The client configuration this URL describes.
    pub(crate) fn client_config(&self) -> Result<postgres::Config, DbError> {
        postgres::Config::from_str(&self.text).map_err(|_| DbError::Url(UNPARSABLE))
    }
}

const UNPARSABLE: &str = "it is neither a postgres:// URL nor a key=value connection string";

impl FromStr for DatabaseUrl {
    type Err = DbError;

    fn from_str(text: &str) -> Result<Self, DbError> {
        let text = Zeroizing::new(text.trim().to_owned());
        let config = postgres::Config::from_str(&text).map_err(|_| DbError::Url(UNPARSABLE))?;
        if config.get_hosts().is_empty() {
            return Err(DbError::Url("it names no host"));
        }
        let shown = shown(&config);
        Ok(DatabaseUrl { text, shown })
    }
}

/// `postgres://user@host:port/dbname`, from the parsed configuration (so nothing of the
/// password, wherever it was written, can leak into it).
fn shown(config: &postgres::Config) -> String {
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                postgres::config::Host::Tcp(name) => name.clone(),
                postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let db = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{db}", hosts.join(","))
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.shown).finish()
    }
}

/// Read from configuration files as the URL text, checked as [`FromStr`] checks it.
impl<'de> serde::Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Written back as the whole URL, password included: only into the configuration file it was
/// read from (logs and errors use `Display`).
impl serde::Serialize for DatabaseUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl PartialEq for DatabaseUrl {
    fn eq(&self, other: &Self) -> bool {
        *self.text == *other.text
    }
}

impl Eq for DatabaseUrl {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_shows_nowhere_in_either_syntax() {
        for text in [
            "postgres://u:hunter2@h:1/d",
            "postgresql://u:hunter2@h1:1,h2:2/d?connect_timeout=3",
            "host=h port=1 user=u password=hunter2 dbname=d",
        ] {
            let url: DatabaseUrl = text.parse().unwrap();
            assert!(!url.to_string().contains("hunter2"), "{url}");
            assert!(!format!("{url:?}").contains("hunter2"));
            assert!(url.to_string().starts_with("postgres://u@h"), "{url}");
        }
    }

    #[test]
    fn a_url_without_host_or_syntax_is_refused() {
        assert_eq!(
            "postgres:///d".parse::<DatabaseUrl>().err(),
            Some(DbError::Url("it names no host"))
        );
        assert!(matches!(
            "mysql://u:p@h/d".parse::<DatabaseUrl>(),
            Err(DbError::Url(_))
        ));
    }
}

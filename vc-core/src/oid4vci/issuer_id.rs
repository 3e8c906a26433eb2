//! The Credential Issuer Identifier.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Oid4vciError, Result};

/// A Credential Issuer Identifier: an `https` URL with a host and no query or fragment. It is
/// the `aud` of every key proof, so it is compared exactly, never normalised.
///
/// ```
/// use myna_vc_core::oid4vci::IssuerId;
/// let id = IssuerId::new("https://city.example/issuer")?;
/// assert_eq!(id.as_str(), "https://city.example/issuer");
/// assert!(IssuerId::new("http://city.example").is_err());
/// assert!(IssuerId::new("https://city.example?x=1").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IssuerId(String);

impl IssuerId {
    /// Checks and wraps an identifier.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        let Some(rest) = id.strip_prefix("https://") else {
            return Err(invalid("must use the https scheme"));
        };
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            return Err(invalid("has no host"));
        }
        if id.contains(['?', '#']) {
            return Err(invalid("must not have a query or fragment"));
        }
        if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains whitespace"));
        }
        Ok(IssuerId(id))
    }

    /// The identifier as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn invalid(problem: &'static str) -> Error {
    Error::Oid4vci(Oid4vciError::InvalidIssuerId { problem })
}

impl TryFrom<String> for IssuerId {
    type Error = Error;
    fn try_from(id: String) -> Result<Self> {
        IssuerId::new(id)
    }
}

impl From<IssuerId> for String {
    fn from(id: IssuerId) -> String {
        id.0
    }
}

impl fmt::Display for IssuerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

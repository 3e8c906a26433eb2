//! Web origins, as the browser reports them to the wallet over the Digital Credentials API.

use core::fmt;

use super::client_id::is_dns_name;
use crate::error::{Error, Oid4vpError, Result};

/// The longest origin accepted.
const MAX_ORIGIN_LEN: usize = 300;

/// A web origin as the browser reports it: `https://host[:port]` (`http` only for `localhost`,
/// `127.0.0.1` and `[::1]`); no path, query, fragment or userinfo, not even a trailing `/`.
/// Compared as a string, exactly (Annex A.2: `expected_origins` are compared without any
/// processing).
///
/// ```
/// use myna_vc_core::oid4vp::Origin;
/// let origin = Origin::parse("https://shop.example")?;
/// assert_eq!(origin.as_str(), "https://shop.example");
/// assert_eq!(origin.audience(), "origin:https://shop.example");
/// assert!(Origin::parse("http://localhost:8080").is_ok());
/// for bad in ["http://shop.example", "https://shop.example/", "https://a@shop.example",
///             "https://shop.example/path", "shop.example", "https://shop.example:99999"] {
///     assert!(Origin::parse(bad).is_err(), "{bad}");
/// }
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// Checks and wraps an origin; others are [`Oid4vpError::InvalidOrigin`].
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |why: &str| Err(Error::Oid4vp(Oid4vpError::InvalidOrigin(why.into())));
        if text.is_empty() || text.len() > MAX_ORIGIN_LEN || !text.is_ascii() {
            return invalid("an origin is 1 to 300 ASCII characters");
        }
        let (secure, authority) =
            match (text.strip_prefix("https://"), text.strip_prefix("http://")) {
                (Some(rest), _) => (true, rest),
                (None, Some(rest)) => (false, rest),
                (None, None) => return invalid("the scheme must be https (http for loopback)"),
            };
        if authority.contains(['/', '?', '#', '@', '\\'])
            || authority.chars().any(|c| !c.is_ascii_graphic())
        {
            return invalid("an origin has no path, query, fragment or userinfo");
        }
        let host = match authority.strip_prefix("[::1]") {
            Some(rest) => {
                check_port(rest)?;
                "[::1]"
            }
            None => match authority.split_once(':') {
                Some((host, port)) => {
                    check_port(&format!(":{port}"))?;
                    host
                }
                None => authority,
            },
        };
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        if !(loopback || is_dns_name(host)) {
            return invalid("the host is not a DNS name");
        }
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            return invalid("browsers report hosts in lower case");
        }
        if !secure && !loopback {
            return invalid("http is only for localhost, 127.0.0.1 and [::1]");
        }
        Ok(Origin(text.to_owned()))
    }

    /// The origin text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `origin:` + the origin: the audience of a response over the Digital Credentials API,
    /// the KB-JWT `aud` (Annex A.4), even for signed requests.
    pub fn audience(&self) -> String {
        format!("origin:{}", self.0)
    }
}

/// `""` or `:port` with a port 1–65535 written without leading zeros.
fn check_port(rest: &str) -> Result<()> {
    if rest.is_empty() {
        return Ok(());
    }
    let valid = rest.strip_prefix(':').is_some_and(|port| {
        !port.starts_with('0')
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p))
    });
    if !valid {
        return Err(Error::Oid4vp(Oid4vpError::InvalidOrigin(
            "the port must be 1 to 65535".into(),
        )));
    }
    Ok(())
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

//! The URI that names a Status List Token: the Referenced Token's `uri` and the token's `sub`.

use core::fmt;

use crate::error::{Error, Result, StatusListError};

/// The URI of a Status List Token, checked for RFC 3986 syntax.
///
/// The check is syntactic and deliberately small (our own rule, so our own code): a scheme
/// (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`) and `:`, then only characters RFC 3986 allows
/// in a URI, with every `%` starting a two-hex-digit escape. No normalisation is done: the
/// draft requires the token's `sub` to be *equal* to the Referenced Token's `uri`, so the two are
/// compared as strings.
///
/// ```
/// use myna_vc_core::status_list::StatusListUri;
/// let uri = StatusListUri::new("https://example.com/statuslists/1")?;
/// assert_eq!(uri.as_str(), "https://example.com/statuslists/1");
/// assert!(StatusListUri::new("example.com/statuslists/1").is_err()); // no scheme
/// assert!(StatusListUri::new("https://example.com/a b").is_err()); // space
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusListUri(String);

impl StatusListUri {
    /// Checks `uri` and wraps it; a syntax error is [`StatusListError::InvalidUri`].
    ///
    /// ```
    /// use myna_vc_core::{status_list::StatusListUri, Error};
    /// assert!(StatusListUri::new("urn:example:status:1").is_ok());
    /// assert!(matches!(StatusListUri::new("https://x.example/%zz"),
    ///                  Err(Error::StatusList(myna_vc_core::StatusListError::InvalidUri { .. }))));
    /// ```
    pub fn new(uri: impl Into<String>) -> Result<Self> {
        let uri = uri.into();
        check_uri(&uri)?;
        Ok(StatusListUri(uri))
    }

    /// The URI as written.
    ///
    /// ```
    /// use myna_vc_core::status_list::StatusListUri;
    /// assert_eq!(StatusListUri::new("https://x.example/1")?.as_str(), "https://x.example/1");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StatusListUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The syntax check behind [`StatusListUri`], also used for `aggregation_uri`.
pub(crate) fn check_uri(uri: &str) -> Result<()> {
    let bad = |problem| Err(Error::StatusList(StatusListError::InvalidUri { problem }));
    let Some((scheme, _)) = uri.split_once(':') else {
        return bad("has no scheme");
    };
    let mut scheme_chars = scheme.bytes();
    if !scheme_chars.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return bad("the scheme must start with a letter");
    }
    if !scheme_chars.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        return bad("the scheme has a character RFC 3986 does not allow");
    }
    let bytes = uri.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%' {
            let escape = bytes.get(i + 1..i + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return bad("a `%` is not followed by two hex digits");
            }
        } else if !is_uri_char(b) {
            return bad("contains a character RFC 3986 does not allow");
        }
    }
    Ok(())
}

/// unreserved / gen-delims / sub-delims of RFC 3986 §2.
fn is_uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StatusListError;

    #[test]
    fn accepts_common_uris_and_escapes() {
        for ok in [
            "https://example.com/statuslists/1",
            "https://example.com/lists/%E5%B8%82?page=2#frag",
            "urn:uuid:6c5c0a49-b589-431d-bae7-219122a9ec2c",
            "did:web:city.example:status:1",
        ] {
            assert!(StatusListUri::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_rfc_3986_refuses() {
        for bad in [
            "",
            ":no-scheme",
            "1http://example.com",
            "ht tp://example.com",
            "https://example.com/%zz",
            "https://example.com/%4",
            "https://example.com/\u{5e02}",
            "https://example.com/\"quoted\"",
            "https://example.com/\n",
        ] {
            assert!(
                matches!(
                    StatusListUri::new(bad),
                    Err(Error::StatusList(StatusListError::InvalidUri { .. }))
                ),
                "{bad:?}"
            );
        }
    }
}

//! DIDs and DID URLs (DID Core §3.1, §3.2), parsed once at the edge so that everything
//! inside works with checked values.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DidError, Error, InputError, Result};

/// The longest DID or DID URL accepted, in bytes. A did:jwk of a 4096-bit RSA key is about
/// 1 KiB; anything far longer is refused before any decoding work.
pub const MAX_DID_LENGTH: usize = 8 * 1024;

/// A decentralized identifier, `did:<method>:<method-specific-id>`, checked against the DID
/// Core ABNF: the method name is lower-case letters and digits, the method-specific id is
/// `idchar`s (letters, digits, `.`, `-`, `_`, percent escapes) and `:`, and does not end in `:`.
///
/// ```
/// use myna_vc_core::{did::Did, Error};
/// let did = Did::parse("did:web:example.com%3A3000:user:alice")?;
/// assert_eq!(did.method(), "web");
/// assert_eq!(did.method_specific_id(), "example.com%3A3000:user:alice");
/// assert!(matches!(Did::parse("did:Web:example.com"), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// assert!(matches!(Did::parse("did:web:"), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Did {
    text: String,
    /// The byte offset of the `:` that ends the method name.
    method_end: usize,
}

impl Did {
    /// Parses and checks a DID.
    pub fn parse(text: &str) -> Result<Self> {
        check_length(text)?;
        let rest = text
            .strip_prefix("did:")
            .ok_or_else(|| invalid("a DID starts with `did:`"))?;
        let (method, id) = rest
            .split_once(':')
            .ok_or_else(|| invalid("a DID has a method and a method-specific id after `did:`"))?;
        check_method_name(method)?;
        check_method_specific_id(id)?;
        Ok(Did {
            text: text.to_owned(),
            method_end: "did:".len() + method.len(),
        })
    }

    /// The method name (`key`, `jwk`, `web`, …).
    pub fn method(&self) -> &str {
        self.text
            .get("did:".len()..self.method_end)
            .unwrap_or_default()
    }

    /// Everything after `did:<method>:`.
    pub fn method_specific_id(&self) -> &str {
        self.text.get(self.method_end + 1..).unwrap_or_default()
    }

    /// The DID as a string.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The DID URL `<this DID>#<fragment>`.
    ///
    /// ```
    /// use myna_vc_core::did::Did;
    /// let url = Did::parse("did:example:123")?.with_fragment("key-1")?;
    /// assert_eq!(url.to_string(), "did:example:123#key-1");
    /// assert!(Did::parse("did:example:123")?.with_fragment("a b").is_err());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_fragment(&self, fragment: &str) -> Result<DidUrl> {
        check_length(fragment)?;
        check_fragment(fragment)?;
        Ok(DidUrl {
            did: self.clone(),
            fragment: fragment.to_owned(),
        })
    }
}

/// A DID URL with a fragment, `did:<method>:<id>#<fragment>`: the form that names a
/// verification method (a JWS `kid`, a verification relationship entry). DID URLs with a
/// path or a query are refused: nothing in this crate dereferences them.
///
/// ```
/// use myna_vc_core::{did::DidUrl, Error};
/// let url = DidUrl::parse("did:jwk:eyJrdHkiOiJPS1AifQ#0")?;
/// assert_eq!(url.did().method(), "jwk");
/// assert_eq!(url.fragment(), "0");
/// assert!(matches!(DidUrl::parse("did:example:123"), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// assert!(matches!(DidUrl::parse("did:example:123/path#x"), Err(Error::Did(myna_vc_core::DidError::InvalidDid(_)))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DidUrl {
    did: Did,
    fragment: String,
}

impl DidUrl {
    /// Parses and checks an absolute DID URL with a fragment.
    pub fn parse(text: &str) -> Result<Self> {
        check_length(text)?;
        let (did, fragment) = text
            .split_once('#')
            .ok_or_else(|| invalid("a verification method URL needs a `#fragment`"))?;
        if did.contains(['/', '?']) {
            return Err(invalid("DID URLs with a path or a query are not supported"));
        }
        Did::parse(did)?.with_fragment(fragment)
    }

    /// Parses `reference` as an absolute DID URL or, when it is a bare `#fragment` (as DID
    /// documents often write), as a fragment of `base`.
    ///
    /// ```
    /// use myna_vc_core::did::{Did, DidUrl};
    /// let base = Did::parse("did:web:example.com")?;
    /// assert_eq!(DidUrl::parse_relative("#key-1", &base)?.to_string(), "did:web:example.com#key-1");
    /// assert_eq!(DidUrl::parse_relative("did:key:z6Mk#z6Mk", &base)?.did().method(), "key");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn parse_relative(reference: &str, base: &Did) -> Result<Self> {
        match reference.strip_prefix('#') {
            Some(fragment) => base.with_fragment(fragment),
            None => Self::parse(reference),
        }
    }

    /// A DID URL from a fragment already known to be valid: a constant, or a DID's
    /// method-specific id (whose characters are all fragment characters).
    pub(crate) fn from_parts(did: Did, fragment: &str) -> Self {
        DidUrl {
            did,
            fragment: fragment.to_owned(),
        }
    }

    /// The DID part.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The fragment, without `#`.
    pub fn fragment(&self) -> &str {
        &self.fragment
    }
}

fn invalid(detail: &str) -> Error {
    Error::Did(DidError::InvalidDid(detail.to_owned()))
}

fn check_length(text: &str) -> Result<()> {
    if text.len() > MAX_DID_LENGTH {
        return Err(Error::Input(InputError::TooLarge {
            what: "DID",
            size: text.len(),
            limit: MAX_DID_LENGTH,
        }));
    }
    Ok(())
}

fn check_method_name(method: &str) -> Result<()> {
    if method.is_empty() {
        return Err(invalid("the method name is empty"));
    }
    if !method
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(invalid(
            "a method name is lower-case ASCII letters and digits",
        ));
    }
    Ok(())
}

fn check_method_specific_id(id: &str) -> Result<()> {
    if id.is_empty() || id.ends_with(':') {
        return Err(invalid("the method-specific id is empty or ends with `:`"));
    }
    check_chars(id, |b| is_idchar(b) || b == b':', "the method-specific id")
}

fn check_fragment(fragment: &str) -> Result<()> {
    if fragment.is_empty() {
        return Err(invalid("the fragment is empty"));
    }
    check_chars(fragment, is_fragment_char, "the fragment")
}

/// Checks every byte with `allowed`, and that each `%` starts a two-hex-digit escape.
fn check_chars(text: &str, allowed: impl Fn(u8) -> bool, what: &str) -> Result<()> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%' {
            let escape = bytes.get(i + 1..i + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return Err(Error::Did(DidError::InvalidDid(format!(
                    "{what} has a `%` that does not start a percent escape"
                ))));
            }
        } else if !allowed(b) {
            return Err(Error::Did(DidError::InvalidDid(format!(
                "{what} contains a character DID syntax does not allow"
            ))));
        }
    }
    Ok(())
}

/// DID Core `idchar` without `%` (escapes are checked separately).
fn is_idchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

/// RFC 3986 `fragment` characters without `%`: unreserved, sub-delims, `:`, `@`, `/`, `?`.
fn is_fragment_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
        )
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Did({})", self.text)
    }
}

impl fmt::Display for DidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.did, self.fragment)
    }
}

impl fmt::Debug for DidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DidUrl({self})")
    }
}

impl FromStr for Did {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl FromStr for DidUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Did {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl TryFrom<String> for DidUrl {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<Did> for String {
    fn from(did: Did) -> String {
        did.text
    }
}

impl From<DidUrl> for String {
    fn from(url: DidUrl) -> String {
        url.to_string()
    }
}

impl AsRef<str> for Did {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

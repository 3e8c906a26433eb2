//! Context pseudonyms: one stable, unlinkable pseudonym per person per context.
//!
//! A forum or a limited sale is a *context*. The issuer derives the holder's pseudonym in that
//! context as a keyed PRF (HMAC-SHA-256) of the internal person handle and the context id. The
//! person handle survives card renewal (it follows the J-LIS linking information), so the same
//! person always gets the same pseudonym in the same context — on a renewed card or a second
//! device — and a forum can refuse a second account or a shop a second purchase. Across
//! contexts the values are independent to anyone without the issuer's pseudonym key.
//!
//! ```
//! use myna_issuer::pseudonym::{ContextId, PseudonymKey};
//! use myna_issuer::record::SubjectHandle;
//! let key = PseudonymKey::generate()?;
//! let person = SubjectHandle::from_bytes([7; 32]);
//! let forum = ContextId::parse("maebashi-forum")?;
//! let sale = ContextId::parse("izu-limited-sake-2026")?;
//! assert_eq!(key.derive(&person, &forum), key.derive(&person, &forum));
//! assert_ne!(key.derive(&person, &forum), key.derive(&person, &sale));
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use core::fmt;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::record::SubjectHandle;

/// Domain separation for the PRF input, so the key can never be confused with another use.
const LABEL: &[u8] = b"myna-vc/context-pseudonym/v1";

/// The longest context id accepted, in bytes.
pub const MAX_CONTEXT_LEN: usize = 256;

/// A context in which one person may hold only one pseudonym ("maebashi-forum",
/// "izu-sale-2026-04"): 1 to 256 bytes, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContextId(String);

impl ContextId {
    /// Checks and wraps a context id.
    ///
    /// ```
    /// use myna_issuer::pseudonym::ContextId;
    /// assert!(ContextId::parse("").is_err());
    /// assert!(ContextId::parse("forum\n").is_err());
    /// ```
    pub fn parse(id: &str) -> Result<Self> {
        if id.is_empty() || id.len() > MAX_CONTEXT_LEN {
            return Err(Error::InvalidContextId("must be 1 to 256 bytes"));
        }
        if id.chars().any(char::is_control) {
            return Err(Error::InvalidContextId(
                "must not contain control characters",
            ));
        }
        Ok(ContextId(id.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The length of a pseudonym's text: base64url of 32 bytes, unpadded.
const PSEUDONYM_TEXT_LEN: usize = 43;

/// A pseudonym: base64url of 32 PRF bytes, safe to put in a credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(String);

impl Pseudonym {
    /// The pseudonym as it appears in a credential.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks and wraps a pseudonym as read from a presented credential (to look up its
    /// sealed link): the base64url text of 32 bytes, 43 characters.
    ///
    /// ```
    /// use myna_issuer::pseudonym::Pseudonym;
    /// assert!(Pseudonym::parse("NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o").is_ok());
    /// assert!(Pseudonym::parse("too-short").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |detail: &str| Error::Invalid {
            what: "pseudonym",
            detail: detail.to_owned(),
        };
        if text.len() != PSEUDONYM_TEXT_LEN {
            return Err(invalid("not 43 characters"));
        }
        let bytes = myna_vc_core::b64::decode(text, "pseudonym")
            .map_err(|_| invalid("not unpadded base64url"))?;
        // Only the canonical encoding of 32 bytes is a pseudonym (base64url has spare bits).
        if bytes.len() != 32 || myna_vc_core::b64::encode(&bytes) != text {
            return Err(invalid("not the canonical encoding of 32 bytes"));
        }
        Ok(Pseudonym(text.to_owned()))
    }

    /// A pseudonym recovered from a sealed escrow record (only the PRF makes new ones).
    pub(crate) fn from_escrow(value: &str) -> Self {
        Pseudonym(value.to_owned())
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The size of a pseudonym key: one SHA-256 block, HMAC's natural key size.
pub const PSEUDONYM_KEY_LEN: usize = 64;

/// The issuer's secret PRF key for pseudonyms. Zeroized on drop, never printed.
pub struct PseudonymKey(Zeroizing<[u8; PSEUDONYM_KEY_LEN]>);

impl PseudonymKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; PSEUDONYM_KEY_LEN]);
        myna_vc_core::crypto::fill_random(key.as_mut()).map_err(|_| Error::Randomness)?;
        Ok(PseudonymKey(key))
    }

    /// A key from its stored bytes.
    pub fn from_bytes(bytes: [u8; PSEUDONYM_KEY_LEN]) -> Self {
        PseudonymKey(Zeroizing::new(bytes))
    }

    /// The key's bytes, for sealing it at rest (never for display).
    #[cfg(feature = "service")]
    pub(crate) fn secret_bytes(&self) -> &[u8; PSEUDONYM_KEY_LEN] {
        &self.0
    }

    /// The pseudonym of `person` in `context`.
    pub fn derive(&self, person: &SubjectHandle, context: &ContextId) -> Pseudonym {
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&(*self.0).into());
        mac.update(LABEL);
        // Length-prefixed so that no (context, handle) pair can collide with another.
        mac.update(&(context.0.len() as u64).to_be_bytes());
        mac.update(context.0.as_bytes());
        mac.update(person.as_bytes());
        Pseudonym(myna_vc_core::b64::encode(mac.finalize().into_bytes()))
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(<redacted>)")
    }
}

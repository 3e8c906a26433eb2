//! `nonce` and `state`: ASCII URL-safe strings (OpenID4VP 1.0 §5.2).

use core::fmt;

use crate::b64;
use crate::crypto::fill_random;
use crate::error::{Error, Oid4vpError, Result};

/// The longest `nonce` or `state` accepted.
pub const MAX_PARAM_LEN: usize = 512;

/// The length of the nonces this crate creates: 16 random bytes (128 bits, the spec's
/// SHOULD) as 22 base64url characters.
pub const NONCE_LEN: usize = 22;

fn check_url_safe(name: &'static str, value: &str) -> Result<()> {
    let url_safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
    if value.is_empty() || value.len() > MAX_PARAM_LEN || !value.chars().all(url_safe) {
        return Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name,
            detail: format!(
                "must be 1 to {MAX_PARAM_LEN} ASCII letters, digits, `-`, `.`, `_` or `~`"
            ),
        }));
    }
    Ok(())
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(b64::encode(bytes))
}

/// The `nonce` of an Authorization Request: binds the presentation (KB-JWT `nonce`) to one
/// transaction.
///
/// [`Nonce::random`] makes the 128-bit nonces a verifier sends. [`Nonce::parse`] accepts any
/// URL-safe value (the spec's own examples use a 12-character nonce, so a minimum length
/// would refuse conforming verifiers); a wallet that wants to refuse weak nonces can check
/// [`Nonce::is_strong`].
///
/// ```
/// use myna_vc_core::{oid4vp::Nonce, Error};
/// let nonce = Nonce::random()?;
/// assert_eq!(nonce.as_str().len(), 22);
/// assert!(nonce.is_strong());
/// assert!(!Nonce::parse("n-0S6_WzA2Mj")?.is_strong());
/// assert!(matches!(Nonce::parse("a b"), Err(Error::Oid4vp(myna_vc_core::Oid4vpError::InvalidParameter { name: "nonce", .. }))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// A fresh nonce of 16 random bytes.
    pub fn random() -> Result<Self> {
        random_token().map(Nonce)
    }

    /// Checks and wraps a received nonce.
    pub fn parse(value: &str) -> Result<Self> {
        check_url_safe("nonce", value)?;
        Ok(Nonce(value.to_owned()))
    }

    /// Wraps a nonce this crate generated (base64url, so URL-safe by construction).
    pub(crate) fn from_generated(value: String) -> Self {
        Nonce(value)
    }

    /// Whether the nonce is at least as long as the ones this crate creates.
    pub fn is_strong(&self) -> bool {
        self.0.len() >= NONCE_LEN
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `state` of an Authorization Request, echoed in the response; required when a
/// presentation without holder binding is requested (§5.3).
///
/// ```
/// use myna_vc_core::oid4vp::State;
/// let state = State::random()?;
/// assert_eq!(State::parse(state.as_str())?, state);
/// assert!(State::parse("").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State(String);

impl State {
    /// A fresh state of 16 random bytes.
    pub fn random() -> Result<Self> {
        random_token().map(State)
    }

    /// Checks and wraps a received state.
    pub fn parse(value: &str) -> Result<Self> {
        check_url_safe("state", value)?;
        Ok(State(value.to_owned()))
    }

    /// The state.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

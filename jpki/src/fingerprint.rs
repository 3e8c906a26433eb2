//! The SHA-256 fingerprint by which roots are pinned and CRLs name their issuer.
//!
//! Kept apart from [`crate::roots`] and re-exported there, so that certificates can compute
//! their fingerprint without depending on the root set (which parses certificates).

use core::fmt;

use sha2::{Digest, Sha256};

/// A SHA-256 fingerprint of a certificate's DER.
///
/// ```
/// use myna_jpki::roots::Fingerprint;
/// let f = Fingerprint::of(b"abc");
/// assert!(f.to_string().starts_with("ba7816bf"));
/// assert_eq!(Fingerprint::from_hex(&f.to_string()), Some(f));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The SHA-256 of `der`.
    pub fn of(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    /// From 64 hex digits (colons allowed, as `openssl -fingerprint` prints them).
    pub fn from_hex(text: &str) -> Option<Fingerprint> {
        let digits: Vec<u8> = text.bytes().filter(|b| *b != b':').collect();
        if digits.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
            let text = core::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(text, 16).ok()?;
        }
        Some(Fingerprint(out))
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

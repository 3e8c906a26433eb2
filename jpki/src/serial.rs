//! Certificate serial numbers (RFC 5280 §4.1.2.2) as values.
//!
//! Kept apart from [`crate::certificate`] and re-exported there: [`crate::Error`] carries the
//! serial of a revoked certificate, so this module must not depend on the error type (no
//! module cycle). The public constructors, which report a malformed serial as an
//! [`Error`](crate::Error), are in `certificate.rs` over the checks here.

use core::fmt;

/// A certificate serial number: a positive integer of at most 20 octets (RFC 5280 §4.1.2.2).
///
/// Kept as a fixed 20-byte big-endian array so that CRL indexes compare serials without
/// allocating.
///
/// ```
/// use myna_jpki::certificate::SerialNumber;
/// let s = SerialNumber::from_u64(0x067C_6A21)?;
/// assert_eq!(s.to_string(), "067C6A21");
/// assert_eq!(SerialNumber::from_der_content(&[0x06, 0x7C, 0x6A, 0x21])?, s);
/// assert!(SerialNumber::from_der_content(&[0x80]).is_err()); // negative
/// assert!(SerialNumber::from_der_content(&[0x00, 0x01]).is_err()); // not minimal
/// # Ok::<(), myna_jpki::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SerialNumber([u8; 20]);

impl SerialNumber {
    /// The most octets a serial may have.
    pub const MAX_OCTETS: usize = 20;

    /// From the content octets of a DER INTEGER: minimal, positive, at most 20 octets of
    /// value; otherwise what is wrong with them.
    pub(crate) fn parse_der_content(bytes: &[u8]) -> Result<Self, &'static str> {
        let (&first, rest) = bytes.split_first().ok_or("empty INTEGER")?;
        if first & 0x80 != 0 {
            return Err("negative");
        }
        if first == 0 && rest.first().is_none_or(|b| b & 0x80 == 0) {
            return Err(if rest.is_empty() {
                "zero"
            } else {
                "INTEGER not in minimal form"
            });
        }
        let magnitude = if first == 0 { rest } else { bytes };
        Self::from_magnitude(magnitude)
    }

    /// From a number; zero is not a serial.
    pub(crate) fn parse_u64(value: u64) -> Result<Self, &'static str> {
        let bytes = value.to_be_bytes();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        Self::from_magnitude(bytes.get(start..).unwrap_or_default())
    }

    /// From hexadecimal digits (either case, leading zeros allowed).
    pub(crate) fn parse_hex(text: &str) -> Result<Self, &'static str> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("not hexadecimal");
        }
        let digits = text.trim_start_matches('0');
        if digits.len() > 2 * Self::MAX_OCTETS {
            return Err("more than 20 octets");
        }
        let mut bytes = Vec::with_capacity(digits.len().div_ceil(2));
        let (head, tail) = digits.split_at(digits.len() % 2);
        if !head.is_empty() {
            bytes.push(u8::from_str_radix(head, 16).map_err(|_| "not hexadecimal")?);
        }
        for pair in tail.as_bytes().chunks(2) {
            let pair = core::str::from_utf8(pair).map_err(|_| "not hexadecimal")?;
            bytes.push(u8::from_str_radix(pair, 16).map_err(|_| "not hexadecimal")?);
        }
        Self::from_magnitude(&bytes)
    }

    fn from_magnitude(magnitude: &[u8]) -> Result<Self, &'static str> {
        if magnitude.is_empty() {
            return Err("zero");
        }
        let mut out = [0u8; 20];
        let start = Self::MAX_OCTETS
            .checked_sub(magnitude.len())
            .ok_or("more than 20 octets")?;
        out.get_mut(start..)
            .unwrap_or_default()
            .copy_from_slice(magnitude);
        Ok(SerialNumber(out))
    }

    /// The value, big-endian, without leading zero octets.
    pub fn magnitude(&self) -> &[u8] {
        let start = self.0.iter().position(|b| *b != 0).unwrap_or(self.0.len());
        self.0.get(start..).unwrap_or_default()
    }

    /// The content octets of its DER INTEGER (a leading zero when the top bit is set).
    pub fn to_der_content(&self) -> Vec<u8> {
        let magnitude = self.magnitude();
        let mut out = Vec::with_capacity(magnitude.len() + 1);
        if magnitude.first().is_some_and(|b| b & 0x80 != 0) {
            out.push(0);
        }
        out.extend_from_slice(magnitude);
        out
    }
}

impl fmt::Display for SerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.magnitude()
            .iter()
            .try_for_each(|b| write!(f, "{b:02X}"))
    }
}

impl fmt::Debug for SerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SerialNumber({self})")
    }
}

//! Base45 (RFC 9285): the 45 characters of the QR code alphanumeric mode, 2 bytes to 3
//! characters.
//!
//! Ours rather than the `base45` crate because that crate (3.2) silently truncates a final
//! two-character group above 255 where RFC 9285 §4.4 requires an error, and needs a newer Rust
//! (`slice::as_chunks`, 1.88) than this workspace's `rust-version`. The codec is 40 lines and
//! tested against the RFC's examples.

use crate::error::{CompactError, Error, Result};

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn symbol(value: u32) -> char {
    let index = usize::try_from(value % 45).unwrap_or_default();
    ALPHABET.get(index).map_or('0', |b| char::from(*b))
}

fn value(c: u8) -> Result<u32> {
    ALPHABET
        .iter()
        .position(|a| *a == c)
        .and_then(|p| u32::try_from(p).ok())
        .ok_or(Error::Compact(CompactError::Base45))
}

/// Encodes bytes: each pair `[a, b]` as `n = a*256 + b` in three symbols `c + 45d + 2025e`,
/// least significant first; a final single byte in two symbols.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    for pair in bytes.chunks(2) {
        let (n, symbols) = match pair {
            [a, b] => (u32::from(*a) << 8 | u32::from(*b), 3),
            [a] => (u32::from(*a), 2),
            _ => continue,
        };
        let mut rest = n;
        for _ in 0..symbols {
            out.push(symbol(rest));
            rest /= 45;
        }
    }
    out
}

/// Decodes, refusing characters outside the alphabet, a dangling single character, and
/// groups whose value does not fit their bytes (RFC 9285 §4.4).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .rev()
            .try_fold(0u32, |acc, c| Ok::<_, Error>(acc * 45 + value(*c)?))?;
        match group.len() {
            3 if n <= 0xffff => out.extend_from_slice(&[(n >> 8) as u8, (n & 0xff) as u8]),
            2 if n <= 0xff => out.push(n as u8),
            _ => return Err(Error::Compact(CompactError::Base45)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples() {
        // RFC 9285 §4.3 and §4.4.
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(encode(b""), "");
    }

    #[test]
    fn invalid_input_is_refused() {
        // Lower case, a dangling symbol, a triple above 65535, a pair above 255.
        for bad in ["bb8", "BB8A", "GGW", "ZZ", "BB\u{e9}"] {
            assert_eq!(
                decode(bad),
                Err(Error::Compact(CompactError::Base45)),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_byte_pair_round_trips() {
        for a in 0..=255u8 {
            for b in [0u8, 1, 127, 254, 255] {
                assert_eq!(decode(&encode(&[a, b])).unwrap(), [a, b]);
                assert_eq!(decode(&encode(&[a])).unwrap(), [a]);
            }
        }
    }
}

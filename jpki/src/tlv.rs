//! DER tag-length-value splitting and writing, for the two places this crate walks DER itself.
//!
//! Everything else goes through `x509-parser` (certificates) and `der` (small values). We read
//! and write the outer TLVs of CRLs here because `der` caps lengths at 256 MiB, and a national
//! CRL may grow past that; and because walking a million entries with one slice split per TLV
//! keeps the CRL index lean (no per-entry allocation). The rules are strict DER: one-byte tags,
//! definite lengths in the minimal number of octets, content inside the input.

use crate::error::{Error, Result};

/// Universal tags used here.
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OID: u8 = 0x06;
    pub const ENUMERATED: u8 = 0x0A;
    pub const UTF8_STRING: u8 = 0x0C;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    /// `[0]` constructed (EXPLICIT).
    pub const CONTEXT_0: u8 = 0xA0;
}

/// One TLV: its tag, its content and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub encoded: &'a [u8],
}

/// Splits the first TLV off `input`, returning it and the rest.
pub(crate) fn split<'a>(input: &'a [u8], what: &'static str) -> Result<(Tlv<'a>, &'a [u8])> {
    let (&tag, after_tag) = input
        .split_first()
        .ok_or_else(|| Error::der(what, "unexpected end of input"))?;
    if tag & 0x1F == 0x1F {
        return Err(Error::der(what, "multi-byte tags are not used in X.509"));
    }
    let (&first, after_len) = after_tag
        .split_first()
        .ok_or_else(|| Error::der(what, "truncated length"))?;
    let (len, body) = match first {
        0..=0x7F => (usize::from(first), after_len),
        0x80 => return Err(Error::der(what, "indefinite length is not DER")),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7F);
            let (len_bytes, body) = after_len
                .split_at_checked(n)
                .ok_or_else(|| Error::der(what, "truncated length"))?;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            let minimal = len >= 0x80 && len_bytes.first().is_some_and(|b| *b != 0);
            if !minimal {
                return Err(Error::der(what, "length not in minimal form"));
            }
            (len, body)
        }
        _ => return Err(Error::der(what, "length of more than four octets")),
    };
    let (content, rest) = body
        .split_at_checked(len)
        .ok_or_else(|| Error::der(what, "content runs past the end of the input"))?;
    let header_len = input.len() - body.len();
    let encoded = input.get(..header_len + len).unwrap_or_default();
    Ok((
        Tlv {
            tag,
            content,
            encoded,
        },
        rest,
    ))
}

/// Splits the first TLV off `input` and checks its tag.
pub(crate) fn expect<'a>(
    input: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(Tlv<'a>, &'a [u8])> {
    let (tlv, rest) = split(input, what)?;
    if tlv.tag != tag {
        return Err(Error::der(
            what,
            format!("tag 0x{:02X} where 0x{tag:02X} was expected", tlv.tag),
        ));
    }
    Ok((tlv, rest))
}

/// The only TLV of `input`, with `tag`; trailing bytes are an error.
pub(crate) fn exactly<'a>(input: &'a [u8], tag: u8, what: &'static str) -> Result<Tlv<'a>> {
    let (tlv, rest) = expect(input, tag, what)?;
    if !rest.is_empty() {
        return Err(Error::der(what, "trailing bytes"));
    }
    Ok(tlv)
}

// Writing DER: only the test CA builds certificates and CRLs.
#[cfg(feature = "test-ca")]
/// Appends a DER header for `tag` and a content of `len` bytes.
pub(crate) fn write_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(significant);
}

#[cfg(feature = "test-ca")]
/// Appends a whole TLV.
pub(crate) fn write(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    write_header(out, tag, content.len());
    out.extend_from_slice(content);
}

#[cfg(feature = "test-ca")]
/// The size of a TLV whose content is `len` bytes.
pub(crate) fn encoded_len(len: usize) -> usize {
    let len_octets = if len < 0x80 {
        1
    } else {
        1 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    };
    1 + len_octets + len
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_non_der_lengths() {
        assert!(split(&[0x30, 0x80, 0x00, 0x00], "t").is_err()); // indefinite
        assert!(split(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], "t").is_err()); // long form for 5
        assert!(split(&[0x04, 0x82, 0x00, 0x80], "t").is_err()); // leading zero octet
        assert!(split(&[0x04, 0x85, 1, 1, 1, 1, 1], "t").is_err()); // five length octets
        assert!(split(&[0x04, 0x03, 1, 2], "t").is_err()); // truncated
        assert!(split(&[0x1F, 0x01, 0x00], "t").is_err()); // multi-byte tag
    }

    proptest! {
        #[test]
        fn write_then_split_round_trips(tag in 0u8..0x1E, content in proptest::collection::vec(any::<u8>(), 0..70_000)) {
            let mut out = Vec::new();
            write(&mut out, tag, &content);
            prop_assert_eq!(out.len(), encoded_len(content.len()));
            let (tlv, rest) = split(&out, "t").unwrap();
            prop_assert_eq!(tlv.tag, tag);
            prop_assert_eq!(tlv.content, &content[..]);
            prop_assert!(rest.is_empty());
        }

        #[test]
        fn split_accounts_for_every_byte(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok((tlv, rest)) = split(&bytes, "t") {
                prop_assert_eq!(tlv.encoded.len() + rest.len(), bytes.len());
                prop_assert!(tlv.encoded.ends_with(tlv.content));
            }
        }
    }
}

//! The binary packing of an SD-JWT(+KB) presentation, our own fixed-shape layout (version 1):
//!
//! ```text
//! flags        u8       bit 0: a KB-JWT follows; other bits 0
//! issuer JWT   3 × field   header, payload, signature (base64url-decoded)
//! count        varint   number of disclosures
//! disclosures  count × field (base64url-decoded)
//! KB-JWT       3 × field   only when bit 0 is set
//! field        varint length, then that many bytes
//! varint       LEB128, at most 3 bytes, minimal
//! ```
//!
//! Why not CBOR: the shape is fixed, so CBOR's type tags would only add bytes and a general
//! decoder's attack surface; a length-prefixed list is the smallest exact encoding and
//! takes 60 lines to read with every bound checked.

use crate::b64;
use crate::error::{CompactError, Error, InputError, Result, SdJwtError};

/// What the packing is called in errors.
const WHAT: &str = "compact presentation";

const HAS_KB_JWT: u8 = 1;

/// The largest value a 3-byte varint holds.
const MAX_VARINT: usize = (1 << 21) - 1;

/// Packs a presentation string. Every part must be canonical base64url so that
/// [`unpack`] gives back exactly the same string.
pub(crate) fn pack(presentation: &str) -> Result<Vec<u8>> {
    let mut parts: Vec<&str> = presentation.split('~').collect();
    let kb_jwt = parts.pop().filter(|kb| !kb.is_empty());
    let Some((jwt, disclosures)) = parts.split_first() else {
        return Err(Error::SdJwt(SdJwtError::NotAnSdJwt(
            "no `~` separator".into(),
        )));
    };
    let mut out = vec![if kb_jwt.is_some() { HAS_KB_JWT } else { 0 }];
    pack_jws(&mut out, jwt, "the issuer-signed JWT")?;
    push_varint(&mut out, disclosures.len())?;
    for disclosure in disclosures {
        push_field(&mut out, disclosure, "a disclosure")?;
    }
    if let Some(kb_jwt) = kb_jwt {
        pack_jws(&mut out, kb_jwt, "the KB-JWT")?;
    }
    Ok(out)
}

fn pack_jws(out: &mut Vec<u8>, jws: &str, what: &'static str) -> Result<()> {
    let parts: Vec<&str> = jws.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(Error::SdJwt(SdJwtError::NotAnSdJwt(format!(
            "{what} is not a compact JWS"
        ))));
    };
    for part in [header, payload, signature] {
        push_field(out, part, what)?;
    }
    Ok(())
}

fn push_field(out: &mut Vec<u8>, text: &str, what: &'static str) -> Result<()> {
    let bytes = b64::decode(text, what)?;
    if b64::encode(&bytes) != text {
        return Err(Error::Compact(CompactError::NotCanonical(what)));
    }
    push_varint(out, bytes.len())?;
    out.extend_from_slice(&bytes);
    Ok(())
}

fn push_varint(out: &mut Vec<u8>, value: usize) -> Result<()> {
    if value > MAX_VARINT {
        return Err(Error::Input(InputError::TooLarge {
            what: WHAT,
            size: value,
            limit: MAX_VARINT,
        }));
    }
    let mut rest = value;
    loop {
        let low = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest == 0 {
            out.push(low);
            return Ok(());
        }
        out.push(low | 0x80);
    }
}

/// Unpacks into the presentation string.
pub(crate) fn unpack(packed: &[u8]) -> Result<String> {
    let mut reader = Reader { rest: packed };
    let flags = reader.byte("the flags")?;
    if flags & !HAS_KB_JWT != 0 {
        return Err(Error::Compact(CompactError::UnknownFlags(flags)));
    }
    let mut out = reader.jws("the issuer-signed JWT")?;
    out.push('~');
    let count = reader.varint("the disclosure count")?;
    for _ in 0..count {
        out.push_str(&b64::encode(reader.field("a disclosure")?));
        out.push('~');
    }
    if flags & HAS_KB_JWT != 0 {
        out.push_str(&reader.jws("the KB-JWT")?);
    }
    if !reader.rest.is_empty() {
        return Err(Error::Compact(CompactError::TrailingData(
            reader.rest.len(),
        )));
    }
    Ok(out)
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self, what: &'static str) -> Result<u8> {
        let (first, rest) = self
            .rest
            .split_first()
            .ok_or(Error::Compact(CompactError::Truncated(what)))?;
        self.rest = rest;
        Ok(*first)
    }

    fn varint(&mut self, what: &'static str) -> Result<usize> {
        let mut value = 0usize;
        for shift in [0, 7, 14] {
            let byte = self.byte(what)?;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(Error::Compact(CompactError::BadLength {
                        what,
                        problem: "it is not minimally encoded",
                    }));
                }
                return Ok(value);
            }
        }
        Err(Error::Compact(CompactError::BadLength {
            what,
            problem: "it is longer than 3 bytes",
        }))
    }

    fn field(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let len = self.varint(what)?;
        if len > self.rest.len() {
            return Err(Error::Compact(CompactError::Truncated(what)));
        }
        let (field, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(field)
    }

    fn jws(&mut self, what: &'static str) -> Result<String> {
        let parts = [self.field(what)?, self.field(what)?, self.field(what)?];
        let encoded: Vec<String> = parts.iter().map(b64::encode).collect();
        Ok(encoded.join("."))
    }
}

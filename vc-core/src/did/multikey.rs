//! Multikey encoding: multibase base58btc (`z…`) of a multicodec-prefixed public key. It is
//! the method-specific id of a did:key and the `publicKeyMultibase` of a `Multikey`
//! verification method.
//!
//! Only P-256 (`p256-pub`, 0x1200, a 33-byte compressed SEC1 point) and Ed25519
//! (`ed25519-pub`, 0xed, 32 bytes) are keys this crate can verify with. Every other
//! multicodec is [`JoseError::UnsupportedKeyType`], named where the code is a known key type.
//!
//! ```
//! use myna_vc_core::{crypto::SecretKey, did::multikey, Error};
//! let key = SecretKey::generate_p256()?.public_key();
//! let text = multikey::encode(&key)?;
//! assert!(text.starts_with("zDn"));
//! assert_eq!(multikey::decode(&text)?, key);
//! // A secp256k1 key (multicodec 0xe7) is well formed but not supported.
//! let k1 = "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme";
//! assert!(matches!(multikey::decode(k1), Err(Error::Jose(myna_vc_core::JoseError::UnsupportedKeyType(_)))));
//! # Ok::<(), Error>(())
//! ```

use crate::crypto::{Ed25519PublicKey, P256PublicKey, PublicKey};
use crate::error::{DidError, Error, JoseError, Result};

/// Multicodec `p256-pub`.
const P256_PUB: u64 = 0x1200;
/// Multicodec `ed25519-pub`.
const ED25519_PUB: u64 = 0xed;

/// Key multicodecs that are recognised only to say which unsupported key type they are.
const UNSUPPORTED: [(u64, &str); 12] = [
    (0xe7, "secp256k1"),
    (0xea, "BLS12-381 G1"),
    (0xeb, "BLS12-381 G2"),
    (0xec, "X25519"),
    (0xee, "BLS12-381 G1+G2"),
    (0xef, "sr25519"),
    (0x1201, "P-384"),
    (0x1202, "P-521"),
    (0x1203, "Ed448"),
    (0x1204, "X448"),
    (0x1205, "RSA"),
    (0x1206, "SM2"),
];

/// The longest multibase text decoded. base58 decoding is quadratic, so a hostile
/// megabyte-long value must stop here; 2048 characters still cover a 4096-bit RSA key, which
/// then gets the more useful "unsupported" answer.
const MAX_TEXT_LENGTH: usize = 2048;

/// The longest unsigned varint multiformats allows (9 bytes, 63 bits).
const MAX_VARINT_BYTES: usize = 9;

/// Encodes a P-256 or Ed25519 key as a multibase multikey (`z…`). RSA keys are
/// [`JoseError::UnsupportedKeyType`]: this crate only verifies with them.
///
/// ```
/// use myna_vc_core::{crypto::SecretKey, did::multikey};
/// let key = SecretKey::ed25519_from_seed(&[0; 32])?.public_key();
/// assert_eq!(multikey::encode(&key)?, "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn encode(key: &PublicKey) -> Result<String> {
    let mut bytes = Vec::with_capacity(36);
    match key {
        PublicKey::P256(k) => {
            write_varint(P256_PUB, &mut bytes);
            bytes.extend_from_slice(&k.to_sec1_compressed());
        }
        PublicKey::Ed25519(k) => {
            write_varint(ED25519_PUB, &mut bytes);
            bytes.extend_from_slice(k.as_bytes());
        }
        other => {
            return Err(Error::Jose(JoseError::UnsupportedKeyType(format!(
                "{} keys have no multikey encoding here",
                other.type_name()
            ))))
        }
    }
    Ok(format!("z{}", bs58::encode(bytes).into_string()))
}

/// Decodes a multibase multikey into a checked public key.
///
/// ```
/// use myna_vc_core::{did::multikey, Error};
/// assert!(matches!(multikey::decode("f0123"), Err(Error::Did(myna_vc_core::DidError::InvalidMultikey(_))))); // not base58btc
/// assert!(matches!(multikey::decode("z0OIl"), Err(Error::Did(myna_vc_core::DidError::InvalidMultikey(_))))); // not base58
/// ```
pub fn decode(text: &str) -> Result<PublicKey> {
    let (codec, key) = decode_parts(text)?;
    match codec {
        P256_PUB => {
            if key.len() != 33 {
                return Err(Error::Jose(JoseError::InvalidKey(
                    "a multikey P-256 key is a 33-byte compressed point".into(),
                )));
            }
            Ok(PublicKey::P256(P256PublicKey::from_sec1(&key)?))
        }
        ED25519_PUB => Ok(PublicKey::Ed25519(Ed25519PublicKey::from_bytes(&key)?)),
        other => Err(unsupported(other)),
    }
}

/// The multicodec and the key bytes after it.
fn decode_parts(text: &str) -> Result<(u64, Vec<u8>)> {
    if text.len() > MAX_TEXT_LENGTH {
        return Err(Error::Did(DidError::InvalidMultikey(format!(
            "{} characters, longer than any key encoding ({MAX_TEXT_LENGTH})",
            text.len()
        ))));
    }
    let encoded = text.strip_prefix('z').ok_or_else(|| {
        Error::Did(DidError::InvalidMultikey(
            "the multibase prefix must be `z` (base58btc)".into(),
        ))
    })?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| Error::Did(DidError::InvalidMultikey("not valid base58btc".into())))?;
    let (codec, used) = read_varint(&bytes)?;
    let key = bytes.get(used..).unwrap_or_default();
    if key.is_empty() {
        return Err(Error::Did(DidError::InvalidMultikey(
            "no key bytes after the multicodec".into(),
        )));
    }
    Ok((codec, key.to_vec()))
}

fn unsupported(codec: u64) -> Error {
    let name = UNSUPPORTED
        .iter()
        .find(|(code, _)| *code == codec)
        .map_or("unknown key type", |(_, name)| *name);
    Error::Jose(JoseError::UnsupportedKeyType(format!(
        "multicodec {codec:#x} ({name})"
    )))
}

/// Reads a multiformats unsigned varint: returns the value and how many bytes it took.
/// Truncated, over-long and non-minimal encodings are refused, so each key has exactly one
/// did:key.
fn read_varint(bytes: &[u8]) -> Result<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(MAX_VARINT_BYTES).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 != 0 {
            continue;
        }
        if byte == 0 && i > 0 {
            return Err(Error::Did(DidError::InvalidMultikey(
                "the multicodec varint is not minimally encoded".into(),
            )));
        }
        return Ok((value, i + 1));
    }
    let detail = match bytes.len() {
        0 => "empty value",
        n if n >= MAX_VARINT_BYTES => "the multicodec varint is longer than 9 bytes",
        _ => "the multicodec varint is truncated",
    };
    Err(Error::Did(DidError::InvalidMultikey(detail.into())))
}

fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    // Each cast keeps seven bits that the mask (or the loop bound) already isolated.
    while value >= 0x80 {
        out.push(((value & 0x7f) as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_and_refuse_bad_encodings() {
        for value in [
            0u64,
            1,
            0x7f,
            0x80,
            0xed,
            0x1200,
            0x3fff,
            0x4000,
            u64::MAX >> 1,
        ] {
            let mut buf = Vec::new();
            write_varint(value, &mut buf);
            assert_eq!(read_varint(&buf).unwrap(), (value, buf.len()));
        }
        assert_eq!(read_varint(&[0x80, 0x24]).unwrap(), (0x1200, 2));
        assert!(matches!(
            read_varint(&[]),
            Err(Error::Did(DidError::InvalidMultikey(_)))
        ));
        assert!(matches!(
            read_varint(&[0x80]),
            Err(Error::Did(DidError::InvalidMultikey(_)))
        ));
        assert!(matches!(
            read_varint(&[0xed, 0x00]),
            Err(Error::Did(DidError::InvalidMultikey(_)))
        ));
        assert!(matches!(
            read_varint(&[0xff; 10]),
            Err(Error::Did(DidError::InvalidMultikey(_)))
        ));
    }
}

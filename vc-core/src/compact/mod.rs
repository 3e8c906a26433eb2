//! The compact presentation: an SD-JWT(+KB) presentation made as small as possible for a QR
//! code shown in person, with no HTTP in between.
//!
//! `MV1:` followed by the base45 (RFC 9285) text of the raw-DEFLATE (RFC 1951) compression of
//! a binary packing of the presentation, in which every JWS part and disclosure is
//! base64url-decoded (see `packing.rs` for the layout). Every character is in the QR code's
//! alphanumeric alphabet, which stores 5.5 bits per character instead of byte mode's 8, as the
//! EU Digital COVID Certificate does. [`decode`] gives back exactly the original presentation
//! string, so ordinary SD-JWT VC verification applies unchanged.
//!
//! Decoding is guarded: at most [`MAX_COMPACT_CHARS`] characters in and
//! [`MAX_PACKED_BYTES`] inflated bytes (a DEFLATE bomb stops there), and a typed error for a
//! wrong prefix or version, bad base45, a broken or truncated DEFLATE stream, a truncated
//! packing and trailing data.
//!
//! Without an OpenID4VP request, the presentation is bound by an [`InPersonChallenge`] the
//! verifier shows (KB-JWT `aud` = its id, `nonce` = a fresh nonce), or at an unattended gate by
//! a [`GateNonce`] derived from the gate's key, its id and the 30-second [`TimeWindow`].
//!
//! ```
//! use myna_vc_core::{compact, Error};
//! # let presentation = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2NpdHkuZXhhbXBsZSJ9.c2ln~";
//! let qr_text = compact::encode(presentation)?;
//! assert!(qr_text.starts_with("MV1:"));
//! assert_eq!(compact::decode(&qr_text)?, presentation);
//! assert!(matches!(compact::decode("MV9:0000"), Err(Error::Compact(myna_vc_core::CompactError::Prefix(_)))));
//! # Ok::<(), Error>(())
//! ```

mod base45;
mod binding;
mod packing;
mod policy_spec;

pub use policy_spec::{PolicySpec, MAX_POLICY_SPEC_LEN};

pub use binding::{
    key_binding_nonce, GateId, GateKey, GateNonce, InPersonChallenge, TimeWindow, CHALLENGE_PREFIX,
    GATE_WINDOW_SECS, MAX_VERIFIER_ID_LEN,
};

use crate::deflate::{self, DeflateError};
use crate::error::{CompactError, Error, InputError, Result};

/// The prefix and version of a compact presentation.
pub const PREFIX: &str = "MV1:";

/// The longest compact presentation accepted, in characters (a version-40 QR code holds at
/// most 4,296 alphanumeric characters).
pub const MAX_COMPACT_CHARS: usize = 16 * 1024;

/// The largest inflated packing accepted.
pub const MAX_PACKED_BYTES: usize = 64 * 1024;

/// Compacts an SD-JWT or SD-JWT+KB presentation (`<jwt>~<disclosure>~…~[<kb-jwt>]`).
///
/// Refuses a string that is not of that shape ([`SdJwtError::NotAnSdJwt`](crate::SdJwtError::NotAnSdJwt), [`InputError::Base64`]), or
/// whose base64url is not canonical ([`CompactError::NotCanonical`]): it could not be given
/// back exactly.
///
/// ```
/// use myna_vc_core::{compact, Error};
/// assert!(matches!(compact::encode("no-tilde"), Err(Error::SdJwt(myna_vc_core::SdJwtError::NotAnSdJwt(_)))));
/// assert!(matches!(compact::encode("a.b~"), Err(Error::SdJwt(myna_vc_core::SdJwtError::NotAnSdJwt(_)))));
/// // `eB` has non-zero trailing bits: it decodes like `eA` would not round-trip.
/// assert!(compact::encode("e30.e30.eB~").is_err());
/// ```
pub fn encode(presentation: &str) -> Result<String> {
    crate::json::check_size("presentation", presentation.len())?;
    let packed = packing::pack(presentation)?;
    let compressed = deflate::compress(&packed, false)
        .map_err(|_| Error::Compact(CompactError::Compression("the compressor failed")))?;
    Ok(format!("{PREFIX}{}", base45::encode(&compressed)))
}

/// Gives back the presentation string a compact presentation was made from.
///
/// ```
/// use myna_vc_core::{compact, Error};
/// assert!(matches!(compact::decode("eyJhbGciOi"), Err(Error::Compact(myna_vc_core::CompactError::Prefix(_)))));
/// assert!(matches!(compact::decode("MV1:abc"), Err(Error::Compact(myna_vc_core::CompactError::Base45))));
/// assert!(matches!(compact::decode("MV1:"), Err(Error::Compact(myna_vc_core::CompactError::Compression(_)))));
/// ```
pub fn decode(compact: &str) -> Result<String> {
    if compact.len() > MAX_COMPACT_CHARS {
        return Err(Error::Input(InputError::TooLarge {
            what: "compact presentation",
            size: compact.len(),
            limit: MAX_COMPACT_CHARS,
        }));
    }
    let body = compact.strip_prefix(PREFIX).ok_or_else(|| {
        if compact.starts_with("MV") {
            Error::Compact(CompactError::Prefix(
                "unsupported version (this crate reads `MV1:`)",
            ))
        } else {
            Error::Compact(CompactError::Prefix("it does not start with `MV1:`"))
        }
    })?;
    let compressed = base45::decode(body)?;
    let packed =
        deflate::decompress(&compressed, false, MAX_PACKED_BYTES).map_err(inflate_error)?;
    packing::unpack(&packed)
}

fn inflate_error(err: DeflateError) -> Error {
    match err {
        DeflateError::TooLarge => Error::Input(InputError::TooLarge {
            what: "inflated compact presentation",
            size: MAX_PACKED_BYTES + 1,
            limit: MAX_PACKED_BYTES,
        }),
        DeflateError::Compressor | DeflateError::Corrupt => {
            Error::Compact(CompactError::Compression("corrupt DEFLATE data"))
        }
        DeflateError::Truncated => {
            Error::Compact(CompactError::Compression("the DEFLATE stream is truncated"))
        }
        DeflateError::Trailing => {
            Error::Compact(CompactError::Compression("bytes follow the DEFLATE stream"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MV1:` text for arbitrary packed bytes, as a hostile encoder would make it.
    fn craft(packed: &[u8]) -> String {
        let compressed = deflate::compress(packed, false).unwrap();
        format!("{PREFIX}{}", base45::encode(&compressed))
    }

    fn packed_example() -> Vec<u8> {
        packing::pack("e30.eyJhIjoxfQ.c2ln~WyJzIiwiYSIsMV0~e30.e30.c2ln").unwrap()
    }

    #[test]
    fn crafted_packings_round_trip_and_damage_is_typed() {
        let packed = packed_example();
        assert_eq!(
            decode(&craft(&packed)).unwrap(),
            "e30.eyJhIjoxfQ.c2ln~WyJzIiwiYSIsMV0~e30.e30.c2ln"
        );
        let mut trailing = packed.clone();
        trailing.push(0);
        assert_eq!(
            decode(&craft(&trailing)),
            Err(Error::Compact(CompactError::TrailingData(1)))
        );
        for cut in 0..packed.len() {
            let err = decode(&craft(&packed[..cut])).unwrap_err();
            assert!(
                matches!(err, Error::Compact(CompactError::Truncated(_))),
                "{cut}: {err:?}"
            );
        }
        let mut flags = packed.clone();
        flags[0] |= 0x80;
        assert!(matches!(
            decode(&craft(&flags)),
            Err(Error::Compact(CompactError::UnknownFlags(_)))
        ));
        // A length of 0 written in two bytes, and a four-byte length.
        for bad_length in [vec![0u8, 0x80, 0x00], vec![0u8, 0xff, 0xff, 0xff, 0x01]] {
            assert!(matches!(
                decode(&craft(&bad_length)),
                Err(Error::Compact(CompactError::BadLength { .. }))
            ));
        }
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_cap() {
        let bomb = vec![0u8; 4 * MAX_PACKED_BYTES];
        let text = craft(&bomb);
        assert!(text.len() < 2_000, "the bomb is small: {}", text.len());
        assert!(matches!(
            decode(&text),
            Err(Error::Input(InputError::TooLarge {
                limit: MAX_PACKED_BYTES,
                ..
            }))
        ));
    }

    #[test]
    fn bytes_after_the_deflate_stream_are_refused() {
        let mut compressed = deflate::compress(&packed_example(), false).unwrap();
        compressed.extend_from_slice(b"xx");
        let text = format!("{PREFIX}{}", base45::encode(&compressed));
        assert_eq!(
            decode(&text),
            Err(Error::Compact(CompactError::Compression(
                "bytes follow the DEFLATE stream"
            )))
        );
    }
}

//! The zlib (RFC 1950) wrapper around the Status List byte array, with the guards a verifier
//! needs against hostile input: a cap on the inflated size (a zlib bomb must not exhaust
//! memory), and refusal of truncated streams and of bytes after the end of the stream (a
//! truncated list would silently read as "all VALID" past the cut).
//!
//! The guarded DEFLATE itself is the crate's `deflate` module (shared with the compact
//! presentation).
//!
//! The zlib Adler-32 trailer is checked, but it is no integrity protection: the property tests
//! found single bit flips in a compressed list that change entries and keep the checksum. What
//! protects a list is the Status List Token's signature, which covers `lst`.

use crate::deflate::{self, DeflateError};
use crate::error::{Error, Result, StatusListError};

use super::MAX_LIST_BYTES;

/// Compresses `bytes` into one zlib stream at the highest level.
pub(crate) fn deflate(bytes: &[u8]) -> Result<Vec<u8>> {
    deflate::compress(bytes, true).map_err(to_error)
}

/// Inflates one complete zlib stream, refusing more than [`MAX_LIST_BYTES`] of output.
pub(crate) fn inflate(compressed: &[u8]) -> Result<Vec<u8>> {
    deflate::decompress(compressed, true, MAX_LIST_BYTES).map_err(to_error)
}

fn to_error(err: DeflateError) -> Error {
    match err {
        DeflateError::Compressor => {
            Error::StatusList(StatusListError::Compression("the compressor failed"))
        }
        DeflateError::TooLarge => Error::StatusList(StatusListError::TooLarge {
            limit: MAX_LIST_BYTES,
        }),
        DeflateError::Corrupt => {
            Error::StatusList(StatusListError::Compression("corrupt zlib data"))
        }
        DeflateError::Truncated => {
            Error::StatusList(StatusListError::Compression("the zlib stream is truncated"))
        }
        DeflateError::Trailing => Error::StatusList(StatusListError::Compression(
            "bytes follow the end of the zlib stream",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_bytes() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(inflate(&deflate(&bytes).unwrap()).unwrap(), bytes);
        assert_eq!(inflate(&deflate(&[]).unwrap()).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn truncation_anywhere_is_refused() {
        let compressed = deflate(&[0xa5; 3000]).unwrap();
        for cut in 0..compressed.len() {
            let err = inflate(&compressed[..cut]).unwrap_err();
            assert!(
                matches!(err, Error::StatusList(StatusListError::Compression(_))),
                "cut {cut}: {err:?}"
            );
        }
    }

    #[test]
    fn trailing_bytes_and_bad_checksum_are_refused() {
        let mut compressed = deflate(b"status").unwrap();
        let mut trailing = compressed.clone();
        trailing.push(0);
        assert_eq!(
            inflate(&trailing),
            Err(Error::StatusList(StatusListError::Compression(
                "bytes follow the end of the zlib stream"
            )))
        );
        // The Adler-32 trailer is the last four bytes.
        let last = compressed.len() - 1;
        compressed[last] ^= 1;
        assert!(matches!(
            inflate(&compressed),
            Err(Error::StatusList(StatusListError::Compression(_)))
        ));
    }

    #[test]
    fn exactly_the_cap_is_accepted_one_more_byte_is_not() {
        let at_cap = vec![0u8; MAX_LIST_BYTES];
        assert_eq!(
            inflate(&deflate(&at_cap).unwrap()).unwrap().len(),
            MAX_LIST_BYTES
        );
        let over = vec![0u8; MAX_LIST_BYTES + 1];
        assert_eq!(
            inflate(&deflate(&over).unwrap()),
            Err(Error::StatusList(StatusListError::TooLarge {
                limit: MAX_LIST_BYTES
            }))
        );
    }
}

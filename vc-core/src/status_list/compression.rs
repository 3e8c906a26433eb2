//! The zlib (RFC 1950) wrapper around the Status List byte array, with the guards a verifier
//! needs against hostile input: a cap on the inflated size (a zlib bomb must not exhaust
//! memory), and refusal of truncated streams and of bytes after the end of the stream (a
//! truncated list would silently read as "all VALID" past the cut).
//!
//! DEFLATE itself is `flate2` on its pure-Rust backend (so this builds for wasm32); only the
//! guards are ours.
//!
//! The zlib Adler-32 trailer is checked, but it is no integrity protection: the property tests
//! found single bit flips in a compressed list that change entries and keep the checksum. What
//! protects a list is the Status List Token's signature, which covers `lst`.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::error::{Error, Result};

use super::MAX_LIST_BYTES;

/// The level used for every list we compress: miniz_oxide's highest. The draft recommends
/// "the highest compression level available"; level 10 is miniz's extended ("uber") level 9,
/// still plain zlib that any inflater reads.
const LEVEL: u32 = 10;

/// Grows the output buffer in steps no smaller than this.
const MIN_GROWTH: usize = 4096;

/// Compresses `bytes` into one zlib stream at the highest level.
pub(crate) fn deflate(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut deflater = Compress::new(Compression::new(LEVEL), true);
    // Status lists are mostly zeros and compress well; start small and double as needed.
    let mut out = Vec::with_capacity(bytes.len() / 16 + 64);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(MIN_GROWTH));
        }
        let before = (deflater.total_in(), deflater.total_out());
        let rest = bytes.get(progress(before.0)..).unwrap_or_default();
        let status = deflater
            .compress_vec(rest, &mut out, FlushCompress::Finish)
            .map_err(|_| Error::StatusListCompression("the compressor failed"))?;
        if status == Status::StreamEnd {
            return Ok(out);
        }
        let stalled = (deflater.total_in(), deflater.total_out()) == before;
        if stalled && out.len() < out.capacity() {
            return Err(Error::StatusListCompression(
                "the compressor made no progress",
            ));
        }
    }
}

/// Inflates one complete zlib stream, refusing more than [`MAX_LIST_BYTES`] of output.
pub(crate) fn inflate(compressed: &[u8]) -> Result<Vec<u8>> {
    let mut inflater = Decompress::new(true);
    let mut out = Vec::new();
    loop {
        if out.len() > MAX_LIST_BYTES {
            return Err(Error::StatusListTooLarge {
                limit: MAX_LIST_BYTES,
            });
        }
        if out.len() == out.capacity() {
            // Room for one byte past the cap, so that crossing it is seen above.
            let room = (MAX_LIST_BYTES + 1).saturating_sub(out.len());
            out.reserve_exact(out.capacity().max(MIN_GROWTH).min(room));
        }
        let before = (inflater.total_in(), inflater.total_out());
        let rest = compressed.get(progress(before.0)..).unwrap_or_default();
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|_| Error::StatusListCompression("corrupt zlib data"))?;
        if status == Status::StreamEnd {
            break;
        }
        if (inflater.total_in(), inflater.total_out()) == before {
            return Err(Error::StatusListCompression("the zlib stream is truncated"));
        }
    }
    if out.len() > MAX_LIST_BYTES {
        return Err(Error::StatusListTooLarge {
            limit: MAX_LIST_BYTES,
        });
    }
    if progress(inflater.total_in()) != compressed.len() {
        return Err(Error::StatusListCompression(
            "bytes follow the end of the zlib stream",
        ));
    }
    Ok(out)
}

/// A byte count reported by flate2 as a slice offset (it never exceeds the input's length).
fn progress(total: u64) -> usize {
    usize::try_from(total).unwrap_or(usize::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
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
                matches!(err, Error::StatusListCompression(_)),
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
            Err(Error::StatusListCompression(
                "bytes follow the end of the zlib stream"
            ))
        );
        // The Adler-32 trailer is the last four bytes.
        let last = compressed.len() - 1;
        compressed[last] ^= 1;
        assert!(matches!(
            inflate(&compressed),
            Err(Error::StatusListCompression(_))
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
            Err(Error::StatusListTooLarge {
                limit: MAX_LIST_BYTES
            })
        );
    }
}

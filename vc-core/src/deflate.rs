//! Guarded DEFLATE (RFC 1951), raw or in its zlib wrapper (RFC 1950), shared by the Status
//! List (`lst`) and the compact presentation: a cap on the inflated size (a DEFLATE bomb must
//! not exhaust memory), and refusal of truncated streams and of bytes after the end of the
//! stream. DEFLATE itself is `flate2` on its pure-Rust backend (so this builds for wasm32);
//! only the guards are ours. Callers map [`DeflateError`] to their own typed errors.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// miniz_oxide's highest level (its extended "uber" level 9), still plain DEFLATE that any
/// inflater reads: lists and presentations are compressed once and read many times, and the
/// Status List draft recommends "the highest compression level available".
const LEVEL: u32 = 10;

/// Smallest growth step of the output buffers.
const MIN_GROWTH: usize = 4096;

/// Why compressing or inflating failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeflateError {
    /// The compressor failed or stalled (not expected with in-memory buffers).
    Compressor,
    /// The inflated data would exceed the caller's limit.
    TooLarge,
    /// Not valid DEFLATE (or zlib) data, or a bad zlib checksum.
    Corrupt,
    /// The stream ends before its final block.
    Truncated,
    /// Bytes follow the end of the stream.
    Trailing,
}

/// Compresses `bytes`, with a zlib header and checksum when `zlib`.
pub(crate) fn compress(bytes: &[u8], zlib: bool) -> Result<Vec<u8>, DeflateError> {
    let mut deflater = Compress::new(Compression::new(LEVEL), zlib);
    // Start small and double as needed.
    let mut out = Vec::with_capacity(bytes.len() / 16 + 64);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(MIN_GROWTH));
        }
        let before = (deflater.total_in(), deflater.total_out());
        let rest = bytes.get(progress(before.0)..).unwrap_or_default();
        let status = deflater
            .compress_vec(rest, &mut out, FlushCompress::Finish)
            .map_err(|_| DeflateError::Compressor)?;
        if status == Status::StreamEnd {
            return Ok(out);
        }
        let stalled = (deflater.total_in(), deflater.total_out()) == before;
        if stalled && out.len() < out.capacity() {
            return Err(DeflateError::Compressor);
        }
    }
}

/// Inflates one complete stream of at most `limit` inflated bytes that spans all of
/// `compressed`.
pub(crate) fn decompress(
    compressed: &[u8],
    zlib: bool,
    limit: usize,
) -> Result<Vec<u8>, DeflateError> {
    let mut inflater = Decompress::new(zlib);
    let mut out = Vec::new();
    loop {
        if out.len() > limit {
            return Err(DeflateError::TooLarge);
        }
        if out.len() == out.capacity() {
            // Room for one byte past the cap, so that crossing it is seen above.
            let room = (limit + 1).saturating_sub(out.len());
            out.reserve_exact(out.capacity().max(MIN_GROWTH).min(room));
        }
        let before = (inflater.total_in(), inflater.total_out());
        let rest = compressed.get(progress(before.0)..).unwrap_or_default();
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|_| DeflateError::Corrupt)?;
        if status == Status::StreamEnd {
            break;
        }
        if (inflater.total_in(), inflater.total_out()) == before {
            return Err(DeflateError::Truncated);
        }
    }
    if out.len() > limit {
        return Err(DeflateError::TooLarge);
    }
    if progress(inflater.total_in()) != compressed.len() {
        return Err(DeflateError::Trailing);
    }
    Ok(out)
}

fn progress(total: u64) -> usize {
    usize::try_from(total).unwrap_or(usize::MAX)
}

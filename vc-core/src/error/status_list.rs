//! Errors of Token Status Lists.

/// What went wrong with Token Status Lists.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusListError {
    /// A Status List `bits` value other than 1, 2, 4 or 8.
    #[error("status list `bits` must be 1, 2, 4 or 8, not {0}")]
    UnsupportedBits(u64),
    /// A status value that needs more bits than the list has per entry.
    #[error("status {status:#04x} does not fit in {bits} bit(s) per entry")]
    TooWide {
        /// The status value.
        status: u8,
        /// The list's bits per entry.
        bits: u8,
    },
    /// An index at or beyond the end of the Status List (the draft says: reject the token).
    #[error("status index {index} is out of range for a list of {len} entries")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The number of entries in the list.
        len: u64,
    },
    /// A Status List whose byte array is larger than this crate holds (a zlib-bomb guard).
    #[error("status list byte array exceeds the {limit}-byte limit")]
    TooLarge {
        /// The limit in bytes of the uncompressed byte array.
        limit: usize,
    },
    /// The Status List's `lst` is not one complete, valid zlib (RFC 1950) stream.
    #[error("status list zlib error: {0}")]
    Compression(&'static str),
    /// A status list URI (`uri`, `aggregation_uri`, a token's `sub`) that is not an RFC 3986
    /// URI. The input is not echoed.
    #[error("not a valid URI: {problem}")]
    InvalidUri {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The Status List Token's `sub` is not the `uri` the Referenced Token points to.
    #[error("status list token is for `{found}`, but `{expected}` was referenced")]
    UriMismatch {
        /// The URI the caller or the Referenced Token expected.
        expected: String,
        /// The `sub` of the Status List Token.
        found: String,
    },
}

impl StatusListError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            StatusListError::UnsupportedBits(..) => "unsupported_status_bits",
            StatusListError::TooWide { .. } => "status_too_wide",
            StatusListError::IndexOutOfRange { .. } => "status_index_out_of_range",
            StatusListError::TooLarge { .. } => "status_list_too_large",
            StatusListError::Compression(..) => "status_list_compression",
            StatusListError::InvalidUri { .. } => "status_list_invalid_uri",
            StatusListError::UriMismatch { .. } => "status_list_uri_mismatch",
        }
    }
}

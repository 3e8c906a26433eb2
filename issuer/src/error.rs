//! The one error type of `myna-issuer`.

/// What went wrong in the issuer library.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the formats layer (JOSE, SD-JWT, status lists, …).
    #[error(transparent)]
    Core(#[from] myna_vc_core::Error),
    /// A context identifier that is empty, too long or has control characters.
    #[error("invalid context id: {0}")]
    InvalidContextId(&'static str),
    /// An escrow policy that cannot protect anything (threshold below 2, above the number of
    /// trustees, duplicate trustees, more than 255 trustees).
    #[error("invalid escrow policy: {0}")]
    InvalidEscrowPolicy(String),
    /// Fewer distinct trustees released their share than the sealed record requires.
    #[error("escrow opening needs {required} trustees, {given} released a share")]
    EscrowQuorumNotMet {
        /// The threshold recorded in the sealed link.
        required: u8,
        /// Distinct valid releases given.
        given: usize,
    },
    /// A trustee tried to release a share of a record it holds no share of, or a share was
    /// released for another record.
    #[error("trustee `{0}` holds no share of this sealed link")]
    NotATrustee(String),
    /// Decryption of a sealed share or of the sealed link failed: wrong key, tampered data, or
    /// shares from different records.
    #[error("escrow decryption failed: {0}")]
    EscrowDecryption(&'static str),
    /// The random source failed.
    #[error("random source unavailable")]
    Randomness,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

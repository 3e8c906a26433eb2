//! Errors of compact presentations for QR codes and in-person gates.

/// What went wrong with compact presentations for QR codes and in-person gates.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompactError {
    /// Text that does not start with the compact presentation prefix and a known version.
    #[error("not a compact presentation: {0}")]
    Prefix(&'static str),
    /// The compact presentation's body is not valid base45 (RFC 9285).
    #[error("compact presentation is not valid base45")]
    Base45,
    /// The compact presentation's body does not inflate as one complete raw DEFLATE stream.
    #[error("compact presentation does not inflate: {0}")]
    Compression(&'static str),
    /// The packed presentation ends in the middle of a field.
    #[error("compact presentation is truncated in {0}")]
    Truncated(&'static str),
    /// Bytes remain after the packed presentation.
    #[error("compact presentation has {0} trailing byte(s)")]
    TrailingData(usize),
    /// The packed presentation sets flag bits this version does not know.
    #[error("compact presentation sets unknown flag bits in {0:#04x}")]
    UnknownFlags(u8),
    /// A length prefix in the packed presentation that is not a minimal varint of at most 3
    /// bytes (one presentation must have one packed form).
    #[error("the length of {what} is invalid: {problem}")]
    BadLength {
        /// The field whose length it is.
        what: &'static str,
        /// What is wrong with the length.
        problem: &'static str,
    },
    /// An in-person challenge `MVC1:<nonce>:<audience>` without the `:` before the audience.
    #[error("the in-person challenge has no `:` between the nonce and the audience")]
    ChallengeWithoutAudience,
    /// An in-person challenge's policy spec (after the one space) that is empty, too long, or
    /// not printable ASCII without spaces.
    #[error("the in-person challenge's policy spec is invalid: {0}")]
    ChallengePolicy(&'static str),
    /// A different number of compact presentations (QR texts) than credentials requested.
    #[error("{texts} compact presentations for {requested} requested credentials")]
    TextCount {
        /// How many texts were given.
        texts: usize,
        /// How many credentials the request asks for.
        requested: usize,
    },
    /// Two compact presentations of the same credential type where the request asks for it
    /// once (the same QR code scanned twice, or two of one kind instead of two kinds).
    #[error("two compact presentations of {vct}, which is requested once")]
    RepeatedType {
        /// The credential type (`vct`) presented again.
        vct: String,
    },
    /// A compact presentation of a credential type the request does not ask for.
    #[error("a compact presentation of {vct}, which is not requested")]
    UnrequestedType {
        /// The credential type (`vct`) presented.
        vct: String,
    },
    /// A compact presentation whose credential names no type (`vct`), so it answers no
    /// requested credential.
    #[error("a compact presentation whose credential names no type (vct)")]
    Untyped,
    /// A presentation part whose base64url is not canonical, so it would not round-trip exactly.
    #[error("{0} is not canonical base64url and cannot be packed exactly")]
    NotCanonical(&'static str),
    /// The KB-JWT nonce is not the gate's nonce for the current or the previous time window.
    #[error("nonce is not this gate's nonce for the current or previous window")]
    GateNonceMismatch,
}

impl CompactError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            CompactError::Prefix(..) => "compact_prefix",
            CompactError::Base45 => "compact_base45",
            CompactError::Compression(..) => "compact_compression",
            CompactError::Truncated(..) => "compact_truncated",
            CompactError::TrailingData(..) => "compact_trailing_data",
            CompactError::UnknownFlags(..) => "compact_unknown_flags",
            CompactError::BadLength { .. } => "compact_bad_length",
            CompactError::ChallengeWithoutAudience => "challenge_without_audience",
            CompactError::ChallengePolicy(..) => "challenge_policy_invalid",
            CompactError::TextCount { .. } => "compact_text_count",
            CompactError::RepeatedType { .. } => "compact_repeated_type",
            CompactError::UnrequestedType { .. } => "compact_unrequested_type",
            CompactError::Untyped => "compact_untyped",
            CompactError::NotCanonical(..) => "compact_not_canonical",
            CompactError::GateNonceMismatch => "gate_nonce_mismatch",
        }
    }
}

//! Errors of input shape: sizes, nesting, base64url, JSON syntax and JSON members.

/// What went wrong with input shape: sizes, nesting, base64url, JSON syntax and JSON members.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input is larger than this crate accepts for that kind of object.
    #[error("{what} is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// What was being parsed.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// JSON nested deeper than this crate follows (a guard against stack exhaustion).
    #[error("{what} is nested more than {limit} levels deep")]
    NestingTooDeep {
        /// What was being parsed.
        what: &'static str,
        /// The depth limit.
        limit: usize,
    },
    /// Not valid base64url (unpadded, URL-safe alphabet).
    #[error("{what} is not valid base64url")]
    Base64 {
        /// What was being decoded.
        what: &'static str,
    },
    /// Not valid JSON, or JSON of the wrong shape.
    #[error("{what} is not valid JSON: {detail}")]
    Json {
        /// What was being parsed.
        what: &'static str,
        /// The parser's explanation.
        detail: String,
    },
    /// A structure is missing a part or has a part of the wrong kind.
    #[error("{what} is malformed: {detail}")]
    Malformed {
        /// What was being parsed.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

impl InputError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            InputError::TooLarge { .. } => "input_too_large",
            InputError::NestingTooDeep { .. } => "nesting_too_deep",
            InputError::Base64 { .. } => "base64",
            InputError::Json { .. } => "json",
            InputError::Malformed { .. } => "malformed",
        }
    }
}

//! Errors of digit codes, prefectures and municipalities.

/// What went wrong with digit codes, prefectures and municipalities.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MunicipalError {
    /// A fixed-length digit code or number has the wrong number of characters.
    #[error("{what} must be {expected} digits, not {found} characters")]
    CodeLength {
        /// What was being parsed.
        what: &'static str,
        /// The required number of digits.
        expected: usize,
        /// The number of characters found.
        found: usize,
    },
    /// A digit code or number contains something other than an ASCII digit.
    #[error("{what} has a non-digit character at position {position}")]
    CodeNotDigit {
        /// What was being parsed.
        what: &'static str,
        /// The 0-based character position of the first offending character.
        position: usize,
    },
    /// The check digit of a code or number does not match its other digits.
    #[error("{what} has a wrong check digit")]
    CheckDigitMismatch {
        /// What was being parsed.
        what: &'static str,
    },
    /// A prefecture code outside 01–47.
    #[error("prefecture code {0:02} is not one of 01-47")]
    UnknownPrefecture(u8),
    /// A municipality's prefecture name that is not the prefecture of its code (the first two
    /// digits): a typo in the code or in the name.
    #[error(
        "prefecture `{found}` does not match municipality code {code}, which is in {expected}"
    )]
    PrefectureMismatch {
        /// The municipality code.
        code: crate::municipality::MunicipalityCode,
        /// The name of the code's prefecture.
        expected: &'static str,
        /// The prefecture name given (at most 32 characters of it).
        found: String,
    },
    /// A municipality name that a certified address cannot contain (see
    /// [`Municipality::new`](crate::municipality::Municipality::new)).
    #[error("municipality name `{name}` {problem}")]
    InvalidMunicipalityName {
        /// The name given (at most 32 characters of it).
        name: String,
        /// What is wrong with it.
        problem: crate::municipality::MunicipalityNameProblem,
    },
}

impl MunicipalError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            MunicipalError::CodeLength { .. } => "code_length",
            MunicipalError::CodeNotDigit { .. } => "code_not_digit",
            MunicipalError::CheckDigitMismatch { .. } => "check_digit_mismatch",
            MunicipalError::UnknownPrefecture(..) => "unknown_prefecture",
            MunicipalError::PrefectureMismatch { .. } => "prefecture_mismatch",
            MunicipalError::InvalidMunicipalityName { .. } => "invalid_municipality_name",
        }
    }
}

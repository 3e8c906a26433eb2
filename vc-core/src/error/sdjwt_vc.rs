//! Errors of SD-JWT VC: credential types and their schemas.

/// What went wrong with SD-JWT VC: credential types and their schemas.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdJwtVcError {
    /// The credential's `vct` is not the one the caller expected.
    #[error("credential type `{found}` where `{expected}` was expected")]
    WrongVct {
        /// The expected vct.
        expected: String,
        /// The vct found.
        found: String,
    },
    /// The claims do not satisfy the credential type's declaration or schema.
    #[error("claims do not fit credential type `{vct}`: {detail}")]
    SchemaViolation {
        /// The credential type.
        vct: String,
        /// What does not fit.
        detail: String,
    },
}

impl SdJwtVcError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            SdJwtVcError::WrongVct { .. } => "wrong_vct",
            SdJwtVcError::SchemaViolation { .. } => "schema_violation",
        }
    }
}

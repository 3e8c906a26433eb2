//! The identifiers the issuer keeps instead of personal data: a credential's id and a
//! person's subject handle. A leaf of the module graph: records, the audit log, the store and
//! the error type all name them.

use core::fmt;

use myna_vc_core::{b64, crypto::fill_random};

/// Why an identifier could not be made or read.
/// ```
/// use myna_issuer::record::CredentialId;
/// let err = CredentialId::parse("AAAA").unwrap_err();
/// assert_eq!(err.to_string(), "a credential id is 16 bytes, got 3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentifierError {
    /// The random source failed.
    #[error("random source unavailable")]
    Randomness(#[source] myna_vc_core::Error),
    /// The text is not base64url.
    #[error("not base64url")]
    Encoding(#[source] myna_vc_core::Error),
    /// The decoded identifier has the wrong length.
    #[error("a {what} is {expected} bytes, got {got}")]
    Length {
        /// Which identifier.
        what: &'static str,
        /// Its length.
        expected: usize,
        /// The length given.
        got: usize,
    },
}

/// A credential's identifier in the issuer's store: 128 random bits, shown as base64url.
/// It is the store's key, not a claim of the credential.
/// ```
/// use myna_issuer::record::CredentialId;
/// let id = CredentialId::random()?;
/// assert_eq!(id.to_string().len(), 22);
/// assert_eq!(CredentialId::parse(&id.to_string())?, id);
/// assert!(CredentialId::parse("too-short").is_err());
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CredentialId(pub(crate) [u8; 16]);

impl CredentialId {
    /// A fresh identifier from the operating system's CSPRNG.
    /// ```
    /// use myna_issuer::record::CredentialId;
    /// assert_ne!(CredentialId::random()?, CredentialId::random()?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn random() -> Result<Self, IdentifierError> {
        let mut bytes = [0; 16];
        fill_random(&mut bytes).map_err(IdentifierError::Randomness)?;
        Ok(CredentialId(bytes))
    }

    /// The identifier with these bytes.
    /// ```
    /// use myna_issuer::record::CredentialId;
    /// assert_eq!(CredentialId::from_bytes([0; 16]).to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
    /// ```
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        CredentialId(bytes)
    }

    /// The 16 bytes.
    /// ```
    /// use myna_issuer::record::CredentialId;
    /// assert_eq!(CredentialId::from_bytes([7; 16]).as_bytes(), &[7; 16]);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses the base64url form; anything else is an [`IdentifierError`] (which a
    /// [`crate::Error`] takes as `Invalid`).
    /// ```
    /// use myna_issuer::{record::CredentialId, Error, IdentifierError};
    /// assert!(matches!(CredentialId::parse("AAAA"), Err(IdentifierError::Length { got: 3, .. })));
    /// let err = Error::from(CredentialId::parse("AAAA").unwrap_err());
    /// assert!(matches!(err, Error::Invalid { .. }));
    /// ```
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let bytes = b64::decode(text, "credential id").map_err(IdentifierError::Encoding)?;
        Self::from_slice(&bytes).ok_or(IdentifierError::Length {
            what: "credential id",
            expected: 16,
            got: bytes.len(),
        })
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(CredentialId)
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0))
    }
}

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({self})")
    }
}

/// A pseudonymous handle for one person, as the issuer's store knows them: 32 opaque bytes.
/// It is not personal data by itself: it is derived or drawn by the anchoring step, and only
/// the escrowed link (kept elsewhere) maps it back to a card holder.
/// ```
/// use myna_issuer::record::SubjectHandle;
/// let a = SubjectHandle::from_bytes([1; 32]);
/// assert_eq!(a.as_bytes(), &[1; 32]);
/// assert_ne!(SubjectHandle::random()?, a);
/// # Ok::<(), myna_issuer::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubjectHandle(pub(crate) [u8; 32]);

impl SubjectHandle {
    /// The handle with these bytes.
    /// ```
    /// use myna_issuer::record::SubjectHandle;
    /// assert_eq!(SubjectHandle::from_bytes([0; 32]).as_bytes(), &[0; 32]);
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        SubjectHandle(bytes)
    }

    /// A fresh random handle.
    /// ```
    /// use myna_issuer::record::SubjectHandle;
    /// assert_ne!(SubjectHandle::random()?, SubjectHandle::random()?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn random() -> Result<Self, IdentifierError> {
        let mut bytes = [0; 32];
        fill_random(&mut bytes).map_err(IdentifierError::Randomness)?;
        Ok(SubjectHandle(bytes))
    }

    /// The 32 bytes.
    /// ```
    /// use myna_issuer::record::SubjectHandle;
    /// assert_eq!(SubjectHandle::from_bytes([9; 32]).as_bytes()[0], 9);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for SubjectHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0))
    }
}

impl fmt::Debug for SubjectHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubjectHandle({self})")
    }
}

//! The crate's one error type: every way an issuer operation can fail, typed so a caller can
//! tell "the database failed" from "that credential is already revoked".

use core::fmt;
use std::sync::Arc;

use myna_vc_core::status_list::Status;

use myna_jpki::profile::CertificateType;

pub use crate::anchor_rejection::AnchorRejection;
pub use crate::fact_rejection::FactRejection;
use crate::identifier::{CredentialId, IdentifierError};
use crate::status_change::Transition;

/// Everything that can go wrong in `myna-issuer`.
/// ```
/// use myna_issuer::Error;
/// let err = Error::UnknownStatusList("https://city.example/status/1".into());
/// assert_eq!(err.to_string(), "no status list https://city.example/status/1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The storage engine failed (I/O, a corrupt file, a failed commit), or a value could not
    /// be encoded for it. Nothing of the failed operation was written.
    #[error("storage failed: {0}")]
    Storage(#[source] StorageError),
    /// A value read back from storage does not decode: the file was damaged or edited.
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt {
        /// Which kind of value.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A value handed in is not well formed (an identifier of the wrong length, say).
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// Which kind of value.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// An error from `myna-vc-core` (status list sizes, randomness, …).
    #[error(transparent)]
    Core(#[from] myna_vc_core::Error),
    /// No status list has this URI.
    #[error("no status list {0}")]
    UnknownStatusList(String),
    /// A status list with this URI exists already.
    #[error("status list {0} exists already")]
    StatusListExists(String),
    /// The status list has fewer free entries than the batch needs.
    #[error("status list {uri} has {free} free entries, {requested} requested")]
    StatusListFull {
        /// The list.
        uri: String,
        /// Entries not yet assigned.
        free: u64,
        /// Entries the batch asked for.
        requested: u64,
    },
    /// No credential record has this id.
    #[error("no credential {0}")]
    UnknownCredential(CredentialId),
    /// The status change is not allowed from the credential's current status (revocation is
    /// final; only a suspended credential can be resumed).
    #[error("credential {id} is {from}: cannot {transition}")]
    IllegalTransition {
        /// The credential.
        id: CredentialId,
        /// Its current status.
        from: Status,
        /// The refused change.
        transition: Transition,
    },
    /// A challenge nonce was refused.
    #[error("challenge refused: {0}")]
    Challenge(ChallengeRejection),
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
    /// Resident and subsidy credentials are issued by municipalities only.
    #[error("this issuer is not a municipality")]
    NotAMunicipality,
    /// The credential configuration is not one this issuer's configuration offers.
    #[error("this issuer does not issue `{0}` (its configuration does not offer it)")]
    NotOffered(String),
    /// The certified address does not lie in the issuer's municipality.
    #[error("the certified address is not in municipality {0}")]
    NotResident(myna_vc_core::municipality::MunicipalityCode),
    /// The subsidy's coverage has already ended.
    #[error("the subsidy's coverage has ended")]
    CoverageEnded,
    /// The audit log's hash chain does not verify from this entry on.
    #[error("audit log broken at entry {seq}: {reason}")]
    AuditChainBroken {
        /// The first entry that fails.
        seq: u64,
        /// Why it fails.
        reason: String,
    },
    // ---- anchoring and the CRL cascade ----
    /// `myna-jpki` refused the card: its certificate (wrong type for the purpose, a test
    /// certificate in production, expired, revoked, unknown root …) or its signature.
    #[error("card refused: {0}")]
    Card(#[from] myna_jpki::Error),
    /// The wallet's answer to an anchoring challenge was refused.
    #[error("anchoring refused: {0}")]
    Anchor(AnchorRejection),
    /// The certificate is linked to another person handle already.
    #[error("this {certificate_type} certificate is linked to another person")]
    CertificateLinkConflict {
        /// The certificate's type.
        certificate_type: CertificateType,
    },
    /// An imported CRL listed this certificate: it anchors nothing any more.
    #[error("the certificate was revoked ({0})")]
    CertificateRevoked(myna_jpki::crl::RevocationReason),
    /// No person is known behind this certificate: it was never anchored nor linked.
    #[error("no person is known behind this {0} certificate")]
    UnknownCertificate(CertificateType),
    // ---- escrow store ----
    /// Bytes handed to [`SealedLink::from_bytes`](crate::escrow::SealedLink::from_bytes) are
    /// not a sealed link in a format this version knows.
    #[error("malformed sealed link: {0}")]
    MalformedSealedLink(&'static str),
    /// No sealed link is stored for this context and pseudonym.
    #[error("no sealed link is stored for this pseudonym")]
    UnknownSealedLink,
    /// Pseudonym credentials are issued only with their link sealed under an escrow policy,
    /// and this issuer has none
    /// ([`CredentialIssuer::with_escrow`](crate::issuance::CredentialIssuer::with_escrow)).
    #[error("no escrow policy is configured: pseudonym credentials are refused")]
    EscrowNotConfigured,
    // ---- offers and status changes by person ----
    /// A fact supplied for an offer is implausible (an address outside the municipality, a
    /// birth date in the future or before 1900, …): refused when the offer is made, never
    /// only at redemption.
    #[error("implausible fact: {0}")]
    ImplausibleFact(FactRejection),
    /// No credential of this person (subject handle) is recorded here.
    #[error("no credential of this subject is recorded")]
    UnknownSubject,
    /// An escrow error the issuer has no variant of its own for (a trustee key file that
    /// does not open, a trustee key that opens another trustee's share): the trustee's side
    /// of [`myna_escrow`], which the issuer itself never meets.
    #[error(transparent)]
    Escrow(myna_escrow::Error),
}

impl From<myna_escrow::Error> for Error {
    /// The escrow's errors keep the issuer's variants they always had
    /// ([`Error::InvalidEscrowPolicy`], [`Error::EscrowQuorumNotMet`], [`Error::NotATrustee`],
    /// [`Error::EscrowDecryption`], [`Error::MalformedSealedLink`], [`Error::Randomness`]),
    /// so callers and audit reasons see no change; the trustee-side rest is
    /// [`Error::Escrow`].
    ///
    /// ```
    /// use myna_issuer::Error;
    /// let err = Error::from(myna_escrow::Error::NotATrustee("bob".into()));
    /// assert_eq!(err, Error::NotATrustee("bob".into()));
    /// ```
    fn from(err: myna_escrow::Error) -> Self {
        use myna_escrow::Error as E;
        match err {
            E::InvalidEscrowPolicy(why) => Error::InvalidEscrowPolicy(why),
            E::EscrowQuorumNotMet { required, given } => {
                Error::EscrowQuorumNotMet { required, given }
            }
            E::NotATrustee(id) => Error::NotATrustee(id),
            E::EscrowDecryption(why) => Error::EscrowDecryption(why),
            E::MalformedSealedLink(why) => Error::MalformedSealedLink(why),
            E::Randomness => Error::Randomness,
            other => Error::Escrow(other),
        }
    }
}

/// Why the storage failed, with the engine's or the encoder's error as the source.
///
/// Two storage errors are equal when they are of the same kind with the same message (the
/// engine's errors themselves cannot be compared).
/// ```
/// use myna_issuer::StorageError;
/// let err = StorageError::Invariant("a batch of one recorded nothing");
/// assert_eq!(err.to_string(), "a batch of one recorded nothing");
/// assert!(std::error::Error::source(&err).is_none());
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The redb engine failed: I/O, a corrupt or locked file, a failed commit.
    #[error("the storage engine failed")]
    Engine(#[source] Arc<redb::Error>),
    /// A row could not be encoded.
    #[error("a row could not be encoded")]
    Encode(#[source] Arc<serde_json::Error>),
    /// Sealing a row failed.
    #[error("a row could not be sealed")]
    Seal,
    /// The PostgreSQL database failed: unreachable, a refused login, a statement's timeout, a
    /// failed commit (the message names the server, never the password).
    #[cfg(feature = "postgres")]
    #[error("the database failed: {0}")]
    Database(myna_postgres::DbError),
    /// The store broke one of its own invariants (a bug, or a store edited behind its back).
    #[error("{0}")]
    Invariant(&'static str),
}

impl PartialEq for StorageError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (StorageError::Engine(a), StorageError::Engine(b)) => a.to_string() == b.to_string(),
            (StorageError::Encode(a), StorageError::Encode(b)) => a.to_string() == b.to_string(),
            (StorageError::Seal, StorageError::Seal) => true,
            #[cfg(feature = "postgres")]
            (StorageError::Database(a), StorageError::Database(b)) => a == b,
            (StorageError::Invariant(a), StorageError::Invariant(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for StorageError {}

impl From<IdentifierError> for Error {
    /// A failed random source is [`Error::Randomness`]; a malformed identifier
    /// [`Error::Invalid`].
    fn from(err: IdentifierError) -> Self {
        match err {
            IdentifierError::Randomness(_) => Error::Randomness,
            IdentifierError::Encoding(_) | IdentifierError::Length { .. } => Error::Invalid {
                what: "identifier",
                detail: err.to_string(),
            },
        }
    }
}

/// Why a challenge nonce was not accepted.
/// ```
/// use myna_issuer::ChallengeRejection;
/// assert_eq!(ChallengeRejection::AlreadyUsed.to_string(), "already used");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChallengeRejection {
    /// The nonce was never issued by this issuer for this purpose: its MAC does not verify
    /// (forged, altered, or made under another key), or it is not a nonce at all.
    Unknown,
    /// The nonce was consumed before: a replay.
    AlreadyUsed,
    /// The nonce's lifetime has ended.
    Expired,
}

impl fmt::Display for ChallengeRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChallengeRejection::Unknown => "unknown (not issued here, or altered)",
            ChallengeRejection::AlreadyUsed => "already used",
            ChallengeRejection::Expired => "expired",
        })
    }
}

/// `Result` with this crate's [`Error`].
/// ```
/// fn nothing() -> myna_issuer::Result<()> { Ok(()) }
/// assert!(nothing().is_ok());
/// ```
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// A storage engine failure, kept as the source.
    /// A PostgreSQL failure.
    #[cfg(feature = "postgres")]
    pub(crate) fn database(err: myna_postgres::DbError) -> Self {
        Error::Storage(StorageError::Database(err))
    }

    pub(crate) fn storage(err: impl Into<redb::Error>) -> Self {
        Error::Storage(StorageError::Engine(Arc::new(err.into())))
    }

    /// A broken invariant of the store.
    pub(crate) fn invariant(what: &'static str) -> Self {
        Error::Storage(StorageError::Invariant(what))
    }

    /// A row that could not be encoded.
    pub(crate) fn encode(err: serde_json::Error) -> Self {
        Error::Storage(StorageError::Encode(Arc::new(err)))
    }

    /// A stored value that does not decode.
    pub(crate) fn corrupt(what: &'static str, detail: impl fmt::Display) -> Self {
        Error::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }
}

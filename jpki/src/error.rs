//! The one error type of `myna-jpki`.
//!
//! Every failure the card and its certificates can produce has its own variant, so that the
//! issuer can tell a resident "your certificate was revoked on 3 May because you moved" rather
//! than "invalid", and so that each test can assert the exact reason. Nothing in this crate
//! panics on bad input; it returns one of these.

use myna_vc_core::time::NumericDate;

use crate::profile::{CertificateType, KeyUsage};
use crate::reader_problem::ReaderProblem;
use crate::revocation_reason::RevocationReason;
use crate::serial::SerialNumber;
use crate::status_word::StatusWord;

/// What went wrong in `myna-jpki`.
///
/// ```
/// use myna_jpki::{certificate::Certificate, Error};
/// let err = Certificate::parse(b"not a certificate").unwrap_err();
/// assert!(matches!(err, Error::Der { what: "certificate", .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input shape ---------------------------------------------------------------------
    /// The input is larger than this crate accepts for that kind of object.
    #[error("{what} is {size} bytes, more than the {limit}-byte limit")]
    InputTooLarge {
        /// What was being parsed.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not DER, truncated, trailing bytes, or not the ASN.1 structure expected.
    #[error("{what} is not well-formed DER: {detail}")]
    Der {
        /// What was being parsed.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A signature algorithm other than sha256WithRSAEncryption, the only one JPKI uses.
    #[error("{what} uses signature algorithm {found}; JPKI uses sha256WithRSAEncryption")]
    UnsupportedAlgorithm {
        /// Whose algorithm.
        what: &'static str,
        /// The algorithm OID found.
        found: String,
    },
    /// The subject key is not RSA-2048 with exponent 65537.
    #[error("unsupported subject key: {0}")]
    UnsupportedKey(String),

    // ---- the JPKI profile ----------------------------------------------------------------
    /// An attribute the JPKI profile requires is absent.
    #[error("the certificate has no {attribute}")]
    MissingAttribute {
        /// The attribute, e.g. "date of birth (1.2.392.200149.8.5.5.4)".
        attribute: &'static str,
    },
    /// An attribute is present but its value breaks the JPKI profile.
    #[error("the certificate's {attribute} is malformed: {detail}")]
    MalformedAttribute {
        /// The attribute.
        attribute: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The certificate is not a JPKI root: not self-signed, wrong name layout, not a CA, …
    #[error("not a JPKI root certificate: {0}")]
    NotJpkiRoot(String),
    /// A root names itself a production JPKI root but its fingerprint is not pinned.
    #[error("production root with SHA-256 fingerprint {fingerprint} is not one of the pinned J-LIS roots")]
    UnpinnedRoot {
        /// The hex SHA-256 fingerprint of the refused certificate.
        fingerprint: String,
    },

    // ---- validation ----------------------------------------------------------------------
    /// No root of the trusted set carries the issuer's name (and key identifier).
    #[error("unknown issuer: no trusted root named {issuer}")]
    UnknownIssuer {
        /// The issuer's distinguished name.
        issuer: String,
    },
    /// A trusted root of the right name exists, but no root's key verifies the signature.
    #[error("the signature of the {what} does not verify with any trusted root of that name")]
    SignatureInvalid {
        /// What was signed: "certificate", "CRL", "root certificate".
        what: &'static str,
    },
    /// The certificate is of the other type than the purpose requires.
    #[error("a {expected} certificate is required, this is a {found} certificate")]
    WrongCertificateType {
        /// The type the purpose requires.
        expected: CertificateType,
        /// The type of the certificate given.
        found: CertificateType,
    },
    /// A test-environment (`JPKI-TEST`) certificate was offered to a production deployment.
    #[error("a JPKI test certificate is never accepted by a production deployment")]
    TestCertificateInProduction,
    /// A production certificate was offered to a test deployment.
    #[error("a production JPKI certificate is never accepted by a test deployment")]
    ProductionCertificateInTest,
    /// The validity period ended before the verification instant.
    #[error("the {what} expired at {not_after} (verification instant {at})")]
    Expired {
        /// "certificate" or "root certificate".
        what: &'static str,
        /// The end of validity.
        not_after: NumericDate,
        /// The verification instant.
        at: NumericDate,
    },
    /// The validity period starts after the verification instant.
    #[error("the {what} is not valid before {not_before} (verification instant {at})")]
    NotYetValid {
        /// "certificate" or "root certificate".
        what: &'static str,
        /// The start of validity.
        not_before: NumericDate,
        /// The verification instant.
        at: NumericDate,
    },
    /// The certificate is on the issuing root's CRL.
    #[error("certificate {serial} was revoked at {revoked_at} ({reason})")]
    Revoked {
        /// The revoked serial number.
        serial: SerialNumber,
        /// Why it was revoked.
        reason: RevocationReason,
        /// When it was revoked.
        revoked_at: NumericDate,
    },
    /// KeyUsage is absent, not critical, or not exactly the bits the type requires.
    #[error("key usage {found} (critical: {critical}) where a {certificate_type} certificate requires exactly {expected}, critical")]
    WrongKeyUsage {
        /// The certificate type whose rule applies.
        certificate_type: CertificateType,
        /// The bits required.
        expected: KeyUsage,
        /// The bits found (empty when the extension is absent).
        found: KeyUsage,
        /// Whether the extension was marked critical.
        critical: bool,
    },
    /// An extension marked critical that this crate does not understand (RFC 5280 §4.2).
    #[error("critical extension {oid} is not understood")]
    UnknownCriticalExtension {
        /// Its OID, dotted.
        oid: String,
    },
    /// No CRL signed by the certificate's issuing root was supplied (revocation fails closed).
    #[error("no CRL from the issuing root ({root}) was supplied")]
    NoCrlForIssuer {
        /// The hex fingerprint of the issuing root.
        root: String,
    },
    /// The CRL's nextUpdate has passed: it may be missing recent revocations.
    #[error("the CRL is stale: next update was due at {next_update} (verification instant {at})")]
    CrlStale {
        /// The CRL's nextUpdate.
        next_update: NumericDate,
        /// The verification instant.
        at: NumericDate,
    },
    /// The CRL's thisUpdate is after the verification instant.
    #[error("the CRL is issued at {this_update}, after the verification instant {at}")]
    CrlNotYetValid {
        /// The CRL's thisUpdate.
        this_update: NumericDate,
        /// The verification instant.
        at: NumericDate,
    },

    // ---- card ----------------------------------------------------------------------------
    /// Bytes that are not an ISO 7816-4 command or response APDU.
    #[error("malformed APDU: {0}")]
    MalformedApdu(String),
    /// A PIN that does not have the format of its kind (4 digits; 6–16 of A–Z and 0–9).
    #[error("invalid {kind} PIN format: {detail}")]
    InvalidPinFormat {
        /// "authentication" or "signature".
        kind: &'static str,
        /// What is wrong (never the PIN itself).
        detail: &'static str,
    },
    /// The card refused the PIN; it has `tries_left` tries before it locks.
    #[error("wrong PIN: {tries_left} tries left before the card locks it")]
    WrongPin {
        /// Tries left.
        tries_left: u8,
    },
    /// The PIN is locked after too many wrong tries; the card refuses to use the key.
    #[error("the PIN is locked; the card must be reset at the municipal office")]
    PinLocked,
    /// The card answered a command with an unexpected status word.
    #[error("the card answered {command} with status {status}")]
    CardStatus {
        /// The command, e.g. "SELECT EF 000A".
        command: &'static str,
        /// The status word.
        status: StatusWord,
    },
    /// The card has no signature certificate (children under 15, adults under guardianship).
    #[error("the card carries no signature certificate")]
    NoSignatureCertificate,
    /// The reader or its driver failed (PC/SC).
    #[error("card reader error: {0}")]
    Reader(String),
    /// The PC/SC stack could not reach the card: no service, no reader, no card, the card or
    /// the reader gone mid-operation, … (each says what to do).
    #[error("card reader: {0}")]
    CardReader(ReaderProblem),

    // ---- test CA and virtual card files (feature `test-ca`) --------------------------------
    /// A test CA's state file or a virtual card file is malformed or inconsistent.
    #[error("{what} cannot be used: {detail}")]
    TestFile {
        /// Which file: "test CA state", "virtual card file".
        what: &'static str,
        /// What is wrong with it (never a key or a PIN).
        detail: String,
    },

    // ---- links and JOSE ------------------------------------------------------------------
    /// The linking information has no certificate for the query, or loops.
    #[error("linking information: {0}")]
    Linking(String),
    /// An error from `myna-vc-core` (JWS parsing, signature verification, randomness).
    #[error(transparent)]
    Core(#[from] myna_vc_core::Error),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// A [`Error::Der`] with a message.
    pub(crate) fn der(what: &'static str, detail: impl Into<String>) -> Self {
        Error::Der {
            what,
            detail: detail.into(),
        }
    }

    /// A [`Error::MalformedAttribute`] with a message.
    pub(crate) fn malformed(attribute: &'static str, detail: impl Into<String>) -> Self {
        Error::MalformedAttribute {
            attribute,
            detail: detail.into(),
        }
    }

    /// Refuses `size` bytes above `limit`.
    pub(crate) fn check_size(what: &'static str, size: usize, limit: usize) -> Result<()> {
        if size > limit {
            return Err(Error::InputTooLarge { what, size, limit });
        }
        Ok(())
    }
}

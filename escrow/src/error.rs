//! The error type of `myna-escrow`, with a stable [`Error::code`] per variant.

use myna_vc_core::sealed::SealedError;

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// What went wrong in the escrow: a policy that would let one party open, a share that does
/// not open, too few trustees, malformed input, a trustee key file that does not open.
///
/// ```
/// use myna_escrow::{Error, SealedLink};
/// let err = SealedLink::from_bytes(&[]).unwrap_err();
/// assert_eq!(err, Error::MalformedSealedLink("truncated"));
/// assert_eq!(err.code(), "malformed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An escrow policy that is unsafe or inconsistent (threshold below 2, above the number
    /// of trustees, duplicate or invalid trustee ids, an invalid trustee key).
    #[error("invalid escrow policy: {0}")]
    InvalidEscrowPolicy(String),
    /// Fewer distinct trustees released shares than the threshold requires.
    #[error("escrow quorum not met: {given} of {required} trustees")]
    EscrowQuorumNotMet {
        /// The threshold.
        required: u8,
        /// How many distinct trustees released shares.
        given: usize,
    },
    /// The named trustee holds no share of this sealed link (or a released share belongs to
    /// another record).
    #[error("`{0}` is not a trustee of this sealed link")]
    NotATrustee(String),
    /// The key is the key of another trustee of this sealed link than the one it was opened
    /// for: its share opens under `key_of`'s name, not under `asked`'s.
    #[error(
        "this key is the key of trustee `{key_of}`, not of `{asked}`: open the key file of `{asked}`"
    )]
    KeyOfAnotherTrustee {
        /// The trustee whose share the key opens.
        key_of: String,
        /// The trustee the key was opened for.
        asked: String,
    },
    /// The key opens none of the sealed link's shares (the trustees are listed).
    #[error(
        "this key opens none of the shares of this sealed link (held by {0}): is it the key whose \
         public key the issuer's configuration lists for this trustee?"
    )]
    KeyOpensNoShare(String),
    /// The key opens the shares of several trustees: the issuer lists one public key twice.
    #[error(
        "this key opens the shares of several trustees ({0}): the issuer lists one public key \
         twice; ask the city to correct its configuration"
    )]
    KeyOfSeveralTrustees(String),
    /// Decryption failed: a share does not open with this trustee's key, or the shares do not
    /// recombine to the link's key.
    #[error("escrow decryption failed: {0}")]
    EscrowDecryption(&'static str),
    /// Bytes that are not a sealed link or released share of this format (the reason, never
    /// the bytes).
    #[error("malformed sealed link: {0}")]
    MalformedSealedLink(&'static str),
    /// Text that is not a trustee key file of this format, or one whose public key is not its
    /// sealed secret's.
    #[error("not a trustee key file (made by `myna trustee keygen`): {0}")]
    MalformedKeyFile(String),
    /// The passphrase does not open the key file's secret (or the sealed secret was altered).
    #[error("the passphrase does not open the trustee key (wrong passphrase?)")]
    WrongPassphrase,
    /// Sealing a new key file under a passphrase failed (a passphrase too short, …).
    #[error(transparent)]
    Sealing(SealedError),
    /// The operating system's (or browser's) random source failed.
    #[error("the random source failed")]
    Randomness,
}

impl Error {
    /// A stable `snake_case` code:
    ///
    /// | code | variants |
    /// |------|----------|
    /// | `invalid_policy` | [`Error::InvalidEscrowPolicy`] |
    /// | `quorum_not_met` | [`Error::EscrowQuorumNotMet`] |
    /// | `not_a_trustee` | [`Error::NotATrustee`], [`Error::KeyOfAnotherTrustee`], [`Error::KeyOpensNoShare`] |
    /// | `key_of_several_trustees` | [`Error::KeyOfSeveralTrustees`] |
    /// | `decryption_failed` | [`Error::EscrowDecryption`] |
    /// | `malformed` | [`Error::MalformedSealedLink`], [`Error::MalformedKeyFile`] |
    /// | `wrong_passphrase` | [`Error::WrongPassphrase`] |
    /// | the sealing error's own code (`weak_passphrase`, …) | [`Error::Sealing`] |
    /// | `randomness` | [`Error::Randomness`] |
    ///
    /// ```
    /// use myna_escrow::Error;
    /// assert_eq!(Error::NotATrustee("bob".into()).code(), "not_a_trustee");
    /// assert_eq!(Error::WrongPassphrase.code(), "wrong_passphrase");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidEscrowPolicy(_) => "invalid_policy",
            Error::EscrowQuorumNotMet { .. } => "quorum_not_met",
            Error::NotATrustee(_)
            | Error::KeyOfAnotherTrustee { .. }
            | Error::KeyOpensNoShare(_) => "not_a_trustee",
            Error::KeyOfSeveralTrustees(_) => "key_of_several_trustees",
            Error::EscrowDecryption(_) => "decryption_failed",
            Error::MalformedSealedLink(_) | Error::MalformedKeyFile(_) => "malformed",
            Error::WrongPassphrase => "wrong_passphrase",
            Error::Sealing(error) => error.code(),
            Error::Randomness => "randomness",
        }
    }
}

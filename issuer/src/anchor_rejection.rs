//! Why a wallet's anchoring answer is refused, and the `typ`s of its two signatures. A leaf of
//! the module graph: the anchoring ([`crate::anchor`]) and the error type both name it.

use core::fmt;

/// The `typ` of the holder proof.
pub const PROOF_TYP: &str = "myna-anchor-proof+jwt";
/// The `typ` of the card JWS.
pub const CARD_TYP: &str = "myna-anchor-card+jwt";

/// Why an anchoring answer was refused (besides a refused challenge or card).
/// ```
/// use myna_issuer::AnchorRejection;
/// assert_eq!(AnchorRejection::HolderKeyMismatch.to_string(),
///     "the card signed for another holder key");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnchorRejection {
    /// The holder proof's `typ` is not [`PROOF_TYP`].
    ProofType,
    /// The holder proof carries no `jwk` header.
    ProofKeyMissing,
    /// The holder proof's signature does not verify with its own `jwk`.
    ProofSignature,
    /// A claim is missing or of the wrong type in the named part.
    MissingClaim {
        /// "holder proof" or "card payload".
        part: &'static str,
        /// The claim.
        claim: &'static str,
    },
    /// The nonce in the named part is not the challenge answered.
    NonceMismatch {
        /// "holder proof" or "card payload".
        part: &'static str,
    },
    /// The holder proof is addressed to another issuer.
    WrongAudience,
    /// The holder proof's `iat` lies in the future or before the challenge could exist.
    ProofTime,
    /// The card JWS's `typ` is not [`CARD_TYP`].
    CardType,
    /// The card vouched for another holder key than the one that signed the proof.
    HolderKeyMismatch,
}

impl fmt::Display for AnchorRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnchorRejection::ProofType => write!(f, "the holder proof's typ is not {PROOF_TYP}"),
            AnchorRejection::ProofKeyMissing => f.write_str("the holder proof has no jwk header"),
            AnchorRejection::ProofSignature => {
                f.write_str("the holder proof is not signed by its jwk")
            }
            AnchorRejection::MissingClaim { part, claim } => {
                write!(f, "the {part} lacks a valid `{claim}`")
            }
            AnchorRejection::NonceMismatch { part } => {
                write!(f, "the {part} answers another challenge")
            }
            AnchorRejection::WrongAudience => {
                f.write_str("the holder proof is addressed to another issuer")
            }
            AnchorRejection::ProofTime => f.write_str("the holder proof's iat is out of range"),
            AnchorRejection::CardType => write!(f, "the card JWS's typ is not {CARD_TYP}"),
            AnchorRejection::HolderKeyMismatch => {
                f.write_str("the card signed for another holder key")
            }
        }
    }
}

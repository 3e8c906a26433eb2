//! Escrow for due process: the link pseudonym → person is sealed so that only a quorum of
//! trustees can open it.
//!
//! The primitives — trustee keys, policies, sealed links, released shares, key files — are
//! [`myna_escrow`]'s, re-exported here (that crate builds for wasm32, so a trustee releases
//! its share in the staff console with the same code). This module adds what only the issuer
//! knows: what a link *is* ([`EscrowedLink`]: which pseudonym in which context belongs to which
//! person), how it is encoded before sealing, and [`seal`] / [`open`] over it with the issuer's
//! [`Error`].
//!
//! Each sealed link gets its own random data key. The link is encrypted under it
//! (ChaCha20-Poly1305), the data key is split with Shamir's secret sharing (threshold *t* of
//! *n*), and each share is sealed to one trustee's X25519 key with HPKE (RFC 9180, base mode).
//! The issuer keeps only the sealed record: it holds no trustee key, so it cannot open anything
//! alone, and neither can any single trustee.
//!
//! ```
//! use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
//! use myna_issuer::pseudonym::{ContextId, PseudonymKey};
//! use myna_issuer::record::SubjectHandle;
//! let city = TrusteeKey::generate("maebashi-city")?;
//! let committee = TrusteeKey::generate("data-governance-committee")?;
//! let court = TrusteeKey::generate("court-appointed")?;
//! let policy = EscrowPolicy::new(vec![city.public(), committee.public(), court.public()], 2)?;
//!
//! let person = SubjectHandle::random()?;
//! let context = ContextId::parse("maebashi-forum")?;
//! let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
//! let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
//!
//! // One trustee alone cannot open it; two can.
//! assert!(escrow::open(&sealed, &[city.release(&sealed)?]).is_err());
//! let opened = escrow::open(&sealed, &[city.release(&sealed)?, court.release(&sealed)?])?;
//! assert_eq!(opened.link.person, person);
//! # Ok::<(), myna_issuer::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::pseudonym::{ContextId, Pseudonym, PseudonymKey};
use crate::record::SubjectHandle;

pub use myna_escrow::{
    key_file, Error as EscrowError, EscrowPolicy, ReleasedShare, SealedLink, SealedShare,
    TrusteeId, TrusteeKey, TrusteeKeyFile, TrusteePublicKey, TrusteeSecret, SEALED_LINK_VERSION,
};

/// What is sealed: which pseudonym in which context belongs to which person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowedLink {
    /// The context of the pseudonym.
    pub context: ContextId,
    /// The pseudonym.
    pub pseudonym: Pseudonym,
    /// The person behind it.
    pub person: SubjectHandle,
}

impl EscrowedLink {
    /// The link of `person`'s pseudonym in `context` under `key` (the pseudonym issuance
    /// gives them there).
    ///
    /// ```
    /// use myna_issuer::escrow::EscrowedLink;
    /// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
    /// let key = PseudonymKey::generate()?;
    /// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
    /// let link = EscrowedLink::derive(&key, person, context.clone());
    /// assert_eq!(link.pseudonym, key.derive(&person, &context));
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn derive(key: &PseudonymKey, person: SubjectHandle, context: ContextId) -> EscrowedLink {
        let pseudonym = key.derive(&person, &context);
        EscrowedLink {
            context,
            pseudonym,
            person,
        }
    }
}

/// The result of an opening: the link and who opened it (for the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The link.
    pub link: EscrowedLink,
    /// The trustees whose shares were used.
    pub trustees: Vec<TrusteeId>,
}

/// Seals `link` under `policy` ([`myna_escrow::seal`] of its encoding).
///
/// ```
/// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
/// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle};
/// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
/// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
/// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
/// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
/// let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
/// assert_eq!(sealed.threshold(), 2);
/// # Ok::<(), myna_issuer::Error>(())
/// ```
pub fn seal(policy: &EscrowPolicy, link: &EscrowedLink) -> Result<SealedLink> {
    let plaintext = zeroize::Zeroizing::new(encode_link(link));
    Ok(myna_escrow::seal(policy, &plaintext)?)
}

/// Opens `sealed` with shares released by at least its threshold of distinct trustees.
///
/// ```
/// use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteeKey};
/// use myna_issuer::{pseudonym::{ContextId, PseudonymKey}, record::SubjectHandle, Error};
/// let trustees = ["city", "court"].map(|id| TrusteeKey::generate(id).unwrap());
/// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
/// let (person, context) = (SubjectHandle::random()?, ContextId::parse("forum")?);
/// let pseudonym = PseudonymKey::generate()?.derive(&person, &context);
/// let sealed = escrow::seal(&policy, &EscrowedLink { context, pseudonym, person })?;
/// let one = [trustees[0].release(&sealed)?];
/// assert_eq!(escrow::open(&sealed, &one).unwrap_err(),
///            Error::EscrowQuorumNotMet { required: 2, given: 1 });
/// # Ok::<(), Error>(())
/// ```
pub fn open(sealed: &SealedLink, releases: &[ReleasedShare]) -> Result<Opened> {
    let unsealed = myna_escrow::open(sealed, releases)?;
    Ok(Opened {
        link: decode_link(&unsealed.link)?,
        trustees: unsealed.trustees,
    })
}

/// person (32) || context length (2, big-endian) || context || pseudonym. Our own tiny format:
/// it never leaves the escrow and needs no general serializer.
fn encode_link(link: &EscrowedLink) -> Vec<u8> {
    let context = link.context.as_str().as_bytes();
    let len = u16::try_from(context.len()).unwrap_or(u16::MAX);
    [
        link.person.as_bytes().as_slice(),
        &len.to_be_bytes(),
        context,
        link.pseudonym.as_str().as_bytes(),
    ]
    .concat()
}

fn decode_link(bytes: &[u8]) -> Result<EscrowedLink> {
    let malformed = || Error::EscrowDecryption("malformed link");
    let person: [u8; 32] = bytes
        .get(..32)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    let len_bytes: [u8; 2] = bytes
        .get(32..34)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    let end = 34 + usize::from(u16::from_be_bytes(len_bytes));
    let context = bytes
        .get(34..end)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    let pseudonym = bytes
        .get(end..)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    Ok(EscrowedLink {
        context: ContextId::parse(context)?,
        pseudonym: Pseudonym::from_escrow(pseudonym),
        person: SubjectHandle::from_bytes(person),
    })
}

//! What the issuer remembers about each credential it hands out: just enough to revoke it.
//!
//! A [`CredentialRecord`] holds no personal data — no name, address, birth date or My Number.
//! The person is a [`SubjectHandle`], an opaque pseudonym whose link to the card holder lives
//! elsewhere (escrowed), and the certified facts appear only as the *kinds* of fact the
//! credential depends on ([`Fact`]), so that a change of address can revoke every credential
//! that relied on the old one.

use core::fmt;
use std::borrow::Cow;

use myna_vc_core::{
    b64,
    crypto::fill_random,
    sdjwt_vc::Vct,
    status_list::{StatusIndex, StatusListUri, StatusReference},
    time::NumericDate,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::revocation::StatusChange;

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
pub struct CredentialId([u8; 16]);

impl CredentialId {
    /// A fresh identifier from the operating system's CSPRNG.
    /// ```
    /// use myna_issuer::record::CredentialId;
    /// assert_ne!(CredentialId::random()?, CredentialId::random()?);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn random() -> Result<Self> {
        let mut bytes = [0; 16];
        fill_random(&mut bytes)?;
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

    /// Parses the base64url form; anything else is [`Error::Invalid`] or a base64 error.
    /// ```
    /// use myna_issuer::{record::CredentialId, Error};
    /// assert!(matches!(CredentialId::parse("AAAA"), Err(Error::Invalid { .. })));
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = b64::decode(text, "credential id")?;
        Self::from_slice(&bytes).ok_or_else(|| Error::Invalid {
            what: "credential id",
            detail: format!("must be 16 bytes, got {}", bytes.len()),
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
pub struct SubjectHandle([u8; 32]);

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
    pub fn random() -> Result<Self> {
        let mut bytes = [0; 32];
        fill_random(&mut bytes)?;
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

/// A kind of certified fact a credential rests on. When the fact changes for a person (a move,
/// a corrected birth date, a guardianship ending), every credential depending on it is revoked.
/// ```
/// use myna_issuer::record::Fact;
/// assert_eq!(Fact::ALL.len(), 4);
/// assert_eq!(Fact::Residence.to_string(), "residence");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fact {
    /// The registered address / municipality of residence.
    Residence,
    /// The date of birth (age credentials).
    BirthDate,
    /// A guardian–child relation (child medical subsidy).
    Guardian,
    /// The card's signature certificate is in force: the credential rests on it until the
    /// certificate expires, a limit kept on the record and enforced through the status list
    /// ([`lapse`](crate::lapse)), never written into the credential.
    CardCertificate,
}

impl Fact {
    /// Every fact, in bit order.
    pub const ALL: [Fact; 4] = [
        Fact::Residence,
        Fact::BirthDate,
        Fact::Guardian,
        Fact::CardCertificate,
    ];

    const fn bit(self) -> u8 {
        match self {
            Fact::Residence => 1,
            Fact::BirthDate => 2,
            Fact::Guardian => 4,
            Fact::CardCertificate => 8,
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fact::Residence => "residence",
            Fact::BirthDate => "birth date",
            Fact::Guardian => "guardian",
            Fact::CardCertificate => "card certificate",
        })
    }
}

/// A set of [`Fact`]s.
/// ```
/// use myna_issuer::record::{Fact, FactSet};
/// let facts = FactSet::of(&[Fact::Residence, Fact::Guardian]);
/// assert!(facts.contains(Fact::Guardian));
/// assert!(!facts.contains(Fact::BirthDate));
/// assert_eq!(facts.iter().count(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FactSet(u8);

impl FactSet {
    /// The set of these facts.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// assert_eq!(FactSet::of(&[]), FactSet::default());
    /// ```
    pub fn of(facts: &[Fact]) -> Self {
        FactSet(facts.iter().fold(0, |bits, fact| bits | fact.bit()))
    }

    /// Whether `fact` is in the set.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// assert!(FactSet::of(&[Fact::BirthDate]).contains(Fact::BirthDate));
    /// ```
    pub const fn contains(self, fact: Fact) -> bool {
        self.0 & fact.bit() != 0
    }

    /// The facts in the set.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// let all: Vec<Fact> = FactSet::of(&Fact::ALL).iter().collect();
    /// assert_eq!(all, Fact::ALL);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Fact> {
        Fact::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    fn from_bits(bits: u8) -> Result<Self> {
        let known = FactSet::of(&Fact::ALL).0;
        if bits & !known != 0 {
            return Err(Error::corrupt("credential record", "unknown fact bits"));
        }
        Ok(FactSet(bits))
    }
}

/// A credential about to be issued: what the caller knows before the store assigns an id and a
/// status list entry. See [`Store::issue_batch`](crate::store::Store::issue_batch).
/// ```
/// use myna_issuer::record::{Fact, FactSet, NewCredential, SubjectHandle};
/// use myna_vc_core::{sdjwt_vc::Vct, time::NumericDate};
/// let new = NewCredential {
///     vct: Vct::parse("https://city.example/vct/age")?,
///     subject: SubjectHandle::from_bytes([1; 32]),
///     facts: FactSet::of(&[Fact::BirthDate]),
///     issued_at: NumericDate::from_unix(1_700_000_000),
///     expires_at: NumericDate::from_unix(1_800_000_000),
/// };
/// assert!(new.facts.contains(Fact::BirthDate));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    /// The credential type.
    pub vct: Vct,
    /// Whom it is about (a pseudonym).
    pub subject: SubjectHandle,
    /// The facts it depends on.
    pub facts: FactSet,
    /// `iat`.
    pub issued_at: NumericDate,
    /// `exp`.
    pub expires_at: NumericDate,
}

/// The issuer's durable record of one issued credential: what revocation needs, nothing more.
/// Built by [`Store::issue_batch`](crate::store::Store::issue_batch).
/// ```
/// use myna_issuer::record::{CredentialId, CredentialRecord, FactSet, SubjectHandle};
/// use myna_vc_core::{sdjwt_vc::Vct, time::NumericDate};
/// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
/// let record = CredentialRecord {
///     id: CredentialId::from_bytes([1; 16]),
///     vct: Vct::parse("https://city.example/vct/age")?,
///     status: StatusReference::new(StatusIndex::new(5), StatusListUri::new("https://city.example/s/1")?),
///     issued_at: NumericDate::from_unix(0),
///     expires_at: NumericDate::from_unix(10),
///     subject: SubjectHandle::from_bytes([2; 32]),
///     facts: FactSet::default(),
///     last_change: None,
/// };
/// assert_eq!(record.status.index.get(), 5);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    /// The store's identifier.
    pub id: CredentialId,
    /// The credential type.
    pub vct: Vct,
    /// Its status list entry (also the credential's `status` claim).
    pub status: StatusReference,
    /// `iat`.
    pub issued_at: NumericDate,
    /// `exp`.
    pub expires_at: NumericDate,
    /// Whom it is about (a pseudonym).
    pub subject: SubjectHandle,
    /// The facts it depends on.
    pub facts: FactSet,
    /// The latest revocation, suspension or resumption, with its reason.
    pub last_change: Option<StatusChange>,
}

impl CredentialRecord {
    pub(crate) fn from_new(
        new: NewCredential,
        id: CredentialId,
        index: StatusIndex,
        uri: StatusListUri,
    ) -> Self {
        CredentialRecord {
            id,
            vct: new.vct,
            status: StatusReference::new(index, uri),
            issued_at: new.issued_at,
            expires_at: new.expires_at,
            subject: new.subject,
            facts: new.facts,
            last_change: None,
        }
    }

    /// The stored form (JSON; records are small and rarely read).
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        let stored = StoredRecord {
            vct: Cow::Borrowed(self.vct.as_str()),
            uri: Cow::Borrowed(self.status.uri.as_str()),
            idx: self.status.index.get(),
            iat: self.issued_at.as_unix(),
            exp: self.expires_at.as_unix(),
            sub: self.subject.0,
            facts: self.facts.0,
            change: self.last_change.map(StatusChange::to_stored),
        };
        serde_json::to_vec(&stored).map_err(|e| Error::corrupt("credential record", e))
    }

    pub(crate) fn decode(id: CredentialId, bytes: &[u8]) -> Result<Self> {
        let corrupt = |e: myna_vc_core::Error| Error::corrupt("credential record", e);
        let stored: StoredRecord<'_> =
            serde_json::from_slice(bytes).map_err(|e| Error::corrupt("credential record", e))?;
        Ok(CredentialRecord {
            id,
            vct: Vct::parse(&stored.vct).map_err(corrupt)?,
            status: StatusReference::new(
                StatusIndex::new(stored.idx),
                StatusListUri::new(stored.uri.into_owned()).map_err(corrupt)?,
            ),
            issued_at: NumericDate::from_unix(stored.iat),
            expires_at: NumericDate::from_unix(stored.exp),
            subject: SubjectHandle(stored.sub),
            facts: FactSet::from_bits(stored.facts)?,
            last_change: stored.change.map(StatusChange::from_stored).transpose()?,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct StoredRecord<'a> {
    #[serde(borrow)]
    vct: Cow<'a, str>,
    #[serde(borrow)]
    uri: Cow<'a, str>,
    idx: u64,
    iat: i64,
    exp: i64,
    sub: [u8; 32],
    facts: u8,
    change: Option<(u8, u8, i64)>,
}

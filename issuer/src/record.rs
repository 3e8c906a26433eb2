//! What the issuer remembers about each credential it hands out: just enough to revoke it.
//!
//! A [`CredentialRecord`] holds no personal data — no name, address, birth date or My Number.
//! The person is a [`SubjectHandle`], an opaque pseudonym whose link to the card holder lives
//! elsewhere (escrowed), and the certified facts appear only as the *kinds* of fact the
//! credential depends on ([`Fact`]), so that a change of address can revoke every credential
//! that relied on the old one.

use std::borrow::Cow;

use myna_vc_core::{
    jwk::Thumbprint,
    sdjwt_vc::Vct,
    status_list::{StatusIndex, StatusListUri, StatusReference},
    time::NumericDate,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::fact::{Fact, FactSet};
pub use crate::identifier::{CredentialId, SubjectHandle};
use crate::status_change::StatusChange;

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
///     holder_key: None,
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
    /// The RFC 7638 thumbprint of the key it is bound to (`cnf`), indexed with the record so
    /// that the issuer recognises its holders (the consent registry accepts only them);
    /// `None` for a credential bound to no key.
    pub holder_key: Option<Thumbprint>,
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
            facts: FactSet::from_bits(stored.facts)
                .ok_or_else(|| Error::corrupt("credential record", "unknown fact bits"))?,
            last_change: stored
                .change
                .map(|change| {
                    StatusChange::from_stored(change).ok_or_else(|| {
                        Error::corrupt("credential record", "unknown status change code")
                    })
                })
                .transpose()?,
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

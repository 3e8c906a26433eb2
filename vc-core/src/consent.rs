//! Dynamic opt-in: consent as signed, scoped, revocable data (DOMAIN.md §2.2 and §5).
//!
//! A holder agrees to give one recipient some claims of one credential type for one purpose,
//! for a period, once or ongoing. The agreement is a [`ConsentRecord`], a JWT with `typ`
//! [`RECORD_TYP`] signed by the holder's own key (carried in the header `jwk`): no account
//! is needed anywhere, the key *is* the holder's identity towards the registry.
//!
//! The registry stores the record and answers with a [`ConsentReceipt`] that says where the
//! consent's status lives: an entry of a 2-bit Token Status List, read by the recipient before
//! every use (herd privacy: the list is fetched whole). The status is a [`ConsentState`]:
//!
//! | value | state       | reached by                                            |
//! |-------|-------------|-------------------------------------------------------|
//! | 0     | `Active`    | registration, [`ConsentAction::Resume`]               |
//! | 1     | `Withdrawn` | [`ConsentAction::Withdraw`] (final)                   |
//! | 2     | `Paused`    | [`ConsentAction::Pause`] (conditional sharing)        |
//! | 3     | `Used`      | the recipient's [`ConsentUseReport`] on a one-time consent (final) |
//!
//! A registry registers only holders it knows: with the record comes a
//! [`ConsentHolderProof`], signed by a key the registry's issuer bound a credential to (or
//! anchored), over the record's digest. The record itself stays signed by the holder's
//! own key for this consent, and the proof goes to the registry only, so a recipient learns
//! no key that would link the holder across recipients.
//!
//! The holder flips the status with a [`ConsentActionRequest`] signed by the same key; its
//! `seq` must grow, so a captured request cannot be replayed (no clock needed). The recipient
//! ends a one-time consent with a [`ConsentUseReport`] signed by the key of its DID.
//!
//! ```
//! use myna_vc_core::claim_path::ClaimPath;
//! use myna_vc_core::consent::*;
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::did::DidKey;
//! use myna_vc_core::sdjwt_vc::Vct;
//! use myna_vc_core::time::NumericDate;
//! use myna_vc_core::Error;
//! let provider = default_provider();
//! let (holder, clinic) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
//! let clinic_did = DidKey::from_public_key(&clinic.public_key())?;
//! let now = NumericDate::from_unix(1_800_000_000);
//!
//! let terms = ConsentTerms {
//!     id: ConsentId::random()?,
//!     recipient: Recipient::parse(clinic_did.did().as_str())?,
//!     purpose: Purpose::new("health consultation")?,
//!     vct: Vct::parse("urn:myna-vc:vct:age:1")?,
//!     claims: vec![ClaimPath::key("age_over_20")],
//!     not_before: now,
//!     not_after: Some(now.plus_seconds(3_600)),
//!     usage: ConsentUse::OneTime,
//! };
//! let record = ConsentRecord::sign(terms, &*provider.signer(&holder)?, now)?;
//! let record = ConsentRecord::verify(record.as_str(), provider)?;
//! assert_eq!(record.holder_key(), &holder.public_key());
//!
//! // The recipient may use it now; after the use is reported, never again.
//! record.check_usable(ConsentState::Active, now)?;
//! let used = ConsentState::Active.apply(ConsentAction::Use, record.terms().usage)?;
//! assert!(matches!(record.check_usable(used, now), Err(Error::Consent(myna_vc_core::ConsentError::Used))));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use std::fmt;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::b64;
use crate::claim_path::ClaimPath;
use crate::crypto::{fill_random, CryptoProvider, PublicKey, Signer};
use crate::did::{Did, DidJwk, DidKey};
use crate::error::{ConsentError, Error, JwtError, Result};
use crate::json::{self, shown};
use crate::jwk::Jwk;
use crate::jws::{Jws, JwsHeader};
use crate::jwt;
use crate::sdjwt_vc::Vct;
use crate::status_list::{Status, StatusReference};
use crate::time::NumericDate;

/// The `typ` of a holder-signed consent record.
pub const RECORD_TYP: &str = "myna-consent+jwt";
/// The `typ` of a holder-signed status change.
pub const ACTION_TYP: &str = "myna-consent-action+jwt";
/// The `typ` of a recipient-signed use report.
pub const USE_TYP: &str = "myna-consent-use+jwt";
/// The `typ` of a registry-signed receipt.
pub const RECEIPT_TYP: &str = "myna-consent-receipt+jwt";

/// The longest purpose text, in characters.
pub const MAX_PURPOSE_CHARS: usize = 256;
/// The most claim paths one consent may name.
pub const MAX_CLAIMS: usize = 64;

const RECORD: &str = "consent record";
const ACTION: &str = "consent action";
const USE: &str = "consent use report";
const RECEIPT: &str = "consent receipt";

/// A consent's id: 128 random bits, base64url in JSON.
///
/// ```
/// use myna_vc_core::consent::ConsentId;
/// let id = ConsentId::random()?;
/// assert_eq!(ConsentId::parse(&id.to_string())?, id);
/// assert!(ConsentId::parse("short").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConsentId([u8; 16]);

impl ConsentId {
    /// A fresh random id.
    pub fn random() -> Result<Self> {
        let mut bytes = [0u8; 16];
        fill_random(&mut bytes)?;
        Ok(ConsentId(bytes))
    }

    /// Parses the base64url form (exactly 16 bytes).
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = b64::decode(text, "consent id")?;
        let bytes: [u8; 16] = bytes
            .try_into()
            .map_err(|_| Error::Consent(ConsentError::InvalidId))?;
        Ok(ConsentId(bytes))
    }

    /// The raw bytes (a storage key).
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// From raw bytes (a storage key).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        ConsentId(bytes)
    }
}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0))
    }
}

impl fmt::Debug for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsentId({self})")
    }
}

/// The data recipient: a did:key or did:jwk DID, so its key resolves offline and its use
/// reports can be checked without a network.
///
/// ```
/// use myna_vc_core::{consent::Recipient, crypto::SecretKey, did::DidJwk};
/// let key = SecretKey::generate_p256()?.public_key();
/// let did = DidJwk::from_public_key(&key)?;
/// let recipient = Recipient::parse(did.did().as_str())?;
/// assert_eq!(recipient.public_key()?, key);
/// assert!(Recipient::parse("did:web:clinic.example").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recipient(Did);

impl Recipient {
    /// Parses a did:key or did:jwk DID whose key decodes.
    pub fn parse(did: &str) -> Result<Self> {
        let did = Did::parse(did)?;
        let recipient = Recipient(did);
        recipient.public_key()?;
        Ok(recipient)
    }

    /// The DID.
    pub fn did(&self) -> &Did {
        &self.0
    }

    /// The recipient's public key, resolved offline from the DID.
    pub fn public_key(&self) -> Result<PublicKey> {
        match self.0.method() {
            "key" => Ok(DidKey::from_did(&self.0)?.public_key().clone()),
            "jwk" => Ok(DidJwk::from_did(&self.0)?.public_key().clone()),
            other => Err(Error::Consent(ConsentError::UnsupportedRecipient(shown(
                other,
            )))),
        }
    }
}

/// Why the data is wanted, as shown to the holder: 1 to [`MAX_PURPOSE_CHARS`] characters,
/// no control characters.
///
/// ```
/// use myna_vc_core::consent::Purpose;
/// assert_eq!(Purpose::new("見守り (family away)")?.as_str(), "見守り (family away)");
/// assert!(Purpose::new("").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Purpose(String);

impl Purpose {
    /// Checks and wraps the text.
    pub fn new(text: &str) -> Result<Self> {
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_PURPOSE_CHARS || text.chars().any(char::is_control) {
            return Err(Error::Consent(ConsentError::InvalidPurpose {
                limit: MAX_PURPOSE_CHARS,
            }));
        }
        Ok(Purpose(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a consent covers one use or many.
///
/// ```
/// use myna_vc_core::consent::ConsentUse;
/// assert_eq!(ConsentUse::parse("one_time")?, ConsentUse::OneTime);
/// assert_eq!(ConsentUse::Ongoing.as_str(), "ongoing");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentUse {
    /// Ends itself once the recipient reports the single use (a data transfer).
    OneTime,
    /// Any number of uses inside the period.
    Ongoing,
}

impl ConsentUse {
    /// Parses the JSON form.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "one_time" => Ok(ConsentUse::OneTime),
            "ongoing" => Ok(ConsentUse::Ongoing),
            _ => Err(Error::Consent(ConsentError::UnknownUsage)),
        }
    }

    /// The JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentUse::OneTime => "one_time",
            ConsentUse::Ongoing => "ongoing",
        }
    }
}

/// What the holder agrees to.
///
/// ```
/// use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::SecretKey, did::DidKey};
/// use myna_vc_core::{sdjwt_vc::Vct, time::NumericDate};
/// let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
/// let terms = ConsentTerms {
///     id: ConsentId::random()?,
///     recipient: Recipient::parse(recipient.did().as_str())?,
///     purpose: Purpose::new("location while family is away")?,
///     vct: Vct::parse("urn:myna-vc:vct:resident:1")?,
///     claims: vec![ClaimPath::key("address")],
///     not_before: NumericDate::from_unix(0),
///     not_after: None,
///     usage: ConsentUse::Ongoing,
/// };
/// assert!(terms.check().is_ok());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    /// The consent's id, chosen by the holder.
    pub id: ConsentId,
    /// Who receives the data.
    pub recipient: Recipient,
    /// Why.
    pub purpose: Purpose,
    /// From which credential type.
    pub vct: Vct,
    /// Which claims (1 to [`MAX_CLAIMS`] paths).
    pub claims: Vec<ClaimPath>,
    /// From when (inclusive).
    pub not_before: NumericDate,
    /// Until when (exclusive); `None` until withdrawn.
    pub not_after: Option<NumericDate>,
    /// Once or ongoing.
    pub usage: ConsentUse,
}

const RECORD_MEMBERS: [&str; 9] = [
    "consent_id",
    "recipient",
    "purpose",
    "vct",
    "claims",
    "not_before",
    "not_after",
    "usage",
    "iat",
];

impl ConsentTerms {
    /// The structural rules: 1 to [`MAX_CLAIMS`] distinct non-root claim paths, a period that
    /// does not end before it starts.
    pub fn check(&self) -> Result<()> {
        if self.claims.is_empty() || self.claims.len() > MAX_CLAIMS {
            return Err(Error::Consent(ConsentError::ClaimCount {
                limit: MAX_CLAIMS,
            }));
        }
        if self.claims.iter().any(ClaimPath::is_root) {
            return Err(Error::Consent(ConsentError::RootClaim));
        }
        let distinct: std::collections::BTreeSet<String> = self
            .claims
            .iter()
            .map(|p| p.to_json().to_string())
            .collect();
        if distinct.len() != self.claims.len() {
            return Err(Error::Consent(ConsentError::DuplicateClaim));
        }
        if self.not_after.is_some_and(|end| end <= self.not_before) {
            return Err(Error::Consent(ConsentError::EmptyPeriod));
        }
        Ok(())
    }

    fn to_claims(&self, iat: NumericDate) -> Map<String, Value> {
        let mut obj = Map::new();
        obj.insert("consent_id".into(), self.id.to_string().into());
        obj.insert("recipient".into(), self.recipient.did().as_str().into());
        obj.insert("purpose".into(), self.purpose.as_str().into());
        obj.insert("vct".into(), self.vct.as_str().into());
        let claims = self.claims.iter().map(ClaimPath::to_json).collect();
        obj.insert("claims".into(), Value::Array(claims));
        obj.insert("not_before".into(), self.not_before.as_unix().into());
        if let Some(end) = self.not_after {
            obj.insert("not_after".into(), end.as_unix().into());
        }
        obj.insert("usage".into(), self.usage.as_str().into());
        obj.insert("iat".into(), iat.as_unix().into());
        obj
    }

    fn from_claims(obj: &Map<String, Value>) -> Result<Self> {
        json::check_members(obj, &RECORD_MEMBERS, RECORD)?;
        let claims = obj
            .get("claims")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::member_type(RECORD, "claims", "an array"))?
            .iter()
            .map(ClaimPath::parse_json)
            .collect::<Result<Vec<_>>>()?;
        let terms = ConsentTerms {
            id: ConsentId::parse(json::required_str(obj, "consent_id", RECORD)?)?,
            recipient: Recipient::parse(json::required_str(obj, "recipient", RECORD)?)?,
            purpose: Purpose::new(json::required_str(obj, "purpose", RECORD)?)?,
            vct: Vct::parse(json::required_str(obj, "vct", RECORD)?)?,
            claims,
            not_before: required_date(obj, "not_before", RECORD)?,
            not_after: json::optional_date(obj, "not_after", RECORD)?,
            usage: ConsentUse::parse(json::required_str(obj, "usage", RECORD)?)?,
        };
        terms.check()?;
        Ok(terms)
    }
}

/// A consent record signed by the holder: the terms, the holder's key and the compact JWT.
/// Only [`sign`](Self::sign) and [`verify`](Self::verify) make one.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRecord {
    terms: ConsentTerms,
    holder: PublicKey,
    issued_at: NumericDate,
    compact: String,
}

impl ConsentRecord {
    /// Checks the terms and signs them with the holder's key (put in the header `jwk`).
    ///
    /// ```
    /// # use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey, sdjwt_vc::Vct, time::NumericDate};
    /// # let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    /// # let terms = ConsentTerms { id: ConsentId::random()?, recipient: Recipient::parse(recipient.did().as_str())?,
    /// #     purpose: Purpose::new("p")?, vct: Vct::parse("urn:t")?, claims: vec![ClaimPath::key("a")],
    /// #     not_before: NumericDate::from_unix(0), not_after: None, usage: ConsentUse::Ongoing };
    /// let holder = SecretKey::generate_p256()?;
    /// let record = ConsentRecord::sign(terms, &*default_provider().signer(&holder)?, NumericDate::from_unix(5))?;
    /// assert_eq!(record.issued_at(), NumericDate::from_unix(5));
    /// assert_eq!(record.as_str().split('.').count(), 3);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn sign(terms: ConsentTerms, holder: &dyn Signer, iat: NumericDate) -> Result<Self> {
        terms.check()?;
        let key = holder.public_key();
        let mut header = JwsHeader::new(holder.algorithm()).with_typ(RECORD_TYP);
        header.jwk = Some(Jwk::new(key.clone()));
        let compact = jwt::sign(&header, &terms.to_claims(iat), holder)?;
        Ok(ConsentRecord {
            terms,
            holder: key,
            issued_at: iat,
            compact,
        })
    }

    /// Parses and verifies a record: `typ`, the signature with the header's `jwk`, the
    /// members and the terms' rules. Its period is *not* checked here (a registry stores
    /// records that start later); use [`check_usable`](Self::check_usable) before a use.
    ///
    /// ```
    /// use myna_vc_core::{consent::ConsentRecord, crypto::default_provider, Error};
    /// assert!(ConsentRecord::verify("not.a.jwt", default_provider()).is_err());
    /// ```
    pub fn verify(compact: &str, provider: &dyn CryptoProvider) -> Result<Self> {
        let jws = parse_typed(compact, RECORD_TYP)?;
        let holder = jws
            .header()
            .jwk
            .as_ref()
            .map(|jwk| jwk.key.clone())
            .ok_or_else(|| Error::missing_member("consent record header", "jwk"))?;
        jws.verify(provider, &holder)?;
        let claims = jws.payload_object(RECORD)?;
        let issued_at = required_date(&claims, "iat", RECORD)?;
        Ok(ConsentRecord {
            terms: ConsentTerms::from_claims(&claims)?,
            holder,
            issued_at,
            compact: compact.to_owned(),
        })
    }

    /// The agreed terms.
    pub fn terms(&self) -> &ConsentTerms {
        &self.terms
    }

    /// The holder's key: the only key that may change this consent's status.
    pub fn holder_key(&self) -> &PublicKey {
        &self.holder
    }

    /// When the holder signed it.
    pub fn issued_at(&self) -> NumericDate {
        self.issued_at
    }

    /// The compact JWT.
    pub fn as_str(&self) -> &str {
        &self.compact
    }

    /// `base64url(SHA-256(compact JWT))`: what a receipt binds to.
    pub fn digest(&self) -> String {
        b64::encode(Sha256::digest(self.compact.as_bytes()))
    }

    /// Checks that `now` is inside the period (`not_before <= now < not_after`).
    ///
    /// ```
    /// # use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey, sdjwt_vc::Vct, time::NumericDate, Error};
    /// # let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    /// let t = NumericDate::from_unix;
    /// # let terms = ConsentTerms { id: ConsentId::random()?, recipient: Recipient::parse(recipient.did().as_str())?,
    /// #     purpose: Purpose::new("p")?, vct: Vct::parse("urn:t")?, claims: vec![ClaimPath::key("a")],
    /// #     not_before: t(100), not_after: Some(t(200)), usage: ConsentUse::Ongoing };
    /// # let record = ConsentRecord::sign(terms, &*default_provider().signer(&SecretKey::generate_p256()?)?, t(0))?;
    /// assert!(matches!(record.check_period(t(99)), Err(Error::Consent(myna_vc_core::ConsentError::NotYetValid { .. }))));
    /// assert!(record.check_period(t(150)).is_ok());
    /// assert!(matches!(record.check_period(t(200)), Err(Error::Consent(myna_vc_core::ConsentError::Expired { .. }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check_period(&self, now: NumericDate) -> Result<()> {
        if now < self.terms.not_before {
            return Err(Error::Consent(ConsentError::NotYetValid {
                not_before: self.terms.not_before,
                now,
            }));
        }
        if let Some(not_after) = self.terms.not_after.filter(|end| now >= *end) {
            return Err(Error::Consent(ConsentError::Expired { not_after, now }));
        }
        Ok(())
    }

    /// The recipient's question "may I use this consent now?", given the state read from the
    /// consent status list: the period, then the state. Fails closed on every other state.
    ///
    /// ```
    /// # use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey, sdjwt_vc::Vct, time::NumericDate, Error};
    /// # let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    /// # let t = NumericDate::from_unix;
    /// # let terms = ConsentTerms { id: ConsentId::random()?, recipient: Recipient::parse(recipient.did().as_str())?,
    /// #     purpose: Purpose::new("p")?, vct: Vct::parse("urn:t")?, claims: vec![ClaimPath::key("a")],
    /// #     not_before: t(0), not_after: None, usage: ConsentUse::Ongoing };
    /// # let record = ConsentRecord::sign(terms, &*default_provider().signer(&SecretKey::generate_p256()?)?, t(0))?;
    /// assert!(record.check_usable(ConsentState::Active, t(1)).is_ok());
    /// assert!(matches!(record.check_usable(ConsentState::Paused, t(1)), Err(Error::Consent(myna_vc_core::ConsentError::Paused))));
    /// assert!(matches!(record.check_usable(ConsentState::Withdrawn, t(1)), Err(Error::Consent(myna_vc_core::ConsentError::Withdrawn))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check_usable(&self, state: ConsentState, now: NumericDate) -> Result<()> {
        self.check_period(now)?;
        match state {
            ConsentState::Active => Ok(()),
            ConsentState::Withdrawn => Err(Error::Consent(ConsentError::Withdrawn)),
            ConsentState::Paused => Err(Error::Consent(ConsentError::Paused)),
            ConsentState::Used => Err(Error::Consent(ConsentError::Used)),
        }
    }
}

/// A consent's state as kept on its status list (2 bits per entry).
///
/// ```
/// use myna_vc_core::{consent::{ConsentAction, ConsentState, ConsentUse}, status_list::Status, Error};
/// let paused = ConsentState::Active.apply(ConsentAction::Pause, ConsentUse::Ongoing)?;
/// assert_eq!(paused.to_status(), Status::SUSPENDED);
/// assert_eq!(ConsentState::from_status(Status::new(3))?, ConsentState::Used);
/// assert!(matches!(ConsentState::Withdrawn.apply(ConsentAction::Resume, ConsentUse::Ongoing),
///                  Err(Error::Consent(myna_vc_core::ConsentError::Transition { .. }))));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentState {
    /// May be used (status 0, VALID).
    Active,
    /// Ended by the holder, for good (status 1, INVALID).
    Withdrawn,
    /// Held by the holder until resumed (status 2, SUSPENDED).
    Paused,
    /// A one-time consent whose use was reported (status 3, application-specific).
    Used,
}

impl ConsentState {
    /// The state a status list entry holds; any value above 3 is an error.
    pub fn from_status(status: Status) -> Result<Self> {
        match status.value() {
            0 => Ok(ConsentState::Active),
            1 => Ok(ConsentState::Withdrawn),
            2 => Ok(ConsentState::Paused),
            3 => Ok(ConsentState::Used),
            other => Err(Error::Consent(ConsentError::UnknownState(other))),
        }
    }

    /// The status list value.
    pub fn to_status(self) -> Status {
        match self {
            ConsentState::Active => Status::VALID,
            ConsentState::Withdrawn => Status::INVALID,
            ConsentState::Paused => Status::SUSPENDED,
            ConsentState::Used => Status::new(3),
        }
    }

    /// A short name (`active`, `withdrawn`, `paused`, `used`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Active => "active",
            ConsentState::Withdrawn => "withdrawn",
            ConsentState::Paused => "paused",
            ConsentState::Used => "used",
        }
    }

    /// The state after `action`, or [`ConsentError::Transition`]. Withdrawn and used are
    /// final; a paused consent cannot be used; a use of an ongoing consent leaves it active.
    pub fn apply(self, action: ConsentAction, usage: ConsentUse) -> Result<Self> {
        use ConsentAction as A;
        use ConsentState as S;
        let next = match (self, action) {
            (S::Active | S::Paused, A::Withdraw) => S::Withdrawn,
            (S::Active, A::Pause) => S::Paused,
            (S::Paused, A::Resume) => S::Active,
            (S::Active, A::Use) if usage == ConsentUse::OneTime => S::Used,
            (S::Active, A::Use) => S::Active,
            _ => {
                return Err(Error::Consent(ConsentError::Transition {
                    from: self.as_str(),
                    action: action.as_str(),
                }))
            }
        };
        Ok(next)
    }
}

/// What can happen to a consent.
///
/// ```
/// use myna_vc_core::consent::ConsentAction;
/// assert_eq!(ConsentAction::parse("pause")?, ConsentAction::Pause);
/// assert!(ConsentAction::parse("delete").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentAction {
    /// The holder ends it.
    Withdraw,
    /// The holder holds it.
    Pause,
    /// The holder lets a paused consent run again.
    Resume,
    /// The recipient reports a use.
    Use,
}

impl ConsentAction {
    /// Parses the JSON form.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "withdraw" => Ok(ConsentAction::Withdraw),
            "pause" => Ok(ConsentAction::Pause),
            "resume" => Ok(ConsentAction::Resume),
            "use" => Ok(ConsentAction::Use),
            _ => Err(Error::Consent(ConsentError::UnknownAction)),
        }
    }

    /// The JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentAction::Withdraw => "withdraw",
            ConsentAction::Pause => "pause",
            ConsentAction::Resume => "resume",
            ConsentAction::Use => "use",
        }
    }
}

const ACTION_MEMBERS: [&str; 4] = ["consent_id", "action", "seq", "iat"];

/// The holder's signed request to withdraw, pause or resume a consent. `seq` must be greater
/// than that of the last request the registry applied for this consent.
///
/// ```
/// use myna_vc_core::consent::{ConsentAction, ConsentActionRequest, ConsentId};
/// use myna_vc_core::{crypto::{default_provider, SecretKey}, time::NumericDate, Error};
/// let holder = SecretKey::generate_p256()?;
/// let request = ConsentActionRequest {
///     consent: ConsentId::random()?, action: ConsentAction::Withdraw, seq: 1,
///     iat: NumericDate::from_unix(10),
/// };
/// let compact = request.sign(&*default_provider().signer(&holder)?)?;
/// let checked = ConsentActionRequest::verify(&compact, default_provider(), &holder.public_key())?;
/// assert_eq!(checked, request);
/// assert!(matches!(checked.check_seq(Some(1)), Err(Error::Consent(myna_vc_core::ConsentError::ActionReplayed { last: 1, seq: 1 }))));
/// let stranger = SecretKey::generate_p256()?.public_key();
/// assert!(ConsentActionRequest::verify(&compact, default_provider(), &stranger).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentActionRequest {
    /// Which consent.
    pub consent: ConsentId,
    /// Withdraw, pause or resume ([`ConsentAction::Use`] is the recipient's).
    pub action: ConsentAction,
    /// Grows with every request for this consent.
    pub seq: u64,
    /// When the holder signed it.
    pub iat: NumericDate,
}

impl ConsentActionRequest {
    /// Signs the request with the holder's key.
    pub fn sign(&self, holder: &dyn Signer) -> Result<String> {
        self.check_action()?;
        let mut claims = Map::new();
        claims.insert("consent_id".into(), self.consent.to_string().into());
        claims.insert("action".into(), self.action.as_str().into());
        claims.insert("seq".into(), self.seq.into());
        claims.insert("iat".into(), self.iat.as_unix().into());
        let header = JwsHeader::new(holder.algorithm()).with_typ(ACTION_TYP);
        jwt::sign(&header, &claims, holder)
    }

    /// Verifies a request against the key of the consent's record.
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        holder: &PublicKey,
    ) -> Result<Self> {
        let jws = parse_typed(compact, ACTION_TYP)?;
        jws.verify(provider, holder)?;
        let claims = jws.payload_object(ACTION)?;
        json::check_members(&claims, &ACTION_MEMBERS, ACTION)?;
        let request = ConsentActionRequest {
            consent: ConsentId::parse(json::required_str(&claims, "consent_id", ACTION)?)?,
            action: ConsentAction::parse(json::required_str(&claims, "action", ACTION)?)?,
            seq: claims
                .get("seq")
                .and_then(Value::as_u64)
                .ok_or_else(|| Error::member_type(ACTION, "seq", "a non-negative integer"))?,
            iat: required_date(&claims, "iat", ACTION)?,
        };
        request.check_action()?;
        Ok(request)
    }

    /// Refuses a `seq` not above the last applied one (`None`: nothing applied yet).
    pub fn check_seq(&self, last: Option<u64>) -> Result<()> {
        match last {
            Some(last) if self.seq <= last => Err(Error::Consent(ConsentError::ActionReplayed {
                last,
                seq: self.seq,
            })),
            _ => Ok(()),
        }
    }

    fn check_action(&self) -> Result<()> {
        if self.action == ConsentAction::Use {
            return Err(Error::Consent(ConsentError::UseByHolder));
        }
        Ok(())
    }
}

const USE_MEMBERS: [&str; 2] = ["consent_id", "iat"];

/// The recipient's signed report that it used a consent (ending a one-time consent).
///
/// ```
/// use myna_vc_core::consent::{ConsentId, ConsentUseReport, Recipient};
/// use myna_vc_core::{crypto::{default_provider, SecretKey}, did::DidKey, time::NumericDate};
/// let clinic = SecretKey::generate_p256()?;
/// let recipient = Recipient::parse(DidKey::from_public_key(&clinic.public_key())?.did().as_str())?;
/// let report = ConsentUseReport { consent: ConsentId::random()?, iat: NumericDate::from_unix(7) };
/// let compact = report.sign(&*default_provider().signer(&clinic)?)?;
/// assert_eq!(ConsentUseReport::verify(&compact, default_provider(), &recipient)?, report);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentUseReport {
    /// Which consent was used.
    pub consent: ConsentId,
    /// When the recipient signed the report.
    pub iat: NumericDate,
}

impl ConsentUseReport {
    /// Signs the report with the recipient's key.
    pub fn sign(&self, recipient: &dyn Signer) -> Result<String> {
        let mut claims = Map::new();
        claims.insert("consent_id".into(), self.consent.to_string().into());
        claims.insert("iat".into(), self.iat.as_unix().into());
        let header = JwsHeader::new(recipient.algorithm()).with_typ(USE_TYP);
        jwt::sign(&header, &claims, recipient)
    }

    /// Verifies a report with the key of the consent's recipient DID.
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        recipient: &Recipient,
    ) -> Result<Self> {
        let jws = parse_typed(compact, USE_TYP)?;
        jws.verify(provider, &recipient.public_key()?)?;
        let claims = jws.payload_object(USE)?;
        json::check_members(&claims, &USE_MEMBERS, USE)?;
        Ok(ConsentUseReport {
            consent: ConsentId::parse(json::required_str(&claims, "consent_id", USE)?)?,
            iat: required_date(&claims, "iat", USE)?,
        })
    }
}

const RECEIPT_MEMBERS: [&str; 5] = ["consent_id", "holder", "record_digest", "status", "iat"];

/// The registry's signed answer to a registration: which record it stored (by digest), whose
/// it is (the holder key's thumbprint) and where its status lives.
///
/// ```
/// # use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey, sdjwt_vc::Vct, time::NumericDate};
/// use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
/// # let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
/// # let terms = ConsentTerms { id: ConsentId::random()?, recipient: Recipient::parse(recipient.did().as_str())?,
/// #     purpose: Purpose::new("p")?, vct: Vct::parse("urn:t")?, claims: vec![ClaimPath::key("a")],
/// #     not_before: NumericDate::from_unix(0), not_after: None, usage: ConsentUse::Ongoing };
/// let (holder, registry) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
/// let provider = default_provider();
/// let record = ConsentRecord::sign(terms, &*provider.signer(&holder)?, NumericDate::from_unix(1))?;
/// let status = StatusReference::new(StatusIndex::new(42),
///     StatusListUri::new("https://city.example/consents/status/1")?);
/// let receipt = ConsentReceipt::for_record(&record, status, NumericDate::from_unix(2));
/// let compact = receipt.sign(&*provider.signer(&registry)?)?;
/// let checked = ConsentReceipt::verify(&compact, provider, &registry.public_key())?;
/// checked.check_record(&record)?;
/// assert_eq!(checked.status.index.get(), 42);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentReceipt {
    /// The registered consent.
    pub consent: ConsentId,
    /// RFC 7638 thumbprint (base64url) of the holder's key.
    pub holder_thumbprint: String,
    /// [`ConsentRecord::digest`] of the stored record.
    pub record_digest: String,
    /// Where the consent's state is published.
    pub status: StatusReference,
    /// When the registry signed it.
    pub iat: NumericDate,
}

impl ConsentReceipt {
    /// The receipt for `record`, its state at `status`.
    pub fn for_record(record: &ConsentRecord, status: StatusReference, iat: NumericDate) -> Self {
        ConsentReceipt {
            consent: record.terms.id,
            holder_thumbprint: record.holder.thumbprint().to_string(),
            record_digest: record.digest(),
            status,
            iat,
        }
    }

    /// Signs the receipt with the registry's key.
    pub fn sign(&self, registry: &dyn Signer) -> Result<String> {
        let mut claims = Map::new();
        claims.insert("consent_id".into(), self.consent.to_string().into());
        claims.insert("holder".into(), self.holder_thumbprint.clone().into());
        claims.insert("record_digest".into(), self.record_digest.clone().into());
        self.status.insert_into(&mut claims)?;
        claims.insert("iat".into(), self.iat.as_unix().into());
        let header = JwsHeader::new(registry.algorithm()).with_typ(RECEIPT_TYP);
        jwt::sign(&header, &claims, registry)
    }

    /// Verifies a receipt with the registry's (pinned) key.
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        registry: &PublicKey,
    ) -> Result<Self> {
        let jws = parse_typed(compact, RECEIPT_TYP)?;
        jws.verify(provider, registry)?;
        let claims = jws.payload_object(RECEIPT)?;
        json::check_members(&claims, &RECEIPT_MEMBERS, RECEIPT)?;
        Ok(ConsentReceipt {
            consent: ConsentId::parse(json::required_str(&claims, "consent_id", RECEIPT)?)?,
            holder_thumbprint: json::required_str(&claims, "holder", RECEIPT)?.to_owned(),
            record_digest: json::required_str(&claims, "record_digest", RECEIPT)?.to_owned(),
            status: StatusReference::from_claims(&claims)?,
            iat: required_date(&claims, "iat", RECEIPT)?,
        })
    }

    /// Checks that this receipt is for exactly `record` (id, holder key and digest), so a
    /// holder cannot point a recipient at another consent's status entry.
    pub fn check_record(&self, record: &ConsentRecord) -> Result<()> {
        let same_digest: bool = self
            .record_digest
            .as_bytes()
            .ct_eq(record.digest().as_bytes())
            .into();
        if self.consent != record.terms.id {
            return Err(Error::Consent(ConsentError::Mismatch(
                "the receipt names another consent id",
            )));
        }
        if self.holder_thumbprint != record.holder.thumbprint().to_string() {
            return Err(Error::Consent(ConsentError::Mismatch(
                "the receipt names another holder key",
            )));
        }
        if !same_digest {
            return Err(Error::Consent(ConsentError::Mismatch(
                "the receipt is for another record",
            )));
        }
        Ok(())
    }
}

/// The `typ` of a registration's holder proof.
pub const HOLDER_PROOF_TYP: &str = "myna-consent-holder+jwt";
const HOLDER_PROOF: &str = "consent holder proof";
const HOLDER_PROOF_MEMBERS: [&str; 4] = ["consent_id", "record_digest", "aud", "iat"];
/// How far in the future a holder proof's `iat` may lie (clock skew).
const HOLDER_PROOF_LEEWAY_SECS: u64 = 60;

/// A registration's proof that the registry knows the holder: a JWT (`typ`
/// [`HOLDER_PROOF_TYP`]) signed by a key the registry's issuer bound a credential to or
/// anchored — carried in the header `jwk` — over the record's [`digest`](ConsentRecord::digest),
/// for one registry (`aud`, the issuer identifier). The registry looks the key up among its
/// holders and refuses a stranger, so strangers cannot fill its consent status list.
///
/// ```
/// # use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey, sdjwt_vc::Vct, time::NumericDate};
/// # let recipient = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
/// # let terms = ConsentTerms { id: ConsentId::random()?, recipient: Recipient::parse(recipient.did().as_str())?,
/// #     purpose: Purpose::new("p")?, vct: Vct::parse("urn:t")?, claims: vec![ClaimPath::key("a")],
/// #     not_before: NumericDate::from_unix(0), not_after: None, usage: ConsentUse::Ongoing };
/// let provider = default_provider();
/// let now = NumericDate::from_unix(1_800_000_000);
/// // The record is signed by the consent's own key, the proof by the credential's key.
/// let (consent_key, credential_key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
/// let record = ConsentRecord::sign(terms, &*provider.signer(&consent_key)?, now)?;
/// let proof = ConsentHolderProof::for_record(&record, "https://city.example", now)
///     .sign(&*provider.signer(&credential_key)?)?;
/// let key = ConsentHolderProof::verify(&proof, provider, &record, "https://city.example", now, 300)?;
/// assert_eq!(key, credential_key.public_key());
/// assert!(ConsentHolderProof::verify(&proof, provider, &record, "https://other.example", now, 300).is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentHolderProof {
    /// The consent registered.
    pub consent: ConsentId,
    /// [`ConsentRecord::digest`] of the record registered.
    pub record_digest: String,
    /// The registry (its issuer identifier).
    pub audience: String,
    /// When the holder signed it.
    pub iat: NumericDate,
}

impl ConsentHolderProof {
    /// The proof for registering `record` at the registry `audience`.
    pub fn for_record(record: &ConsentRecord, audience: &str, iat: NumericDate) -> Self {
        ConsentHolderProof {
            consent: record.terms.id,
            record_digest: record.digest(),
            audience: audience.to_owned(),
            iat,
        }
    }

    /// Signs the proof with a key the registry knows (its `jwk` goes in the header).
    pub fn sign(&self, holder: &dyn Signer) -> Result<String> {
        let mut claims = Map::new();
        claims.insert("consent_id".into(), self.consent.to_string().into());
        claims.insert("record_digest".into(), self.record_digest.clone().into());
        claims.insert("aud".into(), self.audience.clone().into());
        claims.insert("iat".into(), self.iat.as_unix().into());
        let mut header = JwsHeader::new(holder.algorithm()).with_typ(HOLDER_PROOF_TYP);
        header.jwk = Some(Jwk::new(holder.public_key()));
        jwt::sign(&header, &claims, holder)
    }

    /// Verifies `compact` as the proof for registering `record` at `audience` at `now`:
    /// `typ`, the signature by the header's `jwk`, the members, the same consent and record
    /// digest (compared in constant time), the audience, and an `iat` at most `max_age_secs`
    /// old and not in the future (60 s leeway). Returns the proving key, for the registry to
    /// look up among its holders.
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        record: &ConsentRecord,
        audience: &str,
        now: NumericDate,
        max_age_secs: u64,
    ) -> Result<PublicKey> {
        let refused = |why| Error::Consent(ConsentError::HolderProof(why));
        let jws = parse_typed(compact, HOLDER_PROOF_TYP)?;
        let key = jws
            .header()
            .jwk
            .as_ref()
            .map(|jwk| jwk.key.clone())
            .ok_or_else(|| Error::missing_member("consent holder proof header", "jwk"))?;
        jws.verify(provider, &key)?;
        let claims = jws.payload_object(HOLDER_PROOF)?;
        json::check_members(&claims, &HOLDER_PROOF_MEMBERS, HOLDER_PROOF)?;
        let consent = ConsentId::parse(json::required_str(&claims, "consent_id", HOLDER_PROOF)?)?;
        let digest = json::required_str(&claims, "record_digest", HOLDER_PROOF)?;
        let same_digest: bool = digest.as_bytes().ct_eq(record.digest().as_bytes()).into();
        if consent != record.terms.id || !same_digest {
            return Err(refused("it is for another record"));
        }
        if json::required_str(&claims, "aud", HOLDER_PROOF)? != audience {
            return Err(refused("it is for another registry"));
        }
        let iat = required_date(&claims, "iat", HOLDER_PROOF)?;
        if iat > now.plus_seconds(HOLDER_PROOF_LEEWAY_SECS) {
            return Err(refused("it was signed in the future"));
        }
        if iat < now.minus_seconds(max_age_secs) {
            return Err(refused("it is too old: sign a fresh one"));
        }
        Ok(key)
    }
}

/// Parses a compact JWS and checks its `typ`.
fn parse_typed(compact: &str, typ: &'static str) -> Result<Jws> {
    let jws = Jws::parse(compact)?;
    let found = jws.header().typ.as_deref().unwrap_or_default();
    if found != typ {
        return Err(Error::Jwt(JwtError::WrongType {
            expected: typ.into(),
            found: shown(found),
        }));
    }
    Ok(jws)
}

fn required_date(obj: &Map<String, Value>, name: &str, what: &'static str) -> Result<NumericDate> {
    json::optional_date(obj, name, what)?.ok_or_else(|| Error::missing_member(what, name))
}

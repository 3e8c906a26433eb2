//! Anchoring: binding a wallet's holder key to a real, unique person through the My Number
//! card, without any personal data leaving the issuer.
//!
//! 1. The issuer hands out a [`Challenge`]: a single-use nonce, short-lived (5 minutes by
//!    default), carrying its expiry under the issuer's [`ChallengeKey`] — nothing is written
//!    ([`crate::challenge`]).
//! 2. The wallet answers with an [`AnchorResponse`]: a *holder proof* — a JWS of type
//!    [`PROOF_TYP`] signed by the holder key it carries in its `jwk` header, over the nonce,
//!    the issuer as `aud` and `iat` — and a *card JWS*: the card's authentication key signs
//!    the nonce and the holder key's RFC 7638 thumbprint (`holder_jkt`), so the card vouches
//!    for exactly that key.
//! 3. [`Anchoring::anchor`] checks the challenge's MAC and expiry, checks the holder proof,
//!    validates the card's certificate through `myna-jpki` for the *authentication* purpose (a
//!    signature certificate is refused: it carries the four facts, which anchoring must not
//!    see), checks the card's payload, and only then redeems the challenge in the [`Store`]
//!    (so a request without the card's signature writes nothing), finds or creates the person's [`SubjectHandle`] through the
//!    certificate → person table, records the anchor credential and only then signs it: an
//!    SD-JWT VC of type `urn:myna-vc:vct:anchor:1` bound to the holder key, with the assurance
//!    level, the day of anchoring, a status entry, and an expiry no later than the
//!    certificate's.
//!
//! The person handle survives card renewal because the CRL import
//! ([`cascade::import_crl`](crate::cascade::import_crl)) links the renewed certificate to the
//! old one's person, following J-LIS linking information. A deployment therefore imports each
//! CRL *before* it hands that CRL to [`Anchoring`]: a renewed card anchored earlier would get a
//! fresh handle (the import then reports the conflict instead of merging two people).
//!
//! A run with the test CA and a virtual card (more cases in `issuer/tests/anchor.rs`):
//!
//! ```
//! use myna_issuer::anchor::{AnchorResponse, Anchoring};
//! use myna_issuer::store::{MemoryStore, Store};
//! use myna_jpki::{card::{AuthPin, JpkiCard, SignPin}, card_jws::CardSigner, crl::Crl,
//!     holder::*, profile::CertificateType, test_ca::{TestCa, TestKey}, validate::Validator,
//!     virtual_card::VirtualCard};
//! use myna_vc_core::{crypto::{default_provider, SecretKey}, status_list::StatusListUri,
//!     time::NumericDate};
//! let (t, provider) = (NumericDate::from_unix(1_700_000_000), default_provider());
//! let key = TestKey::generate()?; // one RSA key for roots and card: it is only an example
//! let mut ca = TestCa::new(key.clone(), key.clone(), t)?;
//! let facts = HolderFacts { name: HolderName::plain("前橋　花子")?, sex: Sex::Female,
//!     birth_date: BirthDate::parse("419900505")?, address: Address::plain("群馬県前橋市大手町二丁目１２番１号")? };
//! let card = ca.issue_card(&facts, key.clone(), key, t)?;
//! let validator = Validator::new(ca.root_set(provider)?, provider);
//! let crls = [Crl::parse(&ca.crl(CertificateType::Authentication, t, t.plus_seconds(86_400))?,
//!     validator.roots(), provider)?];
//!
//! let store = MemoryStore::new();
//! let list = StatusListUri::new("https://city.example/status/1")?;
//! store.create_status_list(&list, 1024)?;
//! let issuer_key = provider.signer(&SecretKey::generate_p256()?)?;
//! let challenge_key = myna_issuer::challenge::ChallengeKey::generate()?;
//! let anchoring = Anchoring::new(&store, &*issuer_key, "https://city.example", &validator, &crls,
//!     list, &challenge_key);
//!
//! let now = t.plus_seconds(60);
//! let challenge = anchoring.challenge(now)?;
//! // The wallet: its holder key and the card's authentication key answer.
//! let holder = provider.signer(&SecretKey::generate_p256()?)?;
//! let card = CardSigner::authentication(JpkiCard::new(VirtualCard::new(&card,
//!     AuthPin::new("1234")?, SignPin::new("ABC123")?)), AuthPin::new("1234")?)?;
//! let response = AnchorResponse::build(&challenge, &*holder, &card, "https://city.example", now)?;
//!
//! let anchored = anchoring.anchor(&response, now)?;
//! assert!(anchored.new_subject);
//! assert!(anchored.credential.to_string().contains('~'));
//! assert!(anchoring.anchor(&response, now).is_err()); // the challenge was used
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use myna_jpki::card::Card;
use myna_jpki::card_jws::{self, CardSigner};
use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::Crl;
use myna_jpki::linking::{CertificateRef, LinkingInformation};
use myna_jpki::profile::CertificateType;
use myna_jpki::validate::Validator;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{PublicKey, Signer};
use myna_vc_core::json;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::{Jws, JwsHeader};
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::sdjwt_vc::{SdJwtVcIssuer, VcRequest};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

pub use crate::anchor_rejection::{AnchorRejection, CARD_TYP, PROOF_TYP};
use crate::audit::ActorRole;
use crate::challenge::{ChallengeKey, ChallengePurpose, Nonce};
use crate::cohort::Cohort;
use crate::credential_types::{self, claim, Kind};
use crate::error::{Error, Result};
use crate::record::{CredentialRecord, Fact, FactSet, NewCredential, SubjectHandle};
use crate::store::Store;

/// The anchor credential's `assurance_level`.
pub const ASSURANCE_LEVEL: &str = "jpki-authentication";
/// How long a challenge stays valid unless configured otherwise: 5 minutes.
pub const DEFAULT_CHALLENGE_LIFETIME_SECS: u64 = 300;
/// The longest an anchor credential lives unless configured otherwise (one year); it never
/// outlives the card's certificate.
pub const DEFAULT_CREDENTIAL_LIFETIME_SECS: u64 = 365 * 86_400;
/// Clock skew tolerated on the holder proof's `iat`.
pub const PROOF_LEEWAY_SECS: u64 = 60;

fn rejected(why: AnchorRejection) -> Error {
    Error::Anchor(why)
}

/// A challenge handed to a wallet: the nonce (base64url of the MACed value, see
/// [`crate::challenge`]) and when it stops being accepted.
/// ```
/// use myna_issuer::anchor::Challenge;
/// use myna_vc_core::time::NumericDate;
/// let c = Challenge { nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(), expires_at: NumericDate::from_unix(300) };
/// assert_eq!(c.expires_at.as_unix(), 300);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// base64url, unpadded.
    pub nonce: String,
    /// Exclusive end of validity.
    pub expires_at: NumericDate,
}

/// The wallet's answer to a [`Challenge`]: the nonce answered, the holder proof and the
/// card JWS (both compact JWS).
/// ```
/// use myna_issuer::anchor::AnchorResponse;
/// let r = AnchorResponse { nonce: "n".into(), holder_proof: "a.b.c".into(), card_jws: "d.e.f".into() };
/// assert_eq!(r.card_jws, "d.e.f");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorResponse {
    /// The challenge's nonce.
    pub nonce: String,
    /// JWS of type [`PROOF_TYP`] by the holder key, which it carries as `jwk`.
    pub holder_proof: String,
    /// JWS by the card's authentication key over `{"nonce", "holder_jkt"}`.
    pub card_jws: String,
}

impl AnchorResponse {
    /// The wallet side: signs the holder proof with `holder` and has the card sign the nonce
    /// and the holder key's thumbprint. `issuer_aud` is the issuer's identifier (`iss`). The
    /// card asks for its PIN once per signature (a virtual card in tests).
    pub fn build<C: Card + Send>(
        challenge: &Challenge,
        holder: &dyn Signer,
        card: &CardSigner<C>,
        issuer_aud: &str,
        now: NumericDate,
    ) -> Result<Self> {
        let holder_key = holder.public_key();
        let mut header = JwsHeader::new(holder.algorithm()).with_typ(PROOF_TYP);
        header.jwk = Some(Jwk::new(holder_key.clone()));
        let mut claims = Map::new();
        claims.insert("nonce".into(), Value::String(challenge.nonce.clone()));
        claims.insert("aud".into(), Value::String(issuer_aud.to_owned()));
        claims.insert("iat".into(), now.as_unix().into());
        let holder_proof = myna_vc_core::jwt::sign(&header, &claims, holder)?;
        let payload = json!({
            "nonce": challenge.nonce,
            "holder_jkt": holder_key.thumbprint().to_string(),
        });
        let card_jws =
            card_jws::sign_payload(card, Some(CARD_TYP), payload.to_string().as_bytes())?;
        Ok(AnchorResponse {
            nonce: challenge.nonce.clone(),
            holder_proof,
            card_jws,
        })
    }
}

/// A successful anchoring.
#[derive(Debug, Clone)]
pub struct Anchored {
    /// The anchor credential, to hand to the wallet.
    pub credential: SdJwt,
    /// The person behind the card (stable across renewals).
    pub subject: SubjectHandle,
    /// The holder key now anchored (the anchor credential's `cnf`).
    pub holder_key: PublicKey,
    /// Whether the person was seen for the first time.
    pub new_subject: bool,
    /// The credential's record.
    pub record: CredentialRecord,
}

/// The issuer's anchoring service. See the [module docs](self).
pub struct Anchoring<'a, S: Store> {
    store: &'a S,
    signer: &'a dyn Signer,
    iss: String,
    validator: &'a Validator,
    crls: &'a [Crl],
    status_list: StatusListUri,
    challenge_key: &'a ChallengeKey,
    challenge_lifetime_secs: u64,
    credential_lifetime_secs: u64,
}

impl<S: Store> fmt::Debug for Anchoring<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Anchoring")
            .field("iss", &self.iss)
            .field("status_list", &self.status_list)
            .finish_non_exhaustive()
    }
}

impl<'a, S: Store> Anchoring<'a, S> {
    /// The service for issuer `iss` signing with `signer`, checking cards with `validator`
    /// against `crls` (import them with [`cascade::import_crl`](crate::cascade::import_crl)
    /// first), assigning status entries in the list at `status_list`, and making and checking
    /// challenges with `challenge_key` (the same key for the challenge and its answer).
    pub fn new(
        store: &'a S,
        signer: &'a dyn Signer,
        iss: &str,
        validator: &'a Validator,
        crls: &'a [Crl],
        status_list: StatusListUri,
        challenge_key: &'a ChallengeKey,
    ) -> Self {
        Anchoring {
            store,
            signer,
            iss: iss.to_owned(),
            validator,
            crls,
            status_list,
            challenge_key,
            challenge_lifetime_secs: DEFAULT_CHALLENGE_LIFETIME_SECS,
            credential_lifetime_secs: DEFAULT_CREDENTIAL_LIFETIME_SECS,
        }
    }

    /// Sets how long a challenge is accepted.
    pub fn with_challenge_lifetime(mut self, secs: u64) -> Self {
        self.challenge_lifetime_secs = secs;
        self
    }

    /// Sets the anchor credential lifetime: `exp` is 00:00 JST of the day it ends, shared by
    /// everyone anchored that day; the certificate's end still caps the credential, through
    /// the status list ([`lapse`](crate::lapse)).
    pub fn with_credential_lifetime(mut self, secs: u64) -> Self {
        self.credential_lifetime_secs = secs;
        self
    }

    /// A fresh challenge, accepted until `now` + the challenge lifetime. Writes nothing.
    pub fn challenge(&self, now: NumericDate) -> Result<Challenge> {
        let issued = self.challenge_key.issue(
            ChallengePurpose::Anchoring,
            now,
            self.challenge_lifetime_secs,
        )?;
        Ok(Challenge {
            nonce: issued.nonce.to_text(),
            expires_at: issued.expires_at,
        })
    }

    /// Checks `response` at `now` and issues the anchor credential. The challenge is redeemed
    /// once the holder proof and the card's signature verified, before anything else is
    /// written: a refused answer writes nothing (trying again needs the card again), and an
    /// accepted one cannot be replayed.
    pub fn anchor(&self, response: &AnchorResponse, now: NumericDate) -> Result<Anchored> {
        let nonce = Nonce::from_text(&response.nonce)?;
        let challenge_expires_at =
            self.challenge_key
                .check(ChallengePurpose::Anchoring, &nonce, now)?;
        if self.store.challenge_used(&nonce)? {
            return Err(Error::Challenge(crate::ChallengeRejection::AlreadyUsed));
        }
        let holder_key = self.check_holder_proof(&response.holder_proof, &response.nonce, now)?;
        let card = card_jws::verify(
            &response.card_jws,
            self.validator,
            CertificateType::Authentication,
            now,
            self.crls,
        )?;
        check_card_type(&response.card_jws)?;
        check_card_payload(&card.payload, &response.nonce, &holder_key)?;
        self.store
            .redeem_challenge(&nonce, challenge_expires_at, now)?;

        let certificate = CertificateRef {
            certificate_type: CertificateType::Authentication,
            serial: card.certificate.serial(),
        };
        let declaration = credential_types::declaration(Kind::Anchor)?;
        // The times in the clear are the cohort's (see `cohort`): the certificate's expiry is
        // the holder's fifth birthday after the card was issued, so it stays on the record and
        // ends the anchor through the status list (`lapse`).
        let cohort = Cohort::of(now)?;
        let expires_at = Cohort::floor(now.plus_seconds(self.credential_lifetime_secs))?;
        let ends_at = expires_at.min(card.certificate.validity().not_after);
        let new = |subject| NewCredential {
            vct: declaration.vct().clone(),
            subject,
            // An anchor rests on the card alone; the cascade revokes it through the
            // certificate → person table when the card is lost or renewed, and it lapses
            // when the certificate expires.
            facts: FactSet::of(&[Fact::CardCertificate]),
            issued_at: now,
            expires_at: ends_at,
            holder_key: Some(holder_key.thumbprint()),
        };
        let anchored = self
            .store
            .issue_anchored(&self.status_list, &certificate, new, now)?;
        let mut claims = Map::new();
        claims.insert(
            claim::anchor::ASSURANCE_LEVEL.into(),
            ASSURANCE_LEVEL.into(),
        );
        let day = CalendarDate::from_numeric_date_jst(now)?;
        claims.insert(
            claim::anchor::ANCHORED_ON.into(),
            Value::String(day.to_string()),
        );
        let credential = SdJwtVcIssuer::new(self.signer, &self.iss).issue(&VcRequest {
            credential_type: &declaration,
            claims: &claims,
            holder_key: &holder_key,
            issued_at: cohort.issued_at(),
            expires_at: Some(expires_at),
            status: Some(&anchored.record.status),
        })?;
        Ok(Anchored {
            credential,
            subject: anchored.subject,
            holder_key,
            new_subject: anchored.new_subject,
            record: anchored.record,
        })
    }

    /// Verifies the holder proof and returns the holder key it proves.
    fn check_holder_proof(&self, proof: &str, nonce: &str, now: NumericDate) -> Result<PublicKey> {
        const PART: &str = "holder proof";
        let jws = Jws::parse(proof)?;
        if jws.header().typ.as_deref() != Some(PROOF_TYP) {
            return Err(rejected(AnchorRejection::ProofType));
        }
        let key = jws
            .header()
            .jwk
            .as_ref()
            .map(|jwk| jwk.key.clone())
            .ok_or(rejected(AnchorRejection::ProofKeyMissing))?;
        jws.verify(self.validator.provider(), &key)
            .map_err(|_| rejected(AnchorRejection::ProofSignature))?;
        let claims = jws.payload_object(PART)?;
        if !same_text(string_claim(&claims, PART, "nonce")?, nonce) {
            return Err(rejected(AnchorRejection::NonceMismatch { part: PART }));
        }
        if string_claim(&claims, PART, "aud")? != self.iss {
            return Err(rejected(AnchorRejection::WrongAudience));
        }
        let iat = myna_vc_core::jwt::date_claim(&claims, "iat")?.ok_or(rejected(
            AnchorRejection::MissingClaim {
                part: PART,
                claim: "iat",
            },
        ))?;
        let earliest = now.minus_seconds(
            self.challenge_lifetime_secs
                .saturating_add(PROOF_LEEWAY_SECS),
        );
        if iat > now.plus_seconds(PROOF_LEEWAY_SECS) || iat < earliest {
            return Err(rejected(AnchorRejection::ProofTime));
        }
        Ok(key)
    }
}

fn check_card_type(compact: &str) -> Result<()> {
    if Jws::parse(compact)?.header().typ.as_deref() != Some(CARD_TYP) {
        return Err(rejected(AnchorRejection::CardType));
    }
    Ok(())
}

fn check_card_payload(payload: &[u8], nonce: &str, holder_key: &PublicKey) -> Result<()> {
    const PART: &str = "card payload";
    let claims = json::parse_object(payload, PART)?;
    if !same_text(string_claim(&claims, PART, "nonce")?, nonce) {
        return Err(rejected(AnchorRejection::NonceMismatch { part: PART }));
    }
    let expected = holder_key.thumbprint().to_string();
    if !same_text(string_claim(&claims, PART, "holder_jkt")?, &expected) {
        return Err(rejected(AnchorRejection::HolderKeyMismatch));
    }
    Ok(())
}

fn string_claim<'c>(
    claims: &'c Map<String, Value>,
    part: &'static str,
    claim: &'static str,
) -> Result<&'c str> {
    claims
        .get(claim)
        .and_then(Value::as_str)
        .ok_or(rejected(AnchorRejection::MissingClaim { part, claim }))
}

/// Compares in constant time: nonces and thumbprints are the secrets of this exchange.
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The person behind signature certificate `serial`, for issuing resident, age and subsidy
/// credentials from it: the store's link if the certificate is known, otherwise the linking
/// information's authentication certificate and *its* person, after which the signature
/// certificate is linked too (so a later CRL import finds it). The caller must have
/// validated the certificate. A person never anchored is [`Error::UnknownCertificate`].
pub fn subject_for_signature_certificate<S: Store>(
    store: &S,
    linking: &dyn LinkingInformation,
    serial: &SerialNumber,
    now: NumericDate,
) -> Result<SubjectHandle> {
    let signature = CertificateRef {
        certificate_type: CertificateType::Signature,
        serial: *serial,
    };
    if let Some(known) = store.certificate_subject(&signature)? {
        return live_subject(known);
    }
    let authentication = linking
        .authentication_for_signature(serial)?
        .ok_or(Error::UnknownCertificate(CertificateType::Signature))?;
    let authentication = CertificateRef {
        certificate_type: CertificateType::Authentication,
        serial: authentication,
    };
    let known = store
        .certificate_subject(&authentication)?
        .ok_or(Error::UnknownCertificate(CertificateType::Authentication))?;
    let subject = live_subject(known)?;
    store.link_certificate(&signature, &subject, ActorRole::System, now)?;
    Ok(subject)
}

fn live_subject(known: crate::store::CertificateSubject) -> Result<SubjectHandle> {
    match known.revoked {
        Some((reason, _)) => Err(Error::CertificateRevoked(reason)),
        None => Ok(known.subject),
    }
}

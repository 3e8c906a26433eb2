//! Issuing the credentials: claims built by the rules, checked against the type's declaration,
//! recorded durably with a random status entry, and only then signed and handed out.
//!
//! The order is the crate's central rule: [`Store::issue_batch`] makes the records and their
//! status entries durable before any credential is signed, so no credential exists that the
//! municipality cannot revoke. A batch is one transaction, which is what makes city-scale
//! issuance fast.
//!
//! The inputs are facts someone already checked: the holder facts of a *validated* signature
//! certificate (myna-jpki), a guardian's subsidy grant from the municipality's records, a
//! shelter desk's check-in. This module applies the rules — residence in the issuer's
//! municipality, the Japanese age rules, the subsidy's "first 31 March after reaching N" — and
//! never stores personal data: the record holds the subject handle, the type, the status entry
//! and the facts it depends on.
//!
//! ```
//! use myna_issuer::issuance::{AgeRequest, CredentialIssuer, IssuerProfile};
//! use myna_issuer::{record::SubjectHandle, store::{MemoryStore, Store}};
//! use myna_vc_core::{calendar::CalendarDate, crypto::{default_provider, SecretKey}};
//! use myna_vc_core::{municipality::Municipality, status_list::StatusListUri, time::NumericDate};
//! let store = MemoryStore::new();
//! let list = StatusListUri::new("https://city.kobe.example/status/1")?;
//! store.create_status_list(&list, 1 << 12)?;
//! let key = SecretKey::generate_p256()?;
//! let signer = default_provider().signer(&key)?;
//! let kobe = Municipality::new("281000".parse()?, "兵庫県", "神戸市")?;
//! let profile = IssuerProfile::municipality("https://city.kobe.example", kobe, list);
//! let issuer = CredentialIssuer::new(&store, &*signer, profile)?;
//!
//! let holder = SecretKey::generate_p256()?.public_key();
//! let now = NumericDate::from_unix(1_800_000_000); // 2027-01-15
//! let issued = issuer.age(&AgeRequest {
//!     subject: SubjectHandle::random()?,
//!     birth: CalendarDate::parse("2007-01-16")?,
//!     holder_key: &holder,
//!     not_after: now.plus_seconds(5 * 365 * 86_400),
//! }, now)?;
//! let claims = issued.credential.unverified_claims()?;
//! assert_eq!(claims["age_over_20"], false); // 20 tomorrow (JST): a safe `false` that goes stale
//! // The times in the clear are the cohort's (00:00 JST of the day, plus the lifetime), never
//! // derived from the birth date; see `cohort`.
//! assert_eq!(claims["iat"], 1_799_938_800);
//! assert_eq!(claims["exp"], 1_799_938_800 + 365 * 86_400);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use myna_jpki::holder::HolderFacts;
use myna_vc_core::age::AgeClaims;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{PublicKey, Signer};
use myna_vc_core::municipality::{Municipality, MunicipalityCode};
use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::sdjwt_vc::{CredentialType, SdJwtVcIssuer, VcRequest};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::subsidy::coverage_end;
use myna_vc_core::time::NumericDate;
use serde_json::{json, Map, Value};

use crate::audit::ActorRole;
use crate::cohort::Cohort;
use crate::credential_types::{claim, declaration, Kind};
use crate::error::{Error, Result};
use crate::escrow::{self, EscrowPolicy, EscrowedLink};
use crate::pseudonym::{ContextId, PseudonymKey};
use crate::record::{CredentialRecord, Fact, FactSet, NewCredential, SubjectHandle};
use crate::store::Store;

/// Batches at least this large are signed on every core.
const PARALLEL_BATCH: usize = 64;

/// The age thresholds every age credential states.
pub const AGE_THRESHOLDS: [u32; 5] = [4, 15, 18, 20, 65];

/// How long resident and age credentials last unless configured otherwise
/// ([`CredentialIssuer::with_lifetime_days`]): a year from the issuance day.
pub const DEFAULT_LIFETIME_DAYS: u32 = 365;

/// Who the issuer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerProfile {
    /// `iss` (the issuer's did:web or HTTPS identifier).
    pub iss: String,
    /// The municipality it serves, as configured (code, prefecture and name: any
    /// municipality, no table decides); `None` for a non-municipal issuer (a DMO, a shelter
    /// operator).
    pub municipality: Option<Municipality>,
    /// The status list new credentials get entries in.
    pub status_list: StatusListUri,
    /// `kid` for the JWT header, if any.
    pub kid: Option<String>,
}

impl IssuerProfile {
    /// A municipality's profile.
    ///
    /// ```
    /// use myna_issuer::issuance::IssuerProfile;
    /// use myna_vc_core::{municipality::Municipality, status_list::StatusListUri};
    /// let atami = Municipality::new("222054".parse()?, "静岡県", "熱海市")?;
    /// let list = StatusListUri::new("https://city.atami.example/status/1")?;
    /// let profile = IssuerProfile::municipality("https://city.atami.example", atami, list);
    /// assert_eq!(profile.municipality.map(|m| m.code().to_string()).as_deref(), Some("222054"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn municipality(iss: &str, municipality: Municipality, status_list: StatusListUri) -> Self {
        IssuerProfile {
            iss: iss.to_owned(),
            municipality: Some(municipality),
            status_list,
            kid: None,
        }
    }

    /// A non-municipal issuer's profile.
    pub fn operator(iss: &str, status_list: StatusListUri) -> Self {
        IssuerProfile {
            iss: iss.to_owned(),
            municipality: None,
            status_list,
            kid: None,
        }
    }
}

/// One issued credential: its durable record and the SD-JWT VC to hand to the holder.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The record (already durable).
    pub record: CredentialRecord,
    /// The credential, with every disclosure.
    pub credential: SdJwt,
}

/// An age credential to issue.
#[derive(Debug, Clone, Copy)]
pub struct AgeRequest<'a> {
    /// Whom it is about.
    pub subject: SubjectHandle,
    /// The certified date of birth.
    pub birth: CalendarDate,
    /// The holder key to bind it to.
    pub holder_key: &'a PublicKey,
    /// The personal limit (the signature certificate's end of validity): kept on the record
    /// and enforced through the status list, never written into the credential.
    pub not_after: NumericDate,
}

/// A child medical subsidy grant from the municipality's records.
#[derive(Debug, Clone)]
pub struct SubsidyGrant {
    /// 公費負担者番号.
    pub payer: PublicExpensePayerNumber,
    /// 受給者番号.
    pub recipient: RecipientNumber,
    /// The child's name.
    pub child_name: String,
    /// The child's date of birth.
    pub child_birth: CalendarDate,
    /// Outpatient care is covered until the first 31 March after the child reaches this age.
    pub outpatient_age: u32,
    /// Inpatient care is covered until the first 31 March after the child reaches this age.
    pub inpatient_age: u32,
    /// Copay per visit, in yen.
    pub copay_per_visit_yen: u32,
    /// Monthly copay cap, in yen, if any.
    pub monthly_cap_yen: Option<u32>,
}

/// A shelter check-in.
#[derive(Debug, Clone)]
pub struct ShelterCheckIn {
    /// The shelter.
    pub shelter_id: String,
    /// The municipality running it.
    pub municipality: MunicipalityCode,
    /// When the evacuee checked in.
    pub checked_in_at: NumericDate,
    /// Care level, if the evacuee gave one.
    pub care_level: Option<String>,
    /// Medication, if given.
    pub medication: Vec<String>,
    /// Allergies, if given.
    pub allergies: Vec<String>,
}

/// A checked anchor credential presentation: proof that the holder key belongs to a real,
/// unique person anchored to a My Number card by a trusted issuer. Only [`verify_anchor`]
/// makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorEvidence {
    holder_key: PublicKey,
    anchor_issuer: String,
    status: Option<myna_vc_core::status_list::StatusReference>,
}

impl AnchorEvidence {
    /// The anchored holder key (the one the presentation was key-bound with).
    pub fn holder_key(&self) -> &PublicKey {
        &self.holder_key
    }

    /// The issuer that anchored the holder.
    pub fn anchor_issuer(&self) -> &str {
        &self.anchor_issuer
    }

    /// The anchor credential's status entry, for the caller's status check (an anchor issued
    /// by this crate always has one).
    pub fn status(&self) -> Option<&myna_vc_core::status_list::StatusReference> {
        self.status.as_ref()
    }
}

/// Checks an anchor credential presentation for a non-municipal issuer (a DMO): issued by
/// `anchor_issuer_key`, of the anchor type, key-bound to this issuer's `audience` and `nonce`,
/// and stating the JPKI assurance level. Status checking is the caller's (it holds the cached
/// status list).
pub fn verify_anchor(
    presentation: &str,
    anchor_issuer_key: &PublicKey,
    audience: &str,
    nonce: &str,
    now: NumericDate,
) -> Result<AnchorEvidence> {
    let vct = myna_vc_core::sdjwt_vc::Vct::parse(Kind::Anchor.vct())?;
    let rule = myna_vc_core::sdjwt::KeyBindingRule::Required {
        audience,
        nonce,
        max_age_secs: 300,
    };
    let options = myna_vc_core::sdjwt_vc::VcVerifyOptions::at(now, rule).expect_vct(&vct);
    let verified = myna_vc_core::sdjwt_vc::verify(
        presentation,
        myna_vc_core::crypto::default_provider(),
        anchor_issuer_key,
        &options,
    )?;
    if verified
        .claims()
        .get(claim::anchor::ASSURANCE_LEVEL)
        .and_then(Value::as_str)
        != Some("jpki-authentication")
    {
        return Err(Error::Invalid {
            what: "anchor credential",
            detail: "assurance level is not jpki-authentication".into(),
        });
    }
    let holder_key = verified
        .disclosed()
        .holder_key()?
        .ok_or(myna_vc_core::Error::SdJwt(
            myna_vc_core::SdJwtError::NoHolderKey,
        ))?;
    Ok(AnchorEvidence {
        holder_key,
        anchor_issuer: verified.issuer().unwrap_or_default().to_owned(),
        status: verified.status()?,
    })
}

/// A fan-club membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The club.
    pub club_id: String,
    /// The member number.
    pub member_number: String,
    /// The tier.
    pub tier: String,
}

/// One credential before it is recorded: the claims, and what the record needs.
struct Draft<'a> {
    kind: Kind,
    claims: Map<String, Value>,
    subject: SubjectHandle,
    facts: FactSet,
    holder_key: &'a PublicKey,
    /// `exp`: a boundary the whole cohort shares (see [`cohort`](crate::cohort)).
    expires_at: NumericDate,
    /// An earlier personal limit, kept on the record only and enforced through the status
    /// list ([`lapse`](crate::lapse)).
    lapses_at: Option<NumericDate>,
}

impl Draft<'_> {
    /// When the record stops being valid: `exp`, or the personal limit if that comes first.
    fn ends_at(&self) -> NumericDate {
        self.lapses_at
            .map_or(self.expires_at, |lapse| lapse.min(self.expires_at))
    }
}

/// Issues credentials for one issuer. See the [module docs](self).
pub struct CredentialIssuer<'a, S: Store> {
    store: &'a S,
    signer: &'a dyn Signer,
    profile: IssuerProfile,
    types: HashMap<Kind, CredentialType>,
    escrow: Option<EscrowPolicy>,
    lifetime_days: u32,
}

impl<'a, S: Store> CredentialIssuer<'a, S> {
    /// An issuer writing to `store` and signing with `signer`.
    pub fn new(store: &'a S, signer: &'a dyn Signer, profile: IssuerProfile) -> Result<Self> {
        let types = Kind::ALL
            .iter()
            .map(|kind| Ok((*kind, declaration(*kind)?)))
            .collect::<Result<_>>()?;
        Ok(CredentialIssuer {
            store,
            signer,
            profile,
            types,
            escrow: None,
            lifetime_days: DEFAULT_LIFETIME_DAYS,
        })
    }

    /// An issuer like [`new`](Self::new) with the type declarations already loaded (a
    /// long-running service loads them once instead of per request). Every kind must be
    /// present; a missing one is [`Error::Invalid`] when it is issued.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use myna_issuer::credential_types::{declaration, Kind};
    /// use myna_issuer::issuance::{CredentialIssuer, IssuerProfile};
    /// use myna_issuer::store::MemoryStore;
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, status_list::StatusListUri};
    /// let store = MemoryStore::new();
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let list = StatusListUri::new("https://city.example/status/1")?;
    /// let types: HashMap<_, _> = Kind::ALL.iter().map(|k| (*k, declaration(*k).unwrap())).collect();
    /// let issuer = CredentialIssuer::with_types(&store, &*signer,
    ///     IssuerProfile::operator("https://dmo.example", list), types);
    /// assert_eq!(issuer.profile().iss, "https://dmo.example");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_types(
        store: &'a S,
        signer: &'a dyn Signer,
        profile: IssuerProfile,
        types: HashMap<Kind, CredentialType>,
    ) -> Self {
        CredentialIssuer {
            store,
            signer,
            profile,
            types,
            escrow: None,
            lifetime_days: DEFAULT_LIFETIME_DAYS,
        }
    }

    /// This issuer, giving resident and age credentials an `exp` of 00:00 JST `days` days
    /// after the issuance day (default [`DEFAULT_LIFETIME_DAYS`]). The lifetime is issuer
    /// configuration, the same for everyone, so `exp` tells no holder apart.
    ///
    /// ```
    /// use myna_issuer::issuance::{CredentialIssuer, IssuerProfile};
    /// use myna_issuer::store::MemoryStore;
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, status_list::StatusListUri};
    /// let store = MemoryStore::new();
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let list = StatusListUri::new("https://city.example/status/1")?;
    /// let kobe = myna_vc_core::municipality::Municipality::new("281000".parse()?, "兵庫県", "神戸市")?;
    /// let issuer = CredentialIssuer::new(&store, &*signer,
    ///     IssuerProfile::municipality("https://city.kobe.example", kobe, list))?
    ///     .with_lifetime_days(90);
    /// assert_eq!(issuer.lifetime_days(), 90);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_lifetime_days(mut self, days: u32) -> Self {
        self.lifetime_days = days;
        self
    }

    /// The lifetime of resident and age credentials, in days.
    pub fn lifetime_days(&self) -> u32 {
        self.lifetime_days
    }

    /// This issuer, sealing pseudonym links under `policy` (the due-process escrow; see
    /// [`escrow`]). Without a policy, [`context_pseudonym`](Self::context_pseudonym) refuses
    /// with [`Error::EscrowNotConfigured`].
    ///
    /// The policy is issuer configuration, like the profile: the trustees are fixed for a
    /// deployment, not chosen per request, so it is set once here rather than passed to every
    /// call — and the refusal without it keeps the rule fail-closed.
    ///
    /// ```
    /// use myna_issuer::escrow::{EscrowPolicy, TrusteeKey};
    /// use myna_issuer::issuance::{CredentialIssuer, IssuerProfile};
    /// use myna_issuer::store::MemoryStore;
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, status_list::StatusListUri};
    /// let store = MemoryStore::new();
    /// let signer = default_provider().signer(&SecretKey::generate_p256()?)?;
    /// let list = StatusListUri::new("https://city.example/status/1")?;
    /// let trustees = ["city", "committee", "court"].map(|id| TrusteeKey::generate(id).unwrap());
    /// let policy = EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2)?;
    /// let issuer = CredentialIssuer::new(&store, &*signer, IssuerProfile::operator("https://dmo.example", list))?
    ///     .with_escrow(policy.clone());
    /// assert_eq!(issuer.escrow(), Some(&policy));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_escrow(mut self, policy: EscrowPolicy) -> Self {
        self.escrow = Some(policy);
        self
    }

    /// The escrow policy pseudonym links are sealed under, if any.
    pub fn escrow(&self) -> Option<&EscrowPolicy> {
        self.escrow.as_ref()
    }

    /// The profile.
    pub fn profile(&self) -> &IssuerProfile {
        &self.profile
    }

    /// A resident credential from the facts of a validated signature certificate, issued only
    /// when the certified address lies in this issuer's municipality ([`Error::NotResident`]).
    ///
    /// `not_after` is the certificate's expiry: a personal limit, so it is kept on the record
    /// and enforced through the status list ([`lapse`](crate::lapse)); `exp` is the cohort's
    /// ([`with_lifetime_days`](Self::with_lifetime_days)).
    pub fn resident(
        &self,
        subject: SubjectHandle,
        facts: &HolderFacts,
        holder_key: &PublicKey,
        not_after: NumericDate,
        now: NumericDate,
    ) -> Result<Issued> {
        let municipality = self.profile.municipality.as_ref();
        let municipality = municipality.ok_or(Error::NotAMunicipality)?;
        let code = municipality.code();
        if !municipality.contains_address(facts.address.text()) {
            return Err(Error::NotResident(code));
        }
        let birth = birth_date(facts)?;
        let claims = json!({
            claim::resident::MUNICIPALITY_CODE: code.to_string(),
            claim::resident::PREFECTURE_CODE: format!("{:02}", code.prefecture().get()),
            claim::resident::NAME: facts.name.text(),
            claim::resident::ADDRESS: facts.address.text(),
            claim::resident::BIRTHDATE: birth.to_string(),
        });
        let draft = Draft {
            kind: Kind::Resident,
            claims: object(claims),
            subject,
            facts: FactSet::of(&[Fact::Residence, Fact::BirthDate, Fact::CardCertificate]),
            holder_key,
            expires_at: Cohort::of(now)?.after_days(self.lifetime_days)?,
            lapses_at: Some(not_after),
        };
        self.one(draft, now)
    }

    /// An age credential. Its thresholds are computed for the issuance day (JST); its `exp` is
    /// the cohort's, so a `false` threshold may turn true before it — a stale `false` only
    /// refuses its holder until the wallet refreshes it, while a `true` stays true for ever.
    /// [`AgeRequest::not_after`] (the card certificate's expiry) is enforced through the status
    /// list ([`lapse`](crate::lapse)), never written into the credential.
    pub fn age(&self, request: &AgeRequest<'_>, now: NumericDate) -> Result<Issued> {
        self.age_batch(std::slice::from_ref(request), now)?
            .pop()
            .ok_or_else(|| Error::invariant("an issued batch came back empty"))
    }

    /// Many age credentials in one durable transaction (city-scale issuance).
    pub fn age_batch(&self, requests: &[AgeRequest<'_>], now: NumericDate) -> Result<Vec<Issued>> {
        let cohort = Cohort::of(now)?;
        let today = cohort.day();
        let expires_at = cohort.after_days(self.lifetime_days)?;
        let drafts = requests
            .iter()
            .map(|r| {
                let ages = AgeClaims::compute(r.birth, today, &AGE_THRESHOLDS)?;
                let mut claims = ages.to_json();
                claims.insert(
                    claim::age::BIRTHDATE.into(),
                    Value::String(r.birth.to_string()),
                );
                Ok(Draft {
                    kind: Kind::Age,
                    claims,
                    subject: r.subject,
                    facts: FactSet::of(&[Fact::BirthDate, Fact::CardCertificate]),
                    holder_key: r.holder_key,
                    expires_at,
                    lapses_at: Some(r.not_after),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.issue(drafts, now)
    }

    /// A child medical subsidy credential for the guardian `guardian`, about the child in
    /// `grant`. Coverage ends on the first 31 March after the child reaches the grant's ages;
    /// a grant whose coverage has ended is [`Error::CoverageEnded`]. The credential's `exp` is
    /// the next 1 April (00:00 JST), shared by every grant issued that day: coverage always
    /// ends on a 31 March, so the end dates stay claims, not times in the clear.
    pub fn child_medical_subsidy(
        &self,
        guardian: SubjectHandle,
        grant: &SubsidyGrant,
        holder_key: &PublicKey,
        now: NumericDate,
    ) -> Result<Issued> {
        let municipality = self.profile.municipality.as_ref();
        let code = municipality
            .map(Municipality::code)
            .ok_or(Error::NotAMunicipality)?;
        let outpatient = coverage_end(grant.child_birth, grant.outpatient_age)?;
        let inpatient = coverage_end(grant.child_birth, grant.inpatient_age)?;
        let coverage_ends = outpatient.max(inpatient).next_day()?.start_jst();
        if coverage_ends <= now {
            return Err(Error::CoverageEnded);
        }
        let expires_at = Cohort::of(now)?.next_fiscal_year()?;
        let mut copay = Map::new();
        copay.insert("per_visit_yen".into(), grant.copay_per_visit_yen.into());
        if let Some(cap) = grant.monthly_cap_yen {
            copay.insert("monthly_cap_yen".into(), cap.into());
        }
        let claims = json!({
            claim::child_medical_subsidy::MUNICIPALITY_CODE: code.to_string(),
            claim::child_medical_subsidy::PAYER_NUMBER: grant.payer.to_string(),
            claim::child_medical_subsidy::RECIPIENT_NUMBER: grant.recipient.to_string(),
            claim::child_medical_subsidy::CHILD_NAME: grant.child_name,
            claim::child_medical_subsidy::CHILD_BIRTHDATE: grant.child_birth.to_string(),
            claim::child_medical_subsidy::OUTPATIENT_UNTIL: outpatient.to_string(),
            claim::child_medical_subsidy::INPATIENT_UNTIL: inpatient.to_string(),
            claim::child_medical_subsidy::COPAY: copay,
        });
        let draft = Draft {
            kind: Kind::ChildMedicalSubsidy,
            claims: object(claims),
            subject: guardian,
            facts: FactSet::of(&[Fact::Residence, Fact::Guardian]),
            holder_key,
            expires_at,
            lapses_at: Some(coverage_ends),
        };
        self.one(draft, now)
    }

    /// A fan-club membership credential (no personal data), for a holder that presented a
    /// valid anchor credential ([`verify_anchor`]); it is bound to the anchored holder key.
    /// The record's subject is derived from that key (the DMO knows no person handle).
    pub fn fan_club_membership(
        &self,
        anchor: &AnchorEvidence,
        membership: &Membership,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<Issued> {
        let subject = SubjectHandle::from_bytes(anchor.holder_key.thumbprint().0);
        let holder_key = &anchor.holder_key;
        let claims = json!({
            claim::fan_club_membership::CLUB_ID: membership.club_id,
            claim::fan_club_membership::MEMBER_NUMBER: membership.member_number,
            claim::fan_club_membership::TIER: membership.tier,
        });
        let draft = Draft {
            kind: Kind::FanClubMembership,
            claims: object(claims),
            subject,
            facts: FactSet::default(),
            holder_key,
            expires_at: Cohort::floor(expires_at)?,
            lapses_at: None,
        };
        self.one(draft, now)
    }

    /// A shelter registration credential; revoke it at check-out.
    pub fn shelter_registration(
        &self,
        subject: SubjectHandle,
        check_in: &ShelterCheckIn,
        holder_key: &PublicKey,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<Issued> {
        let mut claims = object(json!({
            claim::shelter_registration::SHELTER_ID: check_in.shelter_id,
            claim::shelter_registration::MUNICIPALITY_CODE: check_in.municipality.to_string(),
            claim::shelter_registration::CHECKED_IN_AT: check_in.checked_in_at.as_unix(),
        }));
        if let Some(level) = &check_in.care_level {
            claims.insert(
                claim::shelter_registration::CARE_LEVEL.into(),
                Value::String(level.clone()),
            );
        }
        if !check_in.medication.is_empty() {
            claims.insert(
                claim::shelter_registration::MEDICATION.into(),
                json!(check_in.medication),
            );
        }
        if !check_in.allergies.is_empty() {
            claims.insert(
                claim::shelter_registration::ALLERGIES.into(),
                json!(check_in.allergies),
            );
        }
        let draft = Draft {
            kind: Kind::ShelterRegistration,
            claims,
            subject,
            facts: FactSet::default(),
            holder_key,
            expires_at: Cohort::floor(expires_at)?,
            lapses_at: None,
        };
        self.one(draft, now)
    }

    /// The holder's pseudonym credential for `context`: the same value for the same person in
    /// the same context, whatever device or card.
    ///
    /// The link pseudonym → person is sealed under the issuer's escrow policy
    /// ([`with_escrow`](Self::with_escrow); without one this is
    /// [`Error::EscrowNotConfigured`]) and stored in the same transaction as the credential's
    /// record ([`Store::issue_escrowed`]), so a credential exists only with its link in escrow.
    /// The first sealing of a (context, pseudonym) stays; later issuances keep it.
    pub fn context_pseudonym(
        &self,
        key: &PseudonymKey,
        subject: SubjectHandle,
        context: &ContextId,
        holder_key: &PublicKey,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<Issued> {
        let policy = self.escrow.as_ref().ok_or(Error::EscrowNotConfigured)?;
        let link = EscrowedLink::derive(key, subject, context.clone());
        let claims = json!({
            claim::context_pseudonym::CONTEXT: context.as_str(),
            claim::context_pseudonym::PSEUDONYM: link.pseudonym.as_str(),
        });
        // Sealed on every issuance (a few X25519 operations, small next to signing) and kept
        // only if no link is stored yet: one write transaction, no read-then-write race.
        let sealed = escrow::seal(policy, &link)?;
        let draft = Draft {
            kind: Kind::ContextPseudonym,
            claims: object(claims),
            subject,
            facts: FactSet::default(),
            holder_key,
            expires_at: Cohort::floor(expires_at)?,
            lapses_at: None,
        };
        let uri = &self.profile.status_list;
        let mut issued = self.issue_with(vec![draft], now, |mut news| {
            let new = news
                .pop()
                .ok_or_else(|| Error::invariant("a pseudonym draft went missing"))?;
            let record = self.store.issue_escrowed(
                uri,
                &link.context,
                &link.pseudonym,
                &sealed,
                new,
                now,
            )?;
            Ok(vec![record])
        })?;
        issued
            .pop()
            .ok_or_else(|| Error::invariant("an issued batch came back empty"))
    }

    fn one(&self, draft: Draft<'_>, now: NumericDate) -> Result<Issued> {
        self.issue(vec![draft], now)?
            .pop()
            .ok_or_else(|| Error::invariant("an issued batch came back empty"))
    }

    /// Checks every draft, records them all in one durable transaction, then signs them.
    fn issue(&self, drafts: Vec<Draft<'_>>, now: NumericDate) -> Result<Vec<Issued>> {
        let uri = &self.profile.status_list;
        self.issue_with(drafts, now, |news| {
            self.store.issue_batch(uri, news, ActorRole::System, now)
        })
    }

    /// Checks every draft, records them with `record` (one durable transaction), then signs
    /// them.
    fn issue_with(
        &self,
        drafts: Vec<Draft<'_>>,
        now: NumericDate,
        record: impl FnOnce(Vec<NewCredential>) -> Result<Vec<CredentialRecord>>,
    ) -> Result<Vec<Issued>> {
        for draft in &drafts {
            if draft.ends_at() <= now {
                return Err(Error::Invalid {
                    what: "expiry",
                    detail: "the credential would already be expired (an expiry is floored to \
                             00:00 JST of its day, which everyone issued that day shares: give \
                             one at least a day ahead)"
                        .into(),
                });
            }
            self.declared(draft.kind)?.check_claims(&draft.claims)?;
        }
        let news = drafts
            .iter()
            .map(|d| {
                Ok(NewCredential {
                    vct: self.declared(d.kind)?.vct().clone(),
                    subject: d.subject,
                    facts: d.facts,
                    issued_at: now,
                    expires_at: d.ends_at(),
                    holder_key: Some(d.holder_key.thumbprint()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let records = record(news)?;
        if records.len() != drafts.len() {
            return Err(Error::invariant(
                "recorded a different number of credentials",
            ));
        }
        let mut vc_issuer = SdJwtVcIssuer::new(self.signer, &self.profile.iss);
        if let Some(kid) = &self.profile.kid {
            vc_issuer = vc_issuer.with_kid(kid);
        }
        let pairs: Vec<(&Draft<'_>, CredentialRecord)> = drafts.iter().zip(records).collect();
        let types = &self.types;
        let issued_at = Cohort::of(now)?.issued_at();
        // Signing is the CPU-bound part and each credential is independent: spread large
        // batches over the cores. The records are already durable, so order does not matter
        // for safety; results come back in input order.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads < 2 || pairs.len() < PARALLEL_BATCH {
            return pairs
                .into_iter()
                .map(|(d, r)| sign(types, &vc_issuer, issued_at, d, r))
                .collect();
        }
        let chunk = pairs.len().div_ceil(threads);
        let mut chunks: Vec<Vec<(&Draft<'_>, CredentialRecord)>> = Vec::new();
        let mut rest = pairs;
        while rest.len() > chunk {
            let tail = rest.split_off(chunk);
            chunks.push(rest);
            rest = tail;
        }
        chunks.push(rest);
        let vc_issuer = &vc_issuer;
        let types = &self.types;
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|part| {
                    scope.spawn(move || {
                        part.into_iter()
                            .map(|(d, r)| sign(types, vc_issuer, issued_at, d, r))
                            .collect::<Result<Vec<_>>>()
                    })
                })
                .collect();
            let mut out = Vec::new();
            for handle in handles {
                let part = handle
                    .join()
                    .map_err(|_| Error::invariant("a signing thread failed"))??;
                out.extend(part);
            }
            Ok(out)
        })
    }

    fn declared(&self, kind: Kind) -> Result<&CredentialType> {
        declared(&self.types, kind)
    }
}

fn declared(types: &HashMap<Kind, CredentialType>, kind: Kind) -> Result<&CredentialType> {
    types.get(&kind).ok_or_else(|| Error::Invalid {
        what: "credential kind",
        detail: format!("{kind:?} is not declared"),
    })
}

/// Signs one recorded credential, with the cohort's `iat` (the record keeps the instant).
fn sign(
    types: &HashMap<Kind, CredentialType>,
    vc_issuer: &SdJwtVcIssuer<'_>,
    issued_at: NumericDate,
    draft: &Draft<'_>,
    record: CredentialRecord,
) -> Result<Issued> {
    let credential = vc_issuer.issue(&VcRequest {
        credential_type: declared(types, draft.kind)?,
        claims: &draft.claims,
        holder_key: draft.holder_key,
        issued_at,
        expires_at: Some(draft.expires_at),
        status: Some(&record.status),
    })?;
    Ok(Issued { record, credential })
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The certified date of birth as a calendar date.
fn birth_date(facts: &HolderFacts) -> Result<CalendarDate> {
    Ok(facts.birth_date.date())
}

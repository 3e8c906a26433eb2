//! Offers: what a pre-authorized code, then an access token, entitles its bearer to — the
//! person's subject handle and the facts of each credential offered, sealed under the bearer
//! secret (see the crate-internal `state_table`).
//!
//! Facts reach an offer by one of two routes, both documented in the README:
//!
//! * **the card**: anchoring with the signature certificate's JWS puts the certified name,
//!   address and birth date into a `resident` (only for an address in the municipality) and an
//!   `age` offer ([`anchoring`](super::anchoring));
//! * **the operator**: municipal staff supply the facts of a `child_medical_subsidy`,
//!   `fan_club_membership`, `shelter_registration`, `context_pseudonym` — or a `resident`
//!   and `age` from the resident register — when creating the offer
//!   ([`Endpoints::offer`]), one at a time or for a whole file. The offer is then
//!   handed over on paper or at the desk, usually with a transaction code.
//!
//! Whatever the route, the facts are checked when the offer is made
//! ([`OfferedFacts::plausible`]: formats, check digits, and the [`plausibility`] rules — an
//! address in the municipality, a birth date that is neither in the future nor before 1900,
//! …), so that an offer never fails only at redemption and an implausible fact is never
//! issued. How long the offer may be redeemed depends on how it reaches the person
//! ([`Delivery`]): minutes at the desk, days for a mailed letter.
//!
//! ```
//! use myna_issuer::endpoint::offer::OfferedFacts;
//! let facts: OfferedFacts = serde_json::from_str(
//!     r#"{"credential": "age", "birthdate": "2001-04-02"}"#)?;
//! assert_eq!(facts.configuration_id(), "age");
//! assert!(serde_json::from_str::<OfferedFacts>(r#"{"credential": "passport"}"#).is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```

use myna_jpki::holder::{Address, BirthDate, HolderFacts, HolderName, Sex};
use myna_vc_core::b64;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::{Municipality, MunicipalityCode};
use myna_vc_core::oid4vci::{CredentialOffer, InputMode, OfferLink, PreAuthorizedCode, TxCode};
use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use sha2::{Digest, Sha256};

use super::plausibility::{self, SubsidyTerms};
use super::state_table::{self, Namespace};
use super::Endpoints;
use crate::credential_types::Kind;
use crate::issuance::{Membership, ShelterCheckIn, SubsidyGrant};
use crate::pseudonym::ContextId;
use crate::record::SubjectHandle;
use crate::store::Store;

/// The credential configurations the service offers, by id.
pub const CONFIGURATIONS: [(&str, Kind); 6] = [
    ("resident", Kind::Resident),
    ("age", Kind::Age),
    ("child_medical_subsidy", Kind::ChildMedicalSubsidy),
    ("fan_club_membership", Kind::FanClubMembership),
    ("shelter_registration", Kind::ShelterRegistration),
    ("context_pseudonym", Kind::ContextPseudonym),
];

/// Wrong transaction codes tolerated per offer before it is withdrawn.
pub const MAX_TX_CODE_ATTEMPTS: u8 = 3;
/// Digits of a generated transaction code.
pub const TX_CODE_DIGITS: u32 = 6;

/// The facts of one offered credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "credential", rename_all = "snake_case", deny_unknown_fields)]
pub enum OfferedFacts {
    /// A resident credential.
    Resident {
        /// 氏名.
        name: String,
        /// 住所 (must lie in the municipality).
        address: String,
        /// Date of birth.
        birthdate: CalendarDate,
        /// Latest expiry (Unix seconds), e.g. the signature certificate's end.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_after: Option<i64>,
    },
    /// An age credential.
    Age {
        /// Date of birth.
        birthdate: CalendarDate,
        /// Latest expiry (Unix seconds).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_after: Option<i64>,
    },
    /// A child medical subsidy credential (the municipality's grant).
    ChildMedicalSubsidy {
        /// 公費負担者番号.
        payer_number: String,
        /// 受給者番号.
        recipient_number: String,
        /// The child's name.
        child_name: String,
        /// The child's date of birth.
        child_birthdate: CalendarDate,
        /// Outpatient coverage age.
        outpatient_age: u32,
        /// Inpatient coverage age.
        inpatient_age: u32,
        /// Copay per visit, yen.
        copay_per_visit_yen: u32,
        /// Monthly copay cap, yen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        monthly_cap_yen: Option<u32>,
    },
    /// A fan-club membership (the wallet must present its anchor credential when redeeming).
    FanClubMembership {
        /// The club.
        club_id: String,
        /// The member number.
        member_number: String,
        /// The tier.
        tier: String,
    },
    /// The holder's pseudonym in a context (a forum, a limited sale): one value per person,
    /// whatever wallet or card. Like a fan-club membership, the wallet presents its anchor
    /// credential when redeeming; the issuer must have escrow trustees configured.
    ContextPseudonym {
        /// The context id (1 to 256 bytes, no control characters).
        context: String,
    },
    /// A fresh batch of age credentials for a holder whose copies went stale (a `false` flag
    /// turned true before `exp`): redeemed with a current copy as `refresh_presentation`,
    /// whose disclosed birth date the new batch is computed from (see `service::refresh`).
    AgeRefresh {},
    /// A shelter registration.
    ShelterRegistration {
        /// The shelter.
        shelter_id: String,
        /// Check-in time (Unix seconds).
        checked_in_at: i64,
        /// Care level.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        care_level: Option<String>,
        /// Medication.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        medication: Vec<String>,
        /// Allergies.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        allergies: Vec<String>,
        /// The municipality the shelter is in: required from a non-municipal operator (a
        /// residents' association); a municipality's own shelters are in it, so if given it
        /// must be the municipality's code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        municipality_code: Option<MunicipalityCode>,
    },
}

impl OfferedFacts {
    /// The credential configuration id these facts are for.
    pub fn configuration_id(&self) -> &'static str {
        match self {
            OfferedFacts::Resident { .. } => "resident",
            OfferedFacts::Age { .. } | OfferedFacts::AgeRefresh {} => "age",
            OfferedFacts::ChildMedicalSubsidy { .. } => "child_medical_subsidy",
            OfferedFacts::FanClubMembership { .. } => "fan_club_membership",
            OfferedFacts::ShelterRegistration { .. } => "shelter_registration",
            OfferedFacts::ContextPseudonym { .. } => "context_pseudonym",
        }
    }

    /// The kind of credential these facts are for.
    ///
    /// ```
    /// use myna_issuer::{credential_types::Kind, endpoint::offer::OfferedFacts};
    /// let facts: OfferedFacts = serde_json::from_str(
    ///     r#"{"credential": "age", "birthdate": "2001-04-02"}"#)?;
    /// assert_eq!(facts.kind(), Kind::Age);
    /// assert!(facts.kind().municipal_only().is_some());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn kind(&self) -> Kind {
        match self {
            OfferedFacts::Resident { .. } => Kind::Resident,
            OfferedFacts::Age { .. } | OfferedFacts::AgeRefresh {} => Kind::Age,
            OfferedFacts::ChildMedicalSubsidy { .. } => Kind::ChildMedicalSubsidy,
            OfferedFacts::FanClubMembership { .. } => Kind::FanClubMembership,
            OfferedFacts::ShelterRegistration { .. } => Kind::ShelterRegistration,
            OfferedFacts::ContextPseudonym { .. } => Kind::ContextPseudonym,
        }
    }

    /// Checks the facts' formats now, so that an offer never fails only at redemption.
    pub fn check(&self) -> crate::Result<()> {
        match self {
            OfferedFacts::Resident { .. } => self.holder_facts().map(|_| ()),
            OfferedFacts::ChildMedicalSubsidy { .. } => self.subsidy_grant().map(|_| ()),
            OfferedFacts::FanClubMembership {
                club_id,
                member_number,
                tier,
            } => bounded(&[club_id, member_number, tier]),
            OfferedFacts::ShelterRegistration { shelter_id, .. } => bounded(&[shelter_id]),
            OfferedFacts::ContextPseudonym { .. } => self.context().map(|_| ()),
            OfferedFacts::Age { .. } | OfferedFacts::AgeRefresh {} => Ok(()),
        }
    }

    /// Checks the facts as an offer made at `now` by an issuer of `municipality` must: their
    /// formats ([`check`](Self::check)) and the [`plausibility`] rules. An implausible fact is
    /// [`Error::ImplausibleFact`](crate::Error::ImplausibleFact) naming the fact and the rule
    /// (never its value). A resident credential without a municipality is
    /// [`Error::NotAMunicipality`](crate::Error::NotAMunicipality).
    ///
    /// ```
    /// use myna_issuer::{endpoint::offer::OfferedFacts, Error, FactRejection};
    /// use myna_vc_core::municipality::{Municipality, MunicipalityCode};
    /// use myna_vc_core::time::NumericDate;
    /// let mishima = Municipality::new(MunicipalityCode::parse("222062")?, "静岡県", "三島市")?;
    /// let now = NumericDate::from_unix(1_800_000_000); // 2027-01-15
    /// let facts = |address: &str, birthdate: &str| -> OfferedFacts {
    ///     serde_json::from_value(serde_json::json!({"credential": "resident",
    ///         "name": "三島　太郎", "address": address, "birthdate": birthdate})).unwrap()
    /// };
    /// assert!(facts("静岡県三島市北田町４番４７号", "1990-05-05").plausible(Some(&mishima), now).is_ok());
    /// let kobe = facts("兵庫県神戸市中央区加納町６丁目５番１号", "1990-05-05");
    /// assert!(matches!(kobe.plausible(Some(&mishima), now),
    ///     Err(Error::ImplausibleFact(FactRejection::OutsideMunicipality { .. }))));
    /// let unborn = facts("静岡県三島市北田町４番４７号", "2990-01-01");
    /// assert!(matches!(unborn.plausible(Some(&mishima), now),
    ///     Err(Error::ImplausibleFact(FactRejection::InFuture { field: "birthdate" }))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plausible(
        &self,
        municipality: Option<&Municipality>,
        now: NumericDate,
    ) -> crate::Result<()> {
        self.check()?;
        let today = myna_vc_core::calendar::CalendarDate::from_numeric_date_jst(now)?;
        let rejected = match self {
            OfferedFacts::Resident {
                address,
                birthdate,
                not_after,
                ..
            } => {
                // Without a municipality there is nothing a resident's address could be in.
                let municipality = municipality.ok_or(crate::Error::NotAMunicipality)?;
                plausibility::address("address", address, municipality)
                    .and_then(|()| plausibility::birth_date("birthdate", *birthdate, today))
                    .and_then(|()| plausibility::not_passed("not_after", *not_after, now))
            }
            OfferedFacts::Age {
                birthdate,
                not_after,
            } => plausibility::birth_date("birthdate", *birthdate, today)
                .and_then(|()| plausibility::not_passed("not_after", *not_after, now)),
            OfferedFacts::ChildMedicalSubsidy {
                child_birthdate,
                outpatient_age,
                inpatient_age,
                copay_per_visit_yen,
                monthly_cap_yen,
                ..
            } => plausibility::subsidy(
                &SubsidyTerms {
                    child_birthdate: *child_birthdate,
                    outpatient_age: *outpatient_age,
                    inpatient_age: *inpatient_age,
                    copay_per_visit_yen: *copay_per_visit_yen,
                    monthly_cap_yen: *monthly_cap_yen,
                },
                today,
            ),
            OfferedFacts::ShelterRegistration { checked_in_at, .. } => {
                plausibility::check_in(*checked_in_at, now)
            }
            OfferedFacts::FanClubMembership { .. }
            | OfferedFacts::ContextPseudonym { .. }
            | OfferedFacts::AgeRefresh {} => Ok(()),
        };
        rejected.map_err(crate::Error::ImplausibleFact)
    }

    /// The context of a pseudonym offer.
    pub(crate) fn context(&self) -> crate::Result<ContextId> {
        match self {
            OfferedFacts::ContextPseudonym { context } => ContextId::parse(context),
            _ => Err(invalid("not a context pseudonym offer")),
        }
    }

    /// The holder facts of a resident offer.
    pub(crate) fn holder_facts(&self) -> crate::Result<HolderFacts> {
        let OfferedFacts::Resident {
            name,
            address,
            birthdate,
            ..
        } = self
        else {
            return Err(invalid("not a resident offer"));
        };
        Ok(HolderFacts {
            name: HolderName::plain(name.as_str())?,
            sex: Sex::NotKnown,
            birth_date: BirthDate::from_date(*birthdate),
            address: Address::plain(address.as_str())?,
        })
    }

    /// The grant of a subsidy offer.
    pub(crate) fn subsidy_grant(&self) -> crate::Result<SubsidyGrant> {
        let OfferedFacts::ChildMedicalSubsidy {
            payer_number,
            recipient_number,
            child_name,
            child_birthdate,
            outpatient_age,
            inpatient_age,
            copay_per_visit_yen,
            monthly_cap_yen,
        } = self
        else {
            return Err(invalid("not a subsidy offer"));
        };
        bounded(&[child_name])?;
        Ok(SubsidyGrant {
            payer: PublicExpensePayerNumber::parse(payer_number)?,
            recipient: RecipientNumber::parse(recipient_number)?,
            child_name: child_name.clone(),
            child_birth: *child_birthdate,
            outpatient_age: *outpatient_age,
            inpatient_age: *inpatient_age,
            copay_per_visit_yen: *copay_per_visit_yen,
            monthly_cap_yen: *monthly_cap_yen,
        })
    }

    /// The membership of a fan-club offer.
    pub(crate) fn membership(&self) -> crate::Result<Membership> {
        match self {
            OfferedFacts::FanClubMembership {
                club_id,
                member_number,
                tier,
            } => Ok(Membership {
                club_id: club_id.clone(),
                member_number: member_number.clone(),
                tier: tier.clone(),
            }),
            _ => Err(invalid("not a fan-club offer")),
        }
    }

    /// The check-in of a shelter offer.
    pub(crate) fn check_in(
        &self,
        municipality: Option<&Municipality>,
    ) -> crate::Result<ShelterCheckIn> {
        match self {
            OfferedFacts::ShelterRegistration {
                shelter_id,
                checked_in_at,
                care_level,
                medication,
                allergies,
                municipality_code,
            } => Ok(ShelterCheckIn {
                shelter_id: shelter_id.clone(),
                municipality: shelter_municipality(municipality, *municipality_code)?,
                checked_in_at: NumericDate::from_unix(*checked_in_at),
                care_level: care_level.clone(),
                medication: medication.clone(),
                allergies: allergies.clone(),
            }),
            _ => Err(invalid("not a shelter offer")),
        }
    }
}

/// The municipality a shelter check-in names: the issuer's own, or (for a non-municipal
/// operator) the one the offer gives.
fn shelter_municipality(
    municipality: Option<&Municipality>,
    given: Option<MunicipalityCode>,
) -> crate::Result<MunicipalityCode> {
    let own = municipality.map(Municipality::code);
    match (own, given) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(given)) if own == given => Ok(own),
        (Some(_), Some(_)) => Err(invalid(
            "a municipality registers evacuees at its own shelters: municipality_code must be \
             its own code or absent",
        )),
        (None, Some(given)) => Ok(given),
        (None, None) => Err(invalid(
            "a non-municipal shelter operator gives the shelter's municipality_code",
        )),
    }
}

fn invalid(detail: &str) -> crate::Error {
    crate::Error::Invalid {
        what: "offered facts",
        detail: detail.to_owned(),
    }
}

/// Free-text facts are 1 to 256 characters.
fn bounded(texts: &[&String]) -> crate::Result<()> {
    if texts.iter().all(|t| (1..=256).contains(&t.chars().count())) {
        Ok(())
    } else {
        Err(invalid("text facts must be 1 to 256 characters"))
    }
}

/// The sealed row behind a pre-authorized code or an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entitlement {
    /// base64url of the subject handle.
    pub(crate) subject: String,
    /// Unix seconds; the row is refused at or after it.
    pub(crate) expires_at: i64,
    /// base64url SHA-256 of the transaction code, if one is required.
    #[serde(default)]
    pub(crate) tx_code_sha256: Option<String>,
    /// Wrong transaction codes so far.
    #[serde(default)]
    pub(crate) tx_code_failures: u8,
    /// What is offered.
    pub(crate) items: Vec<OfferedFacts>,
    /// Configuration ids already issued with this token.
    #[serde(default)]
    pub(crate) redeemed: Vec<String>,
}

impl Entitlement {
    pub(crate) fn subject(&self) -> crate::Result<SubjectHandle> {
        let bytes = b64::decode(&self.subject, "subject handle")?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| crate::Error::corrupt("entitlement", "subject is not 32 bytes"))?;
        Ok(SubjectHandle::from_bytes(bytes))
    }

    /// The stored row: the expiry in clear (8 bytes, big-endian; pruning reads it) ‖ the
    /// sealed entitlement.
    pub(crate) fn seal(&self, ns: Namespace, secret: &str) -> crate::Result<Vec<u8>> {
        let plain = Zeroizing::new(serde_json::to_vec(self).map_err(crate::Error::encode)?);
        let mut row = self.expires_at.to_be_bytes().to_vec();
        row.extend(state_table::seal(ns, secret, &plain)?);
        Ok(row)
    }

    pub(crate) fn open(ns: Namespace, secret: &str, row: &[u8]) -> crate::Result<Self> {
        let (_, sealed) = row
            .split_first_chunk::<8>()
            .ok_or_else(|| crate::Error::corrupt("entitlement", "shorter than its expiry"))?;
        let plain = state_table::open(ns, secret, sealed)?;
        serde_json::from_slice(&plain).map_err(|e| crate::Error::corrupt("entitlement", e))
    }
}

/// Deletes the offers and access tokens that expired at or before `now` (their facts with
/// them); returns how many.
pub(crate) fn prune<S: Store>(store: &S, now: NumericDate) -> crate::Result<usize> {
    store.write(|tx| {
        let mut removed = 0;
        for ns in [Namespace::Offer, Namespace::Token] {
            for (id, row) in state_table::scan(tx.as_read(), ns)? {
                let expired = row
                    .split_first_chunk::<8>()
                    .is_none_or(|(expiry, _)| i64::from_be_bytes(*expiry) <= now.as_unix());
                if expired {
                    state_table::remove(tx, ns, &id)?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    })
}

/// An offer made: the offer, its link (for a QR code) and the transaction code to hand over
/// separately, if one was asked for.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedOffer {
    /// The credential offer.
    pub credential_offer: CredentialOffer,
    /// `openid-credential-offer://?credential_offer=…`.
    pub credential_offer_uri: String,
    /// The transaction code (PIN) to deliver on another channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
}

/// How an offer reaches the person, which decides how long it may be redeemed.
///
/// ```
/// use myna_issuer::endpoint::{offer::Delivery, Rules};
/// let rules = Rules::default();
/// assert_eq!(Delivery::Desk.lifetime_secs(&rules), 900);
/// assert_eq!(Delivery::Letter.lifetime_secs(&rules), 30 * 86_400);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Handed over in person (a desk, the end of card anchoring, a self-service page): valid
    /// for [`Rules::offer_lifetime_secs`](super::Rules::offer_lifetime_secs).
    Desk,
    /// Printed on a mailed letter: valid for
    /// [`Rules::letter_offer_lifetime_secs`](super::Rules::letter_offer_lifetime_secs).
    Letter,
}

impl Delivery {
    /// How long an offer delivered so may be redeemed under `rules`, in seconds.
    pub fn lifetime_secs(self, rules: &super::Rules) -> u64 {
        match self {
            Delivery::Desk => rules.offer_lifetime_secs,
            Delivery::Letter => rules.letter_offer_lifetime_secs,
        }
    }
}

/// An offer ready to be stored: its row id and sealed row, and what to hand out.
pub(crate) struct PreparedOffer {
    pub(crate) id: [u8; 32],
    pub(crate) sealed: Vec<u8>,
    pub(crate) offer: CreatedOffer,
}

impl<S: Store> Endpoints<S> {
    /// An operator's offer handed over in person ([`Delivery::Desk`]): records a sealed offer
    /// of `items` for `subject` (a person handle of this issuer, or a fresh one) and returns
    /// it, with a transaction code to hand over separately if `with_tx_code`. The facts are
    /// checked now ([`OfferedFacts::plausible`]), so an offer never fails only at redemption.
    pub fn offer(
        &self,
        subject: &SubjectHandle,
        items: Vec<OfferedFacts>,
        with_tx_code: bool,
        now: NumericDate,
    ) -> crate::Result<CreatedOffer> {
        self.offer_by(subject, items, with_tx_code, Delivery::Desk, now)
    }

    /// An operator's offer delivered as `delivery` says (a mailed letter lives for days);
    /// otherwise as [`offer`](Self::offer).
    pub fn offer_by(
        &self,
        subject: &SubjectHandle,
        items: Vec<OfferedFacts>,
        with_tx_code: bool,
        delivery: Delivery,
        now: NumericDate,
    ) -> crate::Result<CreatedOffer> {
        let prepared = prepare_offer(self, subject, items, with_tx_code, delivery, now)?;
        self.store
            .write(|tx| state_table::put(tx, Namespace::Offer, &prepared.id, &prepared.sealed))?;
        Ok(prepared.offer)
    }

    /// Checks what an offer of `items` at `now` would check, without making it: at least one
    /// credential, each configuration once and offered by this issuer, and every fact
    /// plausible ([`OfferedFacts::plausible`]). What a batch's dry run calls.
    pub fn check_offer(&self, items: &[OfferedFacts], now: NumericDate) -> crate::Result<()> {
        configuration_ids(self, items, now).map(|_| ())
    }
}

/// The configuration ids of an offer of `items`, after checking it (see
/// [`Endpoints::check_offer`]).
pub(super) fn configuration_ids<S: Store>(
    shared: &Endpoints<S>,
    items: &[OfferedFacts],
    now: NumericDate,
) -> crate::Result<Vec<String>> {
    if items.is_empty() {
        return Err(invalid("an offer needs at least one credential"));
    }
    let mut ids: Vec<String> = Vec::new();
    for item in items {
        if !shared.offers(item.configuration_id()) {
            return Err(match shared.municipality {
                None if item.kind().municipal_only().is_some() => crate::Error::NotAMunicipality,
                _ => crate::Error::NotOffered(item.configuration_id().to_owned()),
            });
        }
        item.plausible(shared.municipality.as_ref(), now)?;
        if matches!(item, OfferedFacts::ShelterRegistration { .. }) {
            item.check_in(shared.municipality.as_ref())?;
        }
        if matches!(item, OfferedFacts::ContextPseudonym { .. }) && shared.escrow.is_none() {
            return Err(crate::Error::EscrowNotConfigured);
        }
        let id = item.configuration_id().to_owned();
        if ids.contains(&id) {
            return Err(invalid("an offer holds each credential configuration once"));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Builds a sealed offer of `items` for `subject` without storing it (a batch stores many in
/// one transaction).
pub(crate) fn prepare_offer<S: Store>(
    shared: &Endpoints<S>,
    subject: &SubjectHandle,
    items: Vec<OfferedFacts>,
    with_tx_code: bool,
    delivery: Delivery,
    now: NumericDate,
) -> crate::Result<PreparedOffer> {
    let ids = configuration_ids(shared, &items, now)?;
    let code = state_table::new_secret()?;
    let tx_code = with_tx_code.then(numeric_code).transpose()?;
    let entitlement = Entitlement {
        subject: b64::encode(subject.as_bytes()),
        expires_at: now
            .plus_seconds(delivery.lifetime_secs(&shared.rules))
            .as_unix(),
        tx_code_sha256: tx_code.as_deref().map(secret_hash),
        tx_code_failures: 0,
        items,
        redeemed: Vec::new(),
    };
    let id = state_table::secret_id(Namespace::Offer, &code);
    let sealed = entitlement.seal(Namespace::Offer, &code)?;
    let tx_code_spec = tx_code.as_ref().map(|_| TxCode {
        input_mode: Some(InputMode::Numeric),
        length: Some(TX_CODE_DIGITS),
        description: Some("the PIN on the letter from the municipality".into()),
        other: serde_json::Map::new(),
    });
    let offer = CredentialOffer::pre_authorized(
        shared.issuer_id.clone(),
        ids,
        PreAuthorizedCode::new(code),
        tx_code_spec,
    );
    let uri = OfferLink::ByValue(Box::new(offer.clone())).to_url()?;
    Ok(PreparedOffer {
        id,
        sealed,
        offer: CreatedOffer {
            credential_offer: offer,
            credential_offer_uri: uri,
            tx_code,
        },
    })
}

fn numeric_code() -> crate::Result<String> {
    let mut bytes = [0u8; 8];
    myna_vc_core::crypto::fill_random(&mut bytes)?;
    let modulus = 10u64.pow(TX_CODE_DIGITS);
    // 2^64 mod 10^6 bias is below 2^-44: negligible for a PIN.
    Ok(format!(
        "{:0width$}",
        u64::from_be_bytes(bytes) % modulus,
        width = TX_CODE_DIGITS as usize
    ))
}

/// base64url(SHA-256(`secret`)): how transaction codes (and the service's admin tokens) are
/// kept.
///
/// ```
/// use myna_issuer::endpoint::offer::secret_hash;
/// assert_eq!(secret_hash("123456").len(), 43);
/// assert_ne!(secret_hash("123456"), secret_hash("123457"));
/// ```
pub fn secret_hash(secret: &str) -> String {
    b64::encode(Sha256::digest(secret.as_bytes()))
}

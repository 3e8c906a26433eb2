//! Ready policies: what each use case asks for (its query) and how it judges the verified
//! answer.
//!
//! A [`Policy`] names the credentials it needs as [`Requirement`]s — the one place a policy's
//! request is written down; [`query`] turns them into the DCQL query a wallet receives — and
//! checks the [`Presented`] credentials after the [`Verifier`](crate::verifier::Verifier)
//! checked signatures, trust, key binding, status, replay and that every credential of the
//! submission is bound to one holder key (so a policy combining several credentials judges
//! one person; see `specs/holder-binding.md`).
//!
//! * [`age::AgeCheck`]: merchant age ≥ 20 (alcohol, tobacco) or ≥ 18;
//! * [`residency::Residency`]: resident of a municipality or of a [region](crate::region)
//!   (and the Kobe pupils' free pass, elementary grade 1 to junior-high grade 3 by school year
//!   from the disclosed `birthdate`);
//! * [`senior::Senior`]: elderly benefits, resident (of a municipality or region) and age ≥ 65;
//! * [`fan_club::FanClubSale`]: club member, age ≥ 20, one purchase per person per sale;
//! * [`child_entry::ChildEntry`]: Himeji-style child entry, resident (Himeji's: of the Harima
//!   region) and 4 ≤ age < 15;
//! * [`shelter::ShelterDesk`]: check-in of a resident of any trusted municipality;
//! * [`clinic::Clinic`]: child medical subsidy valid on the visit date;
//! * [`pass::PassApplication`], [`pass::PassGate`]: apply once for a pass or coupon (Kobe's
//!   6-month subway pass, facility coupons with N uses), then use it with the pseudonym only.

pub mod age;
pub mod catalog;
pub mod child_entry;
pub mod clinic;
pub mod fan_club;
pub mod once_per_person;
pub mod pass;
pub mod query;
pub mod residency;
pub mod senior;
pub mod shelter;

use myna_vocabulary::claim;
use serde_json::{Map, Value};

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::NumericDate;

use crate::decision::{Reason, Rejection};

/// The `vct`s of myna-vc's credential types, from `myna-vocabulary` (the one place they are
/// declared).
pub use myna_vocabulary::vct;

/// One credential a policy needs: its query id, type and the claims that must be disclosed.
///
/// ```
/// use myna_verifier::policy::Requirement;
/// let r = Requirement::new("age", myna_verifier::policy::vct::AGE, &["age_over_20"])?;
/// assert_eq!(r.claims.len(), 1);
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The query id (the key of the answer in the `vp_token`).
    pub id: String,
    /// The credential type.
    pub vct: Vct,
    /// The claims that must be disclosed (top-level names here).
    pub claims: Vec<ClaimPath>,
}

impl Requirement {
    /// A requirement for `vct` with these top-level claims.
    pub fn new(id: &str, vct: &str, claims: &[&str]) -> myna_vc_core::Result<Self> {
        Ok(Requirement {
            id: id.to_owned(),
            vct: Vct::parse(vct)?,
            claims: claims.iter().map(|c| ClaimPath::key(*c)).collect(),
        })
    }
}

/// A credential that passed every check, as a policy sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentedCredential {
    /// The query id it answers.
    pub id: String,
    /// Its issuer's id (`iss`).
    pub issuer: String,
    /// The issuer's display name in the trust list.
    pub issuer_name: String,
    /// The municipality the trust list gives the issuer, if any.
    pub issuer_municipality: Option<MunicipalityCode>,
    /// The disclosed credential claims (no `cnf`, `status`, `iss`, times).
    pub claims: Map<String, Value>,
    /// The RFC 7638 thumbprint of the holder key (`cnf.jwk`).
    pub holder: String,
    /// The KB-JWT `iat`.
    pub presented_at: NumericDate,
}

impl PresentedCredential {
    /// The string claim `name`, or [`Reason::MissingClaim`].
    pub fn text(&self, name: &'static str) -> Result<&str, Rejection> {
        match self.claims.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(Rejection::noted(Reason::Unreadable, name).for_credential(&self.id)),
            None => Err(Rejection::noted(Reason::MissingClaim, name).for_credential(&self.id)),
        }
    }

    /// The boolean claim `name`, or [`Reason::MissingClaim`].
    pub fn flag(&self, name: &'static str) -> Result<bool, Rejection> {
        match self.claims.get(name) {
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Rejection::noted(Reason::Unreadable, name).for_credential(&self.id)),
            None => Err(Rejection::noted(Reason::MissingClaim, name).for_credential(&self.id)),
        }
    }
}

/// Every credential of one submission that passed the verifier's checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presented {
    /// The credentials, in the policy's requirement order.
    pub credentials: Vec<PresentedCredential>,
}

impl Presented {
    /// The credential answering query `id`, or [`Reason::MissingCredential`].
    pub fn get(&self, id: &str) -> Result<&PresentedCredential, Rejection> {
        self.credentials
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Rejection::new(Reason::MissingCredential).for_credential(id))
    }
}

/// A use case: what to ask for and how to judge the answer.
pub trait Policy: Send + Sync {
    /// A stable name (`age-20`, `residency-281000`, …).
    fn name(&self) -> &str;

    /// The credentials to request.
    fn requirements(&self) -> &[Requirement];

    /// The [`catalog`] spec this policy was built from (`age-over-20`,
    /// `resident:281000`, …), which an in-person challenge can carry so the wallet knows what
    /// is asked; `None` for a policy built otherwise.
    fn spec(&self) -> Option<&str> {
        None
    }

    /// How many seconds past fresh the status data may be for this use; `None` leaves the
    /// verifier's default.
    fn max_status_staleness_secs(&self) -> Option<u64> {
        None
    }

    /// Judges verified credentials at `now`. Called only when every credential passed and
    /// all are bound to the same holder key ([`PresentedCredential::holder`] is equal
    /// across `presented`), and last, so a policy with a side effect (a redemption) runs it only for a valid answer.
    fn check(&self, presented: &Presented, now: NumericDate) -> Result<(), Rejection>;
}

/// The municipality a resident credential proves, checked against the trust list: its issuer
/// must be that municipality's own issuer (a city cannot vouch for residents of another).
pub fn residence_of(resident: &PresentedCredential) -> Result<MunicipalityCode, Rejection> {
    let claimed = MunicipalityCode::parse(resident.text(claim::resident::MUNICIPALITY_CODE)?)
        .map_err(|e| Rejection::from_error(e).for_credential(&resident.id))?;
    if resident.issuer_municipality != Some(claimed) {
        return Err(Rejection::noted(
            Reason::IssuerNotAllowed,
            "the issuer is not the municipality the credential names",
        )
        .for_credential(&resident.id));
    }
    Ok(claimed)
}

//! Residency: "resident of municipality X" for resident-only offers, and the Kobe subway
//! free pass for pupils resident in Kobe.
//!
//! The resident credential's `municipality_code` must be X **and** its issuer must be X's own
//! issuer in the trust list (a city vouches only for its own residents).
//!
//! ```
//! use myna_verifier::policy::{residency::Residency, Policy};
//! let offer = Residency::of("281000".parse()?)?;
//! assert_eq!(offer.name(), "resident-of-281000");
//! assert_eq!(Residency::kobe_pupil_pass()?.requirements().len(), 2);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;

use super::age::{age_requirement, AGE_ID};
use super::{residence_of, vct, Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};

/// The query id of the resident credential.
pub const RESIDENT_ID: &str = "resident";

/// Kobe City (神戸市), 全国地方公共団体コード.
pub const KOBE: &str = "281000";

/// Resident of one municipality, optionally also under an age (the pupils' pass).
#[derive(Debug, Clone)]
pub struct Residency {
    name: String,
    municipality: MunicipalityCode,
    under_15: bool,
    requirements: Vec<Requirement>,
}

impl Residency {
    /// Resident of `municipality`.
    pub fn of(municipality: MunicipalityCode) -> Result<Self> {
        Ok(Residency {
            name: format!("resident-of-{municipality}"),
            municipality,
            under_15: false,
            requirements: vec![resident_requirement(&["municipality_code"])?],
        })
    }

    /// The Kobe subway free pass for pupils: resident of Kobe and under 15 (the age
    /// credential's `age_over_15` is `false`).
    pub fn kobe_pupil_pass() -> Result<Self> {
        Ok(Residency {
            name: "kobe-pupil-pass".to_owned(),
            municipality: MunicipalityCode::parse(KOBE)?,
            under_15: true,
            requirements: vec![
                resident_requirement(&["municipality_code"])?,
                age_requirement(&["age_over_15"])?,
            ],
        })
    }
}

/// The resident credential requirement asking for these claims.
pub(crate) fn resident_requirement(claims: &[&str]) -> Result<Requirement> {
    Requirement::new(RESIDENT_ID, vct::RESIDENT, claims)
}

/// Requires the resident credential to prove residence in `municipality`.
pub(crate) fn require_resident_of(
    presented: &Presented,
    municipality: MunicipalityCode,
) -> core::result::Result<(), Rejection> {
    let resident = presented.get(RESIDENT_ID)?;
    if residence_of(resident)? != municipality {
        return Err(Rejection::new(Reason::NotResident).for_credential(RESIDENT_ID));
    }
    Ok(())
}

impl Policy for Residency {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn check(
        &self,
        presented: &Presented,
        _now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        require_resident_of(presented, self.municipality)?;
        if self.under_15 && presented.get(AGE_ID)?.flag("age_over_15")? {
            return Err(Rejection::new(Reason::OverAge).for_credential(AGE_ID));
        }
        Ok(())
    }
}

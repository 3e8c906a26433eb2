//! Himeji-style child entry (e.g. free entry to a castle or zoo for resident children):
//! resident of the municipality and 4 ≤ age < 15, from the age credential's `age_over_4`
//! (`true`) and `age_over_15` (`false`) flags — no birth date.
//!
//! ```
//! use myna_verifier::policy::{child_entry::ChildEntry, Policy};
//! let entry = ChildEntry::himeji()?;
//! assert_eq!(entry.name(), "child-entry-282014");
//! assert_eq!(entry.requirements().len(), 2);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::age::{age_requirement, AGE_ID};
use super::residency::{require_resident_of, resident_requirement};
use super::{Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};

/// Himeji City (姫路市), five-digit 全国地方公共団体コード (the check digit is computed).
pub const HIMEJI_FIVE_DIGIT: &str = "28201";

/// Resident children aged 4 to 14.
#[derive(Debug, Clone)]
pub struct ChildEntry {
    name: String,
    municipality: MunicipalityCode,
    requirements: Vec<Requirement>,
}

impl ChildEntry {
    /// Child entry for residents of `municipality`.
    pub fn new(municipality: MunicipalityCode) -> Result<Self> {
        Ok(ChildEntry {
            name: format!("child-entry-{municipality}"),
            municipality,
            requirements: vec![
                resident_requirement(&[claim::resident::MUNICIPALITY_CODE])?,
                age_requirement(&[claim::age::AGE_OVER_4, claim::age::AGE_OVER_15])?,
            ],
        })
    }

    /// Child entry for residents of Himeji.
    pub fn himeji() -> Result<Self> {
        Self::new(MunicipalityCode::from_five_digit(HIMEJI_FIVE_DIGIT)?)
    }
}

impl Policy for ChildEntry {
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
        let age = presented.get(AGE_ID)?;
        if !age.flag(claim::age::AGE_OVER_4)? {
            return Err(Rejection::new(Reason::UnderAge).for_credential(AGE_ID));
        }
        if age.flag(claim::age::AGE_OVER_15)? {
            return Err(Rejection::new(Reason::OverAge).for_credential(AGE_ID));
        }
        Ok(())
    }
}

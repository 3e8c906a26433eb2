//! Himeji-style child entry (e.g. free entry to a castle or zoo for resident children):
//! resident of the municipality — or of any member of a region — and 4 ≤ age < 15, from the
//! age credential's `age_over_4` (`true`) and `age_over_15` (`false`) flags — no birth date.
//!
//! Himeji's どんぐりカード (free facility entry, `../shared/seeds/000_2cab3622a7b836b8.txt:4038`
//! 「施設無料入場カード「どんぐりカード」」) is for 「4～15歳未満の子ども（姫路市民及び播磨圏域連携
//! 中枢都市圏の住民）」 (:4023): [`ChildEntry::himeji`] is therefore over the Harima region
//! (`harima` of [`Regions::builtin`]), so a child of 加古川市 enters as a child of 姫路市 does,
//! and a child of 神戸市 does not.
//!
//! ```
//! use myna_verifier::policy::{child_entry::ChildEntry, Policy};
//! let entry = ChildEntry::himeji()?;
//! assert_eq!(entry.name(), "child-entry-harima");
//! assert_eq!(entry.requirements().len(), 2);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::age::{age_requirement, AGE_ID};
use super::residency::{require_resident_in, resident_requirement};
use super::{Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};
use crate::region::{Area, Regions};

/// Himeji City (姫路市), five-digit 全国地方公共団体コード (the check digit is computed).
pub const HIMEJI_FIVE_DIGIT: &str = "28201";

/// The region of Himeji's child entry: 播磨圏域連携中枢都市圏.
pub const HARIMA: &str = "harima";

/// Resident children aged 4 to 14.
#[derive(Debug, Clone)]
pub struct ChildEntry {
    name: String,
    area: Area,
    requirements: Vec<Requirement>,
}

impl ChildEntry {
    /// Child entry for residents of `municipality`.
    ///
    /// ```
    /// use myna_verifier::policy::{child_entry::ChildEntry, Policy};
    /// assert_eq!(ChildEntry::new("281000".parse()?)?.name(), "child-entry-281000");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn new(municipality: MunicipalityCode) -> Result<Self> {
        Self::in_area(Area::Municipality(municipality))
    }

    /// Child entry for residents of `area`: a municipality or a region (spec
    /// `child-entry:<code|region>`).
    ///
    /// ```
    /// use myna_verifier::policy::{child_entry::ChildEntry, Policy};
    /// use myna_verifier::region::{Area, Regions};
    /// let izu = ChildEntry::in_area(Area::parse("izu", Regions::builtin())?)?;
    /// assert_eq!(izu.name(), "child-entry-izu");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn in_area(area: Area) -> Result<Self> {
        Ok(ChildEntry {
            name: format!("child-entry-{}", area.label()),
            area,
            requirements: vec![
                resident_requirement(&[claim::resident::MUNICIPALITY_CODE])?,
                age_requirement(&[claim::age::AGE_OVER_4, claim::age::AGE_OVER_15])?,
            ],
        })
    }

    /// Himeji's どんぐり entry: children resident in 姫路市 or in another member of the
    /// Harima region (see the module docs).
    pub fn himeji() -> Result<Self> {
        Self::in_area(Area::parse(HARIMA, Regions::builtin())?)
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
        require_resident_in(presented, &self.area)?;
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

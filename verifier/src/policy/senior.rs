//! Elderly benefits (高齢者優待): a resident of the municipality — or of any member of a
//! region — aged 65 or over, from two credentials of one holder: the resident credential's
//! `municipality_code` and the age credential's `age_over_65` flag (no birth date, no name).
//!
//! Where the seeds use it:
//!
//! * Kobe's facility discounts: 「割引の対象として、小中学生/障害者手帳保持者/高齢者を対象と
//!   する場合」 (`../shared/seeds/002_330378ace3b016db.txt:19`, the service 施設割引サービス at
//!   :111–112) — [`Senior::kobe`], spec `kobe-senior`;
//! * Himeji's entry by My Number card, 「子どもだけでなく、高齢者福祉優待にも展開」
//!   (`../shared/seeds/000_2cab3622a7b836b8.txt:4059`) — [`Senior::himeji`], spec
//!   `himeji-senior`, for residents of 姫路市 (the seed's Harima wording is for the children's
//!   card; a Harima-wide senior offer is `senior:harima`).
//!
//! 65 is the age of 高齢者 in 老人福祉法 and 介護保険法 (第1号被保険者), the threshold a
//! municipality's elderly benefits commonly use; an offer with another threshold needs an
//! `age_over_NN` flag the age credential carries (see `specs/credential-types/`).
//!
//! Both credentials are bound to one holder key (the verifier checks it before the policy
//! runs), so a 70-year-old's age credential cannot lend its flag to a 40-year-old resident.
//!
//! ```
//! use myna_verifier::policy::{senior::Senior, Policy};
//! let kobe = Senior::kobe()?;
//! assert_eq!(kobe.name(), "senior-281000");
//! let asked: Vec<String> = kobe.requirements().iter()
//!     .flat_map(|r| r.claims.iter().map(|c| c.to_string())).collect();
//! assert_eq!(asked, [r#"["municipality_code"]"#, r#"["age_over_65"]"#]);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::age::{age_requirement, require_flag, AGE_ID};
use super::child_entry::HIMEJI_FIVE_DIGIT;
use super::residency::{require_resident_in, resident_requirement, KOBE};
use super::{Policy, Presented, Requirement};
use crate::decision::{Reason, Rejection};
use crate::region::Area;

/// Resident of an area, aged 65 or over.
#[derive(Debug, Clone)]
pub struct Senior {
    name: String,
    area: Area,
    requirements: Vec<Requirement>,
}

impl Senior {
    /// Residents of `area` (a municipality or a region) aged 65 or over (spec
    /// `senior:<code|region>`).
    ///
    /// ```
    /// use myna_verifier::policy::{senior::Senior, Policy};
    /// use myna_verifier::region::{Area, Regions};
    /// let harima = Senior::new(Area::parse("harima", Regions::builtin())?)?;
    /// assert_eq!(harima.name(), "senior-harima");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn new(area: Area) -> Result<Self> {
        Ok(Senior {
            name: format!("senior-{}", area.label()),
            area,
            requirements: vec![
                resident_requirement(&[claim::resident::MUNICIPALITY_CODE])?,
                age_requirement(&[claim::age::AGE_OVER_65])?,
            ],
        })
    }

    /// Kobe's senior discount: residents of 神戸市 aged 65 or over.
    ///
    /// ```
    /// use myna_verifier::policy::{senior::Senior, Policy};
    /// assert_eq!(Senior::kobe()?.name(), "senior-281000");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn kobe() -> Result<Self> {
        Self::new(Area::Municipality(MunicipalityCode::parse(KOBE)?))
    }

    /// Himeji's elderly welfare entry: residents of 姫路市 aged 65 or over.
    ///
    /// ```
    /// use myna_verifier::policy::{senior::Senior, Policy};
    /// assert_eq!(Senior::himeji()?.name(), "senior-282014");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn himeji() -> Result<Self> {
        Self::new(Area::Municipality(MunicipalityCode::from_five_digit(
            HIMEJI_FIVE_DIGIT,
        )?))
    }
}

impl Policy for Senior {
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
        require_flag(presented, AGE_ID, claim::age::AGE_OVER_65, Reason::UnderAge)
    }
}

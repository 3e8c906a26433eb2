//! Residency: "resident of municipality X" for resident-only offers, "resident of any
//! member of region R" for offers of several municipalities (the Harima region's children,
//! `../shared/seeds/000_2cab3622a7b836b8.txt:4023` 「姫路市民及び播磨圏域連携中枢都市圏の住民」;
//! the Izu area's 「域内在住者」, :3125; see [`crate::region`]), and the Kobe subway free pass
//! for pupils resident in Kobe.
//!
//! The resident credential's `municipality_code` must be X (a member of R) **and** its issuer
//! must be that municipality's own issuer in the trust list (a city vouches only for its own
//! residents — in a region too: 加古川市 cannot vouch for a resident of 姫路市).
//!
//! ## The pupils' pass: by school year, not by age
//!
//! The Kobe pass is for pupils (小中学生): from the 1 April a child enters elementary school
//! (the first 1 April after the eve of the 6th birthday) through the 31 March ending the school
//! year in which they reach 15 ([`myna_vc_core::school_year`]). A third-year junior-high pupil
//! who turned 15 in May still rides free until March; a 5-year-old does not ride free at all.
//! The day judged is the verification day in Japan (JST).
//!
//! **What is asked for, and why.** No `age_over_NN` flag can tell this: `age_over_15` is
//! `true` for a third-year pupil who has had the 15th birthday and `false` for the pupil who
//! has not, and whether a 6-year-old has entered school depends on whether the birthday falls
//! before or after 2 April. The date of birth is the least that decides it, so the policy asks
//! the **resident credential alone** for `municipality_code` and `birthdate`:
//!
//! * the resident credential already carries `birthdate` (selectively disclosable), and its
//!   `municipality_code` must be shown anyway, so the gate learns exactly one item more than
//!   for plain residency — the date of birth — and no second credential;
//! * the age credential would disclose the same date of birth *plus* a second credential
//!   (another issuer signature and holder key for the gate to see), and its age flags would
//!   add nothing; and with one credential there is no question whether the residence and the
//!   birth date belong to the same person — one signature covers both.
//!
//! ```
//! use myna_verifier::policy::{residency::Residency, Policy};
//! let offer = Residency::of("281000".parse()?)?;
//! assert_eq!(offer.name(), "resident-of-281000");
//! let harima = myna_verifier::region::Regions::builtin().get("harima")?.clone();
//! assert_eq!(Residency::of_region(harima)?.name(), "resident-of-region-harima");
//! let pass = Residency::kobe_pupil_pass()?;
//! assert_eq!(pass.requirements().len(), 1);
//! let asked: Vec<String> = pass.requirements()[0].claims.iter().map(|c| c.to_string()).collect();
//! assert_eq!(asked, [r#"["municipality_code"]"#, r#"["birthdate"]"#]);
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::school_year::{stage_on, SchoolStage};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::{residence_of, vct, Policy, Presented, PresentedCredential, Requirement};
use crate::decision::{Reason, Rejection};
use crate::region::{Area, Region};

/// The query id of the resident credential.
pub const RESIDENT_ID: &str = "resident";

/// Kobe City (神戸市), 全国地方公共団体コード.
pub const KOBE: &str = "281000";

/// Resident of one municipality or of any member of a region, optionally also a pupil of
/// compulsory school age (the pupils' pass).
#[derive(Debug, Clone)]
pub struct Residency {
    name: String,
    area: Area,
    pupils_only: bool,
    requirements: Vec<Requirement>,
}

impl Residency {
    /// Resident of `municipality`.
    pub fn of(municipality: MunicipalityCode) -> Result<Self> {
        Ok(Residency {
            name: format!("resident-of-{municipality}"),
            area: Area::Municipality(municipality),
            pupils_only: false,
            requirements: vec![resident_requirement(&[claim::resident::MUNICIPALITY_CODE])?],
        })
    }

    /// Resident of any member of `region` (spec `resident-of-region:<name>`): the same one
    /// claim, `municipality_code`, as for one municipality.
    ///
    /// ```
    /// use myna_verifier::policy::{residency::Residency, Policy};
    /// use myna_verifier::region::Regions;
    /// let izu = Residency::of_region(Regions::builtin().get("izu")?.clone())?;
    /// assert_eq!(izu.name(), "resident-of-region-izu");
    /// assert_eq!(izu.requirements()[0].claims[0].to_string(), r#"["municipality_code"]"#);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn of_region(region: Region) -> Result<Self> {
        Ok(Residency {
            name: format!("resident-of-region-{}", region.name()),
            area: Area::Region(region),
            pupils_only: false,
            requirements: vec![resident_requirement(&[claim::resident::MUNICIPALITY_CODE])?],
        })
    }

    /// The Kobe subway free pass for pupils: resident of Kobe and, on the day of the ride, of
    /// compulsory school age by school year (elementary grade 1 to junior-high grade 3), judged
    /// from the resident credential's disclosed `birthdate` (see the module docs for why).
    ///
    /// ```
    /// use myna_verifier::policy::{residency::Residency, Policy};
    /// assert_eq!(Residency::kobe_pupil_pass()?.name(), "kobe-pupil-pass");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn kobe_pupil_pass() -> Result<Self> {
        Ok(Residency {
            name: "kobe-pupil-pass".to_owned(),
            area: Area::Municipality(MunicipalityCode::parse(KOBE)?),
            pupils_only: true,
            requirements: vec![resident_requirement(&[
                claim::resident::MUNICIPALITY_CODE,
                claim::resident::BIRTHDATE,
            ])?],
        })
    }
}

/// The resident credential requirement asking for these claims.
pub(crate) fn resident_requirement(claims: &[&str]) -> Result<Requirement> {
    Requirement::new(RESIDENT_ID, vct::RESIDENT, claims)
}

/// Requires the resident credential to prove residence in `area`: a municipality its own
/// issuer vouches for ([`residence_of`]; else [`Reason::IssuerNotAllowed`]) that is the area's
/// municipality or one of its region's members (else [`Reason::NotResident`]).
pub(crate) fn require_resident_in(
    presented: &Presented,
    area: &Area,
) -> core::result::Result<(), Rejection> {
    let resident = presented.get(RESIDENT_ID)?;
    if !area.contains(residence_of(resident)?) {
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
        now: NumericDate,
    ) -> core::result::Result<(), Rejection> {
        require_resident_in(presented, &self.area)?;
        if self.pupils_only {
            require_pupil(presented.get(RESIDENT_ID)?, now)?;
        }
        Ok(())
    }
}

/// Requires the credential's `birthdate` to put its holder in compulsory school on the day
/// (JST) of `now`: before school entry is [`Reason::UnderAge`], after the school year of
/// reaching 15 is [`Reason::OverAge`].
fn require_pupil(
    credential: &PresentedCredential,
    now: NumericDate,
) -> core::result::Result<(), Rejection> {
    let unreadable = |e| Rejection::from_error(e).for_credential(&credential.id);
    let birth =
        CalendarDate::parse(credential.text(claim::resident::BIRTHDATE)?).map_err(unreadable)?;
    let today = CalendarDate::from_numeric_date_jst(now).map_err(unreadable)?;
    match stage_on(birth, today).map_err(unreadable)? {
        SchoolStage::Compulsory => Ok(()),
        SchoolStage::BeforeSchool => {
            Err(Rejection::new(Reason::UnderAge).for_credential(&credential.id))
        }
        SchoolStage::Completed => {
            Err(Rejection::new(Reason::OverAge).for_credential(&credential.id))
        }
    }
}

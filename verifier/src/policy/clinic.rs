//! Clinic reception: a child medical subsidy (子ども医療費受給者証) valid on the visit date,
//! for outpatient or inpatient care, then exported as a
//! [`BillingRecord`](crate::billing::BillingRecord) for the clinic's
//! billing system (レセコン) in JSON or XML.
//!
//! The payer (公費負担者番号) and recipient (受給者番号) numbers are re-checked with their
//! check digits; the visit must fall on or before the coverage end for the kind of care and
//! not before the child's birth.
//!
//! ```
//! use myna_verifier::policy::{clinic::{Care, Clinic}, Policy};
//! let reception = Clinic::new("clinic-0001", Care::Outpatient)?;
//! assert_eq!(reception.name(), "clinic-clinic-0001-outpatient");
//! # Ok::<(), myna_verifier::core::Error>(())
//! ```

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::public_expense::{PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Result;
use myna_vocabulary::claim;

use super::{vct, Policy, Presented, PresentedCredential, Requirement};
use crate::decision::{Reason, Rejection};

/// The query id of the subsidy credential.
pub const SUBSIDY_ID: &str = "subsidy";

/// The kind of care, which decides the coverage end date used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Care {
    /// 通院 (`outpatient_until`).
    Outpatient,
    /// 入院 (`inpatient_until`).
    Inpatient,
}

impl Care {
    /// The JSON/XML name.
    pub fn as_str(self) -> &'static str {
        match self {
            Care::Outpatient => "outpatient",
            Care::Inpatient => "inpatient",
        }
    }

    fn until_claim(self) -> &'static str {
        match self {
            Care::Outpatient => claim::child_medical_subsidy::OUTPATIENT_UNTIL,
            Care::Inpatient => claim::child_medical_subsidy::INPATIENT_UNTIL,
        }
    }
}

/// One clinic's reception for one kind of care.
#[derive(Debug, Clone)]
pub struct Clinic {
    name: String,
    clinic_id: String,
    care: Care,
    visit: Option<CalendarDate>,
    requirements: Vec<Requirement>,
}

impl Clinic {
    /// Reception of `clinic_id` for `care`; the visit date is the day (JST) of verification.
    pub fn new(clinic_id: &str, care: Care) -> Result<Self> {
        Ok(Clinic {
            name: format!("clinic-{clinic_id}-{}", care.as_str()),
            clinic_id: clinic_id.to_owned(),
            care,
            visit: None,
            requirements: vec![Requirement::new(
                SUBSIDY_ID,
                vct::CHILD_MEDICAL_SUBSIDY,
                &[
                    claim::child_medical_subsidy::MUNICIPALITY_CODE,
                    claim::child_medical_subsidy::PAYER_NUMBER,
                    claim::child_medical_subsidy::RECIPIENT_NUMBER,
                    claim::child_medical_subsidy::CHILD_NAME,
                    claim::child_medical_subsidy::CHILD_BIRTHDATE,
                    claim::child_medical_subsidy::OUTPATIENT_UNTIL,
                    claim::child_medical_subsidy::INPATIENT_UNTIL,
                    claim::child_medical_subsidy::COPAY,
                ],
            )?],
        })
    }

    /// Checks coverage on `visit` instead of the day of verification (a visit registered
    /// after the fact).
    pub fn on(mut self, visit: CalendarDate) -> Self {
        self.visit = Some(visit);
        self
    }

    /// The visit date for a check at `now`.
    pub fn visit_date(&self, now: NumericDate) -> Result<CalendarDate> {
        match self.visit {
            Some(day) => Ok(day),
            None => CalendarDate::from_numeric_date_jst(now),
        }
    }

    /// The clinic this reception belongs to.
    pub(crate) fn clinic_id(&self) -> &str {
        &self.clinic_id
    }

    /// The kind of care this reception checks.
    pub(crate) fn care(&self) -> Care {
        self.care
    }
}

impl Policy for Clinic {
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
        let subsidy = presented.get(SUBSIDY_ID)?;
        let with_id = |e| Rejection::from_error(e).for_credential(SUBSIDY_ID);
        PublicExpensePayerNumber::parse(subsidy.text(claim::child_medical_subsidy::PAYER_NUMBER)?)
            .map_err(with_id)?;
        RecipientNumber::parse(subsidy.text(claim::child_medical_subsidy::RECIPIENT_NUMBER)?)
            .map_err(with_id)?;
        let visit = self.visit_date(now).map_err(with_id)?;
        let until = date(subsidy, self.care.until_claim())?;
        let born = date(subsidy, claim::child_medical_subsidy::CHILD_BIRTHDATE)?;
        if visit > until || visit < born {
            return Err(Rejection::new(Reason::NotCovered).for_credential(SUBSIDY_ID));
        }
        Ok(())
    }
}

fn date(
    credential: &PresentedCredential,
    name: &'static str,
) -> core::result::Result<CalendarDate, Rejection> {
    CalendarDate::parse(credential.text(name)?)
        .map_err(|e| Rejection::from_error(e).for_credential(&credential.id))
}

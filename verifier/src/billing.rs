//! The billing record a clinic hands to its billing system (レセコン) after a child medical
//! subsidy was accepted: JSON, or XML written here with every text node and attribute
//! escaped (the record is small and flat, so a writer of our own is shorter and easier to
//! audit than a general XML crate).
//!
//! ```
//! use myna_verifier::billing::{xml_escape, BillingRecord};
//! assert_eq!(xml_escape(r#"<a & "b">'"#), "&lt;a &amp; &quot;b&quot;&gt;&apos;");
//! ```

use myna_vocabulary::claim;
use serde::Serialize;
use serde_json::Value;

use myna_vc_core::calendar::CalendarDate;

use crate::decision::Decision;
use crate::policy::clinic::{Care, Clinic, SUBSIDY_ID};

/// One visit covered by a child medical subsidy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillingRecord {
    /// The clinic.
    pub clinic_id: String,
    /// The visit day (JST), `YYYY-MM-DD`.
    pub visit_date: String,
    /// Outpatient or inpatient.
    pub care: Care,
    /// 公費負担者番号 (8 digits).
    pub payer_number: String,
    /// 受給者番号 (7 digits).
    pub recipient_number: String,
    /// The paying municipality.
    pub municipality_code: String,
    /// The child's name.
    pub child_name: String,
    /// The child's date of birth.
    pub child_birthdate: String,
    /// Copay per visit, yen.
    pub copay_per_visit_yen: u64,
    /// Monthly cap, yen, if any.
    pub monthly_cap_yen: Option<u64>,
    /// Last covered day for this kind of care.
    pub covered_until: String,
    /// The subsidy's issuer.
    pub issuer: String,
    /// When the subsidy was verified (Unix seconds).
    pub verified_at: i64,
}

impl BillingRecord {
    /// The record of an accepted clinic decision; `None` if rejected or incomplete.
    pub fn from_decision(
        clinic_id: &str,
        care: Care,
        visit: CalendarDate,
        decision: &Decision,
    ) -> Option<Self> {
        if !decision.accepted() {
            return None;
        }
        let subsidy = decision.credential(SUBSIDY_ID)?;
        let text = |name: &str| subsidy.claims.get(name)?.as_str().map(str::to_owned);
        let copay = subsidy.claims.get(claim::child_medical_subsidy::COPAY)?;
        let until = match care {
            Care::Outpatient => claim::child_medical_subsidy::OUTPATIENT_UNTIL,
            Care::Inpatient => claim::child_medical_subsidy::INPATIENT_UNTIL,
        };
        Some(BillingRecord {
            clinic_id: clinic_id.to_owned(),
            visit_date: visit.to_string(),
            care,
            payer_number: text(claim::child_medical_subsidy::PAYER_NUMBER)?,
            recipient_number: text(claim::child_medical_subsidy::RECIPIENT_NUMBER)?,
            municipality_code: text(claim::child_medical_subsidy::MUNICIPALITY_CODE)?,
            child_name: text(claim::child_medical_subsidy::CHILD_NAME)?,
            child_birthdate: text(claim::child_medical_subsidy::CHILD_BIRTHDATE)?,
            copay_per_visit_yen: copay.get("per_visit_yen")?.as_u64()?,
            monthly_cap_yen: copay.get("monthly_cap_yen").and_then(Value::as_u64),
            covered_until: text(until)?,
            issuer: subsidy.issuer.clone(),
            verified_at: decision.at.as_unix(),
        })
    }

    /// The record of `decision` if it is an accepted decision of the clinic reception `spec`
    /// names (`clinic:<clinic-id>:<outpatient|inpatient>`, see
    /// [`catalog::clinic`](crate::policy::catalog::clinic)); `None` for another policy's
    /// decision, a rejected one or one without the subsidy's claims.
    ///
    /// ```
    /// use myna_verifier::billing::BillingRecord;
    /// use myna_verifier::decision::Decision;
    /// use myna_verifier::core::time::NumericDate;
    /// let empty = Decision { policy: "clinic-c-1-outpatient".into(), at: NumericDate::from_unix(0),
    ///                        credentials: vec![], outcome: Ok(()) };
    /// assert!(BillingRecord::for_spec("clinic:c-1:outpatient", &empty).is_none()); // no subsidy
    /// assert!(BillingRecord::for_spec("age-over-20", &empty).is_none());
    /// ```
    pub fn for_spec(spec: &str, decision: &Decision) -> Option<Self> {
        let clinic = crate::policy::catalog::clinic(spec)?.ok()?;
        if decision.policy != crate::policy::Policy::name(&clinic) {
            return None;
        }
        clinic.billing_record(decision)
    }

    /// The JSON form.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The XML form: `<billingRecord version="1">` with one element per field.
    pub fn to_xml(&self) -> String {
        let cap = self.monthly_cap_yen.map(|c| c.to_string());
        let copay = self.copay_per_visit_yen.to_string();
        let verified_at = self.verified_at.to_string();
        let fields: [(&str, Option<&str>); 13] = [
            ("clinicId", Some(&self.clinic_id)),
            ("visitDate", Some(&self.visit_date)),
            ("care", Some(self.care.as_str())),
            ("payerNumber", Some(&self.payer_number)),
            ("recipientNumber", Some(&self.recipient_number)),
            ("municipalityCode", Some(&self.municipality_code)),
            ("childName", Some(&self.child_name)),
            ("childBirthdate", Some(&self.child_birthdate)),
            ("copayPerVisitYen", Some(&copay)),
            ("monthlyCapYen", cap.as_deref()),
            ("coveredUntil", Some(&self.covered_until)),
            ("issuer", Some(&self.issuer)),
            ("verifiedAt", Some(&verified_at)),
        ];
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<billingRecord version=\"1\">\n",
        );
        for (name, value) in fields {
            if let Some(value) = value {
                xml.push_str(&format!("  <{name}>{}</{name}>\n", xml_escape(value)));
            }
        }
        xml.push_str("</billingRecord>\n");
        xml
    }
}

// Defined here rather than in `policy::clinic`: the billing record is what a clinic's decision
// produces, so billing depends on the policy and never the other way round (no module cycle).
impl Clinic {
    /// The billing record of an accepted decision of this reception.
    pub fn billing_record(&self, decision: &Decision) -> Option<BillingRecord> {
        let visit = self.visit_date(decision.at).ok()?;
        BillingRecord::from_decision(self.clinic_id(), self.care(), visit, decision)
    }
}

/// Escapes text for an XML element or a quoted attribute (the core's, re-exported here).
pub use myna_vc_core::markup::xml_escape;

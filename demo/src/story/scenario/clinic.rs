//! Scenario 6: a clinic's reception accepts a child medical subsidy (子ども医療費受給者証)
//! issued by Maebashi at the city's desk, and exports the billing record for its billing
//! system (レセコン) as JSON and XML.

use myna_vc_core::calendar::CalendarDate;
use myna_verifier::billing::BillingRecord;
use myna_verifier::policy::clinic::{Care, Clinic};

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::HARUTO;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const CLINIC_ID: &str = "maebashi-kodomo-clinic";
/// Maebashi's 公費負担者番号 for child medical care and a recipient number (check digits
/// valid).
const PAYER_NUMBER: &str = "88421003";
const RECIPIENT_NUMBER: &str = "1234566";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let haruto = world.resident(HARUTO)?;
    let grant = serde_json::json!([{
        "credential": "child_medical_subsidy",
        "payer_number": PAYER_NUMBER, "recipient_number": RECIPIENT_NUMBER,
        "child_name": HARUTO.name, "child_birthdate": HARUTO.birthdate,
        "outpatient_age": 15, "inpatient_age": 18,
        "copay_per_visit_yen": 500, "monthly_cap_yen": 1000,
    }]);
    story.step(
        "前橋市 grants Haruto the child medical subsidy at the desk; his wallet receives it with the PIN",
        world.staff_offer(haruto, grant),
    );
    let reception = Counter::open(world, "https://kodomo-clinic.maebashi.example")?;
    let policy = Clinic::new(CLINIC_ID, Care::Outpatient).map_err(fail)?;
    let Some(decision) = story.decision(
        "Haruto's parent shows the subsidy at the clinic reception (outpatient visit)",
        Expect::Accept,
        reception.ask(haruto, &policy),
    ) else {
        return Ok(());
    };
    let visit = CalendarDate::from_numeric_date_jst(reception.verifier.now()).map_err(fail)?;
    let record = BillingRecord::from_decision(CLINIC_ID, Care::Outpatient, visit, &decision)
        .ok_or("the accepted decision has no complete billing record")?;
    let exported = check_record(&record);
    story.step(
        &format!(
            "billing record exported for the レセコン (JSON and XML): payer {PAYER_NUMBER}, recipient {RECIPIENT_NUMBER}, copay ¥500 per visit, visit {visit}"
        ),
        exported,
    );
    Ok(())
}

/// The exported record carries what the desk granted, in both forms.
fn check_record(record: &BillingRecord) -> DemoResult<()> {
    let json = record.to_json();
    let field = |name: &str| json.get(name).cloned().unwrap_or_default();
    if field("payer_number") != PAYER_NUMBER
        || field("recipient_number") != RECIPIENT_NUMBER
        || field("copay_per_visit_yen") != 500
    {
        return Err(format!("the JSON record does not match the grant: {json}"));
    }
    let xml = record.to_xml();
    if !xml.contains(&format!(">{PAYER_NUMBER}<")) || !xml.starts_with('<') {
        return Err(format!("the XML record does not match the grant: {xml}"));
    }
    Ok(())
}

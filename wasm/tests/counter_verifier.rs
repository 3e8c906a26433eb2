//! The counter's verifier calls in Rust (the same bindings the npm package exports): two
//! `MV1:` lines for a two-credential policy, a clinic's billing record, a shelter's roster
//! entry and the trust data's freshness, on the fixtures the Node tests read.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test")]

#[path = "../examples/fixtures/counter.rs"]
mod counter;

use myna_verifier::roster::RosterEntry;
use myna_wasm::verifier::{billing_record_native, roster_entry_native, Verifier};
use serde_json::{json, Value};

fn verifier(fixtures: &Value) -> Verifier {
    Verifier::create_native(&fixtures["config"].to_string(), counter::NOW as f64).unwrap()
}

fn decide(verifier: &Verifier, fixtures: &Value, case: &str, presentation: &str) -> Value {
    let nonce = fixtures[case]["nonce"].as_str().unwrap();
    let policy = fixtures[case]["policy"].as_str().unwrap();
    verifier
        .verify_native(policy, presentation, nonce, counter::NOW as f64)
        .unwrap()
        .to_json()
}

#[test]
fn the_fixtures_give_what_they_promise() {
    counter::check(&counter::fixtures().unwrap()).unwrap();
}

#[test]
fn a_two_credential_policy_takes_one_mv1_line_per_credential_in_any_order() {
    let fixtures = counter::fixtures().unwrap();
    let lines: Vec<&str> = fixtures["childEntry"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let crlf = format!("{}\r\n{}\r\n", lines[0], lines[1]);
    let decision = decide(&verifier(&fixtures), &fixtures, "childEntry", &crlf);
    assert_eq!(decision["accepted"], true, "{decision}");
    let ids: Vec<&str> = decision["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["resident", "age"]);
    // In the other order (scanned as the customer showed them): each line still answers the
    // query of its credential type.
    let swapped = format!("{}\n{}", lines[1], lines[0]);
    let other = decide(&verifier(&fixtures), &fixtures, "childEntry", &swapped);
    assert_eq!(other["accepted"], true, "{other}");
    assert_eq!(other["credentials"], decision["credentials"]);
    // The same code scanned twice: refused, never accepted.
    let twice = format!("{}\n{}", lines[1], lines[1]);
    let refused = decide(&verifier(&fixtures), &fixtures, "childEntry", &twice);
    assert_eq!(refused["accepted"], false, "{refused}");
    assert_eq!(refused["reason"], "unreadable");
    // One line for two credentials says which form to use.
    let one = decide(&verifier(&fixtures), &fixtures, "childEntry", lines[0]);
    assert_eq!(one["reason"], "unreadable");
}

#[test]
fn a_clinic_decision_gives_its_billing_record_in_json_and_xml() {
    let fixtures = counter::fixtures().unwrap();
    let verifier = verifier(&fixtures);
    let presentation = fixtures["clinic"]["presentation"].as_str().unwrap();
    let decision = decide(&verifier, &fixtures, "clinic", presentation);
    assert_eq!(decision["accepted"], true, "{decision}");
    let record = billing_record_native(&decision, counter::CLINIC).unwrap();
    assert_eq!(
        record["json"],
        json!({
            "clinic_id": "clinic-0001", "visit_date": "2026-11-21", "care": "outpatient",
            "payer_number": "88281001", "recipient_number": "1234566",
            "municipality_code": "281000", "child_name": "神戸　花子 <&>",
            "child_birthdate": "2016-04-02", "copay_per_visit_yen": 400,
            "monthly_cap_yen": 800, "covered_until": "2031-03-31",
            "issuer": "did:web:city.kobe.example", "verified_at": counter::NOW,
        })
    );
    let xml = record["xml"].as_str().unwrap();
    assert!(xml
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<billingRecord version=\"1\">"));
    assert!(xml.contains("<childName>神戸　花子 &lt;&amp;&gt;</childName>"));
    // The same decision under another clinic's spec, an inpatient desk, or a replay (rejected)
    // gives no record.
    for other in [
        "clinic:clinic-0002:outpatient",
        "clinic:clinic-0001:inpatient",
        "age-over-20",
    ] {
        assert!(
            billing_record_native(&decision, other).unwrap().is_null(),
            "{other}"
        );
    }
    let replay = decide(&verifier, &fixtures, "clinic", presentation);
    assert_eq!(replay["reason"], "replayed");
    assert!(billing_record_native(&replay, counter::CLINIC)
        .unwrap()
        .is_null());
    // Not a decision object: a coded error, not a record.
    let broken = billing_record_native(&json!({"accepted": true}), counter::CLINIC).unwrap_err();
    assert_eq!(broken.code(), "missing_member");
}

#[test]
fn a_shelter_decision_gives_a_roster_entry_with_its_stable_id() {
    let fixtures = counter::fixtures().unwrap();
    let presentation = fixtures["shelter"]["presentation"].as_str().unwrap();
    let decision = decide(&verifier(&fixtures), &fixtures, "shelter", presentation);
    assert_eq!(decision["accepted"], true, "{decision}");
    let entry = roster_entry_native(&decision, counter::SHELTER).unwrap();
    let holder = decision["credentials"][0]["holder"].as_str().unwrap();
    assert_eq!(
        entry["entry_id"],
        RosterEntry::id_for("kobe-chuo-01", "did:web:city.kobe.example", holder)
    );
    assert_eq!(entry["name"], "神戸　花子");
    assert_eq!(entry["birthdate"], "2016-04-02");
    assert_eq!(entry["municipality_code"], "281000");
    assert_eq!(entry["checked_in_at"], counter::NOW);
    let parsed: RosterEntry = serde_json::from_value(entry.clone()).unwrap();
    parsed.check().unwrap();
    // Checked in again (a new presentation, another verifier): the same id.
    let again = decide(&verifier(&fixtures), &fixtures, "shelter", presentation);
    assert_eq!(
        roster_entry_native(&again, counter::SHELTER).unwrap()["entry_id"],
        entry["entry_id"]
    );
    assert!(roster_entry_native(&decision, "shelter:another-shelter")
        .unwrap()
        .is_null());
    assert!(roster_entry_native(&decision, counter::CLINIC)
        .unwrap()
        .is_null());
}

#[test]
fn freshness_reports_the_trust_list_and_each_status_list_at_the_time_given() {
    let fixtures = counter::fixtures().unwrap();
    let verifier = verifier(&fixtures);
    let now = counter::NOW;
    let fresh = verifier.freshness_native(now as f64).unwrap();
    assert_eq!(fresh["statusLists"][0]["staleSecs"], 0);
    assert_eq!(fresh["trustList"]["ageSecs"], 86_400);
    assert_eq!(
        verifier.freshness_native(counter::LATER as f64).unwrap(),
        fixtures["freshness"]
    );
    // Two days on: past this verifier's 1-day tolerance; the trust list (30 days) is in force.
    let days = verifier
        .freshness_native((now + 2 * 86_400) as f64)
        .unwrap();
    assert_eq!(days["statusLists"][0]["staleSecs"], 2 * 86_400 - 3_600);
    assert_eq!(days["statusLists"][0]["tooStale"], true);
    assert_eq!(days["trustList"]["staleSecs"], 0);
    let month = verifier
        .freshness_native((now + 31 * 86_400) as f64)
        .unwrap();
    assert_eq!(month["trustList"]["staleSecs"], 86_400);
    assert_eq!(
        verifier.freshness_native(-1.0).unwrap_err().code(),
        "invalid_argument"
    );
}

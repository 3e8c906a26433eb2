//! Mailed letters over loopback: a batch file's offers stay redeemable for days (a desk offer
//! for minutes), implausible facts are refused when the offer is made — at the desk and in a
//! batch alike — and a batch with bad lines offers the good ones, reports the bad ones with
//! their line numbers, makes nothing in a dry run and resumes after the file is fixed.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, MAEBASHI};
use myna_issuer::service::batch::{self, BatchRun, BatchSummary};
use myna_issuer::service::config::ServiceConfig;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::oid4vci::OfferLink;
use serde_json::{json, Value};
use service_support::*;

const MINUTE: i64 = 60;
const DAY: i64 = 86_400;

/// The offers a batch wrote, as `(row_id, offer JSON, PIN)`.
fn letters(path: &std::path::Path) -> Vec<(String, Value, Option<String>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).unwrap();
            let OfferLink::ByValue(offer) =
                OfferLink::parse(line["credential_offer_uri"].as_str().unwrap()).unwrap()
            else {
                panic!("offer by value")
            };
            (
                line["row_id"].as_str().unwrap().to_owned(),
                serde_json::to_value(*offer).unwrap(),
                line["tx_code"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn age_row(id: &str, birthdate: &str) -> String {
    json!({"row_id": id, "credentials": [{"credential": "age", "birthdate": birthdate}]})
        .to_string()
}

async fn desk_offer(server: &Server, admins: &Admins) -> Value {
    let body = json!({"credentials": [{"credential": "age", "birthdate": "1990-05-05"}]});
    staff_offer(server, &admins.operator, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_is_redeemable_for_days_and_a_desk_offer_for_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let wallet = Wallet::new(&server);
    let (desk_early, desk_late) = (
        desk_offer(&server, &admins).await,
        desk_offer(&server, &admins).await,
    );
    let input = dir.path().join("residents.jsonl");
    let rows = ["after-2-days", "last-second", "one-second-late"]
        .map(|id| age_row(id, "1990-05-05"))
        .join("\n");
    std::fs::write(&input, rows).unwrap();
    let run = BatchRun::new(&input, dir.path().join("letters.jsonl"));
    let summary = batch::run(&server.service, &run, &mut |_, _| {}).unwrap();
    assert_eq!(summary.offered, 3);
    let letters = letters(&run.output);

    // At the desk: still good after 14 minutes, expired after 16.
    clock.advance(14 * MINUTE);
    let tx_code = desk_early["tx_code"].as_str();
    wallet
        .access_token(&desk_early["credential_offer"], tx_code)
        .await;
    clock.advance(2 * MINUTE);
    let late = wallet
        .token(
            &desk_late["credential_offer"],
            desk_late["tx_code"].as_str(),
        )
        .await;
    assert_error_mentioning(late, 400, "invalid_grant", "expired").await;

    // Two days later — pruning has run — the letter, its PIN and its sealed facts still work.
    clock.advance(2 * DAY - 16 * MINUTE);
    server.service.prune().unwrap();
    let (row, offer, pin) = &letters[0];
    assert_eq!(row, "after-2-days");
    let token = wallet.access_token(offer, pin.as_deref()).await;
    let now = START.plus_seconds(2 * DAY as u64);
    let credentials = wallet.credentials(&token, "age", &[&*signer()], now).await;
    let vc = verify(&credentials[0], server.service.issuer_key(), now);
    assert_eq!(vc.claims()["age_over_20"], true);

    // The default letter lifetime is 30 days: redeemable in its last second, not after.
    clock.advance(28 * DAY - 1);
    server.service.prune().unwrap();
    let (_, offer, pin) = &letters[1];
    wallet.access_token(offer, pin.as_deref()).await;
    clock.advance(1);
    server.service.prune().unwrap();
    let (_, offer, pin) = &letters[2];
    assert_error(
        wallet.token(offer, pin.as_deref()).await,
        400,
        "invalid_grant",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shorter_configured_letter_lifetime_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = admins.config();
    config.rules.letter_offer_lifetime_secs = 3 * DAY as u64;
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), config, clock.clone(), &world).await;
    let input = dir.path().join("residents.jsonl");
    std::fs::write(
        &input,
        [age_row("a", "1990-05-05"), age_row("b", "1990-05-05")].join("\n"),
    )
    .unwrap();
    let run = BatchRun::new(&input, dir.path().join("letters.jsonl"));
    batch::run(&server.service, &run, &mut |_, _| {}).unwrap();
    let letters = letters(&run.output);
    let wallet = Wallet::new(&server);
    clock.advance(3 * DAY - 1);
    wallet
        .access_token(&letters[0].1, letters[0].2.as_deref())
        .await;
    clock.advance(1);
    assert_error(
        wallet.token(&letters[1].1, letters[1].2.as_deref()).await,
        400,
        "invalid_grant",
    )
    .await;
    server.stop().await;
}

/// Mishima's issuer (静岡県三島市), with the test admins.
fn mishima(admins: &Admins) -> ServiceConfig {
    let mut config = admins.config();
    config.municipality_code = Some("222062".into());
    config.prefecture = Some("静岡県".into());
    config.name = "三島市".into();
    config
}

const MISHIMA: &str = "静岡県三島市北田町４番４７号";
const KOBE: &str = "兵庫県神戸市中央区加納町６丁目５番１号";

fn resident(address: &str, birthdate: &str) -> Value {
    json!({"credential": "resident", "name": "三島　太郎", "address": address,
        "birthdate": birthdate})
}

fn age(birthdate: &str) -> Value {
    json!({"credential": "age", "birthdate": birthdate})
}

fn subsidy(changes: Value) -> Value {
    let mut facts = json!({"credential": "child_medical_subsidy", "payer_number": "88421003",
        "recipient_number": "1234566", "child_name": "三島　次郎", "child_birthdate": "2020-06-01",
        "outpatient_age": 15, "inpatient_age": 18, "copay_per_visit_yen": 200,
        "monthly_cap_yen": 1000});
    for (key, value) in changes.as_object().unwrap() {
        facts[key] = value.clone();
    }
    facts
}

fn shelter(checked_in_at: i64) -> Value {
    json!({"credential": "shelter_registration", "shelter_id": "mishima-kita-es",
        "checked_in_at": checked_in_at})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_implausible_fact_is_refused_when_the_offer_is_made_at_the_desk_or_by_letter() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), mishima(&admins), ManualClock::at(START), &world).await;
    let today = CalendarDate::from_numeric_date_jst(START).unwrap();
    let tomorrow = today.next_day().unwrap().to_string();
    let now = START.as_unix();
    // (facts, what the refusal says)
    let refused = [
        (
            resident(KOBE, "1990-05-05"),
            "address is not in municipality 222062",
        ),
        (resident(MISHIMA, &tomorrow), "birthdate lies after today"),
        (
            resident(MISHIMA, "0001-01-01"),
            "birthdate lies before 1900-01-01",
        ),
        (age("2990-01-01"), "birthdate lies after today"),
        (age("0001-01-01"), "birthdate lies before 1900-01-01"),
        (age("1899-12-31"), "birthdate lies before 1900-01-01"),
        (
            json!({"credential": "age", "birthdate": "1990-05-05", "not_after": now - 1}),
            "not_after has passed",
        ),
        (
            subsidy(json!({"payer_number": "88421004"})),
            "wrong check digit",
        ),
        (
            subsidy(json!({"recipient_number": "1234567"})),
            "wrong check digit",
        ),
        (
            subsidy(json!({"child_birthdate": tomorrow})),
            "child_birthdate lies after today",
        ),
        (
            subsidy(json!({"outpatient_age": 0})),
            "outpatient_age must be between 1 and 25",
        ),
        (
            subsidy(json!({"inpatient_age": 99})),
            "inpatient_age must be between 1 and 25",
        ),
        (
            subsidy(json!({"monthly_cap_yen": 100})),
            "copay_per_visit_yen must not exceed monthly_cap_yen",
        ),
        (
            subsidy(json!({"child_birthdate": "2000-06-01"})),
            "coverage ended",
        ),
        (shelter(now * 1000), "checked_in_at lies after today"),
        (
            shelter(now - 2 * 365 * DAY),
            "checked_in_at lies more than 366 days",
        ),
    ];
    let mut file = String::new();
    for (line, (facts, why)) in refused.iter().enumerate() {
        let body = json!({"credentials": [facts]});
        let response = admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await;
        let error = assert_error(response, 400, "invalid_request").await;
        let description = error["error_description"].as_str().unwrap();
        assert!(description.contains(why), "{facts}: {description}");
        assert!(
            !description.contains("兵庫") && !description.contains("2990"),
            "{description}"
        );
        file.push_str(
            &json!({"row_id": format!("row-{}", line + 1), "credentials": [facts]}).to_string(),
        );
        file.push('\n');
    }
    // The same facts by letter: every row refused for the same reason, nothing offered.
    let input = dir.path().join("residents.jsonl");
    std::fs::write(&input, &file).unwrap();
    let run = BatchRun::new(&input, dir.path().join("letters.jsonl"));
    let summary = batch::run(&server.service, &run, &mut |_, _| {}).unwrap();
    assert_eq!(summary.offered, 0);
    assert_eq!(summary.rejected.len(), refused.len());
    for (rejected, (facts, why)) in summary.rejected.iter().zip(&refused) {
        assert!(
            rejected.reason.contains(why),
            "{facts}: {}",
            rejected.reason
        );
    }

    // The plausible edges are offered.
    for facts in [
        resident(MISHIMA, "1990-05-05"),
        age(&today.to_string()),
        age("1900-01-01"),
        subsidy(json!({})),
        shelter(now - 3600),
    ] {
        let body = json!({"credentials": [facts]});
        let response = admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await;
        assert_eq!(
            response.status(),
            201,
            "{facts}: {}",
            response.text().await.unwrap()
        );
    }
    server.stop().await;
}

async fn audit_length(server: &Server, admins: &Admins) -> u64 {
    let (status, log) = json(
        client()
            .get(server.url("/admin/audit?limit=1"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{log}");
    log["chain_length"].as_u64().unwrap()
}

fn lines_and_ids(summary: &BatchSummary) -> Vec<(usize, Option<&str>)> {
    summary
        .rejected
        .iter()
        .map(|r| (r.line, r.row_id.as_deref()))
        .collect()
}

fn report(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_offers_its_good_lines_reports_the_bad_ones_and_resumes_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let good_resident = json!({"row_id": "r3", "credentials": [
        {"credential": "resident", "name": "前橋　花子", "address": MAEBASHI, "birthdate": "1990-05-05"},
        {"credential": "age", "birthdate": "1990-05-05"}]})
    .to_string();
    let kobe = json!({"row_id": "r2", "credentials": [
        {"credential": "resident", "name": "前橋　花子", "address": KOBE, "birthdate": "1990-05-05"}]})
    .to_string();
    let shelter_row = json!({"row_id": "r6", "tx_code": false, "credentials": [
        {"credential": "shelter_registration", "shelter_id": "s-1", "checked_in_at": START.as_unix()}]})
    .to_string();
    let unknown_field = r#"{"row_id": "r4", "credentials": [{"credential": "age", "birthdate": "1990-05-05", "sex": "female"}]}"#;
    let lines = [
        "# Maebashi, 2027 mailing".to_owned(),
        age_row("r1", "1990-05-05"),
        "{\"row_id\": \"r-broken\", ".to_owned(),
        kobe,
        good_resident,
        unknown_field.to_owned(),
        age_row("r5", "2990-01-01"),
        shelter_row,
    ];
    let input = dir.path().join("residents.jsonl");
    let output = dir.path().join("letters.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let bad = vec![(3, None), (4, Some("r2")), (6, Some("r4")), (7, Some("r5"))];

    // Dry run: every bad line with its number, no offer, no output, nothing audited.
    let audited = audit_length(&server, &admins).await;
    let dry_report = dir.path().join("dry-run.jsonl");
    let dry = BatchRun {
        dry_run: true,
        report: Some(dry_report.clone()),
        ..BatchRun::new(&input, &output)
    };
    let summary = batch::run(&server.service, &dry, &mut |_, _| {}).unwrap();
    assert_eq!((summary.rows, summary.checked, summary.offered), (7, 3, 0));
    assert_eq!(lines_and_ids(&summary), bad);
    assert!(!output.exists(), "a dry run writes no output");
    assert!(!BatchRun::default_report(&output).exists());
    assert_eq!(
        audit_length(&server, &admins).await,
        audited,
        "a dry run makes no offer"
    );
    let reported: Vec<u64> = report(&dry_report)
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(reported, [3, 4, 6, 7]);
    let reason_of = |line: usize| {
        summary
            .rejected
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .reason
            .clone()
    };
    assert!(
        reason_of(4).contains("municipality 102016"),
        "{}",
        reason_of(4)
    );
    assert!(reason_of(6).contains("unknown field"), "{}", reason_of(6));
    assert!(reason_of(7).contains("after today"), "{}", reason_of(7));

    // The real run: the good lines are offered, the bad ones reported beside the output.
    let run = BatchRun::new(&input, &output);
    let summary = batch::run(&server.service, &run, &mut |_, _| {}).unwrap();
    assert_eq!((summary.offered, summary.already_done), (3, 0));
    assert_eq!(lines_and_ids(&summary), bad);
    let offered: Vec<String> = letters(&output).into_iter().map(|l| l.0).collect();
    assert_eq!(offered, ["r1", "r3", "r6"]);
    let reported = report(run.report.as_ref().unwrap());
    assert_eq!(
        reported
            .iter()
            .map(|r| (r["line"].clone(), r["row_id"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!(3), Value::Null),
            (json!(4), json!("r2")),
            (json!(6), json!("r4")),
            (json!(7), json!("r5"))
        ]
    );

    // Two lines fixed in place: the re-run offers just those, skips the done ones, and still
    // reports the two left broken.
    let mut fixed = lines.clone();
    fixed[3] = fixed[3].replace(KOBE, MAEBASHI);
    fixed[6] = age_row("r5", "1995-01-01");
    std::fs::write(&input, fixed.join("\n")).unwrap();
    let summary = batch::run(&server.service, &run, &mut |_, _| {}).unwrap();
    assert_eq!((summary.offered, summary.already_done), (2, 3));
    assert_eq!(lines_and_ids(&summary), [(3, None), (6, Some("r4"))]);
    let letters = letters(&output);
    let offered: Vec<&str> = letters.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(offered, ["r1", "r3", "r6", "r2", "r5"]);
    assert_eq!(
        report(run.report.as_ref().unwrap()).len(),
        2,
        "the report is replaced"
    );

    // A fixed row's letter redeems with its PIN; the shelter row asked for none.
    let wallet = Wallet::new(&server);
    let (_, offer, pin) = &letters[4];
    let token = wallet.access_token(offer, pin.as_deref()).await;
    assert_eq!(
        wallet
            .credentials(&token, "age", &[&*signer()], START)
            .await
            .len(),
        1
    );
    assert_eq!(letters[2].2, None);
    server.stop().await;
}

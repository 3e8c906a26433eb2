//! The disaster HQ's roster over loopback (`myna verify serve --roster FILE
//! --roster-token-file F`): the token before the body, entries checked and stored once by id,
//! a summary with counts only, typed errors that never echo an entry's values.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::http::{roster_service, serve, status_line_of, ROSTER_TOKEN as TOKEN};
use common::*;
use myna_verifier::core::b64;
use myna_verifier::core::time::NumericDate;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::roster::RosterEntry;
use myna_verifier::service::{EdgeConfig, ServiceOptions, ServiceState, MAX_ROSTER_ENTRIES};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

struct Hq {
    base: String,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(with_roster: bool) -> Hq {
    start_with(with_roster, None).await
}

async fn start_with(
    with_roster: bool,
    registry: Option<myna_verifier::operator::ShelterRegistry>,
) -> Hq {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let policies =
        vec![policy_from_spec("shelter:kobe-chuo-01", Arc::new(MemoryLedger::new())).unwrap()];
    let roster = with_roster.then(|| {
        let mut roster = roster_service(dir.path());
        roster.registry = registry;
        roster
    });
    let options = ServiceOptions {
        public_url: "https://hq.example".into(),
        roster,
        ..ServiceOptions::default()
    };
    let state = ServiceState::new(world.verifier.clone(), policies, options).unwrap();
    let (base, stop) = serve(state, EdgeConfig::default()).await;
    Hq {
        base,
        _dir: dir,
        _stop: stop,
    }
}

/// A valid entry for the `n`th evacuee at `shelter`.
fn entry(shelter: &str, n: u32) -> RosterEntry {
    let holder = b64::encode(Sha256::digest(n.to_be_bytes()));
    RosterEntry {
        entry_id: RosterEntry::id_for(shelter, KOBE, &holder),
        shelter_id: shelter.into(),
        municipality_code: "281000".into(),
        name: Some(format!("避難　太郎{n}")),
        birthdate: Some("1990-05-01".into()),
        issuer: KOBE.into(),
        holder,
        checked_in_at: NumericDate::from_unix(T0 + i64::from(n)),
    }
}

async fn post(hq: &Hq, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/roster", hq.base))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn summary(hq: &Hq) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}/roster/summary", hq.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_are_stored_once_by_id_and_summarised_without_personal_data() {
    let hq = start(true).await;
    assert_eq!(summary(&hq).await, json!({"shelters": []}));
    let batch = json!({"entries": [entry("kobe-chuo-01", 1), entry("kobe-chuo-01", 2),
                                   entry("nada-es-02", 3), entry("kobe-chuo-01", 1)]});
    assert_eq!(
        post(&hq, Some(TOKEN), &batch).await,
        (200, json!({"stored": 3, "duplicates": 1}))
    );
    // The same sync again (its acknowledgement was lost): nothing new.
    assert_eq!(
        post(&hq, Some(TOKEN), &batch).await,
        (200, json!({"stored": 0, "duplicates": 4}))
    );
    let counts = summary(&hq).await;
    assert_eq!(
        counts,
        json!({"shelters": [{"shelter_id": "kobe-chuo-01", "checked_in": 2},
                            {"shelter_id": "nada-es-02", "checked_in": 1}]})
    );
    let text = counts.to_string();
    assert!(!text.contains("避難") && !text.contains("1990") && !text.contains("281000"));
    assert_eq!(
        post(&hq, Some(TOKEN), &json!({"entries": []})).await,
        (200, json!({"stored": 0, "duplicates": 0}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_the_token_is_refused_before_its_body_is_read() {
    let hq = start(true).await;
    let batch = json!({"entries": [entry("kobe-chuo-01", 1)]});
    for token in [None, Some("roster-token-0123456789abcdefghijklmnoX")] {
        let (status, body) = post(&hq, token, &batch).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_token");
    }
    let anonymous = reqwest::Client::new()
        .get(format!("{}/roster/summary", hq.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    // Only the head, declaring a body within the limits: the 401 comes without any of it sent.
    let address = hq.base.trim_start_matches("http://").to_owned();
    let head = "POST /roster HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                content-length: 500000\r\n\r\n";
    let line = tokio::task::spawn_blocking(move || status_line_of(&address, head))
        .await
        .unwrap();
    assert!(line.starts_with("HTTP/1.1 401"), "{line}");
    assert_eq!(summary(&hq).await, json!({"shelters": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_batches_get_typed_errors_that_name_no_values_and_store_nothing() {
    let hq = start(true).await;
    let good = entry("kobe-chuo-01", 1);
    let value = |e: &RosterEntry| serde_json::to_value(e).unwrap();

    // An entry whose id is not its fields' (forged or altered on the way).
    let mut moved = value(&entry("kobe-chuo-01", 2));
    moved["shelter_id"] = json!("nada-es-02");
    let (status, body) = post(&hq, Some(TOKEN), &json!({"entries": [value(&good), moved]})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_roster_entry");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.contains("entries[1]") && description.contains("entry_id"),
        "{description}"
    );

    let mut cases: Vec<(Value, &str, &str)> = Vec::new();
    let mut bad_shelter = value(&good);
    bad_shelter["shelter_id"] = json!("kobe chuo/01");
    cases.push((
        json!({"entries": [bad_shelter]}),
        "invalid_roster_entry",
        "shelter_id",
    ));
    let mut bad_code = value(&good);
    bad_code["municipality_code"] = json!("28100");
    cases.push((
        json!({"entries": [bad_code]}),
        "invalid_roster_entry",
        "municipality_code",
    ));
    let mut bad_birthdate = value(&good);
    bad_birthdate["birthdate"] = json!("1990-02-30");
    cases.push((
        json!({"entries": [bad_birthdate]}),
        "invalid_roster_entry",
        "birthdate",
    ));
    let mut extra = value(&good);
    extra["address"] = json!("兵庫県神戸市中央区");
    cases.push((json!({"entries": [extra]}), "invalid_request", "entries[0]"));
    let mut wrong_type = value(&good);
    wrong_type["name"] = json!(42);
    cases.push((
        json!({"entries": [wrong_type]}),
        "invalid_request",
        "entries[0]",
    ));
    cases.push((json!({"entry": []}), "invalid_request", "entries"));
    let many: Vec<Value> = (0..=MAX_ROSTER_ENTRIES as u32)
        .map(|n| value(&entry("kobe-chuo-01", n)))
        .collect();
    cases.push((json!({"entries": many}), "too_many_entries", "1000"));
    for (body, code, mentions) in cases {
        let (status, answer) = post(&hq, Some(TOKEN), &body).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some(code)),
            "{answer}"
        );
        let description = answer["error_description"].as_str().unwrap();
        assert!(description.contains(mentions), "{description}");
        for value in ["兵庫県", "避難", "1990", "28100", "kobe chuo"] {
            assert!(!description.contains(value), "{description} echoes {value}");
        }
    }

    // Not JSON, or too large.
    let client = reqwest::Client::new();
    let text = client
        .post(format!("{}/roster", hq.base))
        .bearer_auth(TOKEN)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    let huge = client
        .post(format!("{}/roster", hq.base))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(vec![b' '; (1 << 20) + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    let answer: Value = huge.json().await.unwrap();
    assert_eq!(answer["error"], "invalid_request");

    // Nothing of any refused batch was stored.
    assert_eq!(summary(&hq).await, json!({"shelters": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_roster_the_routes_answer_no_roster() {
    let hq = start(false).await;
    let (status, body) = post(&hq, Some(TOKEN), &json!({"entries": []})).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("no_roster")));
    let summary = reqwest::Client::new()
        .get(format!("{}/roster/summary", hq.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(summary.status(), 404);
}

/// The token of the residents' association that runs `sakura-kominkan` (Nomi's spot shelters
/// run by 自治会役員, `../shared/seeds/000_2cab3622a7b836b8.txt:2500`).
const OPERATOR_TOKEN: &str = "sakura-jichikai-token-0123456789abcdef";

fn registry() -> myna_verifier::operator::ShelterRegistry {
    let hash: String = Sha256::digest(OPERATOR_TOKEN.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = json!({
        "shelters": [{"id": "kobe-chuo-01", "capacity": 2},
                     {"id": "sakura-kominkan", "capacity": 40, "operator": "sakura-jichikai"}],
        "operators": [{"id": "sakura-jichikai", "name": "桜町自治会", "token_sha256": hash}],
    });
    myna_verifier::operator::ShelterRegistry::from_json(file.to_string().as_bytes()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_syncs_its_own_shelters_only_and_the_crowding_report_is_public() {
    let hq = start_with(true, Some(registry())).await;
    let own = json!({"entries": [entry("sakura-kominkan", 1)]});
    assert_eq!(
        post(&hq, Some(OPERATOR_TOKEN), &own).await,
        (200, json!({"stored": 1, "duplicates": 0}))
    );
    // Another shelter's entry in the batch: refused whole, nothing stored.
    let mixed = json!({"entries": [entry("sakura-kominkan", 2), entry("kobe-chuo-01", 3)]});
    let (status, body) = post(&hq, Some(OPERATOR_TOKEN), &mixed).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("forbidden_shelter"))
    );
    let summary_by_operator = reqwest::Client::new()
        .get(format!("{}/roster/summary", hq.base))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(summary_by_operator.status(), 403);
    // The HQ's token syncs any shelter, with check-outs in the same batch.
    let first = entry("kobe-chuo-01", 3);
    let batch = json!({
        "entries": [first, entry("kobe-chuo-01", 4), entry("kobe-chuo-01", 5)],
        "check_outs": [{"entry_id": first.entry_id, "shelter_id": "kobe-chuo-01",
                        "by": {"staff": "desk-1"}, "checked_out_at": T0 + 100},
                       {"entry_id": entry("kobe-chuo-01", 9).entry_id, "shelter_id": "kobe-chuo-01",
                        "by": "evacuee", "checked_out_at": T0 + 100}],
    });
    assert_eq!(
        post(&hq, Some(TOKEN), &batch).await,
        (
            200,
            json!({"stored": 3, "duplicates": 0,
                     "check_outs": {"stored": 1, "duplicates": 0, "not_checked_in": [1]}})
        )
    );
    // Published without a token: counts only.
    let response = reqwest::get(format!("{}/roster/crowding", hq.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        report["shelters"],
        json!([{"shelter_id": "kobe-chuo-01", "present": 2, "capacity": 2, "level": "full"},
               {"shelter_id": "sakura-kominkan", "present": 1, "capacity": 40, "level": "open"}])
    );
    let text = report.to_string();
    for personal in ["避難", "1990", "281000", "holder", "entry", KOBE] {
        assert!(!text.contains(personal), "{personal}");
    }
    assert!(!text.contains(&first.entry_id) && !text.contains(&first.holder));
}

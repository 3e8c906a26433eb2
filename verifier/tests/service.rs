//! `myna verify serve` over a loopback socket: one presentation per policy through
//! `POST /requests` and the wallet's `direct_post`, plus the OpenAPI document, the health
//! endpoint and the body limit.
#![cfg(feature = "service")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::service::{self, ServiceState, OPENAPI, ROUTES};
use myna_verifier::submission::Submission;
use serde_json::{json, Value};

#[test]
fn the_openapi_document_lists_exactly_the_routes() {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routed);
}

/// What a wallet answers for `policy`: the credentials it needs, bound to `nonce`.
fn answer(world: &World, policy: &str, nonce: &str) -> Submission {
    let holder = Holder::new();
    let present = |sd: &SdJwt, claims: &[&str]| world.present(sd, &holder, claims, nonce);
    let resident = |issuer, code, pref| {
        world
            .issue(issuer, Kind::Resident, resident_claims(code, pref), &holder)
            .0
    };
    let age = |claims| world.issue(KOBE, Kind::Age, claims, &holder).0;
    let child = age_claims(
        "2016-01-01",
        &[
            (4, true),
            (15, false),
            (18, false),
            (20, false),
            (65, false),
        ],
    );
    match policy {
        "age-over-20" => {
            Submission::single("age", &present(&age(adult_age_claims()), &["age_over_20"]))
        }
        "age-over-18" => {
            Submission::single("age", &present(&age(adult_age_claims()), &["age_over_18"]))
        }
        "resident-of-281000" => {
            Submission::single("resident", &present(&resident(KOBE, "281000", "28"), &[]))
        }
        "kobe-pupil-pass" => {
            Submission::single("resident", &present(&resident(KOBE, "281000", "28"), &[]))
                .with("age", &present(&age(child), &["age_over_15"]))
        }
        "child-entry-282014" => {
            Submission::single("resident", &present(&resident(HIMEJI, "282014", "28"), &[])).with(
                "age",
                &present(
                    &world.issue(HIMEJI, Kind::Age, child, &holder).0,
                    &["age_over_4", "age_over_15"],
                ),
            )
        }
        "shelter-desk-1" => Submission::single(
            "resident",
            &present(&resident(OSAKA, "271004", "27"), &["name", "birthdate"]),
        ),
        "clinic-c1-outpatient" => {
            let claims = json!({"municipality_code": "281000", "payer_number": "88281001", "recipient_number": "1234566",
                "child_name": "神戸　花子", "child_birthdate": "2015-06-01", "outpatient_until": "2031-03-31",
                "inpatient_until": "2034-03-31", "copay": {"per_visit_yen": 0}});
            let sd = world
                .issue(KOBE, Kind::ChildMedicalSubsidy, claims, &holder)
                .0;
            Submission::single("subsidy", &present(&sd, &["child_name", "child_birthdate"]))
        }
        name if name.starts_with("fan-club-sale-") => {
            let membership = world
                .issue(
                    DMO,
                    Kind::FanClubMembership,
                    json!({"club_id": CLUB, "member_number": "7", "tier": "std"}),
                    &holder,
                )
                .0;
            let pseudonym = world
                .issue(
                    KOBE,
                    Kind::ContextPseudonym,
                    json!({"context": SALE, "pseudonym": "A".repeat(43)}),
                    &holder,
                )
                .0;
            Submission::single("membership", &present(&membership, &[]))
                .with("age", &present(&age(adult_age_claims()), &["age_over_20"]))
                .with("pseudonym", &present(&pseudonym, &[]))
        }
        other => panic!("no answer for {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_presentation_per_policy_over_loopback() {
    let world = World::new();
    let ledger = Arc::new(MemoryLedger::new());
    let specs = [
        "age-over-20",
        "age-over-18",
        "resident:281000",
        "kobe-pupil-pass",
        "himeji-child-entry",
        "shelter:desk-1",
        "clinic:c1:outpatient",
        &format!("fan-club:{CLUB}:{SALE}:shop-1"),
    ];
    let policies: Vec<_> = specs
        .iter()
        .map(|s| policy_from_spec(s, ledger.clone()).unwrap())
        .collect();
    let names: Vec<String> = policies.iter().map(|p| p.name().to_owned()).collect();
    let state = ServiceState::new(world.verifier.clone(), policies);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(service::serve(listener, state));
    let client = reqwest::Client::new();

    let health: Value = client
        .get(format!("{base}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["trust_list_version"], 1);
    let openapi: Value = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(openapi["info"]["title"], "myna verify serve");
    let listed: Value = client
        .get(format!("{base}/policies"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["policies"].as_array().unwrap().len(), specs.len());

    for name in &names {
        let created = client
            .post(format!("{base}/requests"))
            .json(&json!({"policy": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{name}");
        let request: Value = created.json().await.unwrap();
        assert_eq!(request["client_id"], AUDIENCE);
        assert_eq!(request["response_mode"], "direct_post");
        let nonce = request["nonce"].as_str().unwrap();
        let vp_token = answer(&world, name, nonce).to_json().to_string();
        let uri = format!("{base}{}", request["response_uri"].as_str().unwrap());
        let decision: Value = client
            .post(&uri)
            .form(&[("vp_token", vp_token.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(decision["accepted"], true, "{name}: {decision}");
        assert_eq!(decision["policy"], name.as_str());
        // A request is answered once.
        let again = client
            .post(&uri)
            .form(&[("vp_token", vp_token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 404, "{name}");
    }

    // A presentation bound to another request's nonce is refused with its reason.
    let request: Value = client
        .post(format!("{base}/requests"))
        .json(&json!({"policy": "age-over-20"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let vp_token = answer(&world, "age-over-20", "someone-elses-nonce")
        .to_json()
        .to_string();
    let uri = format!("{base}{}", request["response_uri"].as_str().unwrap());
    let decision: Value = client
        .post(&uri)
        .form(&[("vp_token", vp_token.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(decision["accepted"], false);
    assert_eq!(decision["reason"], "not_bound_to_request");
    assert_eq!(
        decision["message_ja"],
        "この要求への提示ではありません。新しいコードを読み取ってもらってください。"
    );

    // Unknown policy, malformed body, oversize body.
    let unknown = client
        .post(format!("{base}/requests"))
        .json(&json!({"policy": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let garbage = client
        .post(format!("{base}/requests"))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let request: Value = client
        .post(format!("{base}/requests"))
        .json(&json!({"policy": "age-over-20"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let uri = format!("{base}{}", request["response_uri"].as_str().unwrap());
    let huge = client
        .post(&uri)
        .body(vec![b'a'; 5 << 20])
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await;
    match huge {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"), // the server may close early
    }
}

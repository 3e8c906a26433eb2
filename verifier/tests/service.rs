//! `myna verify serve` over a loopback socket: one presentation per policy through
//! `POST /requests` and the wallet's `direct_post`, plus the OpenAPI document, the health
//! endpoint and the body limit.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::compact::{self, GateId, GateKey, InPersonChallenge};
use myna_verifier::core::crypto::{default_provider, Algorithm, SecretKey};
use myna_verifier::core::jws::JwsHeader;
use myna_verifier::core::oid4vp::{
    verify_request_object, AuthorizationResponse, ClientId, RequestLink, RequestObjectRules, State,
    VpToken,
};
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::service::{self, RequestSigner, ServiceOptions, ServiceState, OPENAPI, ROUTES};
use myna_verifier::submission::Submission;
use myna_verifier::transport::Gate;
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
            let mut pupil = resident_claims("281000", "28");
            pupil["birthdate"] = json!("2016-01-01");
            let sd = world.issue(KOBE, Kind::Resident, pupil, &holder).0;
            Submission::single("resident", &present(&sd, &["birthdate"]))
        }
        "child-entry-harima" => {
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

/// The wallet's answer to the created `request` (the service's JSON), in its response mode:
/// `direct_post.jwt`, encrypted to the key its `openid4vp://` link names.
fn form(vp_token: &Submission, state: Option<&str>, request: &Value) -> String {
    let response = AuthorizationResponse {
        vp_token: VpToken::from_json(&vp_token.to_json().to_string()).unwrap(),
        state: state.map(|s| State::parse(s).unwrap()),
    };
    let link = request["authorization_request"].as_str().unwrap();
    let RequestLink::ByValue(authorization) = RequestLink::parse(link).unwrap() else {
        panic!("the service's requests go by value: {link}")
    };
    response.to_form_for(&authorization).unwrap()
}

const GATE: &str = "did:web:city.kobe.example:gate:1";
const PUBLIC: &str = "https://shop.example";

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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let request_key = SecretKey::generate_p256().unwrap();
    let options = ServiceOptions {
        // Behind a TLS-terminating proxy: the advertised URIs are https on the client's host.
        public_url: PUBLIC.into(),
        request_signer: Some(RequestSigner {
            signer: default_provider().signer(&request_key).unwrap(),
            header: JwsHeader::new(Algorithm::Es256).with_kid("request-key-1"),
        }),
        gate: Some(Gate::new(
            GateId::parse(GATE).unwrap(),
            GateKey::from_bytes([7; 32]),
        )),
        ..ServiceOptions::default()
    };
    let state = ServiceState::new(world.verifier.clone(), policies, options).unwrap();
    tokio::spawn(service::serve(
        listener,
        state,
        service::EdgeConfig::default(),
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{base}{path}")).send();

    let health: Value = get("/health").await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["trust_list_version"], 1);
    let openapi: Value = get("/openapi.json").await.unwrap().json().await.unwrap();
    assert_eq!(openapi["info"]["title"], "myna verify serve");
    let listed: Value = get("/policies").await.unwrap().json().await.unwrap();
    assert_eq!(listed["policies"].as_array().unwrap().len(), specs.len());

    let create = |name: &str| {
        let request = client
            .post(format!("{base}/requests"))
            .json(&json!({"policy": name}))
            .send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()
        }
    };
    let local = |uri: &str| uri.replace(PUBLIC, &base);
    let post = |uri: &str, body: String, content_type: &'static str| {
        let request = client
            .post(local(uri))
            .header("content-type", content_type)
            .body(body)
            .send();
        async move { request.await.unwrap() }
    };
    const FORM: &str = "application/x-www-form-urlencoded";

    for name in &names {
        let request = create(name).await;
        assert_eq!(request["client_id"], AUDIENCE);
        assert_eq!(request["response_mode"], "direct_post.jwt");
        assert!(request["authorization_request"]
            .as_str()
            .unwrap()
            .starts_with("openid4vp://"));
        let nonce = request["nonce"].as_str().unwrap();
        let vp_token = answer(&world, name, nonce);
        let uri = request["response_uri"].as_str().unwrap();
        let decision: Value = post(
            uri,
            form(&vp_token, request["state"].as_str(), &request),
            FORM,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(decision["accepted"], true, "{name}: {decision}");
        assert_eq!(decision["policy"], name.as_str());
        // A request is answered once.
        let again = post(
            uri,
            form(&vp_token, request["state"].as_str(), &request),
            FORM,
        )
        .await;
        assert_eq!(again.status(), 404, "{name}");
    }

    // Two holders' credentials in one answer (a Himeji adult's residence, a visiting child's
    // age): the service decides through the same verification path, one holder key per
    // presentation.
    let child_entry = &names[4];
    let request = create(child_entry).await;
    let nonce = request["nonce"].as_str().unwrap();
    let (adult, child) = (Holder::new(), Holder::new());
    let (residence, _) = world.issue(
        HIMEJI,
        Kind::Resident,
        resident_claims("282014", "28"),
        &adult,
    );
    let child_claims = age_claims(
        "2016-01-01",
        &[
            (4, true),
            (15, false),
            (18, false),
            (20, false),
            (65, false),
        ],
    );
    let (childs_age, _) = world.issue(KOBE, Kind::Age, child_claims, &child);
    let mixed = Submission::single("resident", &world.present(&residence, &adult, &[], nonce))
        .with(
            "age",
            &world.present(&childs_age, &child, &["age_over_4", "age_over_15"], nonce),
        );
    let decision: Value = post(
        request["response_uri"].as_str().unwrap(),
        form(&mixed, request["state"].as_str(), &request),
        FORM,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["policy"], child_entry.as_str());
    assert_eq!(decision["accepted"], false, "{decision}");
    assert_eq!(decision["reason"], "holder_mismatch", "{decision}");

    // The signed Request Object carries the same request.
    let request = create("age-over-20").await;
    let object_uri = request["request_uri"].as_str().unwrap();
    let jwt = client
        .get(local(object_uri))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let client_id = ClientId::parse(AUDIENCE).unwrap();
    let rules = RequestObjectRules::at(t(0)).client_id(&client_id);
    let received =
        verify_request_object(&jwt, default_provider(), &request_key.public_key(), &rules).unwrap();
    assert_eq!(received.nonce.as_str(), request["nonce"].as_str().unwrap());
    assert_eq!(received.dcql_query.credentials()[0].id().as_str(), "age");

    // A presentation bound to another nonce, or a response with another state, is refused.
    let uri = request["response_uri"].as_str().unwrap();
    let foreign = answer(&world, "age-over-20", "someone-elses-nonce");
    let decision: Value = post(
        uri,
        form(&foreign, request["state"].as_str(), &request),
        FORM,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["accepted"], false);
    assert_eq!(decision["reason"], "not_bound_to_request");
    assert_eq!(
        decision["message_ja"],
        "この要求への提示ではありません。新しいコードを読み取ってもらってください。"
    );
    let request = create("age-over-20").await;
    let good = answer(&world, "age-over-20", request["nonce"].as_str().unwrap());
    let decision: Value = post(
        request["response_uri"].as_str().unwrap(),
        form(&good, Some("other-state-123"), &request),
        FORM,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["reason"], "not_bound_to_request");

    // In person: the compact QR form bound to the request's in-person challenge.
    let request = create("age-over-20").await;
    let shown = InPersonChallenge::parse(request["in_person_challenge"].as_str().unwrap()).unwrap();
    // The challenge names the policy's spec, so a wallet knows what is asked.
    assert_eq!(shown.policy().map(|p| p.as_str()), Some("age-over-20"));
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    let p = present_at(
        &sd,
        &holder,
        &["age_over_20"],
        shown.audience(),
        shown.nonce().as_str(),
        t(0),
    );
    let qr = compact::encode(&p).unwrap();
    let compact_uri = format!(
        "{base}/requests/{}/compact",
        request["request_id"].as_str().unwrap()
    );
    let decision: Value = post(&compact_uri, qr, "text/plain")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(decision["accepted"], true, "{decision}");

    // The unattended gate: its current challenge, then the same KB-JWT twice.
    let gate: Value = get("/gate/challenge").await.unwrap().json().await.unwrap();
    let shown = InPersonChallenge::parse(gate["challenge"].as_str().unwrap()).unwrap();
    assert_eq!(shown.audience(), GATE);
    let p = present_at(
        &sd,
        &holder,
        &["age_over_20"],
        GATE,
        shown.nonce().as_str(),
        t(0),
    );
    let qr = compact::encode(&p).unwrap();
    let decision: Value = post(
        &format!("{base}/gate/age-over-20"),
        qr.clone(),
        "text/plain",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["accepted"], true, "{decision}");
    let decision: Value = post(&format!("{base}/gate/age-over-20"), qr, "text/plain")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(decision["reason"], "replayed");
    let stale = present_at(
        &sd,
        &holder,
        &["age_over_20"],
        GATE,
        "AAAAAAAAAAAAAAAAAAAAAA",
        t(0),
    );
    let decision: Value = post(
        &format!("{base}/gate/age-over-20"),
        compact::encode(&stale).unwrap(),
        "text/plain",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["reason"], "not_bound_to_request");
    let decision: Value = post(
        &format!("{base}/gate/age-over-20"),
        "MV1:garbage".into(),
        "text/plain",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(decision["reason"], "unreadable");

    // Unknown policy, malformed body, oversize body.
    let unknown = client
        .post(format!("{base}/requests"))
        .json(&json!({"policy": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let garbage = post(&format!("{base}/requests"), "{".into(), "application/json").await;
    assert_eq!(garbage.status(), 400);
    let request = create("age-over-20").await;
    let huge = client
        .post(local(request["response_uri"].as_str().unwrap()))
        .body(vec![b'a'; 5 << 20])
        .header("content-type", FORM)
        .send()
        .await;
    match huge {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"), // the server may close early
    }
}

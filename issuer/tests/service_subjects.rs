//! Status changes by person over loopback: one admin call suspends, resumes or revokes every
//! credential of a subject — named by its handle or by its card's authentication certificate
//! serial — across two batches and every type, the anchor credential included, with one audit
//! entry per call; reading the audit log appends nothing and its verification finds a
//! tampered entry.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, MAEBASHI, TAKASAKI};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::status_list::{Status, StatusListToken};
use myna_vc_core::time::NumericDate;
use serde_json::{json, Value};
use service_support::*;

/// The current status of each credential, from a freshly fetched status list.
async fn statuses(server: &Server, credentials: &[String], now: NumericDate) -> Vec<Status> {
    let response = client().get(server.url("/status/1")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let token = response.text().await.unwrap();
    credentials
        .iter()
        .map(|credential| {
            let reference = verify(credential, server.service.issuer_key(), now)
                .status()
                .unwrap()
                .unwrap();
            StatusListToken::verify(
                &token,
                default_provider(),
                server.service.issuer_key(),
                &TimeRules::at(now),
                &reference.uri,
            )
            .unwrap()
            .status_of(&reference)
            .unwrap()
        })
        .collect()
}

async fn audit_log(server: &Server, operator: &str) -> Value {
    let (status, log) = json(
        client()
            .get(server.url("/admin/audit?limit=1000"))
            .bearer_auth(operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{log}");
    log
}

async fn verify_audit(server: &Server, operator: &str) -> reqwest::Response {
    client()
        .get(server.url("/admin/audit/verify"))
        .bearer_auth(operator)
        .send()
        .await
        .unwrap()
}

/// `(changed, unchanged)` of a person-wide change's answer.
fn counts(answer: &Value) -> (u64, u64) {
    (
        answer["changed"].as_u64().unwrap(),
        answer["unchanged"].as_u64().unwrap(),
    )
}

/// A person-wide change as the revocation officer; asserts 200 and returns the answer and the
/// one audit entry it added.
async fn change(server: &Server, admins: &Admins, action: &str, body: &Value) -> (Value, Value) {
    let before = audit_log(server, &admins.operator).await["entries"]
        .as_array()
        .unwrap()
        .len();
    let path = format!("/admin/subjects/{action}");
    let (status, answer) = json(admin_post(server, &path, Some(&admins.officer), body).await).await;
    assert_eq!(status, 200, "{action} {body}: {answer}");
    let log = audit_log(server, &admins.operator).await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), before + 1, "one audit entry per call: {log}");
    (answer, entries[before].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_is_suspended_resumed_and_revoked_in_one_call_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let (card, neighbour) = (world.issue_card(MAEBASHI), world.issue_card(TAKASAKI));
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);

    // First batch: anchoring with the card's facts, then two copies each of resident and age.
    let (status, anchored) = json(wallet.anchor(&card, &*signer(), START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    let mut hers = vec![anchored["anchor_credential"].as_str().unwrap().to_owned()];
    let token = wallet
        .access_token(&anchored["credential_offer"], None)
        .await;
    for configuration in ["resident", "age"] {
        hers.extend(
            wallet
                .credentials(&token, configuration, &[&*signer(), &*signer()], START)
                .await,
        );
    }
    // Someone else, anchored here too, is never touched.
    let (status, other) = json(wallet.anchor(&neighbour, &*signer(), START, false).await).await;
    assert_eq!(status, 200, "{other}");
    let theirs = vec![other["anchor_credential"].as_str().unwrap().to_owned()];

    // Suspended by card serial (as J-LIS prints it): every credential of hers, nothing else.
    let serial = card.authentication_serial().to_string();
    let (answer, entry) = change(
        &server,
        &admins,
        "suspend",
        &json!({"card_serial": serial, "reason": "holder_request"}),
    )
    .await;
    assert_eq!(counts(&answer), (5, 0));
    let subject = answer["subject"].as_str().unwrap().to_owned();
    assert_eq!(subject.len(), 43, "base64url of 32 bytes");
    assert_eq!(entry["action"], "subject.suspended");
    assert_eq!(
        entry["subject"],
        format!("subject:{subject} count:5 reason:holder_request by:officer-1")
    );
    assert_eq!(
        statuses(&server, &hers, START).await,
        [Status::SUSPENDED; 5]
    );
    assert_eq!(statuses(&server, &theirs, START).await, [Status::VALID]);

    // A second batch for the same person, by subject handle: a resident copy and two ages.
    let body = json!({"subject": subject, "tx_code": false, "credentials": [
        {"credential": "resident", "name": "前橋　花子", "address": MAEBASHI, "birthdate": "1990-05-05"},
        {"credential": "age", "birthdate": "1990-05-05"}]});
    let (status, created) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    assert_eq!(status, 201, "{created}");
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let mut second = wallet
        .credentials(&token, "resident", &[&*signer()], START)
        .await;
    second.extend(
        wallet
            .credentials(&token, "age", &[&*signer(), &*signer()], START)
            .await,
    );
    assert_eq!(statuses(&server, &second, START).await, [Status::VALID; 3]);

    // Resumed by subject: the five suspended come back; the three valid ones are unchanged.
    let (answer, entry) = change(&server, &admins, "resume", &json!({"subject": subject})).await;
    assert_eq!(answer["subject"].as_str(), Some(subject.as_str()));
    assert_eq!(counts(&answer), (5, 3));
    assert_eq!(entry["action"], "subject.resumed");
    hers.extend(second);
    assert_eq!(statuses(&server, &hers, START).await, [Status::VALID; 8]);

    // Revoked by card serial, written in lower case with leading zeros: all eight copies.
    let lower = format!("00{}", serial.to_lowercase());
    let (answer, entry) = change(
        &server,
        &admins,
        "revoke",
        &json!({"card_serial": lower, "reason": "other"}),
    )
    .await;
    assert_eq!(counts(&answer), (8, 0));
    assert_eq!(entry["action"], "subject.revoked");
    assert!(entry["subject"]
        .as_str()
        .unwrap()
        .ends_with("count:8 reason:other by:officer-1"));
    assert_eq!(statuses(&server, &hers, START).await, [Status::INVALID; 8]);
    assert_eq!(statuses(&server, &theirs, START).await, [Status::VALID]);
    // Revocation is final: again, nothing changes (and the call is still audited).
    let (answer, _) = change(&server, &admins, "revoke", &json!({"subject": subject})).await;
    assert_eq!(counts(&answer), (0, 8));
    let (answer, _) = change(&server, &admins, "resume", &json!({"subject": subject})).await;
    assert_eq!(counts(&answer), (0, 8));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_person_is_404_and_a_malformed_request_400() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let unknown = myna_issuer::record::SubjectHandle::random().unwrap();
    for action in ["revoke", "suspend", "resume"] {
        let path = format!("/admin/subjects/{action}");
        for body in [
            json!({"subject": unknown.to_string()}),
            json!({"card_serial": "067C6A21"}),
        ] {
            let response = admin_post(&server, &path, Some(&admins.officer), &body).await;
            assert_error(response, 404, "not_found").await;
        }
        for body in [
            json!({}),
            json!({"subject": unknown.to_string(), "card_serial": "01"}),
            json!({"subject": "AAAA"}),
            json!({"card_serial": "xyz"}),
            json!({"card_serial": "0"}),
            json!({"subject": unknown.to_string(), "reason": "tired"}),
            json!({"subject": unknown.to_string(), "person": "x"}),
        ] {
            let response = admin_post(&server, &path, Some(&admins.officer), &body).await;
            assert_error(response, 400, "invalid_request").await;
        }
    }
    // Nothing was audited for refused calls.
    let log = audit_log(&server, &admins.operator).await;
    assert_eq!(log["entries"], json!([]), "{log}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_the_audit_log_appends_nothing_and_verify_reports_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    for _ in 0..3 {
        let body = json!({"credentials": [{"credential": "age", "birthdate": "1990-05-05"}]});
        let response = admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await;
        assert_eq!(response.status(), 201);
    }
    let first = audit_log(&server, &admins.operator).await;
    let second = audit_log(&server, &admins.operator).await;
    assert_eq!(first, second, "reading changed the log");
    assert_eq!(first["chain_length"], 3);
    let (status, verified) = json(verify_audit(&server, &admins.operator).await).await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(
        verified,
        json!({"intact": true, "entries": 3, "head": first["entries"][2]["hash"]})
    );
    let (_, again) = json(verify_audit(&server, &admins.operator).await).await;
    assert_eq!(again, verified, "verifying changed the log");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    for _ in 0..4 {
        let body = json!({"credentials": [{"credential": "age", "birthdate": "1990-05-05"}]});
        let response = admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await;
        assert_eq!(response.status(), 201);
    }
    server.stop().await;
    // Entry 2's time moved by one second in the store, its stored hash kept.
    let key = 2u64.to_be_bytes();
    engine::flip_stored_byte(dir.path(), &admins.config(), "audit_log", &key, 15);
    let server = Server::start(dir.path(), admins.config(), clock, &world).await;
    let broken = assert_error(
        verify_audit(&server, &admins.operator).await,
        409,
        "audit_chain_broken",
    )
    .await;
    let description = broken["error_description"].as_str().unwrap();
    assert!(description.contains("entry 2"), "{description}");
    assert!(description.contains("hash"), "{description}");
    server.stop().await;
}

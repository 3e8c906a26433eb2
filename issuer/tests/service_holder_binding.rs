//! A holder key belongs to one person at an issuer: the service refuses to bind a key that
//! already carries a credential of another subject (or that another person anchored), so a
//! modified wallet cannot get one person's resident credential and another person's age
//! credential under one key here (see `specs/holder-binding.md`).
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, MAEBASHI, TAKASAKI};
use myna_vc_core::crypto::Signer;
use myna_vc_core::oid4vci::{CredentialRequest, Message};
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use serde_json::{json, Value};
use service_support::*;

/// A staff offer of `credentials` (no PIN); returns the offer.
async fn staff_offer(server: &Server, admins: &Admins, credentials: Value) -> Value {
    let body = json!({"tx_code": false, "credentials": credentials});
    service_support::staff_offer(server, &admins.operator, &body).await["credential_offer"].clone()
}

/// A credential request for `configuration` with one proof by each of `holders`.
async fn request(
    wallet: &Wallet<'_>,
    token: &str,
    configuration: &str,
    holders: &[&dyn Signer],
) -> reqwest::Response {
    let nonce = wallet.nonce().await;
    let request =
        CredentialRequest::for_configuration(configuration, Wallet::proofs(holders, &nonce, START));
    let request: Value = serde_json::from_str(&request.to_json().unwrap()).unwrap();
    wallet.credential_request(token, &request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_bound_to_one_persons_credential_is_refused_for_another_persons() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let wallet = Wallet::new(&server);

    // Two people from the resident register: an adult (resident) and a child (age).
    let adult = staff_offer(
        &server,
        &admins,
        json!([{"credential": "resident", "name": "前橋　花子", "address": MAEBASHI,
                "birthdate": "1990-05-05"}]),
    )
    .await;
    let child = staff_offer(
        &server,
        &admins,
        json!([{"credential": "age", "birthdate": "2015-06-01"}]),
    )
    .await;
    let (adult_token, child_token) = (
        wallet.access_token(&adult, None).await,
        wallet.access_token(&child, None).await,
    );
    // A modified wallet binds the adult's resident credential to key k …
    let k = signer();
    let residents = wallet
        .credentials(&adult_token, "resident", &[&*k], START)
        .await;
    assert_eq!(residents.len(), 1);
    // … and asks for the child's age credential with the same key (alone or in a batch).
    let fresh = signer();
    for holders in [vec![&*k], vec![&*fresh, &*k]] {
        assert_error(
            request(&wallet, &child_token, "age", &holders).await,
            400,
            "credential_request_denied",
        )
        .await;
    }
    // The refusal released the configuration: with keys of its own the child's wallet gets it.
    let ages = wallet
        .credentials(&child_token, "age", &[&*fresh], START)
        .await;
    assert_eq!(ages.len(), 1);
    // The other way round too: the child's key cannot take the adult's credential.
    let adult_again = staff_offer(
        &server,
        &admins,
        json!([{"credential": "resident", "name": "前橋　花子", "address": MAEBASHI,
                "birthdate": "1990-05-05"}]),
    )
    .await;
    let token = wallet.access_token(&adult_again, None).await;
    assert_error(
        request(&wallet, &token, "resident", &[&*fresh]).await,
        400,
        "credential_request_denied",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_anchored_key_takes_the_anchored_persons_age_membership_and_nobody_elses() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    // A visitor from Takasaki anchors at Maebashi with the card's facts: the city offers an
    // age credential (no resident one), which the wallet redeems with the anchored key.
    let card = world.issue_card(TAKASAKI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);
    let anchored_key = signer();
    let (status, anchored) = json(wallet.anchor(&card, &*anchored_key, START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    let offer = &anchored["credential_offer"];
    assert_eq!(offer["credential_configuration_ids"], json!(["age"]));
    let token = wallet.access_token(offer, None).await;
    let ages = wallet
        .credentials(&token, "age", &[&*anchored_key], START)
        .await;
    let age = verify(&ages[0], server.service.issuer_key(), START);
    assert_eq!(
        age.disclosed().holder_key().unwrap().unwrap(),
        anchored_key.public_key()
    );

    // A fan-club membership for the same anchored person binds to the same key.
    let anchor = SdJwt::parse(anchored["anchor_credential"].as_str().unwrap()).unwrap();
    let membership = staff_offer(
        &server,
        &admins,
        json!([{"credential": "fan_club_membership", "club_id": "thespa-gunma",
                "member_number": "A-0042", "tier": "gold"}]),
    )
    .await;
    let token = wallet.access_token(&membership, None).await;
    let nonce = wallet.nonce().await;
    let presentation = anchor
        .select(&[])
        .unwrap()
        .bind(&KeyBinding {
            audience: card_fixture::ISS,
            nonce: nonce.as_str(),
            issued_at: START,
            signer: &*anchored_key,
        })
        .unwrap()
        .to_string();
    let body = json!({"credential_configuration_id": "fan_club_membership",
        "proofs": {"jwt": Wallet::proofs(&[&*anchored_key], &nonce, START)},
        "anchor_presentation": presentation});
    let (status, issued) = json(wallet.credential_request(&token, &body).await).await;
    assert_eq!(status, 200, "{issued}");

    // Another person's age credential (from the register) cannot be bound to that key.
    let someone_else = staff_offer(
        &server,
        &admins,
        json!([{"credential": "age", "birthdate": "2015-06-01"}]),
    )
    .await;
    let token = wallet.access_token(&someone_else, None).await;
    assert_error(
        request(&wallet, &token, "age", &[&*anchored_key]).await,
        400,
        "credential_request_denied",
    )
    .await;
    server.stop().await;
}

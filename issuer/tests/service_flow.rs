//! The issuer service end to end over loopback sockets: OpenID4VCI for every credential type
//! (card anchoring with the virtual card for resident and age, operator offers for the
//! others), batch issuance of 10, status lists with ETag/304 and a revocation, consent
//! withdrawal visible in the consent list, and a restart that keeps all state.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, ISS, MAEBASHI, TAKASAKI};
use myna_issuer::endpoint::token as grant;
use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentReceipt, ConsentRecord, ConsentState, ConsentUse,
    ConsentUseReport,
};
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::{Status, StatusListToken, StatusReference};
use myna_vc_core::trust_list::TrustList;
use serde_json::{json, Value};
use service_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resident_and_age_are_issued_after_anchoring_with_the_card() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);

    // Metadata: one configuration per credential type, batch issuance announced.
    let (status, metadata) = json(
        client()
            .get(server.url("/.well-known/openid-credential-issuer"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(metadata["credential_issuer"], ISS);
    let configurations = metadata["credential_configurations_supported"]
        .as_object()
        .unwrap();
    for id in [
        "resident",
        "age",
        "child_medical_subsidy",
        "fan_club_membership",
        "shelter_registration",
    ] {
        assert_eq!(configurations[id]["format"], "dc+sd-jwt", "{id}");
    }
    assert_eq!(metadata["batch_credential_issuance"]["batch_size"], 16);

    let holder = signer();
    let (status, anchored) = json(wallet.anchor(&card, &*holder, START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    let anchor = verify(
        anchored["anchor_credential"].as_str().unwrap(),
        server.service.issuer_key(),
        START,
    );
    assert_eq!(anchor.claims()["assurance_level"], "jpki-authentication");
    let offer = &anchored["credential_offer"];
    assert_eq!(
        offer["credential_configuration_ids"],
        json!(["resident", "age"])
    );
    assert!(anchored["credential_offer_uri"]
        .as_str()
        .unwrap()
        .starts_with("openid-credential-offer://?credential_offer="));

    let token = wallet.access_token(offer, None).await;
    let (phone, tablet) = (signer(), signer());
    let residents = wallet
        .credentials(&token, "resident", &[&*phone, &*tablet], START)
        .await;
    assert_eq!(residents.len(), 2);
    for (credential, key) in residents.iter().zip([&phone, &tablet]) {
        let vc = verify(credential, server.service.issuer_key(), START);
        assert_eq!(vc.claims()["address"], MAEBASHI);
        assert_eq!(vc.claims()["municipality_code"], "102016");
        assert_eq!(
            vc.disclosed().holder_key().unwrap().unwrap(),
            key.public_key()
        );
    }
    let ages = wallet.credentials(&token, "age", &[&*phone], START).await;
    let age = verify(&ages[0], server.service.issuer_key(), START);
    assert_eq!(age.claims()["age_over_20"], true);
    assert_eq!(age.claims()["birthdate"], "1990-05-05");

    // The same configuration is not issued twice to one token.
    let nonce = wallet.nonce().await;
    let again = json!({"credential_configuration_id": "age",
        "proofs": {"jwt": Wallet::proofs(&[&*phone], &nonce, START)}});
    assert_error(
        wallet.credential_request(&token, &again).await,
        400,
        "invalid_credential_request",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_from_another_municipality_gets_only_an_age_offer() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(TAKASAKI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let (status, anchored) = json(
        Wallet::new(&server)
            .anchor(&card, &*signer(), START, true)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{anchored}");
    assert_eq!(
        anchored["credential_offer"]["credential_configuration_ids"],
        json!(["age"])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subsidy_shelter_and_fan_club_come_from_operator_offers() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);
    let issuer_key = server.service.issuer_key().clone();

    let offer_body = json!({"credentials": [
        {"credential": "child_medical_subsidy", "payer_number": "88421003",
         "recipient_number": "1234566", "child_name": "前橋　太郎", "child_birthdate": "2020-06-01",
         "outpatient_age": 15, "inpatient_age": 18, "copay_per_visit_yen": 500, "monthly_cap_yen": 1000},
        {"credential": "shelter_registration", "shelter_id": "maebashi-daiichi-chugakko",
         "checked_in_at": START.as_unix(), "allergies": ["buckwheat"]}
    ]});
    let (status, created) = json(
        admin_post(
            &server,
            "/admin/offers",
            Some(&admins.operator),
            &offer_body,
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let offer = &created["credential_offer"];
    let pin = created["tx_code"].as_str().unwrap();
    assert_eq!(pin.len(), 6);
    assert_eq!(
        offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["tx_code"]
            ["length"],
        6
    );
    // A wrong PIN is refused; the right one still works (3 attempts). The descriptions tell
    // a wallet which case it is (try again, used, withdrawn).
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    let said = |body: Value| body["error_description"].as_str().unwrap().to_owned();
    let answer = assert_error(wallet.token(offer, Some(wrong)).await, 400, "invalid_grant").await;
    assert_eq!(said(answer), grant::TX_CODE_WRONG);
    assert_error(wallet.token(offer, None).await, 400, "invalid_grant").await;
    let token = wallet.access_token(offer, Some(pin)).await;
    // The code is single use.
    let answer = assert_error(wallet.token(offer, Some(pin)).await, 400, "invalid_grant").await;
    assert_eq!(said(answer), grant::CODE_USED);
    // The third wrong PIN withdraws the offer, and says so; the right PIN then finds none.
    let (status, again) = json(
        admin_post(
            &server,
            "/admin/offers",
            Some(&admins.operator),
            &offer_body,
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{again}");
    let (offer2, pin2) = (
        &again["credential_offer"],
        again["tx_code"].as_str().unwrap(),
    );
    let wrong2 = if pin2 == "000000" { "111111" } else { "000000" };
    for expected in [
        grant::TX_CODE_WRONG,
        grant::TX_CODE_WRONG,
        grant::TX_CODE_LOCKED,
    ] {
        let answer = assert_error(
            wallet.token(offer2, Some(wrong2)).await,
            400,
            "invalid_grant",
        )
        .await;
        assert_eq!(said(answer), expected);
    }
    let answer = assert_error(wallet.token(offer2, Some(pin2)).await, 400, "invalid_grant").await;
    assert_eq!(said(answer), grant::CODE_USED);

    let guardian = signer();
    let subsidy = wallet
        .credentials(&token, "child_medical_subsidy", &[&*guardian], START)
        .await;
    let vc = verify(&subsidy[0], &issuer_key, START);
    assert_eq!(vc.claims()["outpatient_until"], "2036-03-31");
    assert_eq!(vc.claims()["recipient_number"], "1234566");
    let shelter = wallet
        .credentials(&token, "shelter_registration", &[&*guardian], START)
        .await;
    let vc = verify(&shelter[0], &issuer_key, START);
    assert_eq!(vc.claims()["shelter_id"], "maebashi-daiichi-chugakko");
    assert_eq!(vc.claims()["allergies"], json!(["buckwheat"]));

    // Fan club: the wallet presents its anchor credential, key-bound to this issuer and the
    // request's c_nonce, with one proof by the anchored key.
    let holder = signer();
    let (_, anchored) = json(wallet.anchor(&card, &*holder, START, false).await).await;
    let anchor = SdJwt::parse(anchored["anchor_credential"].as_str().unwrap()).unwrap();
    let body = json!({"tx_code": false, "credentials": [{"credential": "fan_club_membership",
        "club_id": "thespa-gunma", "member_number": "A-0042", "tier": "gold"}]});
    let created = staff_offer(&server, &admins.operator, &body).await;
    assert!(created.get("tx_code").is_none());
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let nonce = wallet.nonce().await;
    let presentation = anchor
        .select(&[])
        .unwrap()
        .bind(&KeyBinding {
            audience: ISS,
            nonce: nonce.as_str(),
            issued_at: START,
            signer: &*holder,
        })
        .unwrap()
        .to_string();
    // Without the presentation: refused, and the configuration stays available.
    let bare = json!({"credential_configuration_id": "fan_club_membership",
        "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, START)}});
    assert_error(
        wallet.credential_request(&token, &bare).await,
        400,
        "invalid_credential_request",
    )
    .await;
    let nonce = wallet.nonce().await;
    let presentation_for = |n: &str| {
        anchor
            .select(&[])
            .unwrap()
            .bind(&KeyBinding {
                audience: ISS,
                nonce: n,
                issued_at: START,
                signer: &*holder,
            })
            .unwrap()
            .to_string()
    };
    assert_ne!(presentation, presentation_for(nonce.as_str()));
    let request = json!({"credential_configuration_id": "fan_club_membership",
        "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, START)},
        "anchor_presentation": presentation_for(nonce.as_str())});
    let (status, body) = json(wallet.credential_request(&token, &request).await).await;
    assert_eq!(status, 200, "{body}");
    let vc = verify(
        body["credentials"][0]["credential"].as_str().unwrap(),
        &issuer_key,
        START,
    );
    assert_eq!(vc.claims()["tier"], "gold");
    assert_eq!(
        vc.disclosed().holder_key().unwrap().unwrap(),
        holder.public_key()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_credentials_with_distinct_keys_in_one_request() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let wallet = Wallet::new(&server);
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let (_, created) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;

    // The same key twice is refused: one credential per distinct key (unlinkability).
    let same = signer();
    let nonce = wallet.nonce().await;
    let twice = json!({"credential_configuration_id": "age",
        "proofs": {"jwt": Wallet::proofs(&[&*same, &*same], &nonce, START)}});
    assert_error(
        wallet.credential_request(&token, &twice).await,
        400,
        "invalid_proof",
    )
    .await;

    let keys: Vec<Box<dyn Signer>> = (0..10).map(|_| signer()).collect();
    let refs: Vec<&dyn Signer> = keys.iter().map(|k| &**k).collect();
    let credentials = wallet.credentials(&token, "age", &refs, START).await;
    assert_eq!(credentials.len(), 10);
    let mut status_entries = Vec::new();
    for (credential, key) in credentials.iter().zip(&keys) {
        let vc = verify(credential, server.service.issuer_key(), START);
        assert_eq!(
            vc.disclosed().holder_key().unwrap().unwrap(),
            key.public_key()
        );
        status_entries.push(vc.status().unwrap().unwrap().index);
    }
    status_entries.sort();
    status_entries.dedup();
    assert_eq!(
        status_entries.len(),
        10,
        "every credential has its own status entry"
    );
    server.stop().await;
}

async fn status_token(server: &Server) -> (String, String) {
    let response = client().get(server.url("/status/1")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/statuslist+jwt"
    );
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "max-age=300"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong ETag"
    );
    (etag, response.text().await.unwrap())
}

fn status_of(server: &Server, token: &str, reference: &StatusReference) -> Status {
    StatusListToken::verify(
        token,
        default_provider(),
        server.service.issuer_key(),
        &TimeRules::at(START),
        &reference.uri,
    )
    .unwrap()
    .status_of(reference)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_shows_in_the_refetched_status_list_and_etags_revalidate() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let wallet = Wallet::new(&server);
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let (_, created) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let credential = wallet
        .credentials(&token, "age", &[&*signer()], START)
        .await
        .remove(0);
    let reference = verify(&credential, server.service.issuer_key(), START)
        .status()
        .unwrap()
        .unwrap();
    assert_eq!(reference.uri.as_str(), format!("{ISS}/status/1"));

    let (etag, token_before) = status_token(&server).await;
    assert_eq!(status_of(&server, &token_before, &reference), Status::VALID);
    let revalidated = client()
        .get(server.url("/status/1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
    assert!(revalidated.text().await.unwrap().is_empty());

    let revoke = json!({"status": {"uri": reference.uri.as_str(), "idx": reference.index.get()},
        "reason": "holder_request"});
    let (status, body) = json(
        admin_post(
            &server,
            "/admin/credentials/revoke",
            Some(&admins.officer),
            &revoke,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let stale = client()
        .get(server.url("/status/1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200, "the old ETag no longer matches");
    let (etag_after, token_after) = status_token(&server).await;
    assert_ne!(etag_after, etag);
    assert_eq!(
        status_of(&server, &token_after, &reference),
        Status::INVALID
    );
    // A second revocation is a conflict, not a silent success.
    assert_error(
        admin_post(
            &server,
            "/admin/credentials/revoke",
            Some(&admins.officer),
            &revoke,
        )
        .await,
        409,
        "invalid_request",
    )
    .await;
    assert_error(
        client().get(server.url("/status/7")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publication_serves_did_web_and_a_signed_trust_list() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let (status, did) = json(
        client()
            .get(server.url("/.well-known/did.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(did["id"], "did:web:city.maebashi.example");
    let document = myna_vc_core::did::DidDocument::from_json(did.to_string().as_bytes()).unwrap();
    let key = document.verification_methods()[0].public_key().unwrap();
    assert_eq!(&key, server.service.issuer_key());

    let response = client()
        .get(server.url("/trust-list"))
        .send()
        .await
        .unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let token = response.text().await.unwrap();
    let verified = TrustList::verify(
        &token,
        default_provider(),
        &server.service.authority_key(),
        START,
    )
    .unwrap();
    let resident = Vct::parse("urn:myna-vc:vct:resident:1").unwrap();
    let entry = verified.authorize(ISS, &resident, START).unwrap();
    assert_eq!(
        verified.municipality_of(ISS),
        Some("102016".parse().unwrap())
    );
    assert!(entry.allows(&Vct::parse("urn:myna-vc:vct:age:1").unwrap()));
    // Signed by the issuer key instead of the authority: refused.
    assert!(TrustList::verify(
        &token,
        default_provider(),
        server.service.issuer_key(),
        START
    )
    .is_err());
    let again = client()
        .get(server.url("/trust-list"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    server.stop().await;
}

async fn consent_state(server: &Server, reference: &StatusReference) -> Status {
    let response = client()
        .get(server.url("/consent-status/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    status_of(server, &response.text().await.unwrap(), reference)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_withdrawal_and_use_show_in_the_consent_list() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    // The consent is signed by its own key; the registration is proven by a credential's key.
    let holder = signer();
    let known = known_holder(&server, &admins.operator, START).await;
    let clinic = SecretKey::generate_p256().unwrap();
    let record =
        ConsentRecord::sign(consent_terms(&clinic, ConsentUse::Ongoing), &*holder, START).unwrap();
    let id = record.terms().id;
    let register = consent_registration(&record, Some(&*known), START);
    let (status, registered) = json(admin_post(&server, "/consents", None, &register).await).await;
    assert_eq!(status, 201, "{registered}");
    let receipt = ConsentReceipt::verify(
        registered["receipt"].as_str().unwrap(),
        default_provider(),
        server.service.issuer_key(),
    )
    .unwrap();
    assert_eq!(receipt.consent, id);
    assert_eq!(receipt.status.uri, *server.service.consent_list());
    assert_eq!(
        consent_state(&server, &receipt.status).await,
        ConsentState::Active.to_status()
    );
    assert_error(
        admin_post(&server, "/consents", None, &register).await,
        409,
        "invalid_request",
    )
    .await;

    let action = |seq, action, by: &dyn Signer| json!({"action": ConsentActionRequest { consent: id, action, seq, iat: START }.sign(by).unwrap()});
    let (status, body) = json(
        admin_post(
            &server,
            "/consents/actions",
            None,
            &action(1, ConsentAction::Pause, &*holder),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("paused")),
        "{body}"
    );
    assert_eq!(
        consent_state(&server, &receipt.status).await,
        ConsentState::Paused.to_status()
    );
    // Replayed (same seq) and foreign-key actions are refused.
    assert_error(
        admin_post(
            &server,
            "/consents/actions",
            None,
            &action(1, ConsentAction::Resume, &*holder),
        )
        .await,
        409,
        "invalid_request",
    )
    .await;
    assert!(admin_post(
        &server,
        "/consents/actions",
        None,
        &action(5, ConsentAction::Withdraw, &*signer())
    )
    .await
    .status()
    .is_client_error());
    let (status, body) = json(
        admin_post(
            &server,
            "/consents/actions",
            None,
            &action(2, ConsentAction::Withdraw, &*holder),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("withdrawn")),
        "{body}"
    );
    assert_eq!(
        consent_state(&server, &receipt.status).await,
        ConsentState::Withdrawn.to_status()
    );

    // A one-time consent ends when the recipient reports its use.
    let once =
        ConsentRecord::sign(consent_terms(&clinic, ConsentUse::OneTime), &*holder, START).unwrap();
    let (_, registered) = json(
        admin_post(
            &server,
            "/consents",
            None,
            &consent_registration(&once, Some(&*known), START),
        )
        .await,
    )
    .await;
    let reference = ConsentReceipt::verify(
        registered["receipt"].as_str().unwrap(),
        default_provider(),
        server.service.issuer_key(),
    )
    .unwrap()
    .status;
    let clinic_signer = default_provider().signer(&clinic).unwrap();
    let report = ConsentUseReport {
        consent: once.terms().id,
        iat: START,
    }
    .sign(&*clinic_signer)
    .unwrap();
    let forged = ConsentUseReport {
        consent: once.terms().id,
        iat: START,
    }
    .sign(&*signer())
    .unwrap();
    assert!(
        admin_post(&server, "/consents/use", None, &json!({"report": forged}))
            .await
            .status()
            .is_client_error()
    );
    let (status, body) =
        json(admin_post(&server, "/consents/use", None, &json!({"report": report})).await).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("used")),
        "{body}"
    );
    assert_eq!(
        consent_state(&server, &reference).await,
        ConsentState::Used.to_status()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_keeps_keys_credentials_statuses_consents_and_audit() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let wallet = Wallet::new(&server);
    let holder = signer();
    let (_, anchored) = json(wallet.anchor(&card, &*holder, START, true).await).await;
    let token = wallet
        .access_token(&anchored["credential_offer"], None)
        .await;
    let credential = wallet
        .credentials(&token, "resident", &[&*holder], START)
        .await
        .remove(0);
    let reference = verify(&credential, server.service.issuer_key(), START)
        .status()
        .unwrap()
        .unwrap();
    let revoke = json!({"status": {"uri": reference.uri.as_str(), "idx": reference.index.get()}});
    assert_eq!(
        admin_post(
            &server,
            "/admin/credentials/suspend",
            Some(&admins.officer),
            &revoke
        )
        .await
        .status(),
        200
    );
    let clinic = SecretKey::generate_p256().unwrap();
    let record =
        ConsentRecord::sign(consent_terms(&clinic, ConsentUse::Ongoing), &*holder, START).unwrap();
    let (_, registered) = json(
        admin_post(
            &server,
            "/consents",
            None,
            // The resident credential is suspended; the anchor credential vouches for the key.
            &consent_registration(&record, Some(&*holder), START),
        )
        .await,
    )
    .await;
    let consent_ref = ConsentReceipt::verify(
        registered["receipt"].as_str().unwrap(),
        default_provider(),
        server.service.issuer_key(),
    )
    .unwrap()
    .status;
    let withdraw = ConsentActionRequest {
        consent: record.terms().id,
        action: ConsentAction::Withdraw,
        seq: 1,
        iat: START,
    }
    .sign(&*holder)
    .unwrap();
    assert_eq!(
        admin_post(
            &server,
            "/consents/actions",
            None,
            &json!({"action": withdraw})
        )
        .await
        .status(),
        200
    );
    // An offer made before the restart is redeemed after it.
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let (_, pending) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    let issuer_key = server.service.issuer_key().clone();
    let authority = server.service.authority_key();
    let (_, audit_before) = json(
        client()
            .get(server.url("/admin/audit?limit=1000"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    server.stop().await;

    // A wrong passphrase does not open the keys.
    let refused = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        "not the passphrase",
    );
    assert!(matches!(
        refused,
        Err(myna_issuer::service::ServiceError::WrongPassphrase)
    ));

    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    assert_eq!(server.service.issuer_key(), &issuer_key);
    assert_eq!(server.service.authority_key(), authority);
    let (_, token) = status_token(&server).await;
    assert_eq!(status_of(&server, &token, &reference), Status::SUSPENDED);
    assert_eq!(
        consent_state(&server, &consent_ref).await,
        ConsentState::Withdrawn.to_status()
    );
    let wallet = Wallet::new(&server);
    let token = wallet
        .access_token(&pending["credential_offer"], None)
        .await;
    assert_eq!(
        wallet
            .credentials(&token, "age", &[&*signer()], START)
            .await
            .len(),
        1
    );
    // The CRLs imported before the restart still serve anchoring.
    let (status, body) = json(wallet.anchor(&card, &*signer(), START, false).await).await;
    assert_eq!(status, 200, "{body}");
    let (_, audit_after) = json(
        client()
            .get(server.url("/admin/audit?limit=1000"))
            .bearer_auth(&admins.operator)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let before = audit_before["entries"].as_array().unwrap();
    let after = audit_after["entries"].as_array().unwrap();
    assert!(after.len() > before.len());
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "the audit log survived unchanged"
    );
    assert_eq!(
        audit_after["chain_length"].as_u64().unwrap() as usize,
        after.len(),
        "reading the log appended nothing to it"
    );
    let _: Value = audit_after;
    server.stop().await;
}

/// Requests a context pseudonym for `context` as the holder of `anchor` (an anchor answer's
/// JSON): an operator offer, then one proof by the anchored key with the anchor presented.
async fn pseudonym_for(
    server: &Server,
    admins: &Admins,
    anchored: &Value,
    holder: &dyn Signer,
    context: &str,
) -> reqwest::Response {
    let body = json!({"tx_code": false,
        "credentials": [{"credential": "context_pseudonym", "context": context}]});
    let created = staff_offer(server, &admins.operator, &body).await;
    redeem_pseudonym(server, &created["credential_offer"], anchored, holder).await
}

/// Redeems a pseudonym offer with the anchor presentation and one proof by `holder`.
async fn redeem_pseudonym(
    server: &Server,
    offer: &Value,
    anchored: &Value,
    holder: &dyn Signer,
) -> reqwest::Response {
    let wallet = Wallet::new(server);
    let token = wallet.access_token(offer, None).await;
    let nonce = wallet.nonce().await;
    let presentation = SdJwt::parse(anchored["anchor_credential"].as_str().unwrap())
        .unwrap()
        .select(&[])
        .unwrap()
        .bind(&KeyBinding {
            audience: ISS,
            nonce: nonce.as_str(),
            issued_at: START,
            signer: holder,
        })
        .unwrap()
        .to_string();
    let request = json!({"credential_configuration_id": "context_pseudonym",
        "proofs": {"jwt": Wallet::proofs(&[holder], &nonce, START)},
        "anchor_presentation": presentation});
    wallet.credential_request(&token, &request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_pseudonym_is_one_per_person_whatever_the_wallet_and_is_escrowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let issuer_key = server.service.issuer_key().clone();
    // Two wallets (two unrelated holder keys) anchored to the same card.
    let (first, second) = (signer(), signer());
    let mut pseudonyms = Vec::new();
    for (holder, context) in [
        (&first, "maebashi-forum"),
        (&second, "maebashi-forum"),
        (&first, "izu-limited-sake-2026"),
    ] {
        let (status, anchored) = json(
            Wallet::new(&server)
                .anchor(&card, &**holder, START, false)
                .await,
        )
        .await;
        assert_eq!(status, 200, "{anchored}");
        let answer = pseudonym_for(&server, &admins, &anchored, &**holder, context).await;
        let (status, body) = json(answer).await;
        assert_eq!(status, 200, "{body}");
        let vc = verify(
            body["credentials"][0]["credential"].as_str().unwrap(),
            &issuer_key,
            START,
        );
        assert_eq!(vc.claims()["context"], context);
        assert_eq!(
            vc.disclosed().holder_key().unwrap().unwrap(),
            holder.public_key()
        );
        pseudonyms.push(vc.claims()["pseudonym"].as_str().unwrap().to_owned());
    }
    assert_eq!(pseudonyms[0], pseudonyms[1], "same person, same context");
    assert_ne!(
        pseudonyms[0], pseudonyms[2],
        "another context, another value"
    );

    // Another holder's anchor cannot be borrowed: its key binding does not verify.
    let (_, anchored) = json(
        Wallet::new(&server)
            .anchor(&card, &*first, START, false)
            .await,
    )
    .await;
    assert_error_mentioning(
        pseudonym_for(&server, &admins, &anchored, &*signer(), "maebashi-forum").await,
        400,
        "invalid_request",
        "signature",
    )
    .await;

    // The link pseudonym → person is in escrow: an opening for it can start.
    let opening = json!({"context": "maebashi-forum", "pseudonym": pseudonyms[0]});
    let (status, started) = json(
        admin_post(
            &server,
            "/admin/escrow/openings",
            Some(&admins.operator),
            &opening,
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{started}");
    server.stop().await;
}

/// A poll's pseudonym goes to a fresh key: the anchor is presented (signed by the anchored
/// key) beside one key proof by a key the wallet uses for nothing else; the credential is
/// bound to that fresh key and carries the anchored person's pseudonym — the same value as by
/// the anchored key — so ballots in two polls share no key.
/// Source: "匿名で参加できるPF … 投票機能" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_pseudonym_is_bound_to_a_fresh_key_proven_beside_the_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let issuer_key = server.service.issuer_key().clone();
    let anchored_key = signer();
    let (status, anchored) = json(
        Wallet::new(&server)
            .anchor(&card, &*anchored_key, START, false)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{anchored}");
    let context = "poll:maebashi-park-2026";
    let mut values = Vec::new();
    let (fresh, other) = (signer(), signer());
    let keys: [&dyn Signer; 3] = [&*fresh, &*other, &*anchored_key];
    for key in keys {
        let body = json!({"tx_code": false,
            "credentials": [{"credential": "context_pseudonym", "context": context}]});
        let created = staff_offer(&server, &admins.operator, &body).await;
        let wallet = Wallet::new(&server);
        let token = wallet
            .access_token(&created["credential_offer"], None)
            .await;
        let nonce = wallet.nonce().await;
        let presentation = SdJwt::parse(anchored["anchor_credential"].as_str().unwrap())
            .unwrap()
            .select(&[])
            .unwrap()
            .bind(&KeyBinding {
                audience: ISS,
                nonce: nonce.as_str(),
                issued_at: START,
                signer: &*anchored_key,
            })
            .unwrap()
            .to_string();
        let request = json!({"credential_configuration_id": "context_pseudonym",
            "proofs": {"jwt": Wallet::proofs(&[key], &nonce, START)},
            "anchor_presentation": presentation});
        let (status, body) = json(wallet.credential_request(&token, &request).await).await;
        assert_eq!(status, 200, "{body}");
        let vc = verify(
            body["credentials"][0]["credential"].as_str().unwrap(),
            &issuer_key,
            START,
        );
        assert_eq!(
            vc.disclosed().holder_key().unwrap().unwrap(),
            key.public_key()
        );
        values.push(vc.claims()["pseudonym"].as_str().unwrap().to_owned());
    }
    assert_eq!(values[0], values[1], "one person, one pseudonym per poll");
    assert_eq!(values[0], values[2], "the same as by the anchored key");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_escrow_trustees_no_pseudonym_offer_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = admins.config();
    config.escrow = None;
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    let body = json!({"credentials": [{"credential": "context_pseudonym", "context": "forum"}]});
    assert_error_mentioning(
        admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await,
        400,
        "invalid_request",
        "escrow",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_pseudonym_offers_only_in_configured_contexts() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let admins = Admins::new();
    let mut config = admins.config();
    config.pseudonym_contexts = vec!["maebashi-forum".into()];
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;
    import_crls(&server, &mut world, &admins.officer, START).await;
    let ask = |body: Value| {
        client()
            .post(server.url("/pseudonym-offers"))
            .json(&body)
            .send()
    };
    // No token needed: the offer names nobody until an anchored wallet redeems it.
    let (status, created) = json(ask(json!({"context": "maebashi-forum"})).await.unwrap()).await;
    assert_eq!(status, 201, "{created}");
    assert!(created.get("tx_code").is_none());
    assert_eq!(
        created["credential_offer"]["credential_configuration_ids"],
        json!(["context_pseudonym"])
    );
    let holder = signer();
    let (_, anchored) = json(
        Wallet::new(&server)
            .anchor(&card, &*holder, START, false)
            .await,
    )
    .await;
    let answer = redeem_pseudonym(&server, &created["credential_offer"], &anchored, &*holder).await;
    let (status, body) = json(answer).await;
    assert_eq!(status, 200, "{body}");
    let vc = verify(
        body["credentials"][0]["credential"].as_str().unwrap(),
        server.service.issuer_key(),
        START,
    );
    assert_eq!(vc.claims()["context"], "maebashi-forum");

    // Other contexts, and malformed requests, are refused.
    let refused = ask(json!({"context": "izu-sale"})).await.unwrap();
    assert_error(refused, 404, "invalid_request").await;
    let extra = ask(json!({"context": "maebashi-forum", "subject": "x"}))
        .await
        .unwrap();
    assert_error(extra, 400, "invalid_request").await;
    for wrong in [json!({"context": 5}), json!({}), json!(["maebashi-forum"])] {
        assert_error(ask(wrong).await.unwrap(), 400, "invalid_request").await;
    }
    let garbage = client()
        .post(server.url("/pseudonym-offers"))
        .header("content-type", "application/json")
        .body("{\"context\": \"maebashi-")
        .send()
        .await
        .unwrap();
    assert_error(garbage, 400, "invalid_request").await;
    server.stop().await;
}

#[test]
fn self_service_contexts_need_escrow_and_valid_ids() {
    let admins = Admins::new();
    let mut config = admins.config();
    config.pseudonym_contexts = vec!["forum\n".into()];
    assert!(config.check().is_err(), "control characters");
    config.pseudonym_contexts = vec!["maebashi-forum".into()];
    assert!(config.check().is_ok());
    config.escrow = None;
    assert!(config.check().is_err(), "no trustees to seal to");
}

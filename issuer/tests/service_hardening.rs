//! Bad requests get a clear 4xx with an OAuth-style body: malformed JSON, wrong content
//! types, a 10 MB body, expired nonces and codes, replayed proofs, unknown routes.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, ISS};
use myna_vc_core::oid4vci::{build_key_proof, IssuerId};
use serde_json::json;
use service_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_and_wrong_content_types_are_refused_with_oauth_errors() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let garbage: [&[u8]; 6] = [
        b"{not json",
        b"",
        b"\xff\xfe\x00",
        b"[]",
        deep.as_bytes(),
        b"{\"record\": 5}",
    ];
    for path in ["/consents", "/consents/actions", "/consents/use", "/anchor"] {
        for body in garbage {
            assert_error(
                post(&server, path, None, "application/json", body.to_vec()).await,
                400,
                "invalid_request",
            )
            .await;
        }
        assert_error(
            post(&server, path, None, "text/plain", b"{}".to_vec()).await,
            415,
            "invalid_request",
        )
        .await;
    }
    // A truncated consent record is a parse error, not a crash.
    assert_error(
        post(
            &server,
            "/consents",
            None,
            "application/json",
            br#"{"record": "eyJhbGciOiJFUzI1NiJ9.eyJ"}"#.to_vec(),
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
    assert_error(
        post(&server, "/token", None, "application/json", b"{}".to_vec()).await,
        415,
        "invalid_request",
    )
    .await;
    assert_error(
        post(
            &server,
            "/token",
            None,
            "application/x-www-form-urlencoded",
            b"grant_type=password&username=a".to_vec(),
        )
        .await,
        400,
        "unsupported_grant_type",
    )
    .await;
    assert_error(
        post(
            &server,
            "/token",
            None,
            "application/x-www-form-urlencoded",
            b"%%%".to_vec(),
        )
        .await,
        400,
        "invalid_request",
    )
    .await;

    // 10 MB: refused before it is read, with the error body.
    let huge = vec![b' '; 10 * 1024 * 1024];
    assert_error(
        post(&server, "/consents", None, "application/json", huge.clone()).await,
        413,
        "invalid_request",
    )
    .await;
    assert_error(
        post(
            &server,
            "/token",
            None,
            "application/x-www-form-urlencoded",
            huge,
        )
        .await,
        413,
        "invalid_request",
    )
    .await;

    assert_error(
        client()
            .get(server.url("/no/such/route"))
            .send()
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    assert_error(
        client().get(server.url("/token")).send().await.unwrap(),
        405,
        "invalid_request",
    )
    .await;
    assert_error(
        post(&server, "/credential", None, "application/json", "{}").await,
        401,
        "invalid_token",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_nonces_and_codes_and_replayed_or_foreign_proofs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let wallet = Wallet::new(&server);
    let offer_body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let (_, created) = json(
        admin_post(
            &server,
            "/admin/offers",
            Some(&admins.operator),
            &offer_body,
        )
        .await,
    )
    .await;
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let holder = signer();

    // Expired c_nonce (lifetime 300 s); the proof itself is fresh.
    let nonce = wallet.nonce().await;
    clock.advance(301);
    let now = START.plus_seconds(301);
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, now)}});
    assert_error_mentioning(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_nonce",
        "expired",
    )
    .await;

    // A nonce never handed out.
    let made_up = myna_vc_core::oid4vci::CNonce::generate().unwrap();
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": Wallet::proofs(&[&*holder], &made_up, now)}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_nonce",
    )
    .await;

    // A proof for another issuer, a proof without nonce, garbage.
    let nonce = wallet.nonce().await;
    let foreign = build_key_proof(
        &*holder,
        &IssuerId::new("https://other.example").unwrap(),
        Some(&nonce),
        now,
    )
    .unwrap();
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": [foreign]}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_proof",
    )
    .await;
    let no_nonce = build_key_proof(&*holder, &IssuerId::new(ISS).unwrap(), None, now).unwrap();
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": [no_nonce]}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_nonce",
    )
    .await;
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": ["a.b.c"]}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_proof",
    )
    .await;
    let request = json!({"credential_configuration_id": "passport", "proofs": {"jwt": ["a.b.c"]}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "unknown_credential_configuration",
    )
    .await;
    let too_many: Vec<_> = (0..17).map(|_| signer()).collect();
    let refs: Vec<&dyn myna_vc_core::crypto::Signer> = too_many.iter().map(|s| &**s).collect();
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": Wallet::proofs(&refs, &nonce, now)}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_proof",
    )
    .await;

    // The good request succeeds once; replayed, its nonce is spent.
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, now)}});
    let (status, body) = json(wallet.credential_request(&token, &request).await).await;
    assert_eq!(status, 200, "{body}");
    let body = assert_error(
        wallet.credential_request(&token, &request).await,
        400,
        "invalid_nonce",
    )
    .await;
    assert!(
        body["error_description"].as_str().unwrap().contains("used"),
        "{body}"
    );

    // The access token expires (600 s), and so does an unredeemed pre-authorized code (900 s).
    let (_, late) = json(
        admin_post(
            &server,
            "/admin/offers",
            Some(&admins.operator),
            &offer_body,
        )
        .await,
    )
    .await;
    clock.advance(901);
    let now = now.plus_seconds(901);
    let nonce = wallet.nonce().await;
    let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": Wallet::proofs(&[&*holder], &nonce, now)}});
    assert_error(
        wallet.credential_request(&token, &request).await,
        401,
        "invalid_token",
    )
    .await;
    assert_error(
        wallet.token(&late["credential_offer"], None).await,
        400,
        "invalid_grant",
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_offers_tokens_and_nonces_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let wallet = Wallet::new(&server);
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let (_, redeemed) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    let (_, pending) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    let _token = wallet
        .access_token(&redeemed["credential_offer"], None)
        .await;
    let _nonce = wallet.nonce().await;
    assert_eq!(
        server.service.prune().unwrap(),
        0,
        "nothing has expired yet"
    );
    clock.advance(901);
    // The pending offer and the access token: handing out the c_nonce wrote no row.
    assert_eq!(server.service.prune().unwrap(), 2);
    assert_error(
        wallet.token(&pending["credential_offer"], None).await,
        400,
        "invalid_grant",
    )
    .await;
    server.stop().await;
}

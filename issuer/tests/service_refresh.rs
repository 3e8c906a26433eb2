//! `POST /refresh-offers`: a wallet whose age copy went stale (a `false` flag turned true
//! before the cohort's `exp`) gets a fresh batch on its own, by presenting a current copy
//! with its birth date (issue 14, point 1).
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::{World, ISS};
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::Signer;
use myna_vc_core::oid4vci::CNonce;
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::time::NumericDate;
use serde_json::{json, Value};
use service_support::*;

const DAY: i64 = 86_400;

/// `copy` disclosing `shown`, key-bound by `signer` to this issuer and `nonce`.
fn presentation(
    copy: &str,
    shown: &[&str],
    signer: &dyn Signer,
    nonce: &CNonce,
    now: NumericDate,
) -> String {
    let paths: Vec<ClaimPath> = shown.iter().map(|s| ClaimPath::key(*s)).collect();
    SdJwt::parse(copy)
        .unwrap()
        .select(&paths)
        .unwrap()
        .bind(&KeyBinding {
            audience: ISS,
            nonce: nonce.as_str(),
            issued_at: now,
            signer,
        })
        .unwrap()
        .to_string()
}

/// Redeems a fresh refresh offer for one key, with `refresh` built for the request's nonce.
async fn refresh(
    server: &Server,
    key: &dyn Signer,
    now: NumericDate,
    refresh: impl Fn(&CNonce) -> Option<Value>,
) -> reqwest::Response {
    let (status, offer) = json(
        client()
            .post(server.url("/refresh-offers"))
            .json(&json!({"credential": "age"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{offer}");
    let wallet = Wallet::new(server);
    let token = wallet.access_token(&offer["credential_offer"], None).await;
    let nonce = wallet.nonce().await;
    let mut request = json!({"credential_configuration_id": "age",
        "proofs": {"jwt": Wallet::proofs(&[key], &nonce, now)}});
    if let Some(p) = refresh(&nonce) {
        request["refresh_presentation"] = p;
    }
    wallet.credential_request(&token, &request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_age_copy_is_refreshed_once_for_the_same_person() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let issuer_key = server.service.issuer_key().clone();

    // Kenta turns 20 ten days after START: his copies say `false`.
    let today = CalendarDate::from_numeric_date_jst(START).unwrap();
    let mut birthday =
        CalendarDate::from_ymd(today.year() - 20, today.month(), today.day()).unwrap();
    for _ in 0..10 {
        birthday = birthday.next_day().unwrap();
    }
    let body = json!({"tx_code": false,
        "credentials": [{"credential": "age", "birthdate": birthday.to_string()}]});
    let (status, created) =
        json(admin_post(&server, "/admin/offers", Some(&admins.operator), &body).await).await;
    assert_eq!(status, 201, "{created}");
    let wallet = Wallet::new(&server);
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let (phone, tablet) = (signer(), signer());
    let copies = wallet
        .credentials(&token, "age", &[&*phone, &*tablet], START)
        .await;
    let old = verify(&copies[0], &issuer_key, START);
    assert_eq!(old.claims()["age_over_20"], false);
    let old_exp = old.claims()["exp"].clone();

    // Eleven days on, the `false` is stale. Only age is refreshed this way.
    clock.advance(11 * DAY);
    let later = START.plus_seconds(11 * 86_400);
    let (status, _) = json(
        client()
            .post(server.url("/refresh-offers"))
            .json(&json!({"credential": "resident"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // Garbage refresh-offer bodies: typed 400s, nothing offered.
    for body in [
        "[]",
        r#"{"credential": 5}"#,
        r#"{"credential": "age", "extra": 1}"#,
        r#"{"credential":"#,
        "not json",
    ] {
        let response = client()
            .post(server.url("/refresh-offers"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
    }

    // Refused: no presentation, garbage, a number, birth date not disclosed, another key.
    let fresh = signer();
    let none = refresh(&server, &*fresh, later, |_| None).await;
    assert_error(none, 400, "credential_request_denied").await;
    let garbage = refresh(&server, &*fresh, later, |_| Some(json!("a.b.c~~"))).await;
    assert_error(garbage, 400, "credential_request_denied").await;
    let number = refresh(&server, &*fresh, later, |_| Some(json!(42))).await;
    assert_error(number, 400, "credential_request_denied").await;
    let truncated = refresh(&server, &*fresh, later, |n| {
        let p = presentation(&copies[0], &["birthdate"], &*phone, n, later);
        Some(json!(p[..p.len() / 2]))
    })
    .await;
    assert_error(truncated, 400, "credential_request_denied").await;
    let hidden = refresh(&server, &*fresh, later, |n| {
        Some(presentation(&copies[0], &[], &*phone, n, later).into())
    })
    .await;
    assert_error(hidden, 400, "credential_request_denied").await;
    let foreign_key = refresh(&server, &*fresh, later, |n| {
        Some(presentation(&copies[1], &["birthdate"], &*phone, n, later).into())
    })
    .await;
    assert_error(foreign_key, 400, "credential_request_denied").await;

    // The phone's copy with its birth date: a fresh credential, computed for today.
    let ok = refresh(&server, &*fresh, later, |n| {
        Some(presentation(&copies[0], &["birthdate"], &*phone, n, later).into())
    })
    .await;
    let (status, body) = json(ok).await;
    assert_eq!(status, 200, "{body}");
    let renewed = verify(
        body["credentials"][0]["credential"].as_str().unwrap(),
        &issuer_key,
        later,
    );
    assert_eq!(renewed.claims()["age_over_20"], true);
    assert_eq!(renewed.claims()["birthdate"], birthday.to_string());
    let new_day = CalendarDate::from_numeric_date_jst(later).unwrap();
    assert_eq!(renewed.claims()["iat"], new_day.start_jst().as_unix());
    assert_ne!(
        renewed.claims()["exp"],
        old_exp,
        "today's cohort, not the old one"
    );
    assert_eq!(
        renewed.disclosed().holder_key().unwrap().unwrap(),
        fresh.public_key()
    );

    // One copy refreshes once: the same copy again is refused (it was revoked as superseded).
    let again = refresh(&server, &*signer(), later, |n| {
        Some(presentation(&copies[0], &["birthdate"], &*phone, n, later).into())
    })
    .await;
    assert_error(again, 400, "credential_request_denied").await;
    // The tablet's copy is untouched and can still refresh.
    let tablet_ok = refresh(&server, &*signer(), later, |n| {
        Some(presentation(&copies[1], &["birthdate"], &*tablet, n, later).into())
    })
    .await;
    assert_eq!(tablet_ok.status(), 200);
    server.stop().await;
}

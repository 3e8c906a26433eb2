//! The npm package's DC API and `direct_post.jwt` bindings in Rust (the same functions the
//! Node tests call through JS), on the wallet-protocol fixtures: a session's request answered
//! by the wallet, encrypted, and accepted once; the hostile answers refused with their reasons;
//! a session's state read back; the cross-device link answered with `response=<JWE>`.
#![cfg(feature = "wallet")]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test")]

#[path = "../examples/fixtures/protocol.rs"]
mod protocol;

use myna_wasm::verifier::{CrossDeviceSession, DcApiSession, Verifier};
use myna_wasm::wallet::issuance::parse_credential_response_native;
use myna_wasm::wallet::Wallet;
use serde_json::{json, Value};

const ORIGIN: &str = "https://shop.example.jp";
const POLICY: &str = "age-over-20";

struct Setup {
    fixtures: Value,
    now: f64,
}

impl Setup {
    fn new() -> Self {
        let fixtures = protocol::fixtures().unwrap();
        let now = fixtures["now"].as_f64().unwrap();
        Setup { fixtures, now }
    }

    fn verifier(&self) -> Verifier {
        Verifier::create_native(&self.fixtures["shop"]["config"].to_string(), self.now).unwrap()
    }

    fn wallet(&self) -> Wallet {
        let f = &self.fixtures;
        let wallet =
            Wallet::restore_native(f["wallet"]["secret"].as_str().unwrap(), self.now).unwrap();
        let body = match &f["credential"]["body"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let credentials = parse_credential_response_native(200, &body).unwrap();
        wallet
            .keep_native(
                f["wallet"]["batch"].as_str().unwrap(),
                u32::try_from(f["wallet"]["size"].as_u64().unwrap()).unwrap(),
                "age",
                &credentials,
                &f["trust"].to_string(),
                self.now,
            )
            .unwrap();
        wallet
    }

    fn session(&self, verifier: &Verifier) -> (DcApiSession, Value) {
        let session = verifier
            .dc_api_request_native(POLICY, ORIGIN, self.now, &Value::Null)
            .unwrap();
        let request = session_request(&session);
        (session, request)
    }
}

fn session_request(session: &DcApiSession) -> Value {
    session.request_native().clone()
}

fn answer(wallet: &Wallet, request: &Value, origin: &str, now: f64) -> Value {
    wallet
        .answer_dc_api_native(
            request["protocol"].as_str().unwrap(),
            &request["data"],
            origin,
            now,
            None,
        )
        .unwrap()
}

fn reason(decision: &Value) -> (bool, Option<&str>) {
    (
        decision["accepted"].as_bool().unwrap(),
        decision["reason"].as_str(),
    )
}

#[test]
fn an_encrypted_dc_api_answer_is_accepted_once() {
    let setup = Setup::new();
    let verifier = setup.verifier();
    let wallet = setup.wallet();
    let (session, request) = setup.session(&verifier);
    assert_eq!(request["data"]["response_mode"], "dc_api.jwt");
    let answered = answer(&wallet, &request, ORIGIN, setup.now);
    assert_eq!(answered["data"].as_object().unwrap().len(), 1);
    assert_eq!(
        answered["data"]["response"]
            .as_str()
            .unwrap()
            .split('.')
            .count(),
        5
    );
    let decision = verifier
        .decide_dc_api_native(&session, &answered, setup.now)
        .unwrap();
    assert_eq!(reason(&decision), (true, None), "{decision}");
    assert_eq!(
        decision["credentials"][0]["claims"],
        json!({ "age_over_20": true })
    );
    let again = verifier
        .decide_dc_api_native(&session, &answered, setup.now)
        .unwrap();
    assert_eq!(reason(&again), (false, Some("replayed")));
    // The state the server keeps reads back, and decides the same way (here: a replay).
    let restored = DcApiSession::from_state_native(&session.to_state()).unwrap();
    let third = verifier
        .decide_dc_api_native(&restored, &answered["data"], setup.now)
        .unwrap();
    assert_eq!(reason(&third), (false, Some("replayed")));
}

#[test]
fn hostile_dc_api_answers_are_refused_with_their_reasons() {
    let setup = Setup::new();
    let verifier = setup.verifier();
    let wallet = setup.wallet();

    let (session, request) = setup.session(&verifier);
    let relayed = answer(&wallet, &request, "https://evil.example", setup.now);
    let decision = verifier
        .decide_dc_api_native(&session, &relayed, setup.now)
        .unwrap();
    assert_eq!(reason(&decision), (false, Some("not_bound_to_request")));

    let (session, request) = setup.session(&verifier);
    let mut plain = request.clone();
    plain["data"]["response_mode"] = json!("dc_api");
    plain["data"]
        .as_object_mut()
        .unwrap()
        .remove("client_metadata");
    let downgraded = answer(&wallet, &plain, ORIGIN, setup.now);
    assert!(downgraded["data"].get("vp_token").is_some());
    let decision = verifier
        .decide_dc_api_native(&session, &downgraded, setup.now)
        .unwrap();
    assert_eq!(reason(&decision), (false, Some("response_mode_downgrade")));

    let (session, request) = setup.session(&verifier);
    let (_, other) = setup.session(&verifier);
    let mut misdirected = request.clone();
    misdirected["data"]["client_metadata"] = other["data"]["client_metadata"].clone();
    let to_other = answer(&wallet, &misdirected, ORIGIN, setup.now);
    let decision = verifier
        .decide_dc_api_native(&session, &to_other, setup.now)
        .unwrap();
    assert_eq!(reason(&decision), (false, Some("response_undecryptable")));

    let (session, request) = setup.session(&verifier);
    let late = answer(&wallet, &request, ORIGIN, setup.now);
    let decision = verifier
        .decide_dc_api_native(&session, &late, setup.now + 301.0)
        .unwrap();
    assert_eq!(reason(&decision), (false, Some("session_expired")));
}

#[test]
fn bad_origins_and_policies_are_typed_errors() {
    let setup = Setup::new();
    let verifier = setup.verifier();
    for origin in [
        "https://shop.example.jp/",
        "ftp://shop.example.jp",
        "http://shop.example.jp",
        "",
    ] {
        let error = verifier
            .dc_api_request_native(POLICY, origin, setup.now, &Value::Null)
            .err()
            .unwrap();
        assert_eq!(error.code(), "invalid_origin", "{origin}");
    }
    let error = verifier
        .dc_api_request_native("nope", ORIGIN, setup.now, &Value::Null)
        .err()
        .unwrap();
    assert_eq!(error.code(), "invalid_argument");
}

#[test]
fn a_cross_device_link_is_answered_encrypted_and_accepted_once() {
    let setup = Setup::new();
    let verifier = setup.verifier();
    let wallet = setup.wallet();
    let uri = "https://shop.example.jp/wallet/1/response";
    let session = verifier
        .cross_device_request_native(POLICY, &format!("redirect_uri:{uri}"), uri, setup.now)
        .unwrap();
    assert!(session.link().contains("response_mode=direct_post.jwt"));
    let answered = wallet
        .answer_remote_native(&session.link(), setup.now)
        .unwrap();
    let body = answered["body"].as_str().unwrap();
    assert!(
        body.starts_with("response=") && !body.contains("vp_token"),
        "{body}"
    );
    let restored = CrossDeviceSession::from_state_native(&session.to_state()).unwrap();
    let decision = verifier
        .decide_direct_post_native(&restored, body, setup.now)
        .unwrap()
        .to_json();
    assert_eq!(reason(&decision), (true, None), "{decision}");
    let again = verifier
        .decide_direct_post_native(&session, body, setup.now)
        .unwrap()
        .to_json();
    assert_eq!(reason(&again), (false, Some("replayed")));
    let other = verifier
        .cross_device_request_native(POLICY, &format!("redirect_uri:{uri}"), uri, setup.now)
        .unwrap();
    let foreign = verifier
        .decide_direct_post_native(&other, body, setup.now)
        .unwrap()
        .to_json();
    assert_eq!(reason(&foreign), (false, Some("response_undecryptable")));
}

//! Presentations through the Digital Credentials API ([`DcApiSession`]) and encrypted
//! cross-device answers (`direct_post.jwt`), with a wallet built from vc-core's wallet side
//! (`DcApiRequest::from_api`, `DcApiResponse::to_data`, `AuthorizationResponse::to_form_for`):
//! accepted when bound to the page's origin and encrypted to the session's key; refused, each
//! with its own reason, when bound to another origin, replayed, downgraded to plain text,
//! encrypted to another session's key, or late. A session survives `to_state`/`from_state`.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::crypto::{default_provider, SecretKey, Signer};
use myna_verifier::core::dcql::QueryId;
use myna_verifier::core::oid4vp::{
    AuthorizationResponse, ClientId, DcApiRequest, DcApiResponse, Origin, RequestTrust, VpToken,
};
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::core::time::Clock;
use myna_verifier::core::{Error, Oid4vpError};
use myna_verifier::dc_api::{DcApiOptions, DcApiSession, RequestSigning};
use myna_verifier::decision::{Decision, Reason};
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::transport::{encrypted_authorization_request, submission_from_direct_post_jwt};
use serde_json::{json, Value};

const SHOP: &str = "https://shop.example";

/// A world, an adult's age credential and its holder.
fn adult() -> (World, SdJwt, Holder) {
    let world = World::new();
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    (world, sd, holder)
}

/// A new session for the age check at the shop's origin, and the `{protocol, data}` the page
/// passes to the browser.
fn start(world: &World, options: &DcApiOptions) -> (Value, DcApiSession) {
    let origin = Origin::parse(SHOP).unwrap();
    DcApiSession::start(
        &AgeCheck::over_20().unwrap(),
        origin,
        options,
        world.clock.now(),
    )
    .unwrap()
}

/// What the wallet hands back for `shown` when the browser reports `origin`: the age
/// presentation bound to `origin:<origin>` and the request's nonce, as the DigitalCredential's
/// `{protocol, data}`.
fn wallet_answer(world: &World, shown: &Value, origin: &str, sd: &SdJwt, holder: &Holder) -> Value {
    wallet_answer_trusting(world, shown, origin, sd, holder, &RequestTrust::none())
}

/// [`wallet_answer`] by a wallet that trusts `trust`'s certificates for signed requests.
fn wallet_answer_trusting(
    world: &World,
    shown: &Value,
    origin: &str,
    sd: &SdJwt,
    holder: &Holder,
    trust: &RequestTrust,
) -> Value {
    let protocol = shown["protocol"].as_str().unwrap();
    let received = DcApiRequest::from_api(
        protocol,
        &shown["data"],
        &Origin::parse(origin).unwrap(),
        trust,
        world.clock.now(),
    )
    .unwrap();
    let presentation = present_at(
        sd,
        holder,
        &["age_over_20"],
        &received.kb_audience(),
        received.request.nonce.as_str(),
        world.clock.now(),
    );
    let mut token = VpToken::new();
    token.push(&QueryId::parse("age").unwrap(), presentation);
    let data = DcApiResponse::Success(token)
        .to_data(&received.request)
        .unwrap();
    json!({"protocol": protocol, "data": data})
}

fn decide(world: &World, session: DcApiSession, answer: &Value) -> Decision {
    session.decide(&world.verifier, &AgeCheck::over_20().unwrap(), answer)
}

#[test]
fn an_encrypted_answer_from_the_shops_origin_is_accepted() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    assert_eq!(shown["protocol"], "openid4vp-v1-unsigned");
    assert_eq!(shown["data"]["response_mode"], "dc_api.jwt");
    let answer = wallet_answer(&world, &shown, SHOP, &sd, &holder);
    // Encrypted: the presentation is not readable in the answer.
    assert!(answer["data"]["response"].is_string());
    assert!(answer["data"].get("vp_token").is_none());
    let decision = decide(&world, session, &answer);
    assert!(decision.accepted(), "{:?}", decision.outcome);
    assert_eq!(
        decision.credential("age").unwrap().claims["age_over_20"],
        json!(true)
    );
}

#[test]
fn the_bare_data_is_accepted_too_and_a_plain_session_takes_a_plain_answer() {
    let (world, sd, holder) = adult();
    let plain = DcApiOptions {
        encrypt: false,
        ..DcApiOptions::default()
    };
    let (shown, session) = start(&world, &plain);
    assert_eq!(shown["data"]["response_mode"], "dc_api");
    let answer = wallet_answer(&world, &shown, SHOP, &sd, &holder);
    assert!(answer["data"]["vp_token"].is_object());
    let decision = decide(&world, session, &answer["data"]);
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn an_answer_made_for_another_origin_is_not_bound_to_the_request() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    // A page at another origin relayed the shop's request: the browser told the wallet the
    // truth, so the presentation names that origin.
    let answer = wallet_answer(&world, &shown, "https://evil.example", &sd, &holder);
    let decision = decide(&world, session, &answer);
    assert_eq!(decision.reason(), Some(Reason::NotBoundToRequest));
    assert!(decision.credentials.is_empty());
}

#[test]
fn a_replayed_answer_is_refused_and_the_state_round_trips() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    let state = session.to_state();
    let copy = DcApiSession::from_state(&state).unwrap();
    assert_eq!(*copy.to_state(), *state);
    assert_eq!(copy.policy(), "age-over-20");
    assert_eq!(copy.origin().as_str(), SHOP);
    assert_eq!(copy.expires_at(), t(300));
    let answer = wallet_answer(&world, &shown, SHOP, &sd, &holder);
    assert!(decide(&world, session, &answer).accepted());
    // The same answer again, to the session kept as state by another process of the shop.
    let again = decide(&world, copy, &answer);
    assert_eq!(again.reason(), Some(Reason::Replayed));
}

#[test]
fn a_plain_answer_to_an_encrypted_session_is_a_downgrade() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    // What the wallet would have sent had the request asked for plain dc_api.
    let mut plain_request = shown.clone();
    plain_request["data"]["response_mode"] = json!("dc_api");
    if let Some(data) = plain_request["data"].as_object_mut() {
        data.remove("client_metadata");
    }
    let plain = wallet_answer(&world, &plain_request, SHOP, &sd, &holder);
    assert!(plain["data"]["vp_token"].is_object());
    let decision = decide(&world, session, &plain);
    assert_eq!(decision.reason(), Some(Reason::ResponseModeDowngrade));
}

#[test]
fn an_answer_encrypted_to_another_sessions_key_is_undecryptable() {
    let (world, sd, holder) = adult();
    let (_, mine) = start(&world, &DcApiOptions::default());
    let (theirs, _) = start(&world, &DcApiOptions::default());
    let answer = wallet_answer(&world, &theirs, SHOP, &sd, &holder);
    let decision = decide(&world, mine, &answer);
    assert_eq!(decision.reason(), Some(Reason::ResponseUndecryptable));
    // Garbage where the JWE goes is refused the same way, never a panic.
    let (_, session) = start(&world, &DcApiOptions::default());
    let garbage = json!({"response": "four.dot.separated.parts"});
    assert_eq!(
        decide(&world, session, &garbage).reason(),
        Some(Reason::ResponseUndecryptable)
    );
}

#[test]
fn a_late_answer_is_refused_as_an_expired_session() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    let answer = wallet_answer(&world, &shown, SHOP, &sd, &holder);
    world.clock.set(t(300));
    let decision = decide(&world, session, &answer);
    assert_eq!(decision.reason(), Some(Reason::SessionExpired));
}

#[test]
fn a_session_decides_only_for_its_policy_and_another_protocol_is_refused() {
    let (world, sd, holder) = adult();
    let (shown, session) = start(&world, &DcApiOptions::default());
    let answer = wallet_answer(&world, &shown, SHOP, &sd, &holder);
    let other = AgeCheck::over_18().unwrap();
    let decision = session.decide(&world.verifier, &other, &answer);
    assert_eq!(decision.reason(), Some(Reason::NotBoundToRequest));
    let (_, session) = start(&world, &DcApiOptions::default());
    let mut foreign = answer.clone();
    foreign["protocol"] = json!("org-iso-mdoc");
    let decision = decide(&world, session, &foreign);
    assert_eq!(decision.reason(), Some(Reason::UnsupportedFormat));
}

#[test]
fn a_tampered_or_foreign_state_is_refused() {
    let (world, _, _) = adult();
    let (_, session) = start(&world, &DcApiOptions::default());
    let state: Value = serde_json::from_str(&session.to_state()).unwrap();
    for (member, value) in [
        ("v", json!(2)),
        ("response_mode", json!("direct_post")),
        ("key", Value::Null),
        ("origin", json!("https://shop.example/path")),
        ("expires_at", json!("soon")),
        ("nonce", json!("")),
    ] {
        let mut bad = state.clone();
        bad[member] = value;
        assert!(
            DcApiSession::from_state(&bad.to_string()).is_err(),
            "{member} accepted"
        );
    }
    assert!(DcApiSession::from_state("not json").is_err());
    // The debug form never shows the key.
    let shown = format!("{session:?}");
    assert!(!shown.contains("\"d\""), "{shown}");
}

#[test]
fn a_direct_post_jwt_answer_is_decrypted_and_a_plain_one_is_a_downgrade() {
    let (world, sd, holder) = adult();
    let policy = AgeCheck::over_20().unwrap();
    let client = ClientId::parse(AUDIENCE).unwrap();
    let (request, key) = encrypted_authorization_request(
        &policy,
        client.clone(),
        "https://shop.example/r/1/response",
    )
    .unwrap();
    let presentation = world.present(&sd, &holder, &["age_over_20"], request.nonce.as_str());
    let mut token = VpToken::new();
    token.push(&QueryId::parse("age").unwrap(), presentation);
    let response = AuthorizationResponse {
        vp_token: token,
        state: request.state.clone(),
    };
    let body = response.to_form_for(&request).unwrap();
    assert!(body.starts_with("response="), "{body}");
    assert!(!body.contains("vp_token"));
    let (submission, state) = submission_from_direct_post_jwt(&body, &key).unwrap();
    assert_eq!(state, request.state);
    let decision = world.verifier.verify(
        &policy,
        &submission,
        &myna_verifier::submission::Challenge::single_use(request.nonce.as_str()),
    );
    assert!(decision.accepted(), "{:?}", decision.outcome);
    // The plain form of the same answer, and the answer for another request's key.
    let plain = submission_from_direct_post_jwt(&response.to_form(), &key).unwrap_err();
    assert_eq!(plain.code(), "response_mode_downgrade");
    assert_eq!(Reason::of_error(&plain), Reason::ResponseModeDowngrade);
    let (_, other_key) =
        encrypted_authorization_request(&policy, client, "https://shop.example/r/2/response")
            .unwrap();
    let foreign = submission_from_direct_post_jwt(&body, &other_key).unwrap_err();
    assert_eq!(Reason::of_error(&foreign), Reason::ResponseUndecryptable);
}

/// A CA and a leaf it issued for `dns_name` (P-256, valid 2020–2040), the leaf's key as a signer.
fn shop_pki(dns_name: &str) -> (Vec<u8>, Vec<u8>, Arc<dyn Signer>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    let validity = |params: &mut CertificateParams| {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2040, 1, 1);
    };
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    validity(&mut ca);
    let ca = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf = CertificateParams::new(vec![dns_name.to_owned()]).unwrap();
    validity(&mut leaf);
    let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();
    let secret = SecretKey::p256_from_pkcs8_der(&leaf_key.serialize_der()).unwrap();
    let signer: Arc<dyn Signer> = Arc::from(default_provider().signer(&secret).unwrap());
    (ca.der().to_vec(), leaf.der().to_vec(), signer)
}

#[test]
fn a_signed_request_is_answered_only_by_a_wallet_that_trusts_its_certificate_and_on_its_origins() {
    let (world, sd, holder) = adult();
    let (ca, leaf, signer) = shop_pki("shop.example");
    let client_id = ClientId::parse("x509_san_dns:shop.example").unwrap();
    let signed = DcApiOptions {
        encrypt: true,
        signing: Some(RequestSigning {
            signer,
            chain: vec![leaf, ca.clone()],
            client_id: client_id.clone(),
            expected_origins: vec![Origin::parse(SHOP).unwrap()],
        }),
    };
    let (shown, session) = start(&world, &signed);
    assert_eq!(shown["protocol"], "openid4vp-v1-signed");
    let members: Vec<&String> = shown["data"].as_object().unwrap().keys().collect();
    assert_eq!(
        members,
        ["request"],
        "a signed request carries only the JWS"
    );

    let read = |origin: &str, trust: &RequestTrust| {
        DcApiRequest::from_api(
            "openid4vp-v1-signed",
            &shown["data"],
            &Origin::parse(origin).unwrap(),
            trust,
            world.clock.now(),
        )
    };
    // A wallet that trusts no verifier certificate, or another CA, refuses the request.
    assert!(matches!(
        read(SHOP, &RequestTrust::none()),
        Err(Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(_)))
    ));
    let (other_ca, _, _) = shop_pki("shop.example");
    let other = RequestTrust::anchors(vec![other_ca]).unwrap();
    assert!(matches!(
        read(SHOP, &other),
        Err(Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(_)))
    ));
    // The shop's own request replayed by another site: the browser reports that site's origin.
    let trust = RequestTrust::anchors(vec![ca]).unwrap();
    assert!(matches!(
        read("https://evil.example", &trust),
        Err(Error::Oid4vp(Oid4vpError::OriginNotExpected))
    ));
    let received = read(SHOP, &trust).unwrap();
    assert_eq!(received.verifier.as_ref(), Some(&client_id));
    // Even signed, the answer is bound to the origin, not to the client_id (Annex A.4).
    assert_eq!(received.kb_audience(), format!("origin:{SHOP}"));

    let answer = wallet_answer_trusting(&world, &shown, SHOP, &sd, &holder, &trust);
    assert!(answer["data"]["response"].is_string(), "encrypted");
    let decision = decide(&world, session, &answer);
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

//! No unauthenticated state growth (issue 17): what a client may ask for without proving
//! anything — `c_nonce`s, anchoring challenges, self-service offers and their tokens, consent
//! registrations — writes no row of the store, and what a real holder may write is bounded.
//! Driven through `Service::router()` with `tower::ServiceExt::oneshot` (no socket, so no
//! rate limit of the edge hides a growth) and a clock the test moves.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};
use axum::Router;
use card_fixture::{World, ISS};
use myna_issuer::challenge::ChallengePurpose;
use myna_issuer::endpoint::{Endpoints, Setup};
use myna_issuer::service::consent_registry::{
    MAX_ACTIVE_CONSENTS_PER_HOLDER, MAX_CONSENTS_PER_HOLDER_EVER,
};
use myna_issuer::service::Service;
use myna_issuer::store::Store;
use myna_issuer::{ChallengeRejection, Error};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentId, ConsentRecord, ConsentTerms, ConsentUse,
    Purpose, Recipient,
};
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::oid4vci::{build_key_proof, CNonce, IssuerId, PreAuthorizedCode, TokenRequest};
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::NumericDate;
use serde_json::{json, Value};
use service_support::*;
use tower::ServiceExt;

const PRE_AUTHORIZED: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// A service and its router, with the clock the test moves.
struct Issuer {
    service: Service,
    router: Router,
    clock: Arc<ManualClock>,
    admins: Admins,
    _dir: tempfile::TempDir,
}

impl Issuer {
    fn open(world: &World) -> Issuer {
        let dir = tempfile::tempdir().unwrap();
        let admins = Admins::new();
        let mut config = admins.config();
        config.pseudonym_contexts = vec!["maebashi-forum".into()];
        let clock = ManualClock::at(START);
        let service = open(dir.path(), config, clock.clone(), world, PASSPHRASE).unwrap();
        Issuer {
            router: service.router(),
            service,
            clock,
            admins,
            _dir: dir,
        }
    }

    fn now(&self) -> NumericDate {
        myna_vc_core::time::Clock::now(&*self.clock)
    }

    fn rows(&self) -> u64 {
        self.service.store().row_count().unwrap()
    }

    /// Entries of the consent status list handed out so far.
    fn consent_entries(&self) -> u64 {
        self.service
            .store()
            .status_list_info(self.service.consent_list())
            .unwrap()
            .assigned
    }

    /// One request through the router, as the edge would hand it over (with the peer).
    async fn call(&self, mut request: Request<Body>) -> (u16, Value) {
        let peer = SocketAddr::from(([127, 0, 0, 1], 40_000));
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }

    async fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.call(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn post_empty(&self, path: &str) -> (u16, Value) {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        self.call(request).await
    }

    async fn token(&self, code: &str) -> (u16, Value) {
        let form = TokenRequest {
            pre_authorized_code: PreAuthorizedCode::new(code),
            tx_code: None,
            authorization_details: None,
            client_id: None,
        }
        .to_form()
        .unwrap();
        let request = Request::builder()
            .method(Method::POST)
            .uri("/token")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        self.call(request).await
    }

    async fn nonce(&self) -> CNonce {
        let (status, body) = self.post_empty("/nonce").await;
        assert_eq!(status, 200, "{body}");
        CNonce::new(body["c_nonce"].as_str().unwrap())
    }

    /// An access token for an operator's age offer.
    async fn age_token(&self) -> String {
        let offer = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
        let (status, created) = self
            .post("/admin/offers", Some(&self.admins.operator), &offer)
            .await;
        assert_eq!(status, 201, "{created}");
        let (status, token) = self.token(&code_of(&created)).await;
        assert_eq!(status, 200, "{token}");
        token["access_token"].as_str().unwrap().to_owned()
    }

    /// The credential request of `token` for an age credential bound to `holder`, with a
    /// key proof over `nonce`.
    async fn age_credential(
        &self,
        token: &str,
        holder: &dyn Signer,
        nonce: &CNonce,
    ) -> (u16, Value) {
        let proof = build_key_proof(
            holder,
            &IssuerId::new(ISS).unwrap(),
            Some(nonce),
            self.now(),
        )
        .unwrap();
        let request = json!({"credential_configuration_id": "age", "proofs": {"jwt": [proof]}});
        self.post("/credential", Some(token), &request).await
    }

    /// A holder the issuer knows: a fresh key bound to an age credential.
    async fn known_holder(&self) -> Box<dyn Signer> {
        let holder = signer();
        let token = self.age_token().await;
        let nonce = self.nonce().await;
        let (status, body) = self.age_credential(&token, &*holder, &nonce).await;
        assert_eq!(status, 200, "{body}");
        holder
    }
}

fn code_of(created: &Value) -> String {
    created["credential_offer"]["grants"][PRE_AUTHORIZED]["pre-authorized_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A consent record signed by a fresh key of its own (the wallet's pairwise key).
fn consent_record(now: NumericDate) -> (ConsentRecord, Box<dyn Signer>) {
    let clinic = SecretKey::generate_p256().unwrap().public_key();
    let terms = ConsentTerms {
        id: ConsentId::random().unwrap(),
        recipient: Recipient::parse(DidKey::from_public_key(&clinic).unwrap().did().as_str())
            .unwrap(),
        purpose: Purpose::new("健康相談").unwrap(),
        vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
        claims: vec![ClaimPath::key("age_over_20")],
        not_before: now,
        not_after: None,
        usage: ConsentUse::Ongoing,
    };
    let key = signer();
    (ConsentRecord::sign(terms, &*key, now).unwrap(), key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_nonces_and_a_thousand_anchoring_challenges_write_no_row() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let before = issuer.rows();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..10_000 {
        assert!(
            seen.insert(issuer.nonce().await.as_str().to_owned()),
            "a c_nonce came twice"
        );
    }
    for _ in 0..1_000 {
        let (status, body) = issuer.post_empty("/anchor/challenge").await;
        assert_eq!(status, 200, "{body}");
        assert!(body["nonce"].as_str().is_some_and(|n| !n.is_empty()));
    }
    assert_eq!(issuer.rows(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_is_redeemed_once_and_only_a_verified_request_writes_it() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let holder = signer();
    let token = issuer.age_token().await;
    let rows = issuer.rows();

    // Refused requests write nothing: an altered nonce, a bad access token.
    let nonce = issuer.nonce().await;
    let mut altered = nonce.as_str().to_owned();
    let last = if altered.ends_with('A') { "B" } else { "A" };
    altered.replace_range(altered.len() - 1.., last);
    let (status, body) = issuer
        .age_credential(&token, &*holder, &CNonce::new(altered))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce"))
    );
    let (status, body) = issuer.age_credential("forged", &*holder, &nonce).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );
    assert_eq!(issuer.rows(), rows, "a refused request wrote a row");

    // The good request redeems the nonce; the same proof again meets a used nonce.
    let (status, body) = issuer.age_credential(&token, &*holder, &nonce).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = issuer.age_credential(&token, &*holder, &nonce).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce"))
    );
    assert!(
        body["error_description"].as_str().unwrap().contains("used"),
        "{body}"
    );

    // After the nonce's lifetime the one row kept against replays is pruned.
    let with_redeemed = issuer.rows();
    issuer.clock.advance(300);
    let pruned = issuer.service.prune().unwrap();
    assert!(pruned >= 1, "{pruned}");
    assert!(issuer.rows() < with_redeemed);
}

/// The sans-I/O rule: typed refusals for an altered, a used, an expired nonce and an
/// anchoring challenge offered as a `c_nonce`.
#[test]
fn altered_used_expired_and_foreign_nonces_are_typed_refusals() {
    let key = SecretKey::generate_p256().unwrap();
    let setup = Setup::new(
        engine::fresh_store(),
        default_provider().signer(&key).unwrap(),
        IssuerId::new(ISS).unwrap(),
        None,
    )
    .unwrap();
    let issuer = Endpoints::new(setup).unwrap();
    let now = START;
    let cause = |c_nonce: &CNonce, at| {
        let err = issuer.check_nonce(c_nonce, at).unwrap_err();
        assert_eq!(err.code().code(), "invalid_nonce");
        match err.cause() {
            Some(Error::Challenge(rejection)) => *rejection,
            other => panic!("not a typed challenge refusal: {other:?}"),
        }
    };
    let c_nonce = issuer.nonce(now).unwrap().c_nonce;
    let (nonce, expires_at) = issuer.check_nonce(&c_nonce, now).unwrap();
    assert_eq!(
        expires_at,
        now.plus_seconds(issuer.rules().nonce_lifetime_secs)
    );

    // Every byte of the value is covered by the MAC, the expiry included.
    let mut bytes = nonce.as_bytes().to_vec();
    for i in [0, 7, 8, 30, bytes.len() - 1] {
        bytes[i] ^= 1;
        let altered = CNonce::new(myna_vc_core::b64::encode(&bytes));
        assert_eq!(
            cause(&altered, now),
            ChallengeRejection::Unknown,
            "byte {i}"
        );
        bytes[i] ^= 1;
    }
    assert_eq!(
        cause(&CNonce::new("not base64"), now),
        ChallengeRejection::Unknown
    );
    assert_eq!(cause(&c_nonce, expires_at), ChallengeRejection::Expired);

    // A value made for anchoring is not a c_nonce.
    let anchoring = myna_issuer::challenge::ChallengeKey::generate().unwrap();
    let foreign = anchoring
        .issue(ChallengePurpose::Anchoring, now, 300)
        .unwrap();
    assert_eq!(
        cause(&CNonce::new(foreign.nonce.to_text()), now),
        ChallengeRejection::Unknown
    );

    // Accepted once; the second redemption is a replay, whatever the order of the checks.
    let rows = issuer.store().row_count().unwrap();
    issuer.redeem_nonce(&nonce, expires_at, now).unwrap();
    assert_eq!(issuer.store().row_count().unwrap(), rows + 1);
    assert_eq!(cause(&c_nonce, now), ChallengeRejection::AlreadyUsed);
    let again = issuer.redeem_nonce(&nonce, expires_at, now).unwrap_err();
    assert!(matches!(
        again.cause(),
        Some(Error::Challenge(ChallengeRejection::AlreadyUsed))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_consent_is_refused_and_allocates_no_entry() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let now = issuer.now();
    let (entries, rows) = (issuer.consent_entries(), issuer.rows());

    // A self-signed record alone, as in the flood of issue 17.
    let (record, _) = consent_record(now);
    let (status, body) = issuer
        .post("/consents", None, &consent_registration(&record, None, now))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_holder")),
        "{body}"
    );
    // …with a holder proof by a key this issuer never bound a credential to.
    let stranger = signer();
    let (status, body) = issuer
        .post(
            "/consents",
            None,
            &consent_registration(&record, Some(&*stranger), now),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_holder")),
        "{body}"
    );
    assert_eq!(issuer.consent_entries(), entries);
    assert_eq!(issuer.rows(), rows);

    // A proof for another record, or for another registry, proves nothing.
    let holder = issuer.known_holder().await;
    let (other, _) = consent_record(now);
    let mut body = consent_registration(&other, Some(&*holder), now);
    body["record"] = record.as_str().into();
    let (status, answer) = issuer.post("/consents", None, &body).await;
    assert_eq!(status, 400, "{answer}");
    let elsewhere = myna_vc_core::consent::ConsentHolderProof::for_record(
        &record,
        "https://other.example",
        now,
    )
    .sign(&*holder)
    .unwrap();
    let body = json!({"record": record.as_str(), "holder_proof": elsewhere});
    let (status, answer) = issuer.post("/consents", None, &body).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(issuer.consent_entries(), entries);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_registers_up_to_the_quota_and_withdrawn_consents_do_not_count() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let holder = issuer.known_holder().await;
    let now = issuer.now();
    let entries = issuer.consent_entries();
    let mut registered = Vec::new();
    for _ in 0..MAX_ACTIVE_CONSENTS_PER_HOLDER {
        let (record, key) = consent_record(now);
        let (status, body) = issuer
            .post(
                "/consents",
                None,
                &consent_registration(&record, Some(&*holder), now),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        registered.push((record, key));
    }
    assert_eq!(
        issuer.consent_entries(),
        entries + MAX_ACTIVE_CONSENTS_PER_HOLDER as u64
    );

    // The 65th active one is refused, and takes no entry.
    let (record, _) = consent_record(now);
    let registration = consent_registration(&record, Some(&*holder), now);
    let (status, body) = issuer.post("/consents", None, &registration).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("consent_quota")),
        "{body}"
    );
    assert_eq!(
        issuer.consent_entries(),
        entries + MAX_ACTIVE_CONSENTS_PER_HOLDER as u64
    );

    // Another holder is not affected by this one's quota.
    let other = issuer.known_holder().await;
    let (own, _) = consent_record(now);
    let (status, body) = issuer
        .post(
            "/consents",
            None,
            &consent_registration(&own, Some(&*other), now),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // A paused consent still counts; a withdrawn one frees a place.
    let (first, first_key) = &registered[0];
    let action = |seq, action| {
        json!({"action": ConsentActionRequest { consent: first.terms().id, action, seq, iat: now }
            .sign(&**first_key).unwrap()})
    };
    let (status, body) = issuer
        .post("/consents/actions", None, &action(1, ConsentAction::Pause))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = issuer.post("/consents", None, &registration).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("consent_quota")),
        "{body}"
    );
    let (status, body) = issuer
        .post(
            "/consents/actions",
            None,
            &action(2, ConsentAction::Withdraw),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = issuer.post("/consents", None, &registration).await;
    assert_eq!(status, 201, "{body}");
}

/// Ended consents keep their status-list entry, so a holder looping register → withdraw is
/// stopped by the lifetime quota before it uses the list up for everyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_looping_register_and_withdraw_stops_at_the_lifetime_quota() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let holder = issuer.known_holder().await;
    let now = issuer.now();
    let entries = issuer.consent_entries();
    for _ in 0..MAX_CONSENTS_PER_HOLDER_EVER {
        let (record, key) = consent_record(now);
        let registration = consent_registration(&record, Some(&*holder), now);
        let (status, body) = issuer.post("/consents", None, &registration).await;
        assert_eq!(status, 201, "{body}");
        let withdraw = ConsentActionRequest {
            consent: record.terms().id,
            action: ConsentAction::Withdraw,
            seq: 1,
            iat: now,
        };
        let action = json!({"action": withdraw.sign(&*key).unwrap()});
        let (status, body) = issuer.post("/consents/actions", None, &action).await;
        assert_eq!(status, 200, "{body}");
    }
    let (record, _) = consent_record(now);
    let registration = consent_registration(&record, Some(&*holder), now);
    let (status, body) = issuer.post("/consents", None, &registration).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("consent_quota")),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("registered")),
        "{body}"
    );
    assert_eq!(
        issuer.consent_entries(),
        entries + MAX_CONSENTS_PER_HOLDER_EVER,
        "the refused registration took no entry"
    );
    // Another holder still registers.
    let other = issuer.known_holder().await;
    let (own, _) = consent_record(now);
    let (status, body) = issuer
        .post(
            "/consents",
            None,
            &consent_registration(&own, Some(&*other), now),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_whose_credential_is_revoked_is_no_longer_a_holder() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let holder = signer();
    let token = issuer.age_token().await;
    let nonce = issuer.nonce().await;
    let (status, issued) = issuer.age_credential(&token, &*holder, &nonce).await;
    assert_eq!(status, 200, "{issued}");
    let credential = issued["credentials"][0]["credential"].as_str().unwrap();
    let reference = verify(credential, issuer.service.issuer_key(), issuer.now())
        .status()
        .unwrap()
        .unwrap();
    let now = issuer.now();
    let (before, _) = consent_record(now);
    let (status, body) = issuer
        .post(
            "/consents",
            None,
            &consent_registration(&before, Some(&*holder), now),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (record, _) = consent_record(now);
    let revoke = json!({"status": {"uri": reference.uri.as_str(), "idx": reference.index.get()}});
    let (status, body) = issuer
        .post(
            "/admin/credentials/revoke",
            Some(&issuer.admins.officer),
            &revoke,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = issuer
        .post(
            "/consents",
            None,
            &consent_registration(&record, Some(&*holder), now),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unknown_holder")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_offers_and_their_tokens_write_no_row() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let before = issuer.rows();
    let mut codes = Vec::new();
    for i in 0..1_000 {
        let (path, body) = if i % 2 == 0 {
            ("/pseudonym-offers", json!({"context": "maebashi-forum"}))
        } else {
            ("/refresh-offers", json!({"credential": "age"}))
        };
        let (status, created) = issuer.post(path, None, &body).await;
        assert_eq!(status, 201, "{created}");
        codes.push(code_of(&created));
    }
    for code in codes.iter().take(100) {
        let (status, body) = issuer.token(code).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
    }
    assert_eq!(issuer.rows(), before);

    // A code carries its offer under the issuer's MAC: altered, it is refused.
    let mut altered = codes[0].clone();
    let last = if altered.ends_with('A') { "B" } else { "A" };
    altered.replace_range(altered.len() - 1.., last);
    let (status, body) = issuer.token(&altered).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // …and it expires like a stored offer (900 s).
    issuer.clock.advance(900);
    let (status, body) = issuer.token(&codes[1]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_service_token_cannot_redeem_a_credential_without_evidence() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let (status, created) = issuer
        .post(
            "/pseudonym-offers",
            None,
            &json!({"context": "maebashi-forum"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, token) = issuer.token(&code_of(&created)).await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().unwrap().to_owned();
    let rows = issuer.rows();
    let holder = signer();
    let nonce = issuer.nonce().await;
    let proof = build_key_proof(
        &*holder,
        &IssuerId::new(ISS).unwrap(),
        Some(&nonce),
        issuer.now(),
    )
    .unwrap();
    let request =
        json!({"credential_configuration_id": "context_pseudonym", "proofs": {"jwt": [proof]}});
    let (status, body) = issuer.post("/credential", Some(&token), &request).await;
    assert_eq!(status, 400, "{body}");
    // Without the anchor presentation nothing was written, not even the nonce.
    assert_eq!(issuer.rows(), rows);
    let (status, body) = issuer.post("/credential", Some(&token), &request).await;
    assert_ne!(
        body["error"].as_str(),
        Some("invalid_nonce"),
        "{status} {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trust_entry_is_signed_once() {
    let world = World::new();
    let issuer = Issuer::open(&world);
    let get = || {
        Request::builder()
            .uri("/trust-entry")
            .body(Body::empty())
            .unwrap()
    };
    let (status, first) = issuer.call(get()).await;
    assert_eq!(status, 200, "{first}");
    issuer.clock.advance(3_600);
    let (_, second) = issuer.call(get()).await;
    // Re-signed, its `iat` would have moved with the clock.
    assert_eq!(first, second);
    let entry = myna_vc_core::trust_entry::verify(
        first.as_str().unwrap(),
        default_provider(),
        issuer.now(),
    )
    .unwrap();
    assert_eq!(entry.entry().id, ISS);
}

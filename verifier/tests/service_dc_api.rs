//! The service's encrypted cross-device answers and its Digital Credentials API routes over a
//! loopback socket: `direct_post.jwt` by default (a plain answer is 400
//! `response_mode_downgrade`), `direct_post` on request; `POST /requests` with `dc_api` for an
//! allowed origin only; `POST /requests/{id}/dc-api` deciding the browser's answer (another
//! origin's presentation refused, a second answer refused); `GET /requests/{id}/decision`
//! pending, then the decision; the register token guarding the counter's new routes.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::dcql::QueryId;
use myna_verifier::core::oid4vp::{
    AuthorizationResponse, DcApiRequest, DcApiResponse, Origin as WebOrigin, RequestLink,
    RequestTrust, State, VpToken,
};
use myna_verifier::core::time::Clock;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::register_token::RegisterToken;
use myna_verifier::service::{
    self, CrossDeviceMode, EdgeConfig, Origin, ServiceOptions, ServiceState,
};
use serde_json::{json, Value};

const PUBLIC: &str = "https://shop.example";
const PAGE: &str = "https://shop.example";
const TOKEN: &str = "register-token-0123456789abcdefghijklmn";
const FORM: &str = "application/x-www-form-urlencoded";

struct Shop {
    base: String,
    client: reqwest::Client,
}

impl Shop {
    async fn start(world: &World, mode: CrossDeviceMode) -> Shop {
        let ledger = Arc::new(MemoryLedger::new());
        let policy = policy_from_spec("age-over-20", ledger).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let options = ServiceOptions {
            public_url: PUBLIC.into(),
            allowed_origins: vec![PAGE.parse::<Origin>().unwrap()],
            register_token: Some(RegisterToken::new(TOKEN).unwrap()),
            response_mode: mode,
            ..ServiceOptions::default()
        };
        let state = ServiceState::new(world.verifier.clone(), vec![policy], options).unwrap();
        tokio::spawn(service::serve(
            listener,
            state,
            EdgeConfig::default(),
            std::future::pending(),
        ));
        Shop {
            base,
            client: reqwest::Client::new(),
        }
    }

    fn url(&self, uri: &str) -> String {
        if uri.starts_with('/') {
            format!("{}{uri}", self.base)
        } else {
            uri.replace(PUBLIC, &self.base)
        }
    }

    /// `POST /requests` with `body`: status and JSON.
    async fn create(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/requests"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn post(&self, uri: &str, content_type: &str, body: String, token: bool) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url(uri))
            .header("content-type", content_type)
            .body(body);
        if token {
            request = request.bearer_auth(TOKEN);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn poll(&self, id: &str, token: bool) -> (u16, Value) {
        let mut request = self
            .client
            .get(self.url(&format!("/requests/{id}/decision")));
        if token {
            request = request.bearer_auth(TOKEN);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

/// An adult's age presentation bound to `audience` and `nonce`, as a `vp_token`.
fn age_token(world: &World, audience: &str, nonce: &str) -> VpToken {
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    let presentation = present_at(
        &sd,
        &holder,
        &["age_over_20"],
        audience,
        nonce,
        world.clock.now(),
    );
    let mut token = VpToken::new();
    token.push(&QueryId::parse("age").unwrap(), presentation);
    token
}

/// The wallet's cross-device answer to the created request, in the request's response mode.
fn cross_device_answer(world: &World, created: &Value) -> (String, String) {
    let link = created["authorization_request"].as_str().unwrap();
    let RequestLink::ByValue(request) = RequestLink::parse(link).unwrap() else {
        panic!("by value: {link}")
    };
    let response = AuthorizationResponse {
        vp_token: age_token(world, AUDIENCE, request.nonce.as_str()),
        state: created["state"].as_str().map(|s| State::parse(s).unwrap()),
    };
    (response.to_form_for(&request).unwrap(), response.to_form())
}

/// What the browser hands the page for the created request's `dc_api` when the page is at
/// `origin`.
fn dc_api_answer(world: &World, created: &Value, origin: &str) -> Value {
    let shown = &created["dc_api"];
    let protocol = shown["protocol"].as_str().unwrap();
    let received = DcApiRequest::from_api(
        protocol,
        &shown["data"],
        &WebOrigin::parse(origin).unwrap(),
        &RequestTrust::none(),
        world.clock.now(),
    )
    .unwrap();
    let token = age_token(
        world,
        &received.kb_audience(),
        received.request.nonce.as_str(),
    );
    let data = DcApiResponse::Success(token)
        .to_data(&received.request)
        .unwrap();
    json!({"protocol": protocol, "data": data})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_device_answers_are_encrypted_and_a_page_polls_the_decision() {
    let world = World::new();
    let shop = Shop::start(&world, CrossDeviceMode::default()).await;
    let (status, created) = shop.create(json!({"policy": "age-over-20"})).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["response_mode"], "direct_post.jwt");
    assert!(created.get("dc_api").is_none());
    let id = created["request_id"].as_str().unwrap();
    // Before the wallet answers: pending; the counter's token is needed.
    assert_eq!(
        shop.poll(id, true).await,
        (202, json!({"state": "pending"}))
    );
    assert_eq!(shop.poll(id, false).await.0, 401);
    let (encrypted, _) = cross_device_answer(&world, &created);
    assert!(encrypted.starts_with("response="));
    let uri = created["response_uri"].as_str().unwrap();
    let (status, decision) = shop.post(uri, FORM, encrypted.clone(), false).await;
    assert_eq!(status, 200);
    assert_eq!(decision["accepted"], true, "{decision}");
    // The page's poll now gives the same decision; the answer is not taken twice.
    assert_eq!(shop.poll(id, true).await, (200, decision.clone()));
    assert_eq!(shop.post(uri, FORM, encrypted, false).await.0, 404);
    assert_eq!(shop.poll("no-such-request", true).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_answer_to_an_encrypted_request_is_a_downgrade() {
    let world = World::new();
    let shop = Shop::start(&world, CrossDeviceMode::default()).await;
    let (_, created) = shop.create(json!({"policy": "age-over-20"})).await;
    let (_, plain) = cross_device_answer(&world, &created);
    let uri = created["response_uri"].as_str().unwrap();
    let (status, refused) = shop.post(uri, FORM, plain, false).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"], "response_mode_downgrade");
    assert_eq!(refused["decision"]["accepted"], false);
    assert_eq!(refused["decision"]["reason"], "response_mode_downgrade");
    // The request is used up: what polls learns the refusal.
    let id = created["request_id"].as_str().unwrap();
    let (status, polled) = shop.poll(id, true).await;
    assert_eq!(
        (status, &polled["reason"]),
        (200, &json!("response_mode_downgrade"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_service_takes_plain_answers() {
    let world = World::new();
    let shop = Shop::start(&world, CrossDeviceMode::DirectPost).await;
    let (_, created) = shop.create(json!({"policy": "age-over-20"})).await;
    assert_eq!(created["response_mode"], "direct_post");
    let (same, plain) = cross_device_answer(&world, &created);
    assert_eq!(same, plain);
    let uri = created["response_uri"].as_str().unwrap();
    let (status, decision) = shop.post(uri, FORM, plain, false).await;
    assert_eq!((status, &decision["accepted"]), (200, &json!(true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dc_api_routes_decide_the_browsers_answer_for_an_allowed_origin_only() {
    let world = World::new();
    let shop = Shop::start(&world, CrossDeviceMode::default()).await;
    // Only an allowed origin, exactly.
    for origin in [
        "https://evil.example",
        "https://shop.example/",
        "not an origin",
    ] {
        let (status, refused) = shop
            .create(json!({"policy": "age-over-20", "dc_api": {"origin": origin}}))
            .await;
        assert_eq!(
            (status, &refused["error"]),
            (400, &json!("origin_not_allowed")),
            "{origin}"
        );
    }
    let ask = json!({"policy": "age-over-20", "dc_api": {"origin": PAGE}});
    let (status, created) = shop.create(ask.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["dc_api"]["protocol"], "openid4vp-v1-unsigned");
    assert_eq!(created["dc_api"]["data"]["response_mode"], "dc_api.jwt");
    let id = created["request_id"].as_str().unwrap();
    let route = format!("/requests/{id}/dc-api");
    let answer = dc_api_answer(&world, &created, PAGE);
    // The counter's token is needed, checked before the answer is looked at.
    assert_eq!(
        shop.post(&route, "application/json", answer.to_string(), false)
            .await
            .0,
        401
    );
    let (status, decision) = shop
        .post(&route, "application/json", answer.to_string(), true)
        .await;
    assert_eq!(status, 200);
    assert_eq!(decision["accepted"], true, "{decision}");
    assert_eq!(decision["credentials"][0]["claims"]["age_over_20"], true);
    assert_eq!(shop.poll(id, true).await, (200, decision));
    // The same answer again: the request was answered.
    let (status, again) = shop
        .post(&route, "application/json", answer.to_string(), true)
        .await;
    assert_eq!((status, &again["error"]), (404, &json!("unknown_request")));

    // A presentation made for another origin (a page elsewhere relayed the request).
    let (_, created) = shop.create(ask.clone()).await;
    let id = created["request_id"].as_str().unwrap();
    let foreign = dc_api_answer(&world, &created, "https://evil.example");
    let (status, decision) = shop
        .post(
            &format!("/requests/{id}/dc-api"),
            "application/json",
            foreign.to_string(),
            true,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(decision["reason"], "not_bound_to_request", "{decision}");

    // Garbage is a refusal with a reason, not an error of the service.
    let (_, created) = shop.create(ask).await;
    let id = created["request_id"].as_str().unwrap();
    let (status, decision) = shop
        .post(
            &format!("/requests/{id}/dc-api"),
            "application/json",
            "{\"data\": 7".into(),
            true,
        )
        .await;
    assert_eq!((status, &decision["accepted"]), (200, &json!(false)));
    assert_eq!(decision["reason"], "unreadable", "{decision}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_dc_api_refuses_the_dc_api_route_and_stays_open() {
    let world = World::new();
    let shop = Shop::start(&world, CrossDeviceMode::default()).await;
    let (_, created) = shop.create(json!({"policy": "age-over-20"})).await;
    let id = created["request_id"].as_str().unwrap();
    let (status, refused) = shop
        .post(
            &format!("/requests/{id}/dc-api"),
            "application/json",
            "{}".into(),
            true,
        )
        .await;
    assert_eq!(
        (status, &refused["error"]),
        (400, &json!("not_a_dc_api_request"))
    );
    assert_eq!(shop.poll(id, true).await.0, 202);
    let (encrypted, _) = cross_device_answer(&world, &created);
    let uri = created["response_uri"].as_str().unwrap();
    let (_, decision) = shop.post(uri, FORM, encrypted, false).await;
    assert_eq!(decision["accepted"], true, "{decision}");
}

//! `POST /requests` under hostile clients (issue 17): open requests bounded per client (256) and
//! in all (20,000), freed when answered or expired, a register token checked before the body,
//! and every refusal in the JSON error shape. Driven through `router()` with tower's `oneshot`,
//! each request labelled with its peer as the server loop labels it (`ConnectInfo`); time moves
//! through the verifier's clock.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use common::*;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::pending::{MAX_OPEN_PER_CLIENT, MAX_OPEN_TOTAL};
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::register_token::RegisterToken;
use myna_verifier::service::{
    router, ServiceOptions, ServiceState, MAX_BODY_BYTES, REQUEST_TTL_SECS,
};
use serde_json::Value;
use tower::ServiceExt;

const TOKEN: &str = "register-token-0123456789-abcdefghij";
const CREATE: &str = r#"{"policy": "age-over-20"}"#;

fn app(world: &World, register_token: Option<RegisterToken>) -> Router {
    let ledger = Arc::new(MemoryLedger::new());
    let policies = vec![policy_from_spec("age-over-20", ledger).unwrap()];
    let options = ServiceOptions {
        public_url: "https://shop.example".into(),
        register_token,
        ..ServiceOptions::default()
    };
    router(ServiceState::new(world.verifier.clone(), policies, options).unwrap())
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The `n`-th of many distinct IPv4 clients.
fn nth_client(n: u32) -> IpAddr {
    IpAddr::from(std::net::Ipv4Addr::from((10u32 << 24) | n))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Answer {
    fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        json,
    }
}

fn post(path: &str, from: Option<IpAddr>, content_type: Option<&str>, body: Body) -> Request<Body> {
    let mut request = Request::post(path);
    if let Some(from) = from {
        request = request.extension(ConnectInfo(SocketAddr::new(from, 50_000)));
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body).unwrap()
}

async fn create(app: &Router, from: IpAddr) -> Answer {
    create_with(app, from, None).await
}

async fn create_with(app: &Router, from: IpAddr, authorization: Option<&str>) -> Answer {
    let mut request = post(
        "/requests",
        Some(from),
        Some("application/json"),
        CREATE.into(),
    );
    if let Some(value) = authorization {
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, value.parse().unwrap());
    }
    send(app, request).await
}

/// Answers the open request `id` (with an answer that does not decrypt: the decision is a
/// rejection, but the request is answered all the same).
async fn answer(app: &Router, id: &str, from: IpAddr) -> Answer {
    let path = format!("/requests/{id}/response");
    let form = "application/x-www-form-urlencoded";
    send(
        app,
        post(&path, Some(from), Some(form), "response=x".into()),
    )
    .await
}

async fn pending_requests(app: &Router) -> u64 {
    let request = Request::get("/health").body(Body::empty()).unwrap();
    send(app, request).await.json["pending_requests"]
        .as_u64()
        .unwrap()
}

fn assert_json_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.json);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/json",
        "{}",
        answer.json
    );
    assert_eq!(answer.error(), code, "{}", answer.json);
    assert!(
        answer.json["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{}",
        answer.json
    );
}

#[tokio::test]
async fn a_client_past_256_open_requests_gets_429_while_another_is_served() {
    let world = World::new();
    let app = app(&world, None);
    let shop = ip("192.0.2.10");
    for _ in 0..MAX_OPEN_PER_CLIENT {
        assert_eq!(create(&app, shop).await.status, StatusCode::CREATED);
    }
    let refused = create(&app, shop).await;
    assert_json_error(
        &refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_open_requests",
    );
    // The client's oldest request frees its place when it expires, a full TTL from now.
    assert_eq!(
        refused.headers[header::RETRY_AFTER],
        REQUEST_TTL_SECS.to_string()
    );
    let other = create(&app, ip("192.0.2.11")).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.json);
    assert_eq!(
        pending_requests(&app).await,
        u64::try_from(MAX_OPEN_PER_CLIENT).unwrap() + 1
    );
}

#[tokio::test]
async fn ipv6_clients_are_counted_by_their_64_prefix() {
    let world = World::new();
    let app = app(&world, None);
    // A peer rotating through the addresses of its /64 is still one client.
    for n in 0..MAX_OPEN_PER_CLIENT {
        let from = ip(&format!("2001:db8:7:1::{:x}", n + 1));
        assert_eq!(create(&app, from).await.status, StatusCode::CREATED);
    }
    let refused = create(&app, ip("2001:db8:7:1:ffff::1")).await;
    assert_json_error(
        &refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_open_requests",
    );
    let neighbour = create(&app, ip("2001:db8:7:2::1")).await;
    assert_eq!(neighbour.status, StatusCode::CREATED);
}

#[tokio::test]
async fn answered_and_expired_requests_free_the_quota() {
    let world = World::new();
    let app = app(&world, None);
    let shop = ip("198.51.100.4");
    let mut ids = Vec::new();
    for _ in 0..MAX_OPEN_PER_CLIENT {
        let created = create(&app, shop).await;
        assert_eq!(created.status, StatusCode::CREATED);
        ids.push(created.json["request_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        create(&app, shop).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Answered (by a wallet elsewhere): one place frees, and only one.
    let answered = answer(&app, &ids[0], ip("203.0.113.99")).await;
    assert_eq!(answered.status, StatusCode::OK);
    assert_eq!(answered.json["accepted"], false);
    assert_eq!(create(&app, shop).await.status, StatusCode::CREATED);
    assert_eq!(
        create(&app, shop).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A second before expiry, still full; at expiry, everything held is gone.
    world
        .clock
        .set(t(i64::try_from(REQUEST_TTL_SECS).unwrap() - 1));
    let refused = create(&app, shop).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers[header::RETRY_AFTER], "1");
    world.clock.set(t(i64::try_from(REQUEST_TTL_SECS).unwrap()));
    assert_eq!(create(&app, shop).await.status, StatusCode::CREATED);
    assert_eq!(pending_requests(&app).await, 1);
    // An expired request answered late: gone (its place was freed by the purge).
    let late = answer(&app, &ids[1], shop).await;
    assert_json_error(&late, StatusCode::NOT_FOUND, "unknown_request");
}

#[tokio::test]
async fn the_service_holds_at_most_20000_open_requests() {
    let world = World::new();
    let app = app(&world, None);
    let per_client = u32::try_from(MAX_OPEN_PER_CLIENT).unwrap();
    let clients = u32::try_from(MAX_OPEN_TOTAL).unwrap().div_ceil(per_client);
    let mut created = 0usize;
    let mut unavailable = Vec::new();
    for n in 0..clients {
        for _ in 0..per_client {
            let answer = create(&app, nth_client(n)).await;
            match answer.status {
                StatusCode::CREATED => created += 1,
                _ => unavailable.push(answer),
            }
        }
    }
    assert_eq!(created, MAX_OPEN_TOTAL);
    let expected_refusals = usize::try_from(clients * per_client).unwrap() - MAX_OPEN_TOTAL;
    assert_eq!(unavailable.len(), expected_refusals);
    for refused in &unavailable {
        assert_json_error(refused, StatusCode::SERVICE_UNAVAILABLE, "try_again");
        assert_eq!(
            refused.headers[header::RETRY_AFTER],
            REQUEST_TTL_SECS.to_string()
        );
    }
    let newcomer = create(&app, ip("203.0.113.1")).await;
    assert_json_error(&newcomer, StatusCode::SERVICE_UNAVAILABLE, "try_again");
    world.clock.set(t(i64::try_from(REQUEST_TTL_SECS).unwrap()));
    assert_eq!(
        create(&app, ip("203.0.113.1")).await.status,
        StatusCode::CREATED
    );
    assert_eq!(pending_requests(&app).await, 1);
}

#[tokio::test]
async fn a_flood_of_100000_requests_from_one_client_leaves_another_served() {
    let world = World::new();
    let app = app(&world, None);
    let attacker = ip("192.0.2.66");
    let register = ip("192.0.2.1");
    let (mut created, mut refused) = (0usize, 0usize);
    let mut served = 0usize;
    for n in 0..100_000u32 {
        let answer = create(&app, attacker).await;
        match answer.status {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}: {}", answer.json),
        }
        // The shop's register, now and then during the flood: created and answered.
        if n % 1_000 == 999 {
            let request = create(&app, register).await;
            assert_eq!(request.status, StatusCode::CREATED, "{}", request.json);
            let id = request.json["request_id"].as_str().unwrap();
            assert_eq!(answer_status(&app, id, register).await, StatusCode::OK);
            served += 1;
        }
    }
    assert_eq!(created, MAX_OPEN_PER_CLIENT);
    assert_eq!(refused, 100_000 - MAX_OPEN_PER_CLIENT);
    assert_eq!(served, 100);
    assert_eq!(
        pending_requests(&app).await,
        u64::try_from(MAX_OPEN_PER_CLIENT).unwrap()
    );
}

async fn answer_status(app: &Router, id: &str, from: IpAddr) -> StatusCode {
    answer(app, id, from).await.status
}

#[tokio::test]
async fn requests_without_a_recorded_peer_share_one_quota() {
    let world = World::new();
    let app = app(&world, None);
    let anonymous = || post("/requests", None, Some("application/json"), CREATE.into());
    for _ in 0..MAX_OPEN_PER_CLIENT {
        assert_eq!(send(&app, anonymous()).await.status, StatusCode::CREATED);
    }
    let refused = send(&app, anonymous()).await;
    assert_json_error(
        &refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_open_requests",
    );
}

#[tokio::test]
async fn with_a_register_token_only_its_holder_creates_requests() {
    let world = World::new();
    let app = app(&world, Some(RegisterToken::new(TOKEN).unwrap()));
    let shop = ip("192.0.2.20");

    let none = create_with(&app, shop, None).await;
    assert_json_error(&none, StatusCode::UNAUTHORIZED, "invalid_token");
    assert_eq!(none.headers[header::WWW_AUTHENTICATE], "Bearer");
    let wrong = create_with(&app, shop, Some(&format!("Bearer {TOKEN}x"))).await;
    assert_json_error(&wrong, StatusCode::UNAUTHORIZED, "invalid_token");
    assert_eq!(wrong.headers[header::WWW_AUTHENTICATE], "Bearer");
    let basic = create_with(&app, shop, Some(&format!("Basic {TOKEN}"))).await;
    assert_json_error(&basic, StatusCode::UNAUTHORIZED, "invalid_token");
    assert_eq!(pending_requests(&app).await, 0);

    let right = create_with(&app, shop, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.json);
    let lowercase = create_with(&app, shop, Some(&format!("bearer {TOKEN}"))).await;
    assert_eq!(lowercase.status, StatusCode::CREATED, "{}", lowercase.json);

    // The wallet's routes stay open: the request id is the capability.
    let id = right.json["request_id"].as_str().unwrap();
    let answered = answer(&app, id, ip("203.0.113.5")).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.json);
    assert_eq!(answered.json["policy"], "age-over-20");
}

#[tokio::test]
async fn the_register_token_is_checked_before_the_body_is_read() {
    let world = World::new();
    let app = app(&world, Some(RegisterToken::new(TOKEN).unwrap()));
    let shop = ip("192.0.2.21");
    // A body over the limit (no Content-Length, so only reading it would find out) and a
    // malformed one: without the token both are refused 401, not 413 or 400.
    let oversized = || Body::from(vec![b' '; MAX_BODY_BYTES + 1]);
    let big = send(
        &app,
        post(
            "/requests",
            Some(shop),
            Some("application/json"),
            oversized(),
        ),
    )
    .await;
    assert_json_error(&big, StatusCode::UNAUTHORIZED, "invalid_token");
    let garbled = send(
        &app,
        post(
            "/requests",
            Some(shop),
            Some("application/json"),
            "{".into(),
        ),
    )
    .await;
    assert_json_error(&garbled, StatusCode::UNAUTHORIZED, "invalid_token");
    // With the token, the same bodies are read and refused for what they are.
    let mut with_token = post(
        "/requests",
        Some(shop),
        Some("application/json"),
        oversized(),
    );
    with_token.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {TOKEN}").parse().unwrap(),
    );
    let big = send(&app, with_token).await;
    assert_json_error(&big, StatusCode::PAYLOAD_TOO_LARGE, "invalid_request");
}

#[tokio::test]
async fn malformed_bodies_are_refused_in_json_saying_what_is_wrong() {
    let world = World::new();
    let app = app(&world, None);
    let shop = Some(ip("192.0.2.30"));
    let json = Some("application/json");

    let syntax = send(&app, post("/requests", shop, json, "{".into())).await;
    assert_json_error(&syntax, StatusCode::BAD_REQUEST, "invalid_request");
    let described = syntax.json["error_description"].as_str().unwrap();
    assert!(
        described.contains(r#"expected {"policy": "<name>"}"#),
        "{described}"
    );
    assert!(described.contains("EOF"), "{described}");

    let data = send(
        &app,
        post("/requests", shop, json, r#"{"policy": 5}"#.into()),
    )
    .await;
    assert_json_error(&data, StatusCode::BAD_REQUEST, "invalid_request");
    let described = data.json["error_description"].as_str().unwrap();
    assert!(described.contains("invalid type"), "{described}");

    let untyped = send(&app, post("/requests", shop, None, CREATE.into())).await;
    assert_json_error(
        &untyped,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "invalid_request",
    );

    let unknown = send(
        &app,
        post("/requests", shop, json, r#"{"policy": "nope"}"#.into()),
    )
    .await;
    assert_json_error(&unknown, StatusCode::NOT_FOUND, "unknown_policy");

    // The wallet's answer must be text; bytes that are not UTF-8 are refused before the
    // request is looked up, so the request stays open.
    let created = create(&app, ip("192.0.2.30")).await;
    let id = created.json["request_id"].as_str().unwrap();
    let path = format!("/requests/{id}/response");
    let binary = Body::from(vec![0xff, 0xfe, 0x00]);
    let refused = send(&app, post(&path, shop, None, binary)).await;
    assert_json_error(&refused, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(
        answer_status(&app, id, ip("192.0.2.30")).await,
        StatusCode::OK
    );
    let again = answer(&app, id, ip("192.0.2.30")).await;
    assert_json_error(&again, StatusCode::NOT_FOUND, "unknown_request");
}

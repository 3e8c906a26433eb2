//! CORS over loopback: the wallet's routes of `myna verify serve` (the Request Object, the
//! `direct_post` response) answer a wallet web app on any origin; without `--allow-origin`,
//! `POST /requests` and the other routes answer no CORS at all; with it, the counter's routes
//! (policies, requests, compact, roster) answer that origin exactly and no other; the edge's
//! limits still hold.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::http::{header, roster_service, serve, status_line_of, ROSTER_TOKEN};
use common::*;
use myna_verifier::core::crypto::{default_provider, Algorithm, SecretKey};
use myna_verifier::core::jws::JwsHeader;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::service::{
    EdgeConfig, Origin, RequestSigner, ServiceOptions, ServiceState, MAX_BODY_BYTES,
};
use serde_json::{json, Value};

const PUBLIC: &str = "https://shop.example";
const ORIGIN: &str = "https://wallet.example";
const COUNTER: &str = "http://127.0.0.1:5173";

async fn start(config: EdgeConfig) -> (String, tokio::sync::oneshot::Sender<()>) {
    start_with(config, ServiceOptions::default()).await
}

/// The service with `extra`'s allowed origins and roster.
async fn start_with(
    config: EdgeConfig,
    extra: ServiceOptions,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let world = World::new();
    let ledger = Arc::new(MemoryLedger::new());
    let policies = vec![policy_from_spec("age-over-20", ledger).unwrap()];
    let options = ServiceOptions {
        public_url: PUBLIC.into(),
        request_signer: Some(RequestSigner {
            signer: default_provider()
                .signer(&SecretKey::generate_p256().unwrap())
                .unwrap(),
            header: JwsHeader::new(Algorithm::Es256).with_kid("request-key-1"),
        }),
        allowed_origins: extra.allowed_origins,
        roster: extra.roster,
        ..ServiceOptions::default()
    };
    let state = ServiceState::new(world.verifier.clone(), policies, options).unwrap();
    serve(state, config).await
}

async fn create(base: &str) -> Value {
    let response = send(
        reqwest::Client::new()
            .post(format!("{base}/requests"))
            .json(&json!({"policy": "age-over-20"})),
        ORIGIN,
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_no_cors(&response, "POST /requests");
    response.json().await.unwrap()
}

async fn preflight(url: &str, method: &str) -> reqwest::Response {
    preflight_from(url, method, ORIGIN).await
}

/// `request`, sent from a page on `origin`.
async fn send(request: reqwest::RequestBuilder, origin: &str) -> reqwest::Response {
    request.header("origin", origin).send().await.unwrap()
}

/// The origin `response` allows, if any.
fn allowed_origin(response: &reqwest::Response) -> Option<&str> {
    header(response, "access-control-allow-origin")
}

/// Asserts that the preflight `answer` for `method` (on `what`) succeeded and allows `origin`,
/// without credentials, with the `authorization` and `content-type` request headers.
fn assert_preflight_allows(answer: &reqwest::Response, origin: &str, method: &str, what: &str) {
    assert!(answer.status().is_success(), "{what}: {}", answer.status());
    assert_eq!(allowed_origin(answer), Some(origin), "{what}");
    assert_eq!(
        header(answer, "access-control-allow-credentials"),
        None,
        "{what}"
    );
    let headers = header(answer, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{what}: {headers}"
    );
    assert!(
        header(answer, "access-control-allow-methods")
            .unwrap_or_default()
            .contains(method),
        "{what}"
    );
}

fn assert_no_cors(response: &reqwest::Response, what: &str) {
    let cors: Vec<_> = response
        .headers()
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{what}: {cors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_routes_answer_cors_and_nothing_else_does() {
    let (base, _stop) = start(EdgeConfig::default()).await;
    let client = reqwest::Client::new();
    let local = |uri: &str| uri.replace(PUBLIC, &base);
    let request = create(&base).await;
    let response_uri = local(request["response_uri"].as_str().unwrap());
    let object_uri = local(request["request_uri"].as_str().unwrap());

    let answer = preflight(&response_uri, "POST").await;
    assert_preflight_allows(&answer, "*", "POST", "the response URI");
    assert_eq!(header(&answer, "access-control-max-age"), Some("600"));

    let object = send(client.get(&object_uri), ORIGIN).await;
    assert_eq!(object.status(), 200);
    assert_eq!(allowed_origin(&object), Some("*"));

    // The decision on a garbage answer is readable from the wallet's origin.
    let decision = send(
        client
            .post(&response_uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "vp_token=garbage&state={}",
                request["state"].as_str().unwrap()
            )),
        ORIGIN,
    )
    .await;
    assert_eq!(allowed_origin(&decision), Some("*"));
    let refused: Value = decision.json().await.unwrap();
    assert!(
        refused["accepted"] == false || refused["error"].is_string(),
        "{refused}"
    );

    // The point-of-sale routes and the rest: no CORS, preflight or not.
    for (path, method) in [
        ("/requests", "POST"),
        ("/health", "GET"),
        ("/policies", "GET"),
        ("/gate/challenge", "GET"),
        ("/requests/abc/compact", "POST"),
    ] {
        let answer = preflight(&format!("{base}{path}"), method).await;
        assert!(!answer.status().is_success(), "{path}: {}", answer.status());
        assert_no_cors(&answer, path);
    }
    let health = send(client.get(format!("{base}/health")), ORIGIN).await;
    assert_eq!(health.status(), 200);
    assert_no_cors(&health, "GET /health");
}

async fn preflight_from(url: &str, method: &str, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, url)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_allow_origin_the_counter_routes_answer_that_origin_only() {
    let dir = tempfile::tempdir().unwrap();
    let extra = ServiceOptions {
        allowed_origins: vec![COUNTER.parse::<Origin>().unwrap()],
        roster: Some(roster_service(dir.path())),
        ..ServiceOptions::default()
    };
    let (base, _stop) = start_with(EdgeConfig::default(), extra).await;
    let client = reqwest::Client::new();
    let counter_routes = [
        ("/policies", "GET"),
        ("/requests", "POST"),
        ("/requests/abc/compact", "POST"),
        ("/roster", "POST"),
        ("/roster/summary", "GET"),
    ];
    for (path, method) in counter_routes {
        let allowed = preflight_from(&format!("{base}{path}"), method, COUNTER).await;
        assert_preflight_allows(&allowed, COUNTER, method, path);
        assert!(header(&allowed, "vary")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("origin"));
        // Another origin (the wallet's, or a near miss of the counter's) gets nothing.
        for other in [ORIGIN, "http://127.0.0.1:5174", "https://127.0.0.1:5173"] {
            let refused = preflight_from(&format!("{base}{path}"), method, other).await;
            assert_eq!(allowed_origin(&refused), None, "{path} from {other}");
        }
    }

    // The actual requests carry the header for the counter, and not for another origin.
    let policies = send(client.get(format!("{base}/policies")), COUNTER).await;
    assert_eq!(policies.status(), 200);
    assert_eq!(allowed_origin(&policies), Some(COUNTER));
    let elsewhere = send(client.get(format!("{base}/policies")), ORIGIN).await;
    assert_eq!(elsewhere.status(), 200);
    assert_no_cors(&elsewhere, "GET /policies from another origin");
    let created = send(
        client
            .post(format!("{base}/requests"))
            .json(&json!({"policy": "age-over-20"})),
        COUNTER,
    )
    .await;
    assert_eq!(created.status(), 201);
    assert_eq!(allowed_origin(&created), Some(COUNTER));
    let request: Value = created.json().await.unwrap();
    let compact = send(
        client
            .post(format!(
                "{base}/requests/{}/compact",
                request["request_id"].as_str().unwrap()
            ))
            .body("MV1:not-a-presentation"),
        COUNTER,
    )
    .await;
    assert_eq!(allowed_origin(&compact), Some(COUNTER));
    let decision: Value = compact.json().await.unwrap();
    assert_eq!(decision["reason"], "unreadable");
    // The roster's refusal is readable by the page too (it can tell the desk the token is wrong).
    let summary = send(client.get(format!("{base}/roster/summary")), COUNTER).await;
    assert_eq!(summary.status(), 401);
    assert_eq!(allowed_origin(&summary), Some(COUNTER));
    let summary = send(
        client
            .get(format!("{base}/roster/summary"))
            .bearer_auth(ROSTER_TOKEN),
        COUNTER,
    )
    .await;
    assert_eq!(summary.status(), 200);
    assert_eq!(allowed_origin(&summary), Some(COUNTER));

    // The wallet's routes keep answering any origin; the rest answer none, even the counter.
    let local = |uri: &str| uri.replace(PUBLIC, &base);
    let object = send(
        client.get(local(request["request_uri"].as_str().unwrap())),
        ORIGIN,
    )
    .await;
    assert_eq!(allowed_origin(&object), Some("*"));
    for (path, method) in [("/health", "GET"), ("/gate/challenge", "GET")] {
        let answer = preflight_from(&format!("{base}{path}"), method, COUNTER).await;
        assert_no_cors(&answer, path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_allow_origin_the_roster_routes_answer_no_cors() {
    let dir = tempfile::tempdir().unwrap();
    let extra = ServiceOptions {
        roster: Some(roster_service(dir.path())),
        ..ServiceOptions::default()
    };
    let (base, _stop) = start_with(EdgeConfig::default(), extra).await;
    for (path, method) in [("/roster", "POST"), ("/roster/summary", "GET")] {
        let answer = preflight_from(&format!("{base}{path}"), method, COUNTER).await;
        assert_no_cors(&answer, path);
    }
    let summary = send(
        reqwest::Client::new()
            .get(format!("{base}/roster/summary"))
            .bearer_auth(ROSTER_TOKEN),
        COUNTER,
    )
    .await;
    assert_eq!(summary.status(), 200);
    assert_no_cors(&summary, "GET /roster/summary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_limits_still_apply_to_the_wallet_routes() {
    let config = EdgeConfig {
        requests_per_second_per_client: 1,
        burst_per_client: 5,
        ..EdgeConfig::default()
    };
    let (base, _stop) = start(config).await;
    let request = create(&base).await;
    let response_uri = request["response_uri"]
        .as_str()
        .unwrap()
        .replace(PUBLIC, &base);

    // Only the head, declaring a body over the limit: the service answers 413 before reading
    // any of it (a client still writing 4 MiB would race that answer and see a broken pipe).
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: x\r\norigin: {ORIGIN}\r\ncontent-type: \
         application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
        response_uri.trim_start_matches(&base),
        MAX_BODY_BYTES + 1
    );
    let address = base.trim_start_matches("http://").to_owned();
    let status_line = tokio::task::spawn_blocking(move || status_line_of(&address, &head))
        .await
        .unwrap();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");

    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(preflight(&response_uri, "POST").await.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 429].contains(s)),
        "{statuses:?}"
    );
}

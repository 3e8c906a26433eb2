//! `myna verify serve`'s error answers are all the one JSON shape
//! `{"error", "error_description"}`: an unknown route (404), another method (405), a body over
//! the limit (413), bodies axum's extractors refuse (400), and the server loop's own refusals.
#![cfg(feature = "service")]
#![cfg(test)]

mod common;

use std::time::Duration;

use common::http::serve;
use common::*;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::service::{EdgeConfig, ServiceOptions, ServiceState, MAX_BODY_BYTES};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(config: EdgeConfig) -> (String, tokio::sync::oneshot::Sender<()>) {
    let world = World::new();
    let ledger = std::sync::Arc::new(MemoryLedger::new());
    let policies = vec![policy_from_spec("age-over-20", ledger).unwrap()];
    let options = ServiceOptions {
        public_url: "https://shop.example".into(),
        ..ServiceOptions::default()
    };
    let state = ServiceState::new(world.verifier.clone(), policies, options).unwrap();
    serve(state, config).await
}

async fn assert_json_error(response: reqwest::Response, status: u16, code: &str) {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{status}"
    );
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_answer_is_the_json_shape() {
    let (base, _stop) = start(EdgeConfig::default()).await;
    let client = reqwest::Client::new();

    let unknown = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_json_error(unknown, 404, "not_found").await;

    let wrong_method = client.get(format!("{base}/requests")).send().await.unwrap();
    assert_json_error(wrong_method, 405, "method_not_allowed").await;

    // A declared body over the limit is refused from its head (the client need not send it).
    let addr = base.trim_start_matches("http://");
    let mut raw = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /requests/abc/response HTTP/1.1\r\nhost: shop\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
        MAX_BODY_BYTES + 1
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), raw.read_to_end(&mut answer)).await;
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["error"], "too_large");

    // A body that is not UTF-8: axum's String extractor refuses it (plain text by itself).
    let not_text = client
        .post(format!("{base}/requests/abc/response"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0xfd])
        .send()
        .await
        .unwrap();
    assert_json_error(not_text, 400, "invalid_request").await;

    let not_json = client
        .post(format!("{base}/requests"))
        .header("content-type", "application/json")
        .body("{\"policy\":")
        .send()
        .await
        .unwrap();
    assert_json_error(not_json, 400, "invalid_request").await;

    // What works still answers as before.
    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_loop_limits_requests_and_stops_on_its_shutdown_future() {
    let config = EdgeConfig {
        requests_per_second_per_client: 1,
        burst_per_client: 3,
        ..EdgeConfig::default()
    };
    let (base, stop) = start(config).await;
    let client = reqwest::Client::new();
    let mut limited = None;
    for _ in 0..20 {
        let response = client.get(format!("{base}/health")).send().await.unwrap();
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), 200);
    }
    assert_json_error(limited.expect("limited"), 429, "rate_limited").await;

    stop.send(()).unwrap();
    let refused = async {
        loop {
            let fresh = reqwest::Client::new();
            if fresh.get(format!("{base}/health")).send().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), refused)
        .await
        .expect("the listener closes after shutdown");
}

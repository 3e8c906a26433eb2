//! The edge against clients that send slowly, much or often, on a real loopback listener;
//! two clients are two source addresses (127.0.0.2 and 127.0.0.3). Timeouts are configured
//! short (1–4 s) so the tests are quick; they assert what happens, not how fast.
#![cfg(test)]

mod support;

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use myna_edge::{EdgeConfig, RequestId};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

use support::*;

/// Reads a body frame by frame, keeping it (as a real handler that collects a body does),
/// and notifies `seen` once `signal_at` bytes have come; answers the length.
async fn collect(body: Body, seen: Arc<Notify>, signal_at: usize) -> Result<String, StatusCode> {
    let mut body = body;
    let mut kept = Vec::new();
    let mut total = 0;
    while let Some(frame) =
        std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await
    {
        let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            kept.push(data);
            if total >= signal_at {
                seen.notify_one();
            }
        }
    }
    Ok(total.to_string())
}

/// `/hello`, `/whoami` (the peer and request id the router sees), `/slow` (never answers
/// in time) and `/collect` (see [`collect`]).
fn app(seen: Arc<Notify>, signal_at: usize) -> Router {
    Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route(
            "/whoami",
            get(
                |ConnectInfo(peer): ConnectInfo<SocketAddr>,
                 Extension(id): Extension<RequestId>| async move {
                    Json(json!({"peer": peer.ip().to_string(), "request_id": id.to_string()}))
                },
            ),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "late"
            }),
        )
        .route(
            "/collect",
            post(move |body: Body| collect(body, seen, signal_at)),
        )
}

fn plain_app() -> Router {
    app(Arc::new(Notify::new()), usize::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_request_head_is_cut_off_at_the_header_timeout() {
    let server = Server::start(plain_app(), quick()).await;
    let mut slow = connect_from(A, server.addr).await;
    slow.write_all(b"GET /hello HTTP/1.1\r\nhost: te")
        .await
        .unwrap();
    assert!(is_closed(&mut slow).await, "a stalled head is closed");

    // Trickling a byte at a time does not keep the connection open either.
    let mut trickle = connect_from(A, server.addr).await;
    let mut cut = false;
    for byte in b"GET /hello HTTP/1.1\r\nx-a: b\r\n"
        .iter()
        .cycle()
        .take(200)
    {
        if trickle.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(cut, "a trickled head is cut off");

    // Meanwhile a client sending whole requests is served.
    assert_eq!(
        one_request(B, server.addr, &get_request("/hello"))
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let config = EdgeConfig {
        header_read_timeout_secs: 1,
        idle_timeout_secs: 4,
        ..quick()
    };
    let server = Server::start(plain_app(), config).await;
    let mut client = connect_from(A, server.addr).await;
    assert_eq!(
        exchange(&mut client, &get_request("/hello")).await.status,
        200
    );
    // Idle past the header timeout (1 s), well within the idle timeout (4 s): still open.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = exchange(&mut client, &get_request("/hello")).await;
    assert_eq!(again.status, 200, "kept alive past the header timeout");
    // Then idle for good: closed.
    assert!(is_closed(&mut client).await, "an idle connection is closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_past_its_connection_cap_is_refused_while_another_is_served() {
    let config = EdgeConfig {
        header_read_timeout_secs: 60,
        idle_timeout_secs: 60,
        ..quick()
    };
    let cap = config.max_connections_per_client;
    assert_eq!(cap, 64);
    let server = Server::start(plain_app(), config).await;
    let mut held = Vec::new();
    for _ in 0..cap {
        held.push(connect_from(A, server.addr).await);
    }
    let mut refused = connect_from(A, server.addr).await;
    let answer = read_answer(&mut refused).await.expect("a refusal");
    answer.assert_error(503, "too_many_connections");
    assert!(answer.headers.contains_key("x-request-id"));
    assert!(is_closed(&mut refused).await);

    assert_eq!(
        one_request(B, server.addr, &get_request("/hello"))
            .await
            .status,
        200
    );

    // One of A's connections closes: A may connect again.
    drop(held.pop());
    let mut served = false;
    for _ in 0..100 {
        let mut retry = connect_from(A, server.addr).await;
        retry.write_all(&get_request("/hello")).await.unwrap();
        if read_answer(&mut retry)
            .await
            .is_some_and(|a| a.status == 200)
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "a freed place is given back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_gets_429_json_while_another_is_served() {
    let config = EdgeConfig {
        requests_per_second_per_client: 1,
        burst_per_client: 5,
        ..quick()
    };
    let server = Server::start(plain_app(), config).await;
    let mut flood = connect_from(A, server.addr).await;
    let mut limited = None;
    for _ in 0..30 {
        let answer = exchange(&mut flood, &get_request("/hello")).await;
        if answer.status == 429 {
            limited = Some(answer);
            break;
        }
        assert_eq!(answer.status, 200);
    }
    let limited = limited.expect("the flood is limited");
    limited.assert_error(429, "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"].parse().unwrap();
    assert!(retry_after >= 1);
    assert!(limited.headers.contains_key("x-request-id"));

    assert_eq!(
        one_request(B, server.addr, &get_request("/hello"))
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_past_the_free_budget_are_answered_busy_and_past_the_whole_too_large() {
    let config = EdgeConfig {
        max_buffered_bytes: 1 << 20,
        body_read_timeout_secs: 30,
        request_timeout_secs: 60,
        ..quick()
    };
    let seen = Arc::new(Notify::new());
    let server = Server::start(app(Arc::clone(&seen), 900_000), config).await;

    // A holds 900 kB of the 1 MiB budget in a body being read.
    let mut upload = connect_from(A, server.addr).await;
    upload
        .write_all(&post_head("/collect", 1_000_000))
        .await
        .unwrap();
    upload.write_all(&vec![b'a'; 900_000]).await.unwrap();
    tokio::time::timeout(PATIENCE, seen.notified())
        .await
        .expect("the server read the first 900 kB");

    let busy = one_request(B, server.addr, &post_head("/collect", 500_000)).await;
    busy.assert_error(503, "busy");
    assert!(busy.headers.contains_key("retry-after"));
    let too_large = one_request(B, server.addr, &post_head("/collect", 2 << 20)).await;
    too_large.assert_error(413, "too_large");
    // Requests without a body are not held up.
    assert_eq!(
        one_request(B, server.addr, &get_request("/hello"))
            .await
            .status,
        200
    );

    upload.write_all(&vec![b'a'; 100_000]).await.unwrap();
    let done = read_answer(&mut upload).await.expect("the upload's answer");
    assert_eq!((done.status, done.body.as_slice()), (200, &b"1000000"[..]));

    // With A answered, its bytes are free again.
    let mut request = post_head("/collect", 500_000);
    request.extend(vec![b'b'; 500_000]);
    let mut served = None;
    for _ in 0..50 {
        let answer = one_request(B, server.addr, &request).await;
        if answer.status == 200 {
            served = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(served.expect("served once A is answered").body, b"500000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_answered_408_json() {
    let server = Server::start(plain_app(), quick()).await;
    let mut stalled = connect_from(A, server.addr).await;
    stalled
        .write_all(&post_head("/collect", 1000))
        .await
        .unwrap();
    stalled.write_all(&[b'x'; 10]).await.unwrap();
    let answer = read_answer(&mut stalled).await.expect("an answer");
    answer.assert_error(408, "request_timeout");
    assert_eq!(answer.headers["connection"], "close");
    assert!(is_closed(&mut stalled).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_request_timeout_is_answered_503_json() {
    let config = EdgeConfig {
        request_timeout_secs: 1,
        ..quick()
    };
    let server = Server::start(plain_app(), config).await;
    let answer = one_request(A, server.addr, &get_request("/slow")).await;
    answer.assert_error(503, "temporarily_unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heads_past_the_limits_are_answered_431_json() {
    let server = Server::start(plain_app(), quick()).await;
    let long = format!(
        "GET /hello HTTP/1.1\r\nhost: test\r\nx-long: {}\r\n\r\n",
        "v".repeat(20_000)
    );
    one_request(A, server.addr, long.as_bytes())
        .await
        .assert_error(431, "headers_too_large");
    let fields: String = (0..70).map(|i| format!("x-f{i}: v\r\n")).collect();
    let many = format!("GET /hello HTTP/1.1\r\nhost: test\r\n{fields}\r\n");
    one_request(A, server.addr, many.as_bytes())
        .await
        .assert_error(431, "headers_too_large");
    // Within the limits, the same route answers.
    assert_eq!(
        one_request(A, server.addr, &get_request("/hello"))
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_has_a_unique_request_id_that_the_router_sees_too() {
    let server = Server::start(plain_app(), quick()).await;
    let mut client = connect_from(A, server.addr).await;
    let first = exchange(&mut client, &get_request("/whoami")).await;
    let forged = b"GET /whoami HTTP/1.1\r\nhost: test\r\nx-request-id: forged\r\n\r\n";
    let second = exchange(&mut client, forged).await;
    let missing = exchange(&mut client, &get_request("/nowhere")).await;
    let ids: Vec<&str> = [&first, &second, &missing]
        .iter()
        .map(|a| a.headers["x-request-id"].as_str())
        .collect();
    assert_eq!(missing.status, 404);
    assert!(ids.iter().all(|id| !id.is_empty() && *id != "forged"));
    assert_ne!(ids[0], ids[1]);
    assert_ne!(ids[1], ids[2]);
    for (answer, id) in [(&first, ids[0]), (&second, ids[1])] {
        let seen = answer.json();
        assert_eq!(seen["request_id"], id);
        assert_eq!(seen["peer"], "127.0.0.2");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_within_the_grace_whatever_the_clients_do() {
    let config = EdgeConfig {
        header_read_timeout_secs: 60,
        idle_timeout_secs: 60,
        body_read_timeout_secs: 60,
        request_timeout_secs: 60,
        shutdown_grace_secs: 1,
        ..EdgeConfig::default()
    };
    let seen = Arc::new(Notify::new());
    let mut server = Server::start(app(Arc::clone(&seen), 10_000), config).await;

    let mut partial_head = connect_from(A, server.addr).await;
    partial_head
        .write_all(b"GET /hello HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut stuck_upload = connect_from(A, server.addr).await;
    stuck_upload
        .write_all(&post_head("/collect", 100_000))
        .await
        .unwrap();
    stuck_upload.write_all(&[b'u'; 10_000]).await.unwrap();
    tokio::time::timeout(PATIENCE, seen.notified())
        .await
        .unwrap();
    let mut slow_handler = connect_from(B, server.addr).await;
    slow_handler.write_all(&get_request("/slow")).await.unwrap();
    let mut idle = connect_from(B, server.addr).await;
    assert_eq!(
        exchange(&mut idle, &get_request("/hello")).await.status,
        200
    );
    // Give the slow handler's request time to reach its handler.
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.shut_down();
    let ended = tokio::time::timeout(Duration::from_secs(1 + 5), &mut server.task).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "serve ends within the grace: {ended:?}"
    );
    for stream in [
        &mut partial_head,
        &mut stuck_upload,
        &mut slow_handler,
        &mut idle,
    ] {
        assert!(is_closed(stream).await);
    }
}

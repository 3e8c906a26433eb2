//! Load test of the issuer service on loopback: 32 concurrent wallets run the full issuance
//! flow — anchoring challenge, anchoring with the virtual card (authentication and signature
//! certificates), token, nonce, resident credential, nonce, age credential — for a bounded
//! time (`MYNA_LOAD_SECS`, default 20), then print throughput, p50/p99 latencies and errors.
//!
//! `cargo bench -p myna-issuer --features service --bench service_load`; on PostgreSQL with
//! `MYNA_TEST_ISSUER_STORE=postgres MYNA_TEST_DATABASE_URL=postgres://…` (see `tests/engine`).
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark: a failed setup must stop it loudly"
)]

#[path = "../tests/card_fixture/mod.rs"]
mod card_fixture;
#[path = "../tests/engine/mod.rs"]
mod engine;
#[path = "../tests/service_support/mod.rs"]
mod service_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_fixture::{World, MAEBASHI};
use service_support::*;

const WALLETS: usize = 32;

/// One full flow; returns the latency of each of its requests.
async fn flow(server: &Server, card: &myna_jpki::test_ca::IssuedCard) -> Vec<Duration> {
    let wallet = Wallet::new(server);
    let mut latencies = Vec::new();
    let holder = signer();
    let started = Instant::now();
    let (status, anchored) = json(wallet.anchor(card, &*holder, START, true).await).await;
    assert_eq!(status, 200, "{anchored}");
    // The anchoring is two requests (challenge, anchor) with the card's signing in between.
    latencies.push(started.elapsed());
    let step = Instant::now();
    let token = wallet
        .access_token(&anchored["credential_offer"], None)
        .await;
    latencies.push(step.elapsed());
    for configuration in ["resident", "age"] {
        let step = Instant::now();
        let credentials = wallet
            .credentials(&token, configuration, &[&*holder], START)
            .await;
        assert_eq!(credentials.len(), 1);
        latencies.push(step.elapsed());
    }
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let secs: u64 = std::env::var("MYNA_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let mut world = World::new();
        let cards: Vec<_> = (0..WALLETS).map(|_| world.issue_card(MAEBASHI)).collect();
        let admins = Admins::new();
        let mut config = admins.config();
        config.rules.status_list_capacity = 1 << 20;
        // Every wallet here is one client (127.0.0.1) at full speed: the rate limits, meant
        // for the open network, are raised so the bench measures the service itself.
        config.edge.requests_per_second_per_client = 1_000_000;
        config.edge.burst_per_client = 1_000_000;
        config.edge.requests_per_second = 1_000_000;
        let server = Arc::new(Server::start(dir.path(), config, ManualClock::at(START), &world).await);
        import_crls(&server, &mut world, &admins.officer, START).await;

        let flows: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let steps: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let errors = Arc::new(Mutex::new(0usize));
        let deadline = Instant::now() + Duration::from_secs(secs);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for card in cards {
            let (server, flows, steps, errors) =
                (server.clone(), flows.clone(), steps.clone(), errors.clone());
            let card = Arc::new(card);
            tasks.push(tokio::spawn(async move {
                while Instant::now() < deadline {
                    let (server2, card2) = (server.clone(), card.clone());
                    let begun = Instant::now();
                    match tokio::spawn(async move { flow(&server2, &card2).await }).await {
                        Ok(latencies) => {
                            flows.lock().unwrap().push(begun.elapsed());
                            steps.lock().unwrap().extend(latencies);
                        }
                        Err(_) => *errors.lock().unwrap() += 1,
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
        let mut flows = flows.lock().unwrap().clone();
        let steps_in_order = steps.lock().unwrap().clone();
        let mut steps = steps_in_order.clone();
        flows.sort();
        steps.sort();
        let errors = *errors.lock().unwrap();
        // Requests per flow: challenge, anchor, token, 2 × (nonce, credential).
        let requests = flows.len() * 7;
        println!("service_load: {WALLETS} wallets, {elapsed:.1} s");
        println!(
            "  flows: {} ({:.1}/s), requests: {} ({:.1}/s), credentials: {} ({:.1}/s incl. anchors)",
            flows.len(),
            flows.len() as f64 / elapsed,
            requests,
            requests as f64 / elapsed,
            flows.len() * 3,
            (flows.len() * 3) as f64 / elapsed
        );
        println!(
            "  flow latency: p50 {:.1} ms, p99 {:.1} ms",
            percentile(&flows, 0.50).as_secs_f64() * 1e3,
            percentile(&flows, 0.99).as_secs_f64() * 1e3
        );
        // Steps come in flow order: anchoring (challenge, card signing, anchor), token,
        // resident (nonce + credential), age (nonce + credential).
        for (offset, name) in [(0, "anchoring incl. card signing"), (1, "token"), (2, "nonce+credential")] {
            let mut picked: Vec<Duration> = steps_in_order
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 4 == offset || (offset == 2 && i % 4 == 3))
                .map(|(_, d)| *d)
                .collect();
            picked.sort();
            println!(
                "  {name}: p50 {:.1} ms, p99 {:.1} ms",
                percentile(&picked, 0.50).as_secs_f64() * 1e3,
                percentile(&picked, 0.99).as_secs_f64() * 1e3
            );
        }
        println!(
            "  all steps: p50 {:.1} ms, p99 {:.1} ms",
            percentile(&steps, 0.50).as_secs_f64() * 1e3,
            percentile(&steps, 0.99).as_secs_f64() * 1e3
        );
        println!("  errors: {errors}");
        let server = Arc::into_inner(server).unwrap();
        server.stop().await;
        assert_eq!(errors, 0, "the load test must run without errors");
    });
}

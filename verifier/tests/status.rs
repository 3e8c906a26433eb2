//! Filling the status cache apart from verification: a fetcher that works, one that is
//! offline, one that serves a forged list, and the HTTP fetcher over a loopback socket.

mod common;

use std::collections::HashMap;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::crypto::default_provider;
use myna_verifier::core::status_list::{Status, StatusListUri};
use myna_verifier::decision::Reason;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::replay::{ReplayGuard, Seen};
use myna_verifier::status_fetch::{refresh, StatusFetcher, StatusSource};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier, VerifierConfig};

struct Served(HashMap<String, Result<String, String>>);

impl StatusFetcher for Served {
    fn fetch(&self, uri: &StatusListUri) -> Result<String, String> {
        self.0
            .get(uri.as_str())
            .cloned()
            .unwrap_or(Err("404".into()))
    }
}

fn sources(world: &World) -> Vec<StatusSource> {
    world
        .issuers
        .iter()
        .map(|i| StatusSource {
            uri: i.uri.clone(),
            issuer: i.id.to_owned(),
        })
        .collect()
}

#[test]
fn refresh_stores_what_verifies_and_keeps_the_cache_when_offline() {
    let mut world = World::new();
    let holder = Holder::new();
    let (sd, index) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    // The Kobe list is revoked upstream, but the desk is offline: the old list stays in use.
    world
        .issuer_mut(KOBE)
        .list
        .set(index, Status::INVALID)
        .unwrap();
    let offline = Served(HashMap::new());
    let report = refresh(&world.verifier, &offline, &sources(&world));
    let issuers = world.issuers.len();
    assert_eq!((report.stored.len(), report.failed.len()), (0, issuers));
    let p = world.present(&sd, &holder, &["age_over_20"], "a");
    assert!(world
        .verifier
        .verify(
            &AgeCheck::over_20().unwrap(),
            &single("age", &p),
            &nonce("a")
        )
        .accepted());

    // Back online an hour later: Kobe serves the new list, Osaka serves a list signed by
    // someone else (refused, its old list stays).
    world.clock.set(t(3_600));
    let kobe = world.issuer(KOBE);
    let osaka = world.issuer(OSAKA);
    let forged = world.issuer(HIMEJI).status_token(t(3_600));
    let served = Served(HashMap::from([
        (
            kobe.uri.as_str().to_owned(),
            Ok(kobe.status_token(t(3_600))),
        ),
        (osaka.uri.as_str().to_owned(), Ok(forged)),
    ]));
    let report = refresh(&world.verifier, &served, &sources(&world));
    assert_eq!(report.stored, vec![kobe.uri.clone()]);
    // every other issuer's list failed: Osaka's forged one, the rest not served
    assert_eq!(report.failed.len(), issuers - 1);
    assert!(report
        .failed
        .iter()
        .any(|(u, why)| u == &osaka.uri && why.contains("signature")));
    let p = world.present(&sd, &holder, &["age_over_20"], "b");
    let decision = world.verifier.verify(
        &AgeCheck::over_20().unwrap(),
        &single("age", &p),
        &nonce("b"),
    );
    assert_eq!(decision.reason(), Some(Reason::Revoked));
}

#[test]
fn the_cache_reports_wanted_lists() {
    let world = World::new();
    let fresh = Trust::new(
        world.authority.public_key(),
        &world.trust_token,
        default_provider(),
        t(0),
    )
    .unwrap();
    let empty = Verifier::new(VerifierConfig::new(AUDIENCE), fresh, world.clock.clone());
    let holder = Holder::new();
    let (sd, _) = world.issue(HIMEJI, Kind::Age, adult_age_claims(), &holder);
    let p = world.present(&sd, &holder, &["age_over_20"], "w");
    let decision = empty.verify(
        &AgeCheck::over_20().unwrap(),
        &single("age", &p),
        &nonce("w"),
    );
    assert_eq!(decision.reason(), Some(Reason::StatusUnavailable));
    assert_eq!(
        empty.status_cache().wanted(),
        vec![world.issuer(HIMEJI).uri.clone()]
    );
    empty
        .store_status_list(
            HIMEJI,
            &world.issuer(HIMEJI).uri,
            &world.issuer(HIMEJI).status_token(t(0)),
        )
        .unwrap();
    assert!(empty.status_cache().wanted().is_empty());
}

#[test]
fn a_full_replay_guard_refuses_rather_than_forgets() {
    let guard = ReplayGuard::new(3);
    for i in 0..3u8 {
        assert_eq!(guard.record(&[i], t(100), t(0)), Seen::First);
    }
    assert_eq!(guard.record(&[9], t(100), t(0)), Seen::Full);
    assert_eq!(guard.record(&[1], t(100), t(50)), Seen::Again);
    assert_eq!(guard.len(), 3);
    assert_eq!(guard.record(&[9], t(200), t(101)), Seen::First);
    assert_eq!(guard.len(), 1);

    // Through the verifier: a full guard is "try again", never an accept.
    let world = World::new();
    let trust = Trust::new(
        world.authority.public_key(),
        &world.trust_token,
        default_provider(),
        t(0),
    )
    .unwrap();
    let mut config = VerifierConfig::new(AUDIENCE);
    config.replay_capacity = 1;
    let tiny = Verifier::new(config, trust, world.clock.clone());
    for issuer in &world.issuers {
        tiny.store_status_list(issuer.id, &issuer.uri, &issuer.status_token(t(0)))
            .unwrap();
    }
    let holder = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    let policy = AgeCheck::over_20().unwrap();
    let first = world.present(&sd, &holder, &["age_over_20"], "g");
    let window = myna_verifier::submission::Challenge::shared("g");
    assert!(tiny
        .verify(&policy, &single("age", &first), &window)
        .accepted());
    let second = present_at(&sd, &holder, &["age_over_20"], AUDIENCE, "g", t(1));
    let decision = tiny.verify(&policy, &single("age", &second), &window);
    assert_eq!(decision.reason(), Some(Reason::TryAgain));
}

#[cfg(all(feature = "http-fetch", feature = "service"))]
#[test]
fn the_http_fetcher_gets_a_token_over_loopback() {
    use myna_verifier::status_fetch::HttpStatusFetcher;
    use std::sync::Arc;
    let world = World::new();
    let token = world.issuer(KOBE).status_token(t(0));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let body = token.clone();
    let app = axum::Router::new().route(
        "/status/1",
        axum::routing::get(move || async move { body.clone() }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    let fetcher = Arc::new(HttpStatusFetcher::new().unwrap());
    let uri = StatusListUri::new(format!("http://{addr}/status/1")).unwrap();
    let fetched = std::thread::spawn({
        let fetcher = fetcher.clone();
        let uri = uri.clone();
        move || fetcher.fetch(&uri)
    })
    .join()
    .unwrap();
    assert_eq!(fetched, Ok(token));
    let missing = StatusListUri::new(format!("http://{addr}/status/2")).unwrap();
    let err = std::thread::spawn(move || fetcher.fetch(&missing))
        .join()
        .unwrap();
    assert_eq!(err, Err("HTTP 404 Not Found".into()));
}

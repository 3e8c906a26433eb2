//! `Service::publish_to` (`myna issuer publish --out DIR`): the static files are what the
//! routes serve — the same bytes, `ETag`, `Content-Type`, `Cache-Control`, CORS header and
//! status list `ttl` — at the routes' paths; a revocation re-signs the list on the next
//! publish; a publisher started afresh reuses a token still current (the same `ETag`) but
//! never one that no longer matches the list, is signed by another key or is damaged; no
//! temporary file is left behind.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request};
use card_fixture::{World, ISS};
use myna_issuer::service::http::etag;
use myna_issuer::service::publication::{kid_of, Document};
use myna_issuer::service::static_publication::{
    Publication, HEADERS_FILE, MANIFEST_FILE, TEMP_PREFIX,
};
use myna_issuer::service::Service;
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::status_list::{Status, StatusListToken, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::TrustList;
use serde_json::{json, Value};
use service_support::*;
use tower::ServiceExt;

/// `GET path` through the service's router (no socket), from a wallet web app's origin:
/// the answer's headers and body.
async fn route(service: &Service, path: &str) -> (HeaderMap, String) {
    let mut request = Request::get(path)
        .header(header::ORIGIN, "https://wallet.example")
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
    let response = service.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Publishes `service` into `out` (on the blocking pool: it reads the store and signs).
async fn publish(service: &Service, out: &Path) -> Publication {
    let (service, out) = (service.clone(), out.to_path_buf());
    tokio::task::spawn_blocking(move || service.publish_to(&out))
        .await
        .unwrap()
        .unwrap()
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// The published token of `document` in `out`.
fn published(out: &Path, publication: &Publication, document: Document) -> String {
    std::fs::read_to_string(out.join(&publication.file(document).unwrap().file)).unwrap()
}

/// A credential of `server`, issued now: its status reference.
async fn issue_age(server: &Server, admins: &Admins) -> StatusReference {
    let wallet = Wallet::new(server);
    let body = json!({"tx_code": false, "credentials": [{"credential": "age", "birthdate": "2001-04-02"}]});
    let created = staff_offer(server, &admins.operator, &body).await;
    let token = wallet
        .access_token(&created["credential_offer"], None)
        .await;
    let credential = wallet
        .credentials(&token, "age", &[&*signer()], START)
        .await
        .remove(0);
    verify(&credential, server.service.issuer_key(), START)
        .status()
        .unwrap()
        .unwrap()
}

async fn revoke(server: &Server, admins: &Admins, reference: &StatusReference) {
    let revoke = json!({"status": {"uri": reference.uri.as_str(), "idx": reference.index.get()},
        "reason": "holder_request"});
    let (status, body) = json(
        admin_post(
            server,
            "/admin/credentials/revoke",
            Some(&admins.officer),
            &revoke,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// The status of `reference` in status list token `token`, verified with `service`'s key at
/// `now`.
fn status_in(
    service: &Service,
    token: &str,
    reference: &StatusReference,
    now: NumericDate,
) -> Status {
    StatusListToken::verify(
        token,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(now),
        &reference.uri,
    )
    .unwrap()
    .status_of(reference)
    .unwrap()
}

/// The `ETag` of each document in `publication`.
fn etags(publication: &Publication) -> Vec<(Document, String)> {
    publication
        .files
        .iter()
        .map(|f| (f.document, f.etag.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_are_what_the_routes_serve_at_their_paths_with_their_headers() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let reference = issue_age(&server, &admins).await;
    let service = &server.service;

    let publication = publish(service, out.path()).await;
    let paths: Vec<&str> = publication.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/.well-known/did.json",
            "/.well-known/jwt-vc-issuer",
            "/status/1",
            "/consent-status/1",
            "/trust-list",
            "/trust-entry"
        ]
    );
    assert_eq!(reference.uri.as_str(), format!("{ISS}/status/1"));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.path().join(MANIFEST_FILE)).unwrap()).unwrap();
    assert_eq!(manifest["base_url"], ISS);
    let headers_file = std::fs::read_to_string(out.path().join(HEADERS_FILE)).unwrap();
    for (file, entry) in publication
        .files
        .iter()
        .zip(manifest["files"].as_array().unwrap())
    {
        let body = std::fs::read_to_string(out.path().join(&file.file)).unwrap();
        let (headers, served) = route(service, &file.path).await;
        assert_eq!(body, served, "{}: the file is the route's body", file.path);
        assert_eq!(entry["path"], file.path.as_str());
        assert_eq!(
            Path::new(entry["file"].as_str().unwrap()),
            file.file,
            "{}",
            file.path
        );
        assert_eq!(
            entry["headers"].as_object().unwrap().len(),
            4,
            "{}: {entry}",
            file.path
        );
        for (name, value) in entry["headers"].as_object().unwrap() {
            let sent = headers.get(name.as_str()).map(|v| v.to_str().unwrap());
            assert_eq!(sent, value.as_str(), "{}: {name}", file.path);
            assert!(
                headers_file.contains(&format!("{}\n", file.path))
                    && headers_file.contains(&format!("  {name}: {}\n", value.as_str().unwrap())),
                "_headers names {name} of {}",
                file.path
            );
        }
        assert_eq!(file.etag, etag(&body), "the ETag is the body's");
        assert!(file.changed, "a first publish writes every file");
    }

    let token = published(out.path(), &publication, Document::StatusList);
    let (_, served) = route(service, "/status/1").await;
    let file_list = StatusListToken::verify(
        &token,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(START),
        &reference.uri,
    )
    .unwrap();
    let served_list = StatusListToken::verify(
        &served,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(START),
        &reference.uri,
    )
    .unwrap();
    assert_eq!(file_list.list(), served_list.list());
    assert_eq!(file_list.status_of(&reference).unwrap(), Status::VALID);
    let rules = &admins.config().rules;
    assert_eq!(
        file_list.token().ttl.map(|t| t.get()),
        Some(rules.status_max_age_secs)
    );
    assert_eq!(file_list.token().ttl, served_list.token().ttl);
    assert_eq!(
        file_list.token().expires_at,
        Some(START.plus_seconds(rules.status_token_lifetime_secs))
    );
    assert_eq!(
        file_list.header().kid.as_deref(),
        Some(kid_of(service.issuer_key()).as_str())
    );
    let consent_uri = StatusListUri::new(format!("{ISS}/consent-status/1")).unwrap();
    let consents = published(out.path(), &publication, Document::ConsentStatusList);
    StatusListToken::verify(
        &consents,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(START),
        &consent_uri,
    )
    .unwrap();
    let trust_list = published(out.path(), &publication, Document::TrustList);
    let trusted = TrustList::verify(
        &trust_list,
        default_provider(),
        &service.authority_key(),
        START,
    )
    .unwrap();
    assert!(trusted.issuer(ISS).is_ok());
    let entry = published(out.path(), &publication, Document::TrustEntry);
    let entry = myna_vc_core::trust_entry::verify(&entry, default_provider(), START).unwrap();
    assert_eq!(entry.entry().key(None).unwrap(), service.issuer_key());

    let mut expected: Vec<PathBuf> = publication.files.iter().map(|f| f.file.clone()).collect();
    expected.extend([PathBuf::from(MANIFEST_FILE), PathBuf::from(HEADERS_FILE)]);
    expected.sort();
    assert_eq!(
        files_under(out.path()),
        expected,
        "no temporary file is left"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_then_a_publish_changes_the_status_file_and_its_etag() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;
    let reference = issue_age(&server, &admins).await;
    let service = &server.service;
    let before = publish(service, out.path()).await;
    let again = publish(service, out.path()).await;
    assert_eq!(
        etags(&again),
        etags(&before),
        "nothing changed, nothing re-signed"
    );
    assert!(again.files.iter().all(|f| !f.changed), "{again:?}");

    revoke(&server, &admins, &reference).await;
    let after = publish(service, out.path()).await;
    for (old, new) in before.files.iter().zip(&after.files) {
        let is_status = old.document == Document::StatusList;
        assert_eq!(old.etag != new.etag, is_status, "{}", old.path);
        assert_eq!(new.changed, is_status, "{}", old.path);
    }
    let token = published(out.path(), &after, Document::StatusList);
    assert_eq!(
        status_in(service, &token, &reference, START),
        Status::INVALID
    );
    let (headers, served) = route(service, "/status/1").await;
    assert_eq!(served, token);
    assert_eq!(
        headers[header::ETAG].to_str().unwrap(),
        after.file(Document::StatusList).unwrap().etag
    );
    let names: Vec<String> = files_under(out.path())
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains(TEMP_PREFIX)), "{names:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_publisher_reuses_only_a_current_token_of_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let clock = ManualClock::at(START);
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let reference = issue_age(&server, &admins).await;
    let first = publish(&server.service, out.path()).await;
    server.stop().await;

    // A new process a minute later (as `myna issuer publish` from cron): nothing changed,
    // so every file and ETag stays, and its routes serve the same tokens.
    clock.advance(60);
    let service = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let second = publish(&service, out.path()).await;
    assert_eq!(etags(&second), etags(&first));
    assert!(second.files.iter().all(|f| !f.changed), "{second:?}");
    let (headers, _) = route(&service, "/status/1").await;
    assert_eq!(
        headers[header::ETAG].to_str().unwrap(),
        first.file(Document::StatusList).unwrap().etag
    );

    // The same claims signed by another key are not taken for the issuer's.
    let status_file = out
        .path()
        .join(&first.file(Document::StatusList).unwrap().file);
    let token = std::fs::read_to_string(&status_file).unwrap();
    let verified = StatusListToken::verify(
        &token,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(clock_now(&clock)),
        &reference.uri,
    )
    .unwrap();
    let other = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let forged = verified
        .token()
        .sign(&*other, verified.header().kid.as_deref())
        .unwrap();
    assert_eq!(
        forged.rsplit_once('.').unwrap().0,
        token.rsplit_once('.').unwrap().0,
        "the same header and claims"
    );
    drop(service);
    for planted in [forged.as_str(), "not a token"] {
        std::fs::write(&status_file, planted).unwrap();
        let service = open(
            dir.path(),
            admins.config(),
            clock.clone(),
            &world,
            PASSPHRASE,
        )
        .unwrap();
        let republished = publish(&service, out.path()).await;
        let now_there = std::fs::read_to_string(&status_file).unwrap();
        assert_ne!(now_there, planted);
        assert_eq!(
            status_in(&service, &now_there, &reference, clock_now(&clock)),
            Status::VALID
        );
        assert!(republished.file(Document::StatusList).unwrap().changed);
    }

    // Revoked while no publisher ran: the list in DIR no longer matches, so it is re-signed.
    let server = Server::start(dir.path(), admins.config(), clock.clone(), &world).await;
    let current = publish(&server.service, out.path()).await;
    revoke(&server, &admins, &reference).await;
    server.stop().await;
    let service = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let revoked = publish(&service, out.path()).await;
    let status_etag = |p: &Publication| p.file(Document::StatusList).unwrap().etag.clone();
    assert_ne!(status_etag(&revoked), status_etag(&current));
    let token = std::fs::read_to_string(&status_file).unwrap();
    assert_eq!(
        status_in(&service, &token, &reference, clock_now(&clock)),
        Status::INVALID
    );
    drop(service);

    // Past half its lifetime a list is signed anew although unchanged (a new iat), so the
    // copy on the CDN never expires; the trust entry, which has no lifetime, stays.
    clock.advance(i64::try_from(admins.config().rules.status_token_lifetime_secs / 2).unwrap());
    let service = open(
        dir.path(),
        admins.config(),
        clock.clone(),
        &world,
        PASSPHRASE,
    )
    .unwrap();
    let later = publish(&service, out.path()).await;
    for (old, new) in revoked.files.iter().zip(&later.files) {
        let resigned = matches!(
            old.document,
            Document::StatusList | Document::ConsentStatusList | Document::TrustList
        );
        assert_eq!(old.etag != new.etag, resigned, "{}", old.path);
    }
    let token = std::fs::read_to_string(&status_file).unwrap();
    let verified = StatusListToken::verify(
        &token,
        default_provider(),
        service.issuer_key(),
        &TimeRules::at(clock_now(&clock)),
        &reference.uri,
    )
    .unwrap();
    assert_eq!(verified.token().issued_at, clock_now(&clock));
    assert_eq!(verified.status_of(&reference).unwrap(), Status::INVALID);
}

fn clock_now(clock: &ManualClock) -> NumericDate {
    myna_vc_core::time::Clock::now(clock)
}

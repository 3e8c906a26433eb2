//! CORS over loopback: the wallet-facing routes answer a wallet web app on any origin
//! (preflights for `POST` with `authorization` and `content-type`, `*` on answers, errors
//! included); admin routes, card anchoring and recipients' use reports answer no CORS at all;
//! the edge's limits still hold for preflights and for CORS routes.
#![cfg(test)]

mod card_fixture;
mod engine;
mod service_support;

use card_fixture::World;
use serde_json::json;
use service_support::*;

const ORIGIN: &str = "https://wallet.example";

async fn preflight(server: &Server, path: &str, headers: &str) -> reqwest::Response {
    client()
        .request(reqwest::Method::OPTIONS, server.url(path))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", headers)
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>"))
}

/// No `access-control-*` header at all.
fn assert_no_cors(response: &reqwest::Response, what: &str) {
    let cors: Vec<_> = response
        .headers()
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{what}: {cors:?}");
}

fn assert_allows_any_origin(response: &reqwest::Response, what: &str) {
    assert_eq!(
        header(response, "access-control-allow-origin"),
        Some("*"),
        "{what}"
    );
    assert_eq!(
        header(response, "access-control-allow-credentials"),
        None,
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_routes_answer_preflights_and_carry_allow_origin() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;

    for path in [
        "/credential",
        "/token",
        "/nonce",
        "/consents",
        "/consents/actions",
        "/pseudonym-offers",
        "/refresh-offers",
    ] {
        let answer = preflight(&server, path, "authorization, content-type").await;
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        assert_allows_any_origin(&answer, path);
        let methods = header(&answer, "access-control-allow-methods").unwrap_or_default();
        assert!(methods.contains("POST"), "{path}: {methods}");
        let allowed = header(&answer, "access-control-allow-headers")
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            allowed.contains("authorization") && allowed.contains("content-type"),
            "{path}: {allowed}"
        );
        assert_eq!(
            header(&answer, "access-control-max-age"),
            Some("600"),
            "{path}"
        );
    }

    // Every GET a wallet makes carries the header on its answer.
    for path in [
        "/.well-known/openid-credential-issuer",
        "/.well-known/jwt-vc-issuer",
        "/.well-known/did.json",
        "/status/1",
        "/trust-list",
    ] {
        let answer = client()
            .get(server.url(path))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_allows_any_origin(&answer, path);
    }
    // So do the errors of those routes, so the app can read why it was refused.
    let refused = client()
        .post(server.url("/token"))
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=nope")
        .send()
        .await
        .unwrap();
    assert_allows_any_origin(&refused, "refused /token");
    assert_error(refused, 400, "invalid_grant").await;
    // A method the route does not take is still the JSON 405, with the header.
    let wrong_method = client()
        .get(server.url("/credential"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_allows_any_origin(&wrong_method, "GET /credential");
    assert_error(wrong_method, 405, "invalid_request").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_anchoring_and_recipient_routes_answer_no_cors() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let server = Server::start(dir.path(), admins.config(), ManualClock::at(START), &world).await;

    for path in [
        "/admin/offers",
        "/admin/credentials/revoke",
        "/admin/subjects/revoke",
        "/admin/crl",
        "/anchor",
        "/anchor/challenge",
        "/consents/use",
        "/no-such-route",
    ] {
        let answer = preflight(&server, path, "authorization, content-type").await;
        assert!(!answer.status().is_success(), "{path}: {}", answer.status());
        assert_no_cors(&answer, path);
    }

    // A real admin answer, asked with an Origin, still has no CORS header: a page on another
    // origin cannot read it even when the browser sends the request.
    let body = json!({"tx_code": false, "credentials": [{"credential": "fan_club_membership",
        "club_id": "thespa-gunma", "member_number": "A-0042", "tier": "gold"}]});
    let created = client()
        .post(server.url("/admin/offers"))
        .header("origin", ORIGIN)
        .bearer_auth(&admins.operator)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_no_cors(&created, "POST /admin/offers");
    assert_eq!(created.status(), 201);
    let unauthorised = client()
        .post(server.url("/admin/offers"))
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_no_cors(&unauthorised, "POST /admin/offers without a token");
    assert_eq!(unauthorised.status(), 401);
    let audit = client()
        .get(server.url("/admin/audit"))
        .header("origin", ORIGIN)
        .bearer_auth(&admins.operator)
        .send()
        .await
        .unwrap();
    assert_no_cors(&audit, "GET /admin/audit");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_limits_still_apply_to_cors_routes_and_preflights() {
    let dir = tempfile::tempdir().unwrap();
    let world = World::new();
    let admins = Admins::new();
    let mut config = admins.config();
    // One request a second after a burst of 5: preflights count like any request.
    config.edge.requests_per_second_per_client = 1;
    config.edge.burst_per_client = 5;
    let server = Server::start(dir.path(), config, ManualClock::at(START), &world).await;

    // The body limit (64 KiB) holds on a CORS route; the refusal is readable cross-origin.
    // (`/token`: `/credential` refuses an unknown access token before it reads a body.)
    let big = client()
        .post(server.url("/token"))
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    assert_allows_any_origin(&big, "413 on /token");

    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(
            preflight(&server, "/credential", "authorization, content-type")
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 429].contains(s)),
        "{statuses:?}"
    );
    server.stop().await;
}

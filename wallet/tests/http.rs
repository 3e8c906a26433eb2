//! The HTTP transports against a canned server on loopback: the token endpoint from the
//! authorization server's metadata, OAuth error bodies, the 1 MiB answer limit and malformed
//! answers. (Issuer identifiers are https only, so the metadata document itself is given.)
#![cfg(feature = "http")]
#![cfg(test)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use myna_vc_core::consent::ConsentId;
use myna_vc_core::crypto::SecretKey;
use myna_vc_core::oid4vci::{
    AccessToken, CredentialIssuerMetadata, CredentialRequest, Message, PreAuthorizedCode,
    TokenRequest,
};
use myna_wallet::consent::ConsentRegistry;
use myna_wallet::http::{HttpIssuer, HttpRegistry};
use myna_wallet::receive::IssuerTransport;
use myna_wallet::{Error, TransportCause};

type Routes = HashMap<String, (u16, Vec<u8>)>;
/// Every request seen: `METHOD path` and the body.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A server on loopback answering `routes(base)`; records `METHOD path` and bodies.
fn serve(routes: impl FnOnce(&str) -> Routes) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = routes(&base);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            let mut length = 0usize;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            log.lock().unwrap().push((format!("{method} {path}"), body));
            let (status, answer) = routes.get(&path).cloned().unwrap_or((404, b"{}".to_vec()));
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n",
                answer.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&answer);
        }
    });
    (base, seen)
}

fn metadata(base: &str) -> CredentialIssuerMetadata {
    let json = serde_json::json!({
        "credential_issuer": "https://issuer.invalid",
        "authorization_servers": [base],
        "credential_endpoint": format!("{base}/credential"),
        "nonce_endpoint": format!("{base}/nonce"),
        "credential_configurations_supported": {"age": {"format": "dc+sd-jwt", "vct": "urn:myna-vc:vct:age:1"}}
    });
    CredentialIssuerMetadata::from_json(json.to_string().as_bytes()).unwrap()
}

fn token_request() -> TokenRequest {
    TokenRequest {
        pre_authorized_code: PreAuthorizedCode::new("c0de"),
        tx_code: None,
        authorization_details: None,
        client_id: None,
    }
}

#[test]
fn the_token_endpoint_comes_from_the_authorization_server_metadata() {
    let (base, seen) = serve(|base| {
        let mut routes = Routes::new();
        let server_metadata = serde_json::json!({"token_endpoint": format!("{base}/oauth/token")});
        routes.insert(
            "/.well-known/oauth-authorization-server".into(),
            (200, server_metadata.to_string().into_bytes()),
        );
        routes.insert(
            "/oauth/token".into(),
            (
                200,
                br#"{"access_token": "t0k", "token_type": "Bearer"}"#.to_vec(),
            ),
        );
        routes.insert("/nonce".into(), (200, br#"{"c_nonce": "n0nce"}"#.to_vec()));
        routes
    });
    let client = HttpIssuer::new().unwrap();
    let meta = metadata(&base);
    let token = client.token(&meta, &token_request()).unwrap();
    assert_eq!(token.access_token.as_str(), "t0k");
    assert_eq!(client.nonce(&meta).unwrap().c_nonce.as_str(), "n0nce");
    let seen = seen.lock().unwrap();
    let (line, body) = &seen[1];
    assert_eq!(line, "POST /oauth/token");
    let form = String::from_utf8(body.clone()).unwrap();
    assert!(form.contains("pre-authorized_code=c0de"), "{form}");
}

#[test]
fn oauth_errors_oversized_and_malformed_answers_are_typed() {
    let (base, _) = serve(|_| {
        let mut routes = Routes::new();
        routes.insert(
            "/token".into(),
            (
                400,
                br#"{"error": "invalid_grant", "error_description": "the code was used"}"#.to_vec(),
            ),
        );
        routes.insert("/nonce".into(), (200, vec![b' '; 2 * 1024 * 1024]));
        routes.insert("/credential".into(), (200, b"{not json".to_vec()));
        routes
    });
    let client = HttpIssuer::new().unwrap();
    let meta = metadata(&base);
    // No authorization server metadata (404): the token endpoint falls back to /token.
    let err = client.token(&meta, &token_request()).unwrap_err();
    assert!(
        matches!(&err, Error::Transport { party: "issuer", url, cause: TransportCause::Status {
                status: 400, error: Some(code), .. } }
            if code == "invalid_grant" && url.ends_with("/token")),
        "{err}"
    );
    let err = client.nonce(&meta).unwrap_err();
    assert!(
        matches!(&err, Error::Remote { detail, .. } if detail.contains("1 MiB")),
        "{err}"
    );
    let request = CredentialRequest::for_configuration("age", vec!["a.b.c".into()]);
    let err = client
        .credential(&meta, &AccessToken::new("t"), &request)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Core(myna_vc_core::Error::Input(
                myna_vc_core::InputError::Json { .. }
            ))
        ),
        "{err}"
    );
}

#[test]
fn the_registry_client_posts_and_reads_answers() {
    let (base, seen) = serve(|_| {
        let mut routes = Routes::new();
        routes.insert(
            "/consents".into(),
            (200, br#"{"receipt": "r.e.c"}"#.to_vec()),
        );
        routes
    });
    let key = SecretKey::generate_p256().unwrap().public_key();
    let registry = HttpRegistry::new(&base, key.clone()).unwrap();
    assert_eq!(registry.registry_key(), &key);
    assert_eq!(registry.register("a.b.c", Some("p.r.f")).unwrap(), "r.e.c");
    assert_eq!(registry.register("d.e.f", None).unwrap(), "r.e.c");
    let id = ConsentId::random().unwrap();
    let err = registry.act(&id, "x.y.z").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                party: "consent registry",
                cause: TransportCause::Status { status: 404, .. },
                ..
            }
        ),
        "{err}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0, "POST /consents");
    assert_eq!(seen[0].1, br#"{"holder_proof":"p.r.f","record":"a.b.c"}"#);
    // Without a proof the member is left out, not sent as null.
    assert_eq!(seen[1].1, br#"{"record":"d.e.f"}"#);
    assert_eq!(seen[2].0, "POST /consents/actions");
    assert_eq!(seen[2].1, br#"{"action":"x.y.z"}"#);
}

#[test]
fn a_refresh_offer_is_asked_for_by_configuration_and_parsed() {
    let offer = serde_json::json!({"credential_offer": {
        "credential_issuer": "https://issuer.invalid",
        "credential_configuration_ids": ["age"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":
            {"pre-authorized_code": "r3fresh"}}}});
    let (base, seen) = serve(|_| {
        let mut routes = Routes::new();
        routes.insert(
            "/refresh-offers".into(),
            (201, offer.to_string().into_bytes()),
        );
        routes
    });
    let addr = base.trim_start_matches("http://").parse().unwrap();
    let route = myna_wallet::http::LoopbackRoute::new("https://issuer.invalid", addr).unwrap();
    let client = HttpIssuer::new().unwrap().with_loopback_route(route);
    let issuer = myna_vc_core::oid4vci::IssuerId::new("https://issuer.invalid").unwrap();
    let got = client.refresh_offer(&issuer, "age").unwrap();
    assert_eq!(got.credential_configuration_ids, ["age"]);
    assert_eq!(got.credential_issuer, issuer);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0, "POST /refresh-offers");
    let body: serde_json::Value = serde_json::from_slice(&seen[0].1).unwrap();
    assert_eq!(body, serde_json::json!({"credential": "age"}));
    drop(seen);

    // An answer without an offer is a typed remote error, not a guess.
    let (base, _) = serve(|_| {
        let mut routes = Routes::new();
        routes.insert("/refresh-offers".into(), (201, b"{}".to_vec()));
        routes
    });
    let addr = base.trim_start_matches("http://").parse().unwrap();
    let route = myna_wallet::http::LoopbackRoute::new("https://issuer.invalid", addr).unwrap();
    let client = HttpIssuer::new().unwrap().with_loopback_route(route);
    let err = client.refresh_offer(&issuer, "age").unwrap_err();
    assert!(
        matches!(&err, Error::Remote { detail, .. } if detail.contains("credential_offer")),
        "{err}"
    );
}

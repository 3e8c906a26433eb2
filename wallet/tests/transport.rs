//! The HTTP transports against servers on loopback: an `https` issuer reached over plain HTTP
//! through an insecure loopback route, an HTTPS issuer whose certificate comes from a private
//! CA (trusted with `HttpOptions::trust_ca`, refused without it), and each cause a failed
//! request names — DNS, connection refused, untrusted certificate, other TLS failures,
//! timeout, HTTP status with the OAuth error, wrong issuer id.
#![cfg(feature = "http")]
#![cfg(test)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use common::{new_wallet, now, City};
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId, PreAuthorizedCode};
use myna_wallet::http::{HttpIssuer, HttpOptions, HttpRegistry, HttpStatus, InsecureLoopbackRoute};
use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
use myna_wallet::receive::IssuerTransport;
use myna_wallet::{Error, TransportCause};

const ISSUER: &str = "https://vc.city.maebashi.example";

/// One canned answer: status and JSON body.
type Answer = (u16, String);

/// Reads one HTTP/1.1 request (line, headers, body) and returns its request line.
fn read_request(stream: &mut impl Read) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        if header.trim().is_empty() {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(line.trim().to_owned())
}

fn write_answer(stream: &mut impl Write, (status, body): &Answer) {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

/// A plain-HTTP server on loopback answering every request with `answer(request line)`.
fn plain_server(answer: impl Fn(&str) -> Answer + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if let Some(line) = read_request(&mut stream) {
                write_answer(&mut stream, &answer(&line));
            }
        }
    });
    addr
}

/// The issuer metadata a server at `issuer` publishes.
fn metadata_json(issuer: &str) -> String {
    serde_json::json!({
        "credential_issuer": issuer,
        "credential_endpoint": format!("{issuer}/credential"),
        "nonce_endpoint": format!("{issuer}/nonce"),
        "credential_configurations_supported":
            {"age": {"format": "dc+sd-jwt", "vct": "urn:myna-vc:vct:age:1"}}
    })
    .to_string()
}

fn metadata_server(states: &'static str) -> SocketAddr {
    plain_server(move |line| {
        if line.starts_with("GET /.well-known/openid-credential-issuer ") {
            (200, metadata_json(states))
        } else {
            (404, "{}".into())
        }
    })
}

fn route_to(addr: SocketAddr) -> HttpOptions {
    HttpOptions::new()
        .with_insecure_loopback_route(InsecureLoopbackRoute::new(ISSUER, addr).unwrap())
}

fn cause(err: &Error) -> &TransportCause {
    match err {
        Error::Transport { cause, .. } => cause,
        other => panic!("not a transport error: {other:?}"),
    }
}

#[test]
fn an_insecure_loopback_route_reaches_a_plain_http_issuer_under_its_https_id() {
    let addr = metadata_server(ISSUER);
    let issuer = HttpIssuer::new_with(&route_to(addr)).unwrap();
    let id = IssuerId::new(ISSUER).unwrap();
    let metadata = issuer.metadata(&id).unwrap();
    assert_eq!(metadata.credential_issuer, id);
    // Without the route the same identifier is looked up on the network (and is not there).
    let direct = HttpIssuer::new_with(&HttpOptions::new().with_timeout(Duration::from_secs(20)))
        .unwrap()
        .metadata(&id)
        .unwrap_err();
    assert!(matches!(direct, Error::Transport { .. }), "{direct:?}");
    // The command line's form of the same route; a host name instead of an address, or an
    // address off this machine, is refused.
    let parsed = InsecureLoopbackRoute::parse(&format!("{ISSUER}={addr}")).unwrap();
    assert_eq!(parsed.local(), format!("http://{addr}"));
    for bad in [
        format!("{ISSUER}=localhost:{}", addr.port()),
        format!("{ISSUER}=192.0.2.7:{}", addr.port()),
        format!("http://vc.city.maebashi.example={addr}"),
        ISSUER.to_owned(),
    ] {
        let err = InsecureLoopbackRoute::parse(&bad).unwrap_err();
        assert_eq!(err.code(), "invalid", "{bad}");
    }
}

#[test]
fn a_pseudonym_offer_is_asked_for_by_context_over_the_route() {
    let offer = serde_json::json!({"credential_offer": {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": ["context_pseudonym"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":
            {"pre-authorized_code": "ps3udonym"}}}})
    .to_string();
    let addr = plain_server(move |line| {
        if line.starts_with("POST /pseudonym-offers ") {
            (201, offer.clone())
        } else {
            (404, "{}".into())
        }
    });
    let issuer = HttpIssuer::new_with(&route_to(addr)).unwrap();
    let id = IssuerId::new(ISSUER).unwrap();
    let got = issuer.pseudonym_offer(&id, "maebashi-forum").unwrap();
    assert_eq!(got.credential_configuration_ids, ["context_pseudonym"]);
    assert_eq!(got.credential_issuer, id);
}

#[test]
fn metadata_of_another_issuer_is_a_wrong_issuer_error() {
    let addr = metadata_server("https://vc.city.kobe.example");
    let issuer = HttpIssuer::new_with(&route_to(addr)).unwrap();
    let id = IssuerId::new(ISSUER).unwrap();
    let err = issuer.metadata(&id).unwrap_err();
    assert_eq!(err.code(), "wrong_issuer");
    assert!(
        matches!(&err, Error::WrongIssuer { expected, found }
            if expected == ISSUER && found == "https://vc.city.kobe.example"),
        "{err:?}"
    );
    // The wallet's receive flow refuses the offer the same way, before any token request.
    let wallet = new_wallet();
    let offer = CredentialOffer::pre_authorized(
        id.clone(),
        vec!["age".into()],
        PreAuthorizedCode::new("c0de"),
        None,
    );
    let key = myna_vc_core::crypto::SecretKey::generate_p256()
        .unwrap()
        .public_key();
    let pinned = PinnedIssuer::new(ISSUER, key);
    let status = StatusTokens::new();
    let check = ReceiptCheck::new(&pinned, &status);
    let err = wallet
        .receive(&issuer, &offer, None, &check, now())
        .unwrap_err();
    assert_eq!(err.code(), "wrong_issuer", "{err}");
}

#[test]
fn an_error_status_carries_the_oauth_error() {
    let addr = plain_server(|_| {
        (
            400,
            r#"{"error": "invalid_request", "error_description": "no such context"}"#.into(),
        )
    });
    let issuer = HttpIssuer::new_with(&route_to(addr)).unwrap();
    let err = issuer
        .pseudonym_offer(&IssuerId::new(ISSUER).unwrap(), "nowhere")
        .unwrap_err();
    assert_eq!(err.code(), "http_status");
    assert_eq!(
        cause(&err),
        &TransportCause::Status {
            status: 400,
            error: Some("invalid_request".into()),
            description: Some("no such context".into()),
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("HTTP 400, invalid_request: no such context"),
        "{text}"
    );
    assert!(text.contains("/pseudonym-offers"), "{text}");
    // A status without an OAuth body is still the status.
    let addr = plain_server(|_| (503, "<html>down</html>".into()));
    let status = HttpStatus::new_with(&route_to(addr)).unwrap();
    let uri = myna_vc_core::status_list::StatusListUri::new(format!("{ISSUER}/status/1")).unwrap();
    let err = status.token(&uri).unwrap_err();
    assert_eq!(
        cause(&err),
        &TransportCause::Status {
            status: 503,
            error: None,
            description: None
        }
    );
}

#[test]
fn a_refused_connection_says_nothing_listens() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let key = myna_vc_core::crypto::SecretKey::generate_p256()
        .unwrap()
        .public_key();
    let registry = HttpRegistry::new_with(ISSUER, key, &route_to(addr)).unwrap();
    let err =
        myna_wallet::consent::ConsentRegistry::register(&registry, "a.b.c", None).unwrap_err();
    assert_eq!(err.code(), "connection_refused", "{err}");
    assert!(
        matches!(&err, Error::Transport { party: "consent registry", url, .. }
            if url == &format!("http://{addr}/consents")),
        "{err:?}"
    );
    assert!(err.to_string().contains("connection refused"), "{err}");
}

#[test]
fn a_host_that_does_not_resolve_is_a_dns_error() {
    // `.invalid` never resolves (RFC 6761).
    let issuer =
        HttpIssuer::new_with(&HttpOptions::new().with_timeout(Duration::from_secs(20))).unwrap();
    let err = issuer
        .metadata(&IssuerId::new("https://vc.city.maebashi.invalid").unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "dns", "{err}");
    assert_eq!(
        cause(&err),
        &TransportCause::Dns {
            host: "vc.city.maebashi.invalid".into()
        }
    );
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts and holds the connections, answering nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let options = route_to(addr).with_timeout(Duration::from_secs(1));
    let err = HttpIssuer::new_with(&options)
        .unwrap()
        .metadata(&IssuerId::new(ISSUER).unwrap())
        .unwrap_err();
    assert_eq!(cause(&err), &TransportCause::Timeout { secs: 1 }, "{err}");
    assert_eq!(err.code(), "timeout");
}

/// A private CA and an HTTPS server on 127.0.0.1 with a certificate it issued.
struct PrivateCa {
    ca_pem: String,
    ca_der: Vec<u8>,
    /// The issuer identifier of the server (`https://127.0.0.1:PORT`).
    issuer: String,
}

/// A CA certificate and key, and a server certificate for `names` signed by it.
fn private_ca(names: &[&str]) -> (rcgen::Certificate, rcgen::Certificate, rcgen::KeyPair) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "前橋市 test environment CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let server = CertificateParams::new(names)
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    (ca, server, server_key)
}

/// Serves the metadata of `https://127.0.0.1:PORT` over TLS with a certificate for `names`.
fn https_issuer(names: &[&str]) -> PrivateCa {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let (ca, server, server_key) = private_ca(names);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![server.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("https://{}", listener.local_addr().unwrap());
    let metadata = metadata_json(&issuer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Ok(connection) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            // A client that refuses the certificate ends the handshake here.
            if read_request(&mut tls).is_some() {
                write_answer(&mut tls, &(200, metadata.clone()));
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    PrivateCa {
        ca_pem: ca.pem(),
        ca_der: ca.der().to_vec(),
        issuer,
    }
}

#[test]
fn an_issuer_with_a_private_ca_is_reached_once_the_ca_is_trusted() {
    let server = https_issuer(&["127.0.0.1"]);
    let id = IssuerId::new(&server.issuer).unwrap();

    // Without the CA: the certificate is not trusted, and the error says what to do.
    let err = HttpIssuer::new().unwrap().metadata(&id).unwrap_err();
    assert_eq!(err.code(), "untrusted_certificate", "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("the issuer's certificate is not trusted: give its CA with --ca-cert"),
        "{text}"
    );

    // With the CA, as PEM or as DER, the same request goes through.
    for ca in [server.ca_pem.as_bytes(), server.ca_der.as_slice()] {
        let options = HttpOptions::new().trust_ca(ca).unwrap();
        assert_eq!(options.extra_roots(), 1);
        let metadata = HttpIssuer::new_with(&options)
            .unwrap()
            .metadata(&id)
            .unwrap();
        assert_eq!(metadata.credential_issuer, id);
    }
}

#[test]
fn a_certificate_for_another_name_is_a_tls_error_not_an_untrusted_ca() {
    let server = https_issuer(&["vc.city.kobe.example"]);
    let options = HttpOptions::new()
        .trust_ca(server.ca_pem.as_bytes())
        .unwrap();
    let err = HttpIssuer::new_with(&options)
        .unwrap()
        .metadata(&IssuerId::new(&server.issuer).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "tls", "{err:?}");
    assert!(
        matches!(cause(&err), TransportCause::Tls { detail } if detail.contains("not valid for name")),
        "{err:?}"
    );
}

#[test]
fn ca_files_that_are_not_certificates_are_refused_when_given() {
    for bad in [
        &b""[..],
        b"hello",
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ] {
        let err = HttpOptions::new().trust_ca(bad).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Invalid {
                    what: "CA certificate",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    // A bundle of two CAs trusts both.
    let (first, ..) = private_ca(&["a.example"]);
    let (second, ..) = private_ca(&["b.example"]);
    let bundle = format!("{}{}", first.pem(), second.pem());
    let options = HttpOptions::new().trust_ca(bundle.as_bytes()).unwrap();
    assert_eq!(options.extra_roots(), 2);
}

#[test]
fn a_pseudonym_needs_an_anchor_and_comes_bound_to_the_anchored_key() {
    use myna_issuer::escrow::{EscrowPolicy, TrusteeKey};
    let trustees = ["council", "court"].map(|id| TrusteeKey::generate(id).unwrap().public());
    let city = City::with_setup(|setup| {
        setup.escrow = Some(EscrowPolicy::new(trustees.to_vec(), 2).unwrap());
        setup.pseudonym_contexts = vec!["maebashi-forum".into()];
    });
    let wallet = new_wallet();
    let pinned = city.pinned();
    let status = city.status();
    let check = ReceiptCheck::new(&pinned, &city.issuer);
    let id = city.id().clone();
    let err = wallet
        .receive_pseudonym(&city.issuer, &id, "maebashi-forum", &check, city.now)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(why) if why.contains("not anchored")),
        "{err:?}"
    );
    let (anchor, _) = wallet
        .anchor(
            &city.issuer,
            &id,
            &city.card_signer(),
            &ReceiptCheck::new(&pinned, &status),
            city.now,
        )
        .unwrap();
    // A context the issuer does not offer: its refusal comes back as it is.
    let err = wallet
        .receive_pseudonym(&city.issuer, &id, "another-forum", &check, city.now)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Remote { detail, .. } if detail.contains("invalid_request")),
        "{err:?}"
    );
    let batches = wallet
        .receive_pseudonym(&city.issuer, &id, "maebashi-forum", &check, city.now)
        .unwrap();
    let received: Vec<_> = batches.iter().flat_map(|b| &b.credentials).collect();
    assert_eq!(
        received.len(),
        1,
        "one pseudonym, bound to the anchored key"
    );
    let pseudonym = received[0];
    assert_eq!(pseudonym.vct, myna_vocabulary::Kind::ContextPseudonym.vct());
    assert_eq!(pseudonym.key, anchor.key);
    let claims = myna_vc_core::sdjwt::SdJwt::parse(&pseudonym.sd_jwt)
        .unwrap()
        .unverified_claims()
        .unwrap();
    assert_eq!(
        claims[myna_vocabulary::claim::context_pseudonym::CONTEXT],
        "maebashi-forum"
    );
}

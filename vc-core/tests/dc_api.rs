//! OpenID4VP over the Digital Credentials API (Annex A): the spec's examples read in place
//! (`../shared/specs/openid4vp/examples/digital_credentials_api`), unsigned and encrypted round
//! trips, signed requests with `x509_san_dns` and `x509_hash` over a CA and leaf made here with
//! rcgen, every refusal of a signed request, and `direct_post.jwt` by URL.
#![cfg(test)]

mod common;

use common::{read, shared};
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::jwe::{ContentEncryption, EncryptionKey};
use myna_vc_core::oid4vp::dc_api::*;
use myna_vc_core::oid4vp::*;
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, Error, JweError, JwtError, Oid4vpError};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
use serde_json::{json, Map, Value};

/// 2027-01-15; the certificates below are valid 2026-01-01 to 2028-01-01.
const NOW: i64 = 1_800_000_000;
/// 2029-01-15: after the certificates expired.
const LATER: i64 = 1_863_000_000;
const ORIGIN: &str = "https://shop.example";

fn now() -> NumericDate {
    NumericDate::from_unix(NOW)
}

fn dir() -> std::path::PathBuf {
    shared("specs/openid4vp/examples/digital_credentials_api")
}

fn simple_query() -> String {
    read(&shared("specs/openid4vp/examples/query_lang/simple.json"))
}

fn query() -> DcqlQuery {
    DcqlQuery::from_json(simple_query().as_bytes()).unwrap()
}

/// An example file with its `"dcql_query": {...}` placeholder (not JSON) replaced by the
/// spec's simple DCQL example query, a real one.
fn example(name: &str) -> Map<String, Value> {
    let text = read(&dir().join(name)).replace("{...}", &simple_query());
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn origin() -> Origin {
    Origin::parse(ORIGIN).unwrap()
}

#[test]
fn the_spec_signed_payloads_read_as_requests() {
    for name in [
        "signed_request_payload.json",
        "signed_request_payload_compact.json",
    ] {
        let mut members = example(name);
        // The JWS JSON example carries client_id in the protected header, not the payload.
        members
            .entry("client_id")
            .or_insert(json!("x509_san_dns:rp.example.com"));
        let request = DcApiRequest::from_payload(&members).unwrap();
        let origins: Vec<_> = request
            .expected_origins
            .iter()
            .map(Origin::as_str)
            .collect();
        assert_eq!(
            origins,
            ["https://origin1.example.com", "https://origin2.example.com"],
            "{name}"
        );
        assert_eq!(request.response_mode, ResponseMode::DcApi);
        assert_eq!(request.nonce.as_str(), "n-0S6_WzA2Mj");
        assert_eq!(request.protocol(), DcApiProtocol::Signed);
        assert_eq!(
            request.client_id.as_ref().unwrap().as_str(),
            "x509_san_dns:rp.example.com"
        );
        assert_eq!(request.dcql_query, query());
        // client_metadata.jwks: the spec's P-256 key (no `alg`, read as ECDH-ES).
        let metadata = request.client_metadata.as_ref().unwrap();
        let encryption = ResponseEncryption::from_client_metadata(metadata)
            .unwrap()
            .unwrap();
        let (key, enc) = encryption.select().unwrap();
        assert_eq!(key.kid(), Some("1"));
        assert_eq!(enc, ContentEncryption::A128Gcm);
        assert!(key.is_usable());

        // Signed by rp.example.com (a CA and leaf made here), read by a wallet that trusts the
        // CA, on each expected origin; elsewhere refused.
        let rp = pki("rp.example.com");
        let trust = RequestTrust::anchors(vec![rp.ca_der.clone()]).unwrap();
        let data = request.sign(&*rp.signer, &chain(&rp), now()).unwrap();
        for origin in ["https://origin1.example.com", "https://origin2.example.com"] {
            let received = receive(&data, origin, &trust, NOW).unwrap();
            assert_eq!(received.request, request, "{name}");
            assert_eq!(
                received.verifier.as_ref().unwrap().as_str(),
                "x509_san_dns:rp.example.com"
            );
            assert_eq!(received.kb_audience(), format!("origin:{origin}"));
        }
        assert_eq!(
            receive(&data, ORIGIN, &trust, NOW).unwrap_err(),
            Error::Oid4vp(Oid4vpError::OriginNotExpected)
        );

        // Unsigned, the same members lose client_id and expected_origins (Annex A.2).
        let data = Value::Object(members.clone());
        let received = DcApiRequest::from_api(
            "openid4vp-v1-unsigned",
            &data,
            &Origin::parse("https://elsewhere.example").unwrap(),
            &RequestTrust::none(),
            now(),
        )
        .unwrap();
        assert_eq!(received.verifier, None);
        assert_eq!(received.request.client_id, None);
        assert!(received.request.expected_origins.is_empty());
        assert_eq!(received.request.dcql_query, request.dcql_query);
        assert_eq!(received.kb_audience(), "origin:https://elsewhere.example");
        // And written back: the members minus those two.
        let mut expected = members.clone();
        expected.remove("client_id");
        expected.remove("expected_origins");
        let written = received.request.to_data().unwrap();
        assert_eq!(written, Value::Object(expected), "{name}");
    }
}

#[test]
fn the_spec_error_response_round_trips() {
    let text = read(&dir().join("error_invalid_request.json"));
    let data: Value = serde_json::from_str(&text).unwrap();
    let request =
        DcApiRequest::unsigned(query(), Some(&EncryptionKey::generate().unwrap())).unwrap();
    for mode in [ResponseMode::DcApi, ResponseMode::DcApiJwt] {
        // Errors are never encrypted, whatever the request asked.
        let response = DcApiResponse::from_data(&data, mode, None).unwrap();
        assert_eq!(response, DcApiResponse::Error(ErrorCode::InvalidRequest));
        assert_eq!(response.to_data(&request).unwrap(), data);
    }
}

#[test]
fn unsigned_requests_round_trip_plain_and_encrypted() {
    let key = EncryptionKey::generate().unwrap();
    for encrypted in [false, true] {
        let request = DcApiRequest::unsigned(query(), encrypted.then_some(&key)).unwrap();
        let data = request.to_data().unwrap();
        assert!(data.get("client_id").is_none() && data.get("expected_origins").is_none());
        let received = DcApiRequest::from_api(
            request.protocol().as_str(),
            &data,
            &origin(),
            &RequestTrust::none(),
            now(),
        )
        .unwrap();
        assert_eq!(received.request, request);
        assert_eq!(received.kb_audience(), "origin:https://shop.example");

        let mut token = VpToken::new();
        token.push(
            &query().credentials()[0].id().clone(),
            "eyJ.eyJ.sig~".into(),
        );
        let answer = DcApiResponse::Success(token.clone());
        let sent = answer.to_data(&received.request).unwrap();
        let mode = request.response_mode;
        assert_eq!(mode.is_encrypted(), encrypted);
        if encrypted {
            let jwe = sent["response"].as_str().unwrap();
            assert!(sent.get("vp_token").is_none());
            let payload: Value =
                serde_json::from_slice(&key.decrypt(jwe, &[ContentEncryption::A128Gcm]).unwrap())
                    .unwrap();
            assert_eq!(payload, json!({"vp_token": token.to_value()}));
            // Another session's key cannot read it.
            let other = EncryptionKey::generate().unwrap();
            assert!(matches!(
                DcApiResponse::from_data(&sent, mode, Some(&other)),
                Err(Error::Jwe(JweError::KeyMismatch(_)))
            ));
            // A plain vp_token for an encrypted request is a downgrade.
            let plain = json!({"vp_token": token.to_value()});
            assert_eq!(
                DcApiResponse::from_data(&plain, mode, Some(&key)),
                Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade {
                    expected: "dc_api.jwt"
                }))
            );
            // Encrypted without a key to decrypt with.
            assert_eq!(
                DcApiResponse::from_data(&sent, mode, None),
                Err(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))
            );
            // A tampered response.
            let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
            let mut ciphertext = b64::decode(&parts[3], "c").unwrap();
            ciphertext[0] ^= 0x80;
            parts[3] = b64::encode(ciphertext);
            assert_eq!(
                DcApiResponse::from_data(&json!({"response": parts.join(".")}), mode, Some(&key)),
                Err(Error::Jwe(JweError::DecryptionFailed))
            );
        } else {
            assert_eq!(sent, json!({"vp_token": token.to_value()}));
            // An encrypted response where none was asked for is not silently accepted.
            assert!(
                DcApiResponse::from_data(&json!({"response": "a.b.c.d.e"}), mode, None).is_err()
            );
        }
        assert_eq!(
            DcApiResponse::from_data(&sent, mode, Some(&key)).unwrap(),
            answer
        );
    }
}

#[test]
fn requests_over_the_dc_api_are_checked() {
    let key = EncryptionKey::generate().unwrap();
    let data = DcApiRequest::unsigned(query(), Some(&key))
        .unwrap()
        .to_data()
        .unwrap();
    let trust = RequestTrust::none();
    let read = |protocol: &str, data: &Value| {
        DcApiRequest::from_api(protocol, data, &origin(), &trust, now())
    };
    assert_eq!(
        read("openid4vp-v1-multisigned", &data).unwrap_err(),
        Error::Oid4vp(Oid4vpError::UnsupportedProtocol(
            "openid4vp-v1-multisigned".into()
        ))
    );
    assert!(matches!(
        read("openid4vp-v2-unsigned", &data),
        Err(Error::Oid4vp(Oid4vpError::UnsupportedProtocol(_)))
    ));
    let with = |name: &str, value: Value| {
        let mut d = data.clone();
        if value.is_null() {
            d.as_object_mut().unwrap().remove(name);
        } else {
            d[name] = value;
        }
        read("openid4vp-v1-unsigned", &d)
    };
    assert!(matches!(
        with("response_mode", json!("direct_post")),
        Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(_)))
    ));
    assert!(matches!(
        with("client_metadata", Value::Null),
        Err(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))
    ));
    assert_eq!(
        with("transaction_data", json!(["e30"])),
        Err(Error::Oid4vp(Oid4vpError::UnsupportedTransactionData))
    );
    assert_eq!(
        with("nonce", Value::Null),
        Err(Error::Oid4vp(Oid4vpError::MissingParameter("nonce")))
    );
    assert!(with("request", json!("eyJ.eyJ.sig")).is_err());
    // Annex A.2: client_id in an unsigned request is ignored, not trusted.
    let ignored = with("client_id", json!("x509_san_dns:bank.example")).unwrap();
    assert_eq!(ignored.verifier, None);
    assert_eq!(ignored.request.client_id, None);
    // Unknown parameters (state, response_uri) are ignored (Annex A.2).
    assert!(with("state", json!("abc")).is_ok());
    // Data that is not an object.
    assert!(read("openid4vp-v1-unsigned", &json!("x")).is_err());
}

/// A CA and a leaf it issued (P-256), with the leaf's key as a `Signer`.
struct Pki {
    ca_der: Vec<u8>,
    leaf_der: Vec<u8>,
    signer: Box<dyn Signer>,
}

fn validity(params: &mut CertificateParams) {
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    params.not_after = rcgen::date_time_ymd(2028, 1, 1);
}

fn pki(dns_name: &str) -> Pki {
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    validity(&mut ca);
    let ca = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf = CertificateParams::new(vec![dns_name.to_owned()]).unwrap();
    validity(&mut leaf);
    let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();
    Pki {
        ca_der: ca.der().to_vec(),
        leaf_der: leaf.der().to_vec(),
        signer: default_provider()
            .signer(&SecretKey::p256_from_pkcs8_der(&leaf_key.serialize_der()).unwrap())
            .unwrap(),
    }
}

fn signed_request(client_id: &str, origins: &[&str]) -> DcApiRequest {
    let mut request =
        DcApiRequest::unsigned(query(), Some(&EncryptionKey::generate().unwrap())).unwrap();
    request.client_id = Some(ClientId::parse(client_id).unwrap());
    request.expected_origins = origins.iter().map(|o| Origin::parse(o).unwrap()).collect();
    request
}

fn chain(pki: &Pki) -> Vec<Vec<u8>> {
    vec![pki.leaf_der.clone(), pki.ca_der.clone()]
}

fn receive(
    data: &Value,
    origin: &str,
    trust: &RequestTrust,
    at: i64,
) -> Result<ReceivedDcApiRequest, Error> {
    DcApiRequest::from_api(
        "openid4vp-v1-signed",
        data,
        &Origin::parse(origin).unwrap(),
        trust,
        NumericDate::from_unix(at),
    )
}

#[test]
fn signed_requests_with_x509_san_dns_and_x509_hash() {
    let pki = pki("shop.example");
    let trust = RequestTrust::anchors(vec![pki.ca_der.clone()]).unwrap();
    let hash = b64::encode(<sha2::Sha256 as sha2::Digest>::digest(&pki.leaf_der));
    for client_id in [
        "x509_san_dns:shop.example".to_owned(),
        format!("x509_hash:{hash}"),
    ] {
        let request = signed_request(&client_id, &[ORIGIN, "https://www.shop.example"]);
        assert_eq!(request.protocol(), DcApiProtocol::Signed);
        let data = request.sign(&*pki.signer, &chain(&pki), now()).unwrap();
        assert_eq!(data.as_object().unwrap().len(), 1);
        let received = receive(&data, ORIGIN, &trust, NOW).unwrap();
        assert_eq!(received.request, request);
        assert_eq!(received.verifier.as_ref().unwrap().as_str(), client_id);
        // The KB-JWT audience is still the origin, not the client_id (Annex A.4).
        assert_eq!(received.kb_audience(), "origin:https://shop.example");
        // The second expected origin, exactly.
        assert!(receive(&data, "https://www.shop.example", &trust, NOW).is_ok());
        // An origin not listed, or listed only up to a port or a trailing dot.
        for elsewhere in ["https://evil.example", "https://shop.example:8443"] {
            assert_eq!(
                receive(&data, elsewhere, &trust, NOW).unwrap_err(),
                Error::Oid4vp(Oid4vpError::OriginNotExpected),
                "{elsewhere}"
            );
        }
        // Nobody trusted, or another CA trusted.
        assert!(matches!(
            receive(&data, ORIGIN, &RequestTrust::none(), NOW),
            Err(Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(_)))
        ));
        let stranger = pki_other_ca();
        assert!(matches!(
            receive(&data, ORIGIN, &stranger, NOW),
            Err(Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(_)))
        ));
        // The certificates have expired (the request itself signed then, so only they are old).
        let late = request
            .sign(&*pki.signer, &chain(&pki), NumericDate::from_unix(LATER))
            .unwrap();
        let expired = receive(&late, ORIGIN, &trust, LATER).unwrap_err();
        assert!(
            matches!(&expired, Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(why)) if why.contains("expired")),
            "{expired:?}"
        );
        // The request object itself expired (signed at NOW, read an hour later).
        assert!(matches!(
            receive(&data, ORIGIN, &trust, NOW + 3600),
            Err(Error::Jwt(JwtError::Expired { .. }))
        ));
    }
}

fn pki_other_ca() -> RequestTrust {
    RequestTrust::anchors(vec![pki("shop.example").ca_der]).unwrap()
}

#[test]
fn signed_requests_that_do_not_fit_their_certificate_are_refused() {
    let pki = pki("shop.example");
    let trust = RequestTrust::anchors(vec![pki.ca_der.clone()]).unwrap();
    let mismatch = Err(Error::Oid4vp(Oid4vpError::ClientIdCertificateMismatch));
    // The verifier side refuses to sign what does not fit.
    let other_hash = b64::encode(<sha2::Sha256 as sha2::Digest>::digest(&pki.ca_der));
    for client_id in [
        "x509_san_dns:bank.example".to_owned(),
        format!("x509_hash:{other_hash}"),
    ] {
        let request = signed_request(&client_id, &[ORIGIN]);
        assert_eq!(
            request.sign(&*pki.signer, &chain(&pki), now()).map(|_| ()),
            mismatch.clone(),
            "{client_id}"
        );
        // A hostile verifier that signs anyway (a hand-made JWS) is refused by the wallet.
        let forged = forge(&request, &pki, &client_id);
        assert_eq!(
            receive(&forged, ORIGIN, &trust, NOW).map(|_| ()),
            mismatch.clone(),
            "{client_id}"
        );
    }
    // A signer whose key is not the leaf's.
    let request = signed_request("x509_san_dns:shop.example", &[ORIGIN]);
    let other = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    assert_eq!(
        request.sign(&*other, &chain(&pki), now()).map(|_| ()),
        mismatch
    );

    // A tampered signature.
    let data = request.sign(&*pki.signer, &chain(&pki), now()).unwrap();
    let jws = data["request"].as_str().unwrap();
    let (rest, signature) = jws.rsplit_once('.').unwrap();
    let mut signature = b64::decode(signature, "s").unwrap();
    signature[10] ^= 1;
    let tampered = json!({"request": format!("{rest}.{}", b64::encode(signature))});
    assert!(matches!(
        receive(&tampered, ORIGIN, &trust, NOW),
        Err(Error::Jose(myna_vc_core::JoseError::SignatureInvalid))
    ));
    // A tampered payload (another origin added) under the old signature.
    let parts: Vec<&str> = jws.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&b64::decode(parts[1], "p").unwrap()).unwrap();
    claims["expected_origins"] = json!([ORIGIN, "https://evil.example"]);
    let tampered = json!({"request": format!("{}.{}.{}", parts[0], b64::encode(claims.to_string()), parts[2])});
    assert!(receive(&tampered, "https://evil.example", &trust, NOW).is_err());
    // Under the unsigned protocol, a signed request is not quietly read without its checks.
    assert!(
        DcApiRequest::from_api("openid4vp-v1-unsigned", &data, &origin(), &trust, now()).is_err()
    );
    // Under the multisigned protocol: unsupported.
    assert!(matches!(
        DcApiRequest::from_api("openid4vp-v1-multisigned", &data, &origin(), &trust, now()),
        Err(Error::Oid4vp(Oid4vpError::UnsupportedProtocol(_)))
    ));
    // A signed request without expected_origins cannot be made.
    let mut no_origins = request.clone();
    no_origins.expected_origins.clear();
    assert_eq!(
        no_origins
            .sign(&*pki.signer, &chain(&pki), now())
            .map(|_| ()),
        Err(Error::Oid4vp(Oid4vpError::MissingParameter(
            "expected_origins"
        )))
    );
    // Nor one whose chain is not certificates.
    assert!(request
        .sign(&*pki.signer, &[b"junk".to_vec()], now())
        .is_err());
}

/// A Request Object signed by the leaf's key with whatever `client_id`, bypassing
/// `DcApiRequest::sign`'s checks, as a hostile verifier would.
fn forge(request: &DcApiRequest, pki: &Pki, client_id: &str) -> Value {
    use base64::Engine as _;
    let mut claims = request.to_data().unwrap().as_object().unwrap().clone();
    claims.insert("client_id".into(), json!(client_id));
    claims.insert("expected_origins".into(), json!([ORIGIN]));
    claims.insert("aud".into(), json!(SELF_ISSUED_AUDIENCE));
    claims.insert("iat".into(), json!(NOW));
    claims.insert("exp".into(), json!(NOW + 600));
    let x5c = chain(pki)
        .iter()
        .map(|d| base64::engine::general_purpose::STANDARD.encode(d))
        .collect();
    let header = myna_vc_core::jws::JwsHeader::new(pki.signer.algorithm())
        .with_typ(REQUEST_OBJECT_TYP)
        .with_x5c(x5c);
    let jws = myna_vc_core::jwt::sign(&header, &claims, &*pki.signer).unwrap();
    json!({ "request": jws })
}

#[test]
fn direct_post_jwt_by_url() {
    let key = EncryptionKey::generate().unwrap();
    let client = ClientId::parse("x509_san_dns:shop.example").unwrap();
    let request =
        AuthorizationRequest::direct_post_jwt(client, "https://shop.example/post", query(), &key)
            .unwrap();
    let url = request.to_url().unwrap();
    let RequestLink::ByValue(received) = RequestLink::parse(&url).unwrap() else {
        panic!("by value")
    };
    assert_eq!(*received, request);
    assert_eq!(received.response_mode, ResponseMode::DirectPostJwt);
    let metadata = received.client_metadata.as_ref().unwrap();
    assert_eq!(metadata["jwks"]["keys"][0], key.public_jwk());
    assert_eq!(metadata[ENC_VALUES_SUPPORTED], json!(["A128GCM"]));

    let mut token = VpToken::new();
    token.push(
        &query().credentials()[0].id().clone(),
        "eyJ.eyJ.sig~".into(),
    );
    let response = AuthorizationResponse {
        vp_token: token,
        state: received.state.clone(),
    };
    let body = response.to_form_for(&received).unwrap();
    assert!(body.starts_with("response=") && !body.contains("vp_token"));
    let mode = request.response_mode;
    assert_eq!(
        ResponseBody::from_form_for(&body, mode, Some(&key)).unwrap(),
        ResponseBody::Success(response.clone())
    );
    // Plain vp_token for a .jwt request: a downgrade.
    assert_eq!(
        ResponseBody::from_form_for(&response.to_form(), mode, Some(&key)),
        Err(Error::Oid4vp(Oid4vpError::ResponseModeDowngrade {
            expected: "direct_post.jwt"
        }))
    );
    // An unencrypted error response is accepted (§8.3.1 MAY).
    let error = AuthorizationErrorResponse {
        error: ErrorCode::AccessDenied,
        error_description: None,
        state: request.state.clone(),
    };
    assert_eq!(
        ResponseBody::from_form_for(&error.to_form().unwrap(), mode, Some(&key)).unwrap(),
        ResponseBody::Error(error)
    );
    // Another session's key; no key; `response` with a plain vp_token beside it.
    let other = EncryptionKey::generate().unwrap();
    assert!(matches!(
        ResponseBody::from_form_for(&body, mode, Some(&other)),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    assert_eq!(
        ResponseBody::from_form_for(&body, mode, None),
        Err(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))
    );
    let both = format!("{body}&{}", response.to_form());
    assert!(matches!(
        ResponseBody::from_form_for(&both, mode, Some(&key)),
        Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(_)))
    ));
    // A plain direct_post request still takes the plain form.
    let plain = AuthorizationRequest::direct_post(
        request.client_id.clone(),
        "https://shop.example/post",
        query(),
    )
    .unwrap();
    assert_eq!(response.to_form_for(&plain).unwrap(), response.to_form());
    // A direct_post.jwt request whose metadata offers no usable key cannot be made or read.
    let mut unusable = request.clone();
    let mut metadata = metadata.clone();
    metadata["jwks"]["keys"][0]["use"] = json!("sig");
    unusable.client_metadata = Some(metadata);
    assert_eq!(
        unusable.to_url(),
        Err(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))
    );
}

#[test]
fn origins_are_strict() {
    for good in [
        "https://shop.example",
        "https://shop.example:8443",
        "http://localhost",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
    ] {
        assert_eq!(Origin::parse(good).unwrap().as_str(), good);
    }
    for bad in [
        "",
        "null",
        "http://shop.example",
        "https://shop.example/",
        "https://shop.example?x",
        "https://shop.example#x",
        "https://user@shop.example",
        "https://SHOP.example",
        "https://shop.example:0",
        "https://shop.example:65536",
        "https://shop.example:08443",
        "https://",
        "ftp://shop.example",
        "https://shop example",
    ] {
        assert!(
            matches!(
                Origin::parse(bad),
                Err(Error::Oid4vp(Oid4vpError::InvalidOrigin(_)))
            ),
            "{bad}"
        );
    }
}

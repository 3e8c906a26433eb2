//! OpenID4VP 1.0: the spec's request and response examples (its examples folder and the JSON
//! and URLs of its text) parsed, signed and verified; each request rule's refusal; a whole
//! cross-device flow with a real SD-JWT VC; hostile input.
#![cfg(test)]

mod common;

use common::{read, read_json, shared};
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::dcql::{CredentialView, DcqlQuery, HeldCredential, Presented};
use myna_vc_core::jwe::ContentEncryption;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::jwt;
use myna_vc_core::oid4vp::*;
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Error;
use myna_vc_core::{InputError, JoseError, JwtError, Oid4vpError, SdJwtError};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;
use serde_json::{json, Value};

const SPEC: &str = "specs/openid4vp/openid-4-verifiable-presentations-1_0.md";
const NOW: i64 = 1_800_000_000;
/// The message of a dc_api mode in a URL request.
const DC_API_IN_URL: &str = "response_mode dc_api and dc_api.jwt belong to requests over the \
     Digital Credentials API (DcApiRequest), not to requests by URL";

fn now() -> NumericDate {
    NumericDate::from_unix(NOW)
}

fn simple_query() -> String {
    read(&shared("specs/openid4vp/examples/query_lang/simple.json"))
}

/// A spec JSON text with its `{...}` DCQL placeholder replaced by the simple example query.
fn fill(text: &str) -> Value {
    let text = text
        .replace("{...}", &simple_query())
        .replace("{ ... }", &simple_query());
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The ```json blocks of the spec text that are Authorization Request payloads.
fn spec_request_payloads() -> Vec<Value> {
    let text = read(&shared(SPEC));
    text.split("```json")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(body, _)| body))
        .filter(|body| body.contains("\"response_type\""))
        .map(fill)
        .collect()
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// A JSON request payload as URL parameters (objects as JSON text, §5.1).
fn as_url(payload: &Value) -> String {
    let pairs: Vec<String> = payload
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{k}={}", encode(&value))
        })
        .collect();
    format!("openid4vp://?{}", pairs.join("&"))
}

fn by_value(url: &str) -> Result<AuthorizationRequest, Error> {
    match RequestLink::parse(url)? {
        RequestLink::ByValue(request) => Ok(*request),
        other => panic!("not by value: {other:?}"),
    }
}

/// Signs a payload as a Request Object (with `aud`), as a verifier would.
fn sign_payload(payload: &Value, key: &SecretKey, typ: &str) -> String {
    let signer = default_provider().signer(key).unwrap();
    let mut claims = payload.as_object().unwrap().clone();
    claims
        .entry("aud")
        .or_insert_with(|| json!(SELF_ISSUED_AUDIENCE));
    let header = JwsHeader::new(signer.algorithm()).with_typ(typ);
    jwt::sign(&header, &claims, &*signer).unwrap()
}

#[test]
fn the_request_payloads_of_the_spec_text() {
    let payloads = spec_request_payloads();
    assert_eq!(payloads.len(), 4, "§5.4, §5.10.1, §8.2 and §A.2 examples");
    let key = SecretKey::generate_p256().unwrap();

    // §5.4: a by-value request whose `redirect_uri` lacks the `:` of `https:` (a typo in the
    // spec): refused, as any non-https redirect URI is.
    assert!(matches!(
        by_value(&as_url(&payloads[0])),
        Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "redirect_uri",
            ..
        }))
    ));

    // §5.10.1: the Request URI response with `wallet_nonce`.
    let signed = sign_payload(&payloads[1], &key, REQUEST_OBJECT_TYP);
    let client = ClientId::parse("x509_san_dns:client.example.org").unwrap();
    let rules = RequestObjectRules::at(now())
        .client_id(&client)
        .wallet_nonce("qPmxiNFCR3QTm19POc8u");
    let request =
        verify_request_object(&signed, default_provider(), &key.public_key(), &rules).unwrap();
    assert_eq!(request.response_mode, ResponseMode::DirectPost);
    assert_eq!(request.response_target(), "https://client.example.org/post");
    assert_eq!(request.state.as_ref().unwrap().as_str(), "eyJhb...6-sVA");
    // The KB-JWT example (§B.3.6) is bound to exactly this request.
    let kb = read_json(&shared(
        "specs/openid4vp/examples/response/kb_jwt_unsecured.json",
    ));
    assert_eq!(request.kb_audience(), kb["aud"]);
    assert_eq!(request.nonce.as_str(), kb["nonce"]);
    let wrong = RequestObjectRules::at(now())
        .client_id(&client)
        .wallet_nonce("another");
    assert_eq!(
        verify_request_object(&signed, default_provider(), &key.public_key(), &wrong),
        Err(Error::Oid4vp(Oid4vpError::WalletNonceMismatch))
    );

    // §8.2: a direct_post request of a `redirect_uri:` client, by value; it cannot be signed.
    let request = by_value(&as_url(&payloads[2])).unwrap();
    assert_eq!(request.client_id.prefix(), ClientIdPrefix::RedirectUri);
    assert_eq!(request.response_target(), "https://client.example.org/post");
    assert_eq!(
        request.dcql_query,
        DcqlQuery::from_json(simple_query().as_bytes()).unwrap()
    );
    let signed = sign_payload(&payloads[2], &key, REQUEST_OBJECT_TYP);
    assert!(matches!(
        verify_request_object(
            &signed,
            default_provider(),
            &key.public_key(),
            &RequestObjectRules::at(now())
        ),
        Err(Error::Oid4vp(Oid4vpError::InvalidClientId(_)))
    ));
    let signer = default_provider().signer(&key).unwrap();
    assert!(matches!(
        request.sign(JwsHeader::new(signer.algorithm()), &*signer, now()),
        Err(Error::Oid4vp(Oid4vpError::InvalidClientId(_)))
    ));

    // §8.3: a dc_api.jwt request. By URL (with a client_id, which it lacks) it is refused:
    // dc_api modes belong to requests over the Digital Credentials API.
    let mut by_url = payloads[3].clone();
    by_url["client_id"] = json!("x509_san_dns:client.example.org");
    assert_eq!(
        by_value(&as_url(&by_url)),
        Err(Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(
            DC_API_IN_URL
        )))
    );
    // Over the DC API (unsigned) it reads, and the wallet picks the P-256 key "ac" (not the
    // X25519, P-384 or X448 ones) and A128GCM (not A128CBC-HS256, unsupported).
    let origin = Origin::parse("https://client.example.org").unwrap();
    let received = DcApiRequest::from_api(
        "openid4vp-v1-unsigned",
        &payloads[3],
        &origin,
        &RequestTrust::none(),
        now(),
    )
    .unwrap();
    assert_eq!(received.request.response_mode, ResponseMode::DcApiJwt);
    assert_eq!(received.request.nonce.as_str(), "xyz123ltcaccescbwc777");
    let metadata = received.request.client_metadata.as_ref().unwrap();
    let encryption = ResponseEncryption::from_client_metadata(metadata)
        .unwrap()
        .unwrap();
    assert_eq!(encryption.keys.len(), 4);
    let kids: Vec<_> = encryption.keys.iter().map(|k| k.kid().unwrap()).collect();
    assert_eq!(kids, ["ac", "jc", "lc", "bc"]);
    assert_eq!(encryption.enc_values, [ContentEncryption::A128Gcm]);
    let (key, enc) = encryption.select().unwrap();
    assert_eq!(key.kid(), Some("ac"));
    assert_eq!(enc, ContentEncryption::A128Gcm);
    // Without the P-256 key nothing is usable: a typed error, not a silent plain response.
    let mut others = metadata.clone();
    others["jwks"]["keys"].as_array_mut().unwrap().remove(0);
    let others = ResponseEncryption::from_client_metadata(&others)
        .unwrap()
        .unwrap();
    assert_eq!(
        others.select().unwrap_err(),
        Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey)
    );
}

#[test]
fn the_decentralized_identifier_request_object_example() {
    let dir = shared("specs/openid4vp/examples/request");
    let header = read_json(&dir.join("request_header_client_id_did.json"));
    assert_eq!(header["typ"], REQUEST_OBJECT_TYP);
    let payload = fill(&read(&dir.join("request_object_client_id_did.json")));
    let key = SecretKey::generate_p256().unwrap();
    let signed = sign_payload(&payload, &key, header["typ"].as_str().unwrap());
    let request = verify_request_object(
        &signed,
        default_provider(),
        &key.public_key(),
        &RequestObjectRules::at(now()),
    )
    .unwrap();
    assert_eq!(request.client_id.did().unwrap().as_str(), "did:example:123");
    assert_eq!(request.response_mode, ResponseMode::Fragment);
    assert_eq!(
        request.response_target(),
        "https://client.example.org/callback"
    );
    let metadata = read_json(&shared(
        "specs/openid4vp/examples/client_metadata/sd_jwt_vc_verifier_metadata.json",
    ));
    assert_eq!(
        Value::Object(request.client_metadata.clone().unwrap()),
        metadata
    );

    // The same payload without `aud`, with the wrong `typ`, or signed by another key.
    let mut no_aud = payload.clone();
    no_aud["aud"] = json!("https://other-wallet.example");
    let other = sign_payload(&no_aud, &key, REQUEST_OBJECT_TYP);
    let rules = RequestObjectRules::at(now());
    assert_eq!(
        verify_request_object(&other, default_provider(), &key.public_key(), &rules),
        Err(Error::Oid4vp(Oid4vpError::RequestAudienceMismatch))
    );
    let jwt_typ = sign_payload(&payload, &key, "JWT");
    assert!(matches!(
        verify_request_object(&jwt_typ, default_provider(), &key.public_key(), &rules),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
    let stranger = SecretKey::generate_p256().unwrap();
    assert_eq!(
        verify_request_object(&signed, default_provider(), &stranger.public_key(), &rules),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
    let elsewhere = ClientId::parse("decentralized_identifier:did:example:456").unwrap();
    assert_eq!(
        verify_request_object(
            &signed,
            default_provider(),
            &key.public_key(),
            &rules.client_id(&elsewhere)
        ),
        Err(Error::Oid4vp(Oid4vpError::RequestClientIdMismatch))
    );
}

/// Digital Credentials API requests by URL are refused with a typed error that names the DC
/// API: a URL request takes only direct_post, direct_post.jwt and fragment. (They are read
/// with `DcApiRequest`; see tests/dc_api.rs.)
#[test]
fn digital_credentials_api_requests_by_url_are_refused() {
    let dir = shared("specs/openid4vp/examples/digital_credentials_api");
    for name in [
        "signed_request_payload.json",
        "signed_request_payload_compact.json",
    ] {
        let mut payload = fill(&read(&dir.join(name)));
        payload["client_id"] = json!("x509_san_dns:rp.example.com");
        let refused = by_value(&as_url(&payload)).unwrap_err();
        assert_eq!(
            refused,
            Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(DC_API_IN_URL)),
            "{name}"
        );
        assert_eq!(refused.code(), "response_mode_wrong_channel");
        assert!(refused.to_string().contains("Digital Credentials API"));
    }
    let error = read(&dir.join("error_invalid_request.json"));
    let error: Value = serde_json::from_str(&error).unwrap();
    assert_eq!(
        ErrorCode::from(error["error"].as_str().unwrap()),
        ErrorCode::InvalidRequest
    );
}

/// The URL examples of the spec text, with real values where the text has `...`.
#[test]
fn the_url_examples_of_the_spec_text() {
    // §5.9.3: `redirect_uri:` with client metadata, split over lines in the text.
    let text = read(&shared(SPEC));
    let start = text.find("&client_metadata=%7B").unwrap();
    let block = &text[start..];
    let block = &block[..block.find("```").unwrap()];
    let metadata: String = block
        .split_whitespace()
        .collect::<String>()
        .trim_start_matches("&client_metadata=")
        .to_owned();
    let url = format!(
        "https://wallet.example.org/universal-link?response_type=vp_token\
         &client_id=redirect_uri%3Ahttps%3A%2F%2Fclient.example.org%2Fcb\
         &redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb&dcql_query={}\
         &nonce=n-0S6_WzA2Mj&client_metadata={metadata}",
        encode(&simple_query())
    );
    let request = by_value(&url).unwrap();
    assert_eq!(
        request.client_metadata.unwrap()["vp_formats_supported"]["dc+sd-jwt"]["kb-jwt_alg_values"],
        json!(["ES256"])
    );
    assert_eq!(request.nonce.as_str(), "n-0S6_WzA2Mj");

    // §5.4: with `transaction_data`, which this wallet does not support: it MUST refuse.
    let with_tx = format!(
        "{url}&transaction_data={}",
        encode(r#"["eyJ0eXBlIjoiZXhhbXBsZV90eXBlIn0"]"#)
    );
    assert_eq!(
        by_value(&with_tx),
        Err(Error::Oid4vp(Oid4vpError::UnsupportedTransactionData))
    );

    // §5.4: by reference, POST method; and by value with `request`.
    let link = RequestLink::parse(
        "openid4vp://?client_id=x509_san_dns%3Aclient.example.org\
         &request_uri=https%3A%2F%2Fclient.example.org%2Frequest%2Fvapof4ql2i7m41m68uep\
         &request_uri_method=post",
    )
    .unwrap();
    assert!(matches!(
        link,
        RequestLink::ByReference {
            method: RequestUriMethod::Post,
            ..
        }
    ));
    let signed = RequestLink::parse(
        "/authorize?client_id=redirect_uri%3Ahttps%3A%2F%2Fclient.example.org%2Fcb&request=eyJrd.eyJ.c2ln",
    )
    .unwrap();
    let RequestLink::Signed { client_id, request } = &signed else {
        panic!("{signed:?}")
    };
    assert_eq!(client_id.original(), "https://client.example.org/cb");
    assert_eq!(request, "eyJrd.eyJ.c2ln");
    assert_eq!(
        RequestLink::parse(&signed.to_url().unwrap()).unwrap(),
        signed
    );
}

fn base_request() -> Value {
    json!({
        "client_id": "x509_san_dns:shop.example",
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": "https://shop.example/post",
        "nonce": "n-0S6_WzA2Mj",
        "dcql_query": serde_json::from_str::<Value>(&simple_query()).unwrap(),
    })
}

fn with(member: &str, value: Value) -> String {
    let mut request = base_request();
    if value.is_null() {
        request.as_object_mut().unwrap().remove(member);
    } else {
        request[member] = value;
    }
    as_url(&request)
}

#[test]
fn each_request_rule_has_its_own_error() {
    assert!(by_value(&as_url(&base_request())).is_ok());
    let cases: Vec<(String, Error)> = vec![
        (
            with("response_type", json!("code")),
            Error::Oid4vp(Oid4vpError::UnsupportedResponseType("code".into())),
        ),
        (
            with("response_type", Value::Null),
            Error::Oid4vp(Oid4vpError::MissingParameter("response_type")),
        ),
        (
            // direct_post.jwt is supported, but only with a key to encrypt to (§8.3).
            with("response_mode", json!("direct_post.jwt")),
            Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey),
        ),
        (
            with("response_mode", json!("dc_api")),
            Error::Oid4vp(Oid4vpError::ResponseModeWrongChannel(DC_API_IN_URL)),
        ),
        (
            with("response_mode", json!("query")),
            Error::Oid4vp(Oid4vpError::UnsupportedResponseMode("query".into())),
        ),
        (
            with("response_uri", Value::Null),
            Error::Oid4vp(Oid4vpError::MissingParameter("response_uri")),
        ),
        (
            with("redirect_uri", json!("https://shop.example/cb")),
            Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`redirect_uri` must not be present with response_mode direct_post",
            )),
        ),
        (
            with("nonce", Value::Null),
            Error::Oid4vp(Oid4vpError::MissingParameter("nonce")),
        ),
        (
            with("dcql_query", Value::Null),
            Error::Oid4vp(Oid4vpError::MissingParameter("dcql_query")),
        ),
        (
            with("client_id", Value::Null),
            Error::Oid4vp(Oid4vpError::MissingParameter("client_id")),
        ),
        (
            with("client_id", json!("openid_federation:https://fed.example")),
            Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix(
                "openid_federation".into(),
            )),
        ),
        (
            with("client_id", json!("verifier_attestation:shop")),
            Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix(
                "verifier_attestation".into(),
            )),
        ),
        (
            with("client_id", json!("origin:https://shop.example")),
            Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix("origin".into())),
        ),
        (
            with("client_id", json!("https://shop.example/cb")),
            Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix("https".into())),
        ),
        (
            with(
                "scope",
                json!("com.example.healthCardCredential_presentation"),
            ),
            Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`dcql_query` and `scope` must not both be present",
            )),
        ),
        (
            with("transaction_data", json!(["eyJ0eXBlIjoiYSJ9"])),
            Error::Oid4vp(Oid4vpError::UnsupportedTransactionData),
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(by_value(&url), Err(expected), "{url}");
    }
    let scope_only = with("dcql_query", Value::Null).replace("nonce=", "scope=x&nonce=");
    assert!(matches!(
        by_value(&scope_only),
        Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "scope",
            ..
        }))
    ));
    // Client identifiers that do not fit their prefix.
    for client_id in [
        "x509_san_dns:not a host",
        "x509_san_dns:-bad.example",
        "decentralized_identifier:not-a-did",
        "x509_hash:c2hvcnQ",
        "redirect_uri:http://shop.example/cb",
    ] {
        assert!(
            matches!(
                by_value(&with("client_id", json!(client_id))),
                Err(Error::Oid4vp(Oid4vpError::InvalidClientId(_)))
            ),
            "{client_id}"
        );
    }
    // The response URI must belong to the client.
    for (client_id, uri) in [
        ("x509_san_dns:shop.example", "https://evil.example/post"),
        (
            "redirect_uri:https://shop.example/post",
            "https://shop.example/other",
        ),
    ] {
        let mut request = base_request();
        request["client_id"] = json!(client_id);
        request["response_uri"] = json!(uri);
        assert!(
            matches!(
                by_value(&as_url(&request)),
                Err(Error::Oid4vp(Oid4vpError::InvalidClientId(_)))
            ),
            "{client_id}"
        );
    }
    for uri in [
        "http://shop.example/post",
        "ftp://shop.example/post",
        "https://user@shop.example/post",
    ] {
        assert!(
            matches!(
                by_value(&with("response_uri", json!(uri))),
                Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
                    name: "response_uri",
                    ..
                }))
            ),
            "{uri}"
        );
    }
    // Nonce and state are URL-safe.
    assert!(matches!(
        by_value(&with("nonce", json!("n 0"))),
        Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "nonce",
            ..
        }))
    ));
    assert!(matches!(
        by_value(&with("state", json!("a/b"))),
        Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "state",
            ..
        }))
    ));
    // A credential without holder binding needs `state` (§5.3).
    let mut query: Value = serde_json::from_str(&simple_query()).unwrap();
    query["credentials"][0]["require_cryptographic_holder_binding"] = json!(false);
    assert_eq!(
        by_value(&with("dcql_query", query.clone())),
        Err(Error::Oid4vp(Oid4vpError::MissingParameter("state")))
    );
    let mut stateful = base_request();
    stateful["dcql_query"] = query;
    stateful["state"] = json!("s-1");
    assert!(by_value(&as_url(&stateful)).is_ok());
}

#[test]
fn link_level_rules() {
    let conflict = "openid4vp://?client_id=x509_san_dns%3Aa.example&request=a.b.c&request_uri=https%3A%2F%2Fa.example%2Fr";
    assert!(matches!(
        RequestLink::parse(conflict),
        Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(_)))
    ));
    let method_alone = format!("{}&request_uri_method=post", with("nonce", json!("abc")));
    assert!(matches!(
        RequestLink::parse(&method_alone),
        Err(Error::Oid4vp(Oid4vpError::ConflictingParameters(_)))
    ));
    let bad_method = "openid4vp://?client_id=x509_san_dns%3Aa.example&request_uri=https%3A%2F%2Fa.example%2Fr&request_uri_method=put";
    let err = RequestLink::parse(bad_method).unwrap_err();
    assert_eq!(
        ErrorCode::for_error(&err),
        ErrorCode::InvalidRequestUriMethod
    );
    let http =
        "openid4vp://?client_id=x509_san_dns%3Aa.example&request_uri=http%3A%2F%2Fa.example%2Fr";
    assert!(matches!(
        RequestLink::parse(http),
        Err(Error::Oid4vp(Oid4vpError::InvalidParameter {
            name: "request_uri",
            ..
        }))
    ));
    let repeated = format!("{}&nonce=again", as_url(&base_request()));
    assert!(matches!(
        RequestLink::parse(&repeated),
        Err(Error::Input(InputError::Repeated { member, .. })) if member == "nonce"
    ));
    assert!(matches!(
        RequestLink::parse("openid4vp://"),
        Err(Error::Oid4vp(Oid4vpError::NoQuery))
    ));
    let no_client = "openid4vp://?request_uri=https%3A%2F%2Fa.example%2Fr";
    assert_eq!(
        RequestLink::parse(no_client),
        Err(Error::Oid4vp(Oid4vpError::MissingParameter("client_id")))
    );
}

#[test]
fn responses_round_trip_and_refuse_malformed_bodies() {
    // §8.1.1's examples, with `multiple`.
    let token =
        VpToken::from_json(r#"{"my_credential": ["eyJhbGci...QMA", "eyJhbGci...QMA"]}"#).unwrap();
    assert_eq!(token.get("my_credential").unwrap().len(), 2);
    let response = AuthorizationResponse {
        vp_token: token,
        state: Some(State::parse("eyJhb...6-sVA").unwrap()),
    };
    assert_eq!(
        ResponseBody::from_form(&response.to_form()).unwrap(),
        ResponseBody::Success(response)
    );
    for (body, expected) in [
        ("", Error::Oid4vp(Oid4vpError::MissingParameter("vp_token"))),
        (
            "state=abc",
            Error::Oid4vp(Oid4vpError::MissingParameter("vp_token")),
        ),
        (
            "vp_token=%7B%7D&error=access_denied",
            Error::Oid4vp(Oid4vpError::ConflictingParameters(
                "`vp_token` and `error` must not both be present",
            )),
        ),
    ] {
        assert_eq!(ResponseBody::from_form(body), Err(expected), "{body}");
    }
    for token in [
        r#"[]"#,
        r#"{"q": "not-an-array"}"#,
        r#"{"q": []}"#,
        r#"{"q": [""]}"#,
        r#"{"q": [{"@context": []}]}"#,
        r#"{"bad id": ["x"]}"#,
        r#"{"q": ["x"]"#,
    ] {
        let body = format!("vp_token={}", encode(token));
        assert!(ResponseBody::from_form(&body).is_err(), "{token}");
    }
    assert!(ResponseBody::from_form("vp_token=%7B%7D&vp_token=%7B%7D").is_err());
    assert!(ResponseBody::from_form("error=bad%22code").is_err());
    let error = AuthorizationErrorResponse {
        error: ErrorCode::AccessDenied,
        error_description: Some("年齢".into()),
        state: None,
    };
    assert!(error.to_form().is_err());
}

/// The whole cross-device flow: a verifier's signed request by reference, the wallet's DCQL
/// selection over real credentials, KB-JWT bound to the request, direct_post, the verifier's
/// checks.
#[test]
fn a_cross_device_presentation_end_to_end() {
    let provider = default_provider();
    let issuer_key = SecretKey::generate_p256().unwrap();
    let holder_key = SecretKey::generate_p256().unwrap();
    let verifier_key = SecretKey::generate_p256().unwrap();
    let issuer = provider.signer(&issuer_key).unwrap();
    let holder = provider.signer(&holder_key).unwrap();
    let verifier = provider.signer(&verifier_key).unwrap();

    // The wallet holds a resident and an age credential.
    let issue = |vct: &str, claims: Value| {
        let mut ctype = CredentialType::new(Vct::parse(vct).unwrap());
        for name in claims.as_object().unwrap().keys() {
            ctype = ctype.claim(
                ClaimPath::key(name.clone()),
                DisclosureRule::Selective,
                false,
            );
        }
        SdJwtVcIssuer::new(&*issuer, "did:web:city.example")
            .issue(&VcRequest {
                credential_type: &ctype,
                claims: claims.as_object().unwrap(),
                holder_key: &holder_key.public_key(),
                issued_at: now(),
                expires_at: None,
                status: None,
            })
            .unwrap()
    };
    let resident = issue(
        "urn:myna-vc:vct:resident:1",
        json!({"family_name": "山田", "address": "神戸市"}),
    );
    let age = issue(
        "urn:myna-vc:vct:age:1",
        json!({"age_over_18": true, "age_over_20": true}),
    );
    let wallet = [resident, age];

    // Verifier: request by reference, signed.
    let query = DcqlQuery::from_json(
        br#"{"credentials": [{"id": "adult", "format": "dc+sd-jwt",
        "meta": {"vct_values": ["urn:myna-vc:vct:age:1"]},
        "claims": [{"path": ["age_over_20"], "values": [true]}]}]}"#,
    )
    .unwrap();
    let client = ClientId::parse("decentralized_identifier:did:web:shop.example").unwrap();
    let request =
        AuthorizationRequest::direct_post(client.clone(), "https://shop.example/post", query)
            .unwrap();
    let header = JwsHeader::new(verifier.algorithm()).with_kid("did:web:shop.example#key-1");
    let request_object = request.sign(header, &*verifier, now()).unwrap();
    let link = RequestLink::ByReference {
        client_id: client,
        request_uri: "https://shop.example/request/1".into(),
        method: RequestUriMethod::Get,
    }
    .to_url()
    .unwrap();

    // Wallet: parse the link, verify the fetched Request Object, select and present.
    let RequestLink::ByReference { client_id, .. } = RequestLink::parse(&link).unwrap() else {
        panic!("by reference")
    };
    let rules = RequestObjectRules::at(now()).client_id(&client_id);
    let received = verify_request_object(
        &request_object,
        provider,
        &verifier_key.public_key(),
        &rules,
    )
    .unwrap();
    let held: Vec<HeldCredential> = wallet
        .iter()
        .map(|c| HeldCredential::from_sd_jwt(c).unwrap())
        .collect();
    let views: Vec<CredentialView<'_>> = held.iter().map(HeldCredential::view).collect();
    let answers = received.dcql_query.select(&views).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].credential, 1);
    let mut token = VpToken::new();
    for answer in &answers {
        let presentation = wallet[answer.credential]
            .select_with_contents(&answer.claims)
            .unwrap()
            .bind(&KeyBinding {
                audience: received.kb_audience(),
                nonce: received.nonce.as_str(),
                issued_at: now(),
                signer: &*holder,
            })
            .unwrap();
        token.push(&answer.query, presentation.to_string());
    }
    let body = AuthorizationResponse {
        vp_token: token,
        state: received.state.clone(),
    }
    .to_form();
    assert_eq!(received.response_target(), "https://shop.example/post");

    // Verifier: parse, check state, verify each presentation, check the query.
    let ResponseBody::Success(response) = ResponseBody::from_form(&body).unwrap() else {
        panic!("success")
    };
    response.check_state(request.state.as_ref()).unwrap();
    let rule = KeyBindingRule::Required {
        audience: request.kb_audience(),
        nonce: request.nonce.as_str(),
        max_age_secs: 300,
    };
    let issuer_public = &issuer_key.public_key();
    let verified: Vec<(String, sdjwt_vc::VerifiedCredential)> = response
        .vp_token
        .iter()
        .flat_map(|(id, presentations)| {
            presentations.iter().map(move |p| {
                let options = VcVerifyOptions::at(now(), rule);
                let credential = sdjwt_vc::verify(p, provider, issuer_public, &options).unwrap();
                (id.to_owned(), credential)
            })
        })
        .collect();
    let mut presented = Presented::new();
    for (id, credential) in &verified {
        let view = CredentialView::verified(credential);
        assert!(view.holder_binding);
        presented.entry(id.clone()).or_default().push(view);
    }
    request.dcql_query.check_presented(&presented).unwrap();
    let disclosed = verified[0].1.claims();
    assert_eq!(disclosed["age_over_20"], true);
    assert!(disclosed.get("age_over_18").is_none(), "not asked for");
    // A presentation bound to another verifier's request fails the KB-JWT check.
    let other_nonce = Nonce::random().unwrap();
    let other_rule = KeyBindingRule::Required {
        audience: request.kb_audience(),
        nonce: other_nonce.as_str(),
        max_age_secs: 300,
    };
    let presentation = &response.vp_token.get("adult").unwrap()[0];
    assert_eq!(
        sdjwt_vc::verify(
            presentation,
            provider,
            &issuer_key.public_key(),
            &VcVerifyOptions::at(now(), other_rule)
        )
        .map(|_| ()),
        Err(Error::SdJwt(SdJwtError::NonceMismatch))
    );
}

#[test]
fn oversized_and_deep_inputs_are_typed_errors() {
    let big = format!("openid4vp://?nonce={}", "a".repeat(1 << 20));
    assert!(matches!(
        RequestLink::parse(&big),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    assert!(matches!(
        ResponseBody::from_form(&big[13..]),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert!(matches!(
        by_value(
            &with("dcql_query", json!(null))
                .replace("nonce=", &format!("dcql_query={}&nonce=", encode(&deep)))
        ),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    assert!(matches!(
        VpToken::from_json(&format!("{{\"q\": {deep}}}")),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    let key = SecretKey::generate_p256().unwrap();
    for garbage in ["", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "..."] {
        assert!(verify_request_object(
            garbage,
            default_provider(),
            &key.public_key(),
            &RequestObjectRules::at(now())
        )
        .is_err());
    }
}

proptest! {
    #[test]
    fn arbitrary_links_and_bodies(text in ".{0,300}") {
        // What parses must survive its own serialization unchanged.
        if let Ok(link) = RequestLink::parse(&text) {
            prop_assert_eq!(RequestLink::parse(&link.to_url().unwrap()).unwrap(), link);
        }
        if let Ok(ResponseBody::Success(response)) = ResponseBody::from_form(&text) {
            let again = ResponseBody::from_form(&response.to_form()).unwrap();
            prop_assert_eq!(again, ResponseBody::Success(response));
        }
        prop_assert!(verify_request_object(
            &text,
            default_provider(),
            &SecretKey::from_p256_test().public_key(),
            &RequestObjectRules::at(now())
        )
        .is_err());
    }

    #[test]
    fn arbitrary_form_pairs(pairs in prop::collection::vec(("[a-z_]{1,12}", ".{0,40}"), 0..8)) {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        let body = body.join("&");
        if let Ok(ResponseBody::Error(error)) = ResponseBody::from_form(&body) {
            prop_assert_eq!(ResponseBody::from_form(&error.to_form().unwrap()).unwrap(), ResponseBody::Error(error));
        }
        if let Ok(RequestLink::ByValue(request)) = RequestLink::parse(&format!("openid4vp://?{body}")) {
            prop_assert!(request.check().is_ok());
        }
    }
}

trait TestKey {
    fn from_p256_test() -> SecretKey;
}

impl TestKey for SecretKey {
    fn from_p256_test() -> SecretKey {
        SecretKey::p256_from_bytes(&[7; 32]).unwrap()
    }
}

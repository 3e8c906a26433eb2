//! OpenID4VCI 1.0 messages against the spec's own examples (read in place from
//! ../shared/specs/openid4vci), key proof round trips over every crypto provider, each key
//! proof rejection with its own error, and garbage/oversize input to every parser.
#![cfg(test)]

use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::crypto::{providers, Algorithm, Signer};
use myna_vc_core::jws::{Jws, JwsHeader};
use myna_vc_core::oid4vci::*;
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, json, jwt, Error};
use myna_vc_core::{InputError, JoseError, JwtError, Oid4vciError};
use proptest::prelude::*;
use serde_json::{json, Value};

const SPEC_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/specs/openid4vci/"
);

fn spec_file(rel: &str) -> String {
    let path = format!("{SPEC_DIR}{rel}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The spec wraps long string values over several lines "for display purposes only": inside
/// a JSON string, drop each line break and the indentation after it.
fn unwrap_display_breaks(text: &str) -> String {
    let (mut out, mut in_string, mut escaped, mut skipping) = (String::new(), false, false, false);
    for c in text.chars() {
        if skipping && c.is_whitespace() {
            continue;
        }
        skipping = false;
        if in_string && c == '\n' {
            skipping = true;
            continue;
        }
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The body of an example: HTTP framing (a status or request line and headers) removed.
fn body(example: &str) -> String {
    let trimmed = example.trim_start();
    let framed = ["HTTP/", "POST ", "GET "]
        .iter()
        .any(|p| trimmed.starts_with(p));
    // The headers end at the first blank (possibly indented) line.
    let body = if framed {
        let lines: Vec<&str> = trimmed.lines().collect();
        let blank = lines
            .iter()
            .position(|l| l.trim().is_empty())
            .unwrap_or(lines.len());
        lines.get(blank..).unwrap_or_default().join("\n")
    } else {
        trimmed.to_owned()
    };
    unwrap_display_breaks(&body)
}

fn example(name: &str) -> String {
    body(&spec_file(&format!("examples/{name}")))
}

/// The first fenced code block after `marker` in the spec text.
fn spec_block(marker: &str) -> String {
    let spec = spec_file("openid-4-verifiable-credential-issuance-1_0.md");
    let at = spec
        .find(marker)
        .unwrap_or_else(|| panic!("marker {marker:?}"));
    let rest = &spec[at..];
    let open = rest.find("```").unwrap();
    let after_fence = &rest[open + 3..];
    let content = &after_fence[after_fence.find('\n').unwrap() + 1..];
    content[..content.find("```").unwrap()].to_owned()
}

/// Asserts that serializing `message` gives back exactly the JSON `original`, and that
/// parsing that serialization gives the same message.
fn assert_round_trip<M: Message + PartialEq + std::fmt::Debug>(message: &M, original: &str) {
    let serialized = message.to_json().unwrap();
    let as_value: Value = serde_json::from_str(&serialized).unwrap();
    let original: Value = serde_json::from_str(original).unwrap();
    assert_eq!(as_value, original);
    assert_eq!(&M::from_json(serialized.as_bytes()).unwrap(), message);
}

// ---- issuer metadata -----------------------------------------------------------------------

#[test]
fn issuer_metadata_long_example() {
    let text = example("credential_issuer_metadata_sd_jwt_long.json");
    let meta = CredentialIssuerMetadata::from_json(text.as_bytes()).unwrap();
    assert_eq!(
        meta.credential_issuer.as_str(),
        "https://credential-issuer.example.com"
    );
    assert_eq!(
        meta.nonce_endpoint.as_deref(),
        Some("https://credential-issuer.example.com/nonce")
    );
    assert_eq!(
        meta.credential_endpoint,
        "https://credential-issuer.example.com/credential"
    );
    assert_eq!(meta.batch_size(), 10);
    assert!(meta.other.contains_key("credential_request_encryption"));
    let conf = &meta.credential_configurations_supported["SD_JWT_VC_example_in_OpenID4VCI"];
    assert_eq!(conf.format, SD_JWT_VC_FORMAT);
    assert_eq!(conf.vct.as_deref(), Some("SD_JWT_VC_example_in_OpenID4VCI"));
    assert_eq!(
        conf.cryptographic_binding_methods_supported.as_deref(),
        Some(&["jwk".to_string()][..])
    );
    assert_eq!(
        conf.credential_signing_alg_values_supported.as_deref(),
        Some(&[json!("ES256")][..])
    );
    let jwt = &conf.proof_types_supported.as_ref().unwrap()["jwt"];
    assert_eq!(jwt.proof_signing_alg_values_supported, ["ES256"]);
    assert!(jwt.key_attestations_required.is_some());
    assert_eq!(
        conf.credential_metadata.as_ref().unwrap()["claims"]
            .as_array()
            .unwrap()
            .len(),
        13
    );
    assert_round_trip(&meta, &text);
}

#[test]
fn credential_configuration_example() {
    let text = example("credential_metadata_sd_jwt_vc.json");
    let outer = json::parse_object(text.as_bytes(), "test").unwrap();
    let configs = outer["credential_configurations_supported"]
        .as_object()
        .unwrap();
    assert_eq!(configs.len(), 1);
    for (id, config) in configs {
        let raw = serde_json::to_string(config).unwrap();
        let conf = CredentialConfiguration::from_json(raw.as_bytes()).unwrap();
        assert_eq!(conf.vct.as_deref(), Some(id.as_str()));
        assert_eq!(conf.scope.as_deref(), Some(id.as_str()));
        assert_round_trip(&conf, &raw);
    }
}

#[test]
fn signed_issuer_metadata_payload_parses() {
    // The signed-metadata example's payload is metadata plus JWT claims (`sub`, `iat`).
    let compact: String = spec_file("examples/credential_issuer_metadata_sd_jwt_jwt.txt")
        .split_whitespace()
        .collect();
    let jws = Jws::parse(&compact).unwrap();
    assert_eq!(
        jws.header().typ.as_deref(),
        Some("openidvci-issuer-metadata+jwt")
    );
    let meta = CredentialIssuerMetadata::from_json(jws.payload()).unwrap();
    assert_eq!(meta.other["sub"], "https://credential-issuer.example.com");
    assert_eq!(meta.batch_size(), 1);
    assert_eq!(
        meta.authorization_servers.as_deref(),
        Some(&["https://server.example.com".to_string()][..])
    );
}

#[test]
fn metadata_rules_are_enforced() {
    let base = json!({
        "credential_issuer": "https://city.example",
        "credential_endpoint": "https://city.example/credential",
        "credential_configurations_supported": {"r": {"format": "dc+sd-jwt", "vct": "urn:r"}}
    });
    let with = |path: &str, value: Value| {
        let mut v = base.clone();
        *v.pointer_mut(path).unwrap() = value;
        CredentialIssuerMetadata::from_json(v.to_string().as_bytes())
    };
    assert!(with("/credential_issuer", json!("https://city.example")).is_ok());
    for bad in [
        with("/credential_issuer", json!("http://city.example")),
        with("/credential_issuer", json!("https://city.example#f")),
        with("/credential_configurations_supported/r/vct", json!("")),
        with("/credential_configurations_supported/r/format", json!(7)),
        with("/credential_endpoint", json!(null)),
    ] {
        assert!(matches!(bad, Err(Error::Input(_))), "{bad:?}");
    }
    let mut batch = base.clone();
    batch["batch_credential_issuance"] = json!({"batch_size": 1});
    assert!(matches!(
        CredentialIssuerMetadata::from_json(batch.to_string().as_bytes()),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
}

// ---- credential offers ---------------------------------------------------------------------

#[test]
fn offer_pre_authorized_code_example() {
    let text = example("credential_offer_pre-authz_code.json");
    let offer = CredentialOffer::from_json(text.as_bytes()).unwrap();
    assert_eq!(
        offer.credential_configuration_ids,
        ["UniversityDegreeCredential"]
    );
    let grant = offer.grants.pre_authorized_code.as_ref().unwrap();
    assert_eq!(grant.pre_authorized_code.as_str(), "adhjhdjajkdkhjhdj");
    let tx = grant.tx_code.as_ref().unwrap();
    assert!(tx.description.as_ref().unwrap().contains("SMS"));
    assert_eq!(tx.input_mode, None);
    assert_round_trip(&offer, &text);
}

#[test]
fn offer_multiple_credentials_example() {
    let text = example("credential_offer_multiple_credentials.json");
    let offer = CredentialOffer::from_json(text.as_bytes()).unwrap();
    assert_eq!(offer.credential_configuration_ids.len(), 2);
    let tx = offer
        .grants
        .pre_authorized_code
        .as_ref()
        .unwrap()
        .tx_code
        .clone()
        .unwrap();
    assert_eq!(tx.length, Some(4));
    assert_eq!(tx.input_mode, Some(InputMode::Numeric));
    assert_round_trip(&offer, &text);
}

#[test]
fn offer_by_reference_example_has_empty_tx_code() {
    let text = example("credential_offer_by_reference.json");
    let offer = CredentialOffer::from_json(text.as_bytes()).unwrap();
    let grant = offer.grants.pre_authorized_code.as_ref().unwrap();
    // An empty `tx_code` object still means "a transaction code is required".
    assert_eq!(grant.tx_code, Some(TxCode::default()));
    assert_round_trip(&offer, &text);
}

#[test]
fn offer_authorization_code_example_keeps_other_grants() {
    let text = example("credential_offer_authz_code.txt");
    let offer = CredentialOffer::from_json(text.as_bytes()).unwrap();
    assert!(offer.grants.pre_authorized_code.is_none());
    assert_eq!(
        offer.grants.other["authorization_code"]["issuer_state"],
        "eyJhbGciOiJSU0Et...FYUaBy"
    );
    assert_round_trip(&offer, &text);
}

#[test]
fn offer_rules_are_enforced() {
    let offer = |ids: Value, grant: Value| {
        let v = json!({"credential_issuer": "https://city.example",
                       "credential_configuration_ids": ids,
                       "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": grant}});
        CredentialOffer::from_json(v.to_string().as_bytes())
    };
    let code = json!({"pre-authorized_code": "c"});
    assert!(offer(json!(["a"]), code.clone()).is_ok());
    assert!(matches!(
        offer(json!([]), code.clone()),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
    assert!(matches!(
        offer(json!(["a", "a"]), code),
        Err(Error::Input(InputError::Repeated { .. }))
    ));
    assert!(matches!(
        offer(json!(["a"]), json!({"pre-authorized_code": ""})),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
    assert!(matches!(
        offer(
            json!(["a"]),
            json!({"pre-authorized_code": "c", "tx_code": {"input_mode": "emoji"}})
        ),
        Err(Error::Input(InputError::Json { .. }))
    ));
    let long = "x".repeat(301);
    assert!(matches!(
        offer(
            json!(["a"]),
            json!({"pre-authorized_code": "c", "tx_code": {"description": long}})
        ),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
}

#[test]
fn spec_offer_links_parse() {
    let by_value: String = spec_block("can be included in a QR code or a link")
        .split_whitespace()
        .collect();
    let OfferLink::ByValue(offer) = OfferLink::parse(&by_value).unwrap() else {
        panic!("expected an offer by value")
    };
    assert_eq!(
        offer.credential_configuration_ids,
        ["org.iso.18013.5.1.mDL"]
    );
    let tx = offer.grants.pre_authorized_code.unwrap().tx_code.unwrap();
    assert_eq!(tx.input_mode, Some(InputMode::Text));
    assert_eq!(
        tx.description.as_deref(),
        Some("Please enter the serial number of your physical drivers license")
    );

    let by_reference: String = spec_block("When the Credential Offer is displayed as a QR code")
        .split_whitespace()
        .collect();
    assert_eq!(
        OfferLink::parse(&by_reference).unwrap(),
        OfferLink::ByReference(
            "https://server.example.com/credential-offer/GkurKxf5T0Y-mnPFCHqWOMiZi4VS138cQO_V7PZHAdM"
                .into()
        )
    );
}

#[test]
fn offer_links_round_trip() {
    for name in [
        "credential_offer_pre-authz_code.json",
        "credential_offer_multiple_credentials.json",
        "credential_offer_by_reference.json",
    ] {
        let offer = CredentialOffer::from_json(example(name).as_bytes()).unwrap();
        let link = OfferLink::ByValue(Box::new(offer));
        let url = link.to_url().unwrap();
        assert!(url.starts_with("openid-credential-offer://?credential_offer=%7B%22"));
        assert!(!url.contains(['"', ' ', '{']));
        assert_eq!(OfferLink::parse(&url).unwrap(), link);
        let https = link.to_url_at("https://wallet.example/offer").unwrap();
        assert_eq!(OfferLink::parse(&https).unwrap(), link);
    }
    let reference = OfferLink::ByReference("https://city.example/offer/1?x=a&b".into());
    assert_eq!(
        OfferLink::parse(&reference.to_url().unwrap()).unwrap(),
        reference
    );
}

#[test]
fn bad_offer_links_are_refused() {
    let offer = r#"{"credential_issuer":"https://a.example","credential_configuration_ids":["x"]}"#;
    let enc = |s: &str| s.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let good = format!("openid-credential-offer://?credential_offer={}", enc(offer));
    assert!(OfferLink::parse(&good).is_ok());
    for bad in [
        "openid-credential-offer://".to_string(),
        "openid-credential-offer://?".to_string(),
        format!("{good}&credential_offer_uri=https%3A%2F%2Fa.example"),
        format!("{good}&credential_offer={}", enc(offer)),
        "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fa.example".into(),
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2F".into(),
        "openid-credential-offer://?credential_offer=%FF%FE".into(),
        "openid-credential-offer://?credential_offer=%7B%7D".into(),
        "openid-credential-offer://?credential_offer".into(),
    ] {
        assert!(
            matches!(
                OfferLink::parse(&bad),
                Err(Error::Input(_) | Error::Oid4vci(Oid4vciError::DraftRequestMember(_)))
            ),
            "{bad}"
        );
    }
}

// ---- token endpoint ------------------------------------------------------------------------

#[test]
fn spec_token_request_parses_and_round_trips() {
    let block =
        spec_block("Token Request in a Pre-Authorized Code Flow (without Client Authentication)");
    let form: String = body(&block).split_whitespace().collect();
    let request = TokenRequest::from_form(&form).unwrap();
    assert_eq!(
        request.pre_authorized_code.as_str(),
        "SplxlOBeZQQYbYS6WxSbIA"
    );
    assert!(request.tx_code.as_ref().unwrap().matches("493536"));
    assert!(!request.tx_code.as_ref().unwrap().matches("493537"));
    let details = request.authorization_details.as_ref().unwrap();
    assert_eq!(
        details[0].credential_configuration_id.as_deref(),
        Some("UniversityDegreeCredential")
    );
    let again = TokenRequest::from_form(&request.to_form().unwrap()).unwrap();
    assert_eq!(again, request);
}

#[test]
fn token_request_minimal_round_trip_and_refusals() {
    let request = TokenRequest {
        pre_authorized_code: PreAuthorizedCode::new("a b+c&d=é"),
        tx_code: None,
        authorization_details: None,
        client_id: None,
    };
    let form = request.to_form().unwrap();
    assert_eq!(
        form,
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code\
         &pre-authorized_code=a%20b%2Bc%26d%3D%C3%A9"
    );
    assert_eq!(TokenRequest::from_form(&form).unwrap(), request);
    // `+` is a space in form encoding.
    let plus =
        "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code&pre-authorized_code=a+b";
    assert_eq!(
        TokenRequest::from_form(plus)
            .unwrap()
            .pre_authorized_code
            .as_str(),
        "a b"
    );
    let grant = "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code";
    assert_eq!(
        TokenRequest::from_form("grant_type=authorization_code&code=x"),
        Err(Error::Oid4vci(Oid4vciError::UnsupportedGrantType(
            "authorization_code".into()
        )))
    );
    for bad in [
        "pre-authorized_code=x".to_string(),
        grant.to_string(),
        format!("{grant}&pre-authorized_code="),
        format!("{grant}&pre-authorized_code=x&pre-authorized_code=y"),
        format!("{grant}&pre-authorized_code=x&tx_code"),
        format!("{grant}&pre-authorized_code=%FF"),
        format!("{grant}&pre-authorized_code=x&authorization_details=%5B%5D"),
        format!("{grant}&pre-authorized_code=x&authorization_details=%7B"),
    ] {
        assert!(
            matches!(
                TokenRequest::from_form(&bad),
                Err(Error::Input(_) | Error::Oid4vci(Oid4vciError::DraftRequestMember(_)))
            ),
            "{bad}"
        );
    }
}

#[test]
fn spec_token_response_parses_and_round_trips() {
    let text = body(&spec_block(
        "Token Response when the `authorization_details`",
    ));
    let response = TokenResponse::from_json(text.as_bytes()).unwrap();
    assert_eq!(response.token_type, "Bearer");
    assert_eq!(response.expires_in, Some(86400));
    assert_eq!(
        response.access_token.as_str(),
        "eyJhbGciOiJSUzI1NiIsInR5cCI6Ikp..sHQ"
    );
    let detail = &response.authorization_details.as_ref().unwrap()[0];
    assert_eq!(detail.credential_identifiers.as_ref().unwrap().len(), 2);
    assert_round_trip(&response, &text);
}

#[test]
fn authorization_details_example_parses() {
    let list = AuthorizationDetail::list_from_json(
        example("authorization_details_sd_jwt_vc.json").as_bytes(),
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].credential_configuration_id.as_deref(),
        Some("PID_SD_JWT_VC")
    );
    assert_eq!(
        list[0].claims.as_ref().unwrap().as_array().unwrap().len(),
        2
    );
}

// ---- nonce, credential request and response, errors ---------------------------------------

#[test]
fn spec_nonce_response() {
    let text = body(&spec_block("example of a Nonce Response"));
    let response = NonceResponse::from_json(text.as_bytes()).unwrap();
    assert_eq!(response.c_nonce.as_str(), "wKI4LT17ac15ES9bw8ac4");
    assert_round_trip(&response, &text);
    assert!(NonceResponse::from_json(br#"{"c_nonce": ""}"#).is_err());
}

#[test]
fn spec_credential_request_with_two_jwt_proofs() {
    let text = body(&spec_block(
        "Credential Request for two Credential instances",
    ));
    let request = CredentialRequest::from_json(text.as_bytes()).unwrap();
    assert_eq!(
        request.credential_identifier.as_deref(),
        Some("CivilEngineeringDegree-2023")
    );
    let proofs = request.proofs.as_ref().unwrap();
    assert_eq!(proofs.jwt.len(), 2);
    // The spec shows only the (unwrapped) header of the first proof: it is a key proof header.
    let header = json::parse_object(&b64::decode(&proofs.jwt[0], "h").unwrap(), "h").unwrap();
    assert_eq!(header["typ"], PROOF_JWT_TYP);
    assert_round_trip(&request, &text);
}

#[test]
fn spec_credential_request_with_di_vp_is_unsupported() {
    let text = body(&spec_block("key proof type `di_vp`"));
    assert_eq!(
        CredentialRequest::from_json(text.as_bytes()),
        Err(Error::Oid4vci(Oid4vciError::UnsupportedProofType(
            "di_vp".into()
        )))
    );
}

#[test]
fn pre_final_credential_request_shapes_are_refused() {
    // The example file still uses the draft `format`/`doctype` request shape: no
    // `credential_configuration_id`, so 1.0 parsing refuses it.
    let text = example("credential_request_iso_mdl.json");
    assert!(matches!(
        CredentialRequest::from_json(text.as_bytes()),
        Err(Error::Input(InputError::OneOf { .. }))
    ));
    for bad in [
        json!({"credential_configuration_id": "a", "proof": {"proof_type": "jwt", "jwt": "x"}}),
        json!({"credential_configuration_id": "a", "proofs": {"jwt": []}}),
        json!({"credential_configuration_id": "a", "proofs": {"jwt": "x"}}),
        json!({"credential_configuration_id": "a", "proofs": {}}),
        json!({"proofs": {"jwt": ["x"]}}),
    ] {
        assert!(
            matches!(
                CredentialRequest::from_json(bad.to_string().as_bytes()),
                Err(Error::Input(_) | Error::Oid4vci(Oid4vciError::DraftRequestMember(_)))
            ),
            "{bad}"
        );
    }
}

#[test]
fn credential_response_examples() {
    let text = example("credential_response_sd_jwt_vc.txt");
    let response = CredentialResponse::from_json(text.as_bytes()).unwrap();
    let credentials = response.credential_strings();
    assert_eq!(credentials.len(), 1);
    let issuer_jwt = credentials[0].split('~').next().unwrap();
    let jws = Jws::parse(issuer_jwt).unwrap();
    assert_eq!(jws.header().typ.as_deref(), Some("dc+sd-jwt"));
    assert_eq!(credentials[0].matches('~').count(), 10);
    assert_round_trip(&response, &text);

    for name in [
        "credential_response_jwt_vc_json.txt",
        "credential_response_ldp_vc.txt",
        "credential_response_mso_mdoc.txt",
    ] {
        let text = example(name);
        let response = CredentialResponse::from_json(text.as_bytes()).unwrap();
        assert_eq!(response.credentials.as_ref().unwrap().len(), 1, "{name}");
        assert_round_trip(&response, &text);
    }
}

#[test]
fn spec_deferred_credential_response() {
    let text = body(&spec_block("Credential Response in a deferred flow"));
    let response = CredentialResponse::from_json(text.as_bytes()).unwrap();
    assert_eq!(response.transaction_id.as_deref(), Some("8xLOxBtZp8"));
    assert_eq!(response.interval, Some(3600));
    assert!(response.credential_strings().is_empty());
    assert_round_trip(&response, &text);
    for bad in [
        json!({"transaction_id": "t"}),
        json!({"transaction_id": "t", "interval": 0}),
        json!({"transaction_id": "t", "interval": 5, "credentials": [{"credential": "x"}]}),
        json!({"credentials": [{"credential": "x"}], "interval": 5}),
        json!({"credentials": [{}]}),
        json!({}),
    ] {
        assert!(
            CredentialResponse::from_json(bad.to_string().as_bytes()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn spec_error_responses() {
    let text = body(&spec_block("where an unsupported Credential Format"));
    let response = ErrorResponse::from_json(text.as_bytes()).unwrap();
    assert_eq!(response.error, ErrorCode::UnknownCredentialConfiguration);
    assert_round_trip(&response, &text);
    let text = body(&spec_block("example of a Token Error Response"));
    assert_eq!(
        ErrorResponse::from_json(text.as_bytes()).unwrap().error,
        ErrorCode::InvalidRequest
    );
    for code in [
        "invalid_credential_request",
        "unknown_credential_configuration",
        "unknown_credential_identifier",
        "invalid_proof",
        "invalid_nonce",
        "invalid_encryption_parameters",
        "credential_request_denied",
        "invalid_grant",
        "invalid_request",
        "invalid_client",
        "invalid_token",
    ] {
        let parsed = ErrorCode::from(code);
        assert!(!matches!(parsed, ErrorCode::Other(_)), "{code}");
        assert_eq!(parsed.as_str(), code);
    }
    assert_eq!(
        ErrorCode::from("slow_down"),
        ErrorCode::Other("slow_down".into())
    );
    assert!(ErrorResponse::from_json(br#"{"error": "x", "error_description": "a\"b"}"#).is_err());
    assert!(ErrorResponse::from_json(br#"{"error": ""}"#).is_err());
}

// ---- key proofs ----------------------------------------------------------------------------

fn issuer() -> IssuerId {
    IssuerId::new("https://credential-issuer.example.com").unwrap()
}

fn now() -> NumericDate {
    NumericDate::from_unix(1_800_000_000)
}

fn nonce() -> CNonce {
    CNonce::new("LarRGSbmUPYtRYO6BQ4yn8")
}

fn holder_keys() -> Vec<SecretKey> {
    vec![
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ]
}

/// Signs an arbitrary header and claims, for crafting bad proofs.
fn sign_raw(header: &Value, claims: &Value, signer: &dyn Signer) -> String {
    let input = format!(
        "{}.{}",
        b64::encode(header.to_string()),
        b64::encode(claims.to_string())
    );
    let signature = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64::encode(signature))
}

fn proof_header(signer: &dyn Signer) -> Value {
    json!({"alg": signer.algorithm().jose_name(), "typ": PROOF_JWT_TYP,
           "jwk": signer.public_key().to_jwk()})
}

fn proof_claims() -> Value {
    json!({"aud": issuer().as_str(), "iat": now().as_unix(), "nonce": nonce().as_str()})
}

#[test]
fn spec_key_proof_example_verifies() {
    let block = spec_block("example of a `proofs` parameter");
    let proofs = Proofs {
        jwt: vec![
            serde_json::from_str::<Value>(&body(&block)).unwrap()["jwt"][0]
                .as_str()
                .unwrap()
                .to_owned(),
        ],
        other: Default::default(),
    };
    let at = NumericDate::from_unix(1_701_960_444);
    let (issuer, nonce) = (issuer(), nonce());
    let rules = ProofRules::new(&issuer, &nonce, at);
    // The spec's example is really signed by the key in its header, at that iat and nonce.
    let keys = verify_key_proofs(default_provider(), &proofs, &rules).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0].to_jwk()["x"],
        "nUWAoAv3XZith8E7i19OdaxOLYFOwM-Z2EuM02TirT4"
    );
    // A minute later than the window, the same proof is stale.
    let later = ProofRules::new(
        &issuer,
        &nonce,
        at.plus_seconds(DEFAULT_PROOF_MAX_AGE_SECS + 60),
    );
    assert!(matches!(
        verify_key_proofs(default_provider(), &proofs, &later),
        Err(Error::Oid4vci(Oid4vciError::ProofStale { .. }))
    ));
    let elsewhere = IssuerId::new("https://other.example").unwrap();
    assert_eq!(
        verify_key_proofs(
            default_provider(),
            &proofs,
            &ProofRules::new(&elsewhere, &nonce, at)
        ),
        Err(Error::Oid4vci(Oid4vciError::ProofAudienceMismatch))
    );
}

#[test]
fn key_proof_round_trip_over_every_provider() {
    let issuer = issuer();
    let nonce = nonce();
    let rules = ProofRules::new(&issuer, &nonce, now());
    for provider in providers() {
        for key in holder_keys() {
            let signer = provider.signer(&key).unwrap();
            let proof = build_key_proof(&*signer, &issuer, Some(&nonce), now()).unwrap();
            let jws = Jws::parse(&proof).unwrap();
            assert_eq!(jws.header().typ.as_deref(), Some(PROOF_JWT_TYP));
            let claims = jws.payload_object("t").unwrap();
            assert_eq!(claims["aud"], issuer.as_str());
            assert_eq!(claims["nonce"], nonce.as_str());
            for verifier in providers() {
                let verified = verify_key_proof(verifier, &proof, &rules).unwrap();
                assert_eq!(verified, key.public_key(), "{provider:?} -> {verifier:?}");
            }
        }
    }
}

#[test]
fn key_proof_rejections_each_have_their_own_error() {
    let issuer = issuer();
    let nonce = nonce();
    let rules = ProofRules::new(&issuer, &nonce, now());
    let key = SecretKey::generate_p256().unwrap();
    let signer = default_provider().signer(&key).unwrap();
    let other = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let check = |proof: &str| verify_key_proof(default_provider(), proof, &rules);
    let with_claim = |name: &str, value: Value| {
        let mut claims = proof_claims();
        claims[name] = value;
        sign_raw(&proof_header(&*signer), &claims, &*signer)
    };
    let with_header = |name: &str, value: Value| {
        let mut header = proof_header(&*signer);
        header[name] = value;
        sign_raw(&header, &proof_claims(), &*signer)
    };

    assert!(check(&sign_raw(
        &proof_header(&*signer),
        &proof_claims(),
        &*signer
    ))
    .is_ok());
    assert_eq!(
        check(&with_header("typ", json!("JWT"))),
        Err(Error::Jwt(JwtError::WrongType {
            expected: PROOF_JWT_TYP.into(),
            found: "JWT".into()
        }))
    );
    assert_eq!(
        check(&with_claim("aud", json!("https://evil.example"))),
        Err(Error::Oid4vci(Oid4vciError::ProofAudienceMismatch))
    );
    assert_eq!(
        check(&with_claim("nonce", json!("LarRGSbmUPYtRYO6BQ4yn9"))),
        Err(Error::Oid4vci(Oid4vciError::ProofNonceMismatch))
    );
    let stale = now().minus_seconds(DEFAULT_PROOF_MAX_AGE_SECS + 1);
    assert_eq!(
        check(&with_claim("iat", json!(stale.as_unix()))),
        Err(Error::Oid4vci(Oid4vciError::ProofStale {
            iat: stale,
            now: now()
        }))
    );
    let future = now().plus_seconds(3600);
    assert_eq!(
        check(&with_claim("iat", json!(future.as_unix()))),
        Err(Error::Jwt(JwtError::IssuedInFuture {
            iat: future,
            now: now()
        }))
    );
    // Header names this key, another key signs.
    assert_eq!(
        check(&sign_raw(&proof_header(&*signer), &proof_claims(), &*other)),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
    let unsigned = format!(
        "{}.{}.",
        b64::encode(
            json!({"alg": "none", "typ": PROOF_JWT_TYP, "jwk": key.public_key().to_jwk()})
                .to_string()
        ),
        b64::encode(proof_claims().to_string())
    );
    assert_eq!(check(&unsigned), Err(Error::Jose(JoseError::AlgNone)));

    let mut missing_nonce = proof_claims();
    missing_nonce.as_object_mut().unwrap().remove("nonce");
    assert_eq!(
        check(&sign_raw(&proof_header(&*signer), &missing_nonce, &*signer)),
        Err(Error::Jwt(JwtError::MissingClaim("nonce")))
    );
    let mut missing_iat = proof_claims();
    missing_iat.as_object_mut().unwrap().remove("iat");
    assert_eq!(
        check(&sign_raw(&proof_header(&*signer), &missing_iat, &*signer)),
        Err(Error::Jwt(JwtError::MissingClaim("iat")))
    );
    assert!(matches!(
        check(&with_claim(
            "aud",
            json!(["https://credential-issuer.example.com"])
        )),
        Err(Error::Jwt(JwtError::InvalidClaim { claim: "aud", .. }))
    ));
    assert!(matches!(
        check(&with_header("kid", json!("did:example:1#k"))),
        Err(Error::Oid4vci(Oid4vciError::ProofKeyNotJwk(_)))
    ));
    let mut no_jwk = proof_header(&*signer);
    no_jwk.as_object_mut().unwrap().remove("jwk");
    assert!(matches!(
        check(&sign_raw(&no_jwk, &proof_claims(), &*signer)),
        Err(Error::Oid4vci(Oid4vciError::ProofKeyNotJwk(_)))
    ));
    let mut private = key.to_jwk();
    assert!(private.get("d").is_some());
    private["kid"] = json!("k");
    assert_eq!(
        check(&with_header("jwk", private)),
        Err(Error::Jose(JoseError::PrivateKeyInPublicJwk))
    );
    let es256_only = ProofRules {
        allowed_algs: &[Algorithm::Es256],
        ..rules
    };
    let ed = default_provider()
        .signer(&SecretKey::generate_ed25519().unwrap())
        .unwrap();
    let ed_proof = build_key_proof(&*ed, &issuer, Some(&nonce), now()).unwrap();
    assert_eq!(
        verify_key_proof(default_provider(), &ed_proof, &es256_only),
        Err(Error::Oid4vci(Oid4vciError::ProofAlgorithmNotAllowed(
            "EdDSA"
        )))
    );
    // Without a nonce endpoint the proof needs no nonce.
    let no_nonce_rules = ProofRules {
        c_nonce: None,
        ..rules
    };
    let proof = build_key_proof(&*signer, &issuer, None, now()).unwrap();
    assert!(verify_key_proof(default_provider(), &proof, &no_nonce_rules).is_ok());
    assert_eq!(
        check(&proof),
        Err(Error::Jwt(JwtError::MissingClaim("nonce")))
    );
}

#[test]
fn key_proof_via_jwt_sign_with_other_typ_is_refused() {
    let signer = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let header = JwsHeader::new(signer.algorithm()).with_typ("dc+sd-jwt");
    let token = jwt::sign(&header, proof_claims().as_object().unwrap(), &*signer).unwrap();
    let issuer = issuer();
    let nonce = nonce();
    assert!(matches!(
        verify_key_proof(
            default_provider(),
            &token,
            &ProofRules::new(&issuer, &nonce, now())
        ),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
}

#[test]
fn batch_yields_distinct_keys_and_refuses_repeats() {
    let issuer = issuer();
    let nonce = nonce();
    let rules = ProofRules {
        batch_size: 3,
        ..ProofRules::new(&issuer, &nonce, now())
    };
    let keys: Vec<SecretKey> = (0..3)
        .map(|_| SecretKey::generate_p256().unwrap())
        .collect();
    let proofs: Vec<String> = keys
        .iter()
        .map(|k| {
            let signer = default_provider().signer(k).unwrap();
            build_key_proof(&*signer, &issuer, Some(&nonce), now()).unwrap()
        })
        .collect();
    let request = CredentialRequest::for_configuration("pid", proofs.clone());
    let parsed = CredentialRequest::from_json(request.to_json().unwrap().as_bytes()).unwrap();
    let verified =
        verify_key_proofs(default_provider(), parsed.proofs.as_ref().unwrap(), &rules).unwrap();
    let expected: Vec<_> = keys.iter().map(SecretKey::public_key).collect();
    assert_eq!(verified, expected);

    // The same key twice, even in two different proofs, is refused.
    let signer = default_provider().signer(&keys[0]).unwrap();
    let again = build_key_proof(&*signer, &issuer, Some(&nonce), now().minus_seconds(1)).unwrap();
    assert_ne!(again, proofs[0]);
    let repeated = Proofs {
        jwt: vec![proofs[0].clone(), proofs[1].clone(), again],
        other: Default::default(),
    };
    assert_eq!(
        verify_key_proofs(default_provider(), &repeated, &rules),
        Err(Error::Oid4vci(Oid4vciError::DuplicateProofKey {
            first: 0,
            second: 2
        }))
    );
    let too_many = Proofs {
        jwt: [proofs.clone(), proofs[..1].to_vec()].concat(),
        other: Default::default(),
    };
    assert_eq!(
        verify_key_proofs(default_provider(), &too_many, &rules),
        Err(Error::Oid4vci(Oid4vciError::TooManyProofs {
            count: 4,
            limit: 3
        }))
    );
    let mut other = serde_json::Map::new();
    other.insert("attestation".into(), json!(["x"]));
    let attestation = Proofs { jwt: vec![], other };
    assert_eq!(
        verify_key_proofs(default_provider(), &attestation, &rules),
        Err(Error::Oid4vci(Oid4vciError::UnsupportedProofType(
            "attestation".into()
        )))
    );
    // One bad proof fails the batch with its own error.
    let mut one_bad = proofs.clone();
    one_bad[1] = build_key_proof(
        &*default_provider().signer(&keys[1]).unwrap(),
        &issuer,
        Some(&CNonce::new("stale-nonce")),
        now(),
    )
    .unwrap();
    let one_bad = Proofs {
        jwt: one_bad,
        other: Default::default(),
    };
    assert_eq!(
        verify_key_proofs(default_provider(), &one_bad, &rules),
        Err(Error::Oid4vci(Oid4vciError::ProofNonceMismatch))
    );
    assert_eq!(
        ErrorCode::for_proof_error(&Error::Oid4vci(Oid4vciError::ProofNonceMismatch)),
        ErrorCode::InvalidNonce
    );
}

// ---- garbage, truncation, oversize ---------------------------------------------------------

/// Every parser of this module on `bytes`; each must return an error of a typed kind.
fn all_parsers(bytes: &[u8]) -> Vec<Result<(), Error>> {
    let text = String::from_utf8_lossy(bytes);
    let issuer = issuer();
    let nonce = nonce();
    let rules = ProofRules::new(&issuer, &nonce, now());
    vec![
        CredentialIssuerMetadata::from_json(bytes).map(drop),
        CredentialConfiguration::from_json(bytes).map(drop),
        CredentialOffer::from_json(bytes).map(drop),
        TokenResponse::from_json(bytes).map(drop),
        NonceResponse::from_json(bytes).map(drop),
        CredentialRequest::from_json(bytes).map(drop),
        CredentialResponse::from_json(bytes).map(drop),
        ErrorResponse::from_json(bytes).map(drop),
        AuthorizationDetail::list_from_json(bytes).map(drop),
        OfferLink::parse(&text).map(drop),
        TokenRequest::from_form(&text).map(drop),
        verify_key_proof(default_provider(), &text, &rules).map(drop),
    ]
}

fn assert_typed_refusal(bytes: &[u8]) {
    for (i, result) in all_parsers(bytes).into_iter().enumerate() {
        let err = result.expect_err("garbage accepted");
        assert!(!err.to_string().is_empty(), "parser {i}");
    }
}

#[test]
fn oversize_input_is_refused_by_every_parser() {
    let mut big = br#"{"c_nonce": ""#.to_vec();
    big.resize(json::MAX_INPUT_BYTES + 10, b'a');
    big.extend_from_slice(br#""}"#);
    for (i, result) in all_parsers(&big).into_iter().enumerate() {
        assert!(
            matches!(result, Err(Error::Input(InputError::TooLarge { .. }))),
            "parser {i}: {result:?}"
        );
    }
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!(
        r#"{{"credential_issuer": {}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    for (i, result) in all_parsers(deep.as_bytes()).into_iter().take(9).enumerate() {
        assert!(
            matches!(result, Err(Error::Input(InputError::NestingTooDeep { .. }))),
            "parser {i}: {result:?}"
        );
    }
}

#[test]
fn every_truncation_of_examples_is_refused() {
    let offer = example("credential_offer_multiple_credentials.json");
    let url = OfferLink::ByValue(Box::new(
        CredentialOffer::from_json(offer.as_bytes()).unwrap(),
    ))
    .to_url()
    .unwrap();
    for cut in 0..url.len() {
        assert!(OfferLink::parse(&url[..cut]).is_err(), "{cut}");
    }
    let metadata = example("credential_issuer_metadata_sd_jwt_long.json");
    let metadata = metadata.trim_end();
    for cut in (0..metadata.len()).filter(|c| metadata.is_char_boundary(*c)) {
        assert!(
            CredentialIssuerMetadata::from_json(&metadata.as_bytes()[..cut]).is_err(),
            "{cut}"
        );
    }
    let signer = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let proof = build_key_proof(&*signer, &issuer(), Some(&nonce()), now()).unwrap();
    let issuer = issuer();
    let nonce = nonce();
    let rules = ProofRules::new(&issuer, &nonce, now());
    for cut in 0..proof.len() {
        assert!(
            verify_key_proof(default_provider(), &proof[..cut], &rules).is_err(),
            "{cut}"
        );
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_get_typed_errors(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        assert_typed_refusal(&bytes);
    }

    #[test]
    fn arbitrary_json_ish_strings_get_typed_errors(text in r#"[\{\}\[\]":,a-z_0-9 ]{0,200}"#) {
        assert_typed_refusal(text.as_bytes());
    }

    #[test]
    fn arbitrary_form_strings_get_typed_errors(text in "[a-z_=&%+0-9A-F:-]{0,200}") {
        // Only a grant_type of the pre-authorized code grant and a code can succeed.
        prop_assume!(!text.contains("pre-authorized_code="));
        prop_assert!(TokenRequest::from_form(&text).is_err());
        let link = format!("openid-credential-offer://?{text}");
        prop_assert!(OfferLink::parse(&link).is_err() || text.contains("credential_offer_uri=https"));
    }

    #[test]
    fn token_request_round_trips(code in "\\PC{1,40}", tx in proptest::option::of("[0-9]{4,8}")) {
        let request = TokenRequest {
            pre_authorized_code: PreAuthorizedCode::new(code),
            tx_code: tx.map(TxCodeValue::new),
            authorization_details: None,
            client_id: None,
        };
        prop_assert_eq!(TokenRequest::from_form(&request.to_form().unwrap()).unwrap(), request);
    }
}

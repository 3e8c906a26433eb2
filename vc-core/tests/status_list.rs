//! Token Status List against the IETF draft, read in place from `shared/vectors/token-status-list`:
//! the test vectors of "Test vectors for Status List encoding", the small examples, the JWT
//! example; then the Status List Token round trip over every crypto provider with each failure
//! its own error; then hostile input.
#![cfg(test)]

use myna_vc_core::{InputError, JoseError, JwtError, StatusListError};
use std::collections::BTreeMap;
use std::io::Write;
use std::num::NonZeroU64;

use myna_vc_core::crypto::{providers, CryptoProvider, SecretKey};
use myna_vc_core::jws::{self, Jws, JwsHeader};
use myna_vc_core::jwt::{self, TimeRules};
use myna_vc_core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
    MAX_LIST_BYTES,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, json, Error};
use serde_json::{json, Map, Value};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/token-status-list"
);

fn read_vector(name: &str) -> String {
    let path = format!("{VECTORS}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn draft() -> String {
    read_vector("draft-ietf-oauth-status-list.md")
}

/// The text from the line `heading` up to the next heading of the same or a higher level.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let level = heading.split(' ').next().unwrap();
    let start = doc
        .find(&format!("\n{heading}"))
        .unwrap_or_else(|| panic!("no section {heading}"))
        + 1;
    let rest = &doc[start..];
    let end = rest
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let hashes = rest[i..].chars().take_while(|&c| c == '#').count();
            hashes > 0 && hashes <= level.len() && rest[i..].chars().nth(hashes) == Some(' ')
        })
        .unwrap_or(rest.len());
    &rest[..end]
}

/// One `status[N] = 0b…` line: the index, the value, and the number of binary digits written.
fn status_line(line: &str) -> Option<(u64, u8, usize)> {
    let rest = line.trim().strip_prefix("status[")?;
    let (index, value) = rest.split_once(']')?;
    let digits = value.trim().strip_prefix('=')?.trim().strip_prefix("0b")?;
    let value = u8::from_str_radix(digits, 2).unwrap();
    Some((index.parse().unwrap(), value, digits.len()))
}

/// The `status[N] = 0b…` lines of a text, with the digit width they all share.
fn status_lines(text: &str) -> (BTreeMap<u64, u8>, usize) {
    let mut statuses = BTreeMap::new();
    let mut widths = Vec::new();
    for (index, value, width) in text.lines().filter_map(status_line) {
        assert!(
            statuses.insert(index, value).is_none(),
            "index {index} twice"
        );
        widths.push(width);
    }
    widths.dedup();
    assert_eq!(widths.len(), 1, "one digit width per example");
    (statuses, widths[0])
}

/// An example file's JSON object: from its first `{`, with the white space that splits long
/// `lst` values over lines removed (no value in these examples contains white space).
fn example_json(name: &str) -> Value {
    let text = read_vector(name);
    let object: String = text[text.find('{').unwrap()..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    json::parse(object.as_bytes(), "example").unwrap()
}

/// `byte_array = [0xb9, 0xa3]` in a small example file.
fn example_byte_array(name: &str) -> Vec<u8> {
    let text = read_vector(name);
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("byte_array = ["))
        .unwrap();
    line.trim_end()
        .trim_end_matches(']')
        .split(',')
        .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).unwrap())
        .collect()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn list_with(bits: StatusBits, len: usize, statuses: &BTreeMap<u64, u8>) -> StatusList {
    let mut list = StatusList::new(bits, len).unwrap();
    for (&index, &value) in statuses {
        list.set(StatusIndex::new(index), Status::new(value))
            .unwrap();
    }
    list
}

fn assert_statuses(list: &StatusList, statuses: &BTreeMap<u64, u8>) {
    for i in 0..list.len() as u64 {
        let expected = statuses.get(&i).copied().unwrap_or(0);
        assert_eq!(
            list.get(StatusIndex::new(i)).unwrap(),
            Status::new(expected),
            "index {i}"
        );
    }
}

// ---- the draft's vectors ---------------------------------------------------------------------

#[test]
fn draft_test_vectors_decode_to_the_listed_statuses_and_our_encoding_round_trips() {
    let draft = draft();
    let vectors = section(&draft, "# Test vectors for Status List encoding");
    let exponent: u32 = vectors
        .split("initialized with a size of 2^")
        .nth(1)
        .expect("the size sentence")
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let size = 1usize << exponent;
    let mut covered = Vec::new();
    for sub in vectors.split("\n## ").skip(1) {
        let bits: u8 = sub.split("-bit").next().unwrap().parse().unwrap();
        let bits = StatusBits::new(u64::from(bits)).unwrap();
        let (statuses, width) = status_lines(sub);
        assert!(
            statuses.len() > 10,
            "the {bits}-bit example lists its statuses"
        );
        assert_eq!(
            width,
            usize::from(bits.get()),
            "digits per value in the {bits}-bit example"
        );
        let file = sub
            .lines()
            .filter_map(|l| l.strip_prefix("{::include "))
            .find(|f| f.ends_with("_json.md}"))
            .expect("a JSON example right after the statuses")
            .trim_end_matches('}');

        let example = example_json(file);
        assert_eq!(example["bits"], bits.get(), "{file}");
        let decoded = StatusList::from_json(&example).unwrap();
        assert_eq!(decoded.len(), size, "{file}");
        assert_statuses(&decoded, &statuses);

        let ours = list_with(bits, size, &statuses);
        assert_eq!(ours.as_bytes(), decoded.as_bytes(), "{file}");
        let reencoded = StatusList::from_json(&Value::Object(ours.to_json().unwrap())).unwrap();
        assert_eq!(reencoded, decoded, "{file}");
        covered.push(bits.get());
    }
    assert_eq!(covered, [1, 2, 4, 8]);
}

#[test]
fn draft_byte_array_examples_decode_to_their_bytes_and_statuses() {
    let draft = draft();
    let byte_array_section = section(&draft, "## Compressed Byte Array");
    // Each example is a run of `status[…]` lines closed by `compressed array (hex): …`.
    let mut examples = Vec::new();
    let mut pending = String::new();
    for line in byte_array_section.lines() {
        if let Some(compressed) = line.trim().strip_prefix("compressed array (hex):") {
            examples.push((status_lines(&pending), hex(compressed.trim())));
            pending.clear();
        } else if status_line(line).is_some() {
            pending.push_str(line);
            pending.push('\n');
        }
    }
    assert_eq!(examples.len(), 2);

    let json_section = section(&draft, "## Status List in JSON Format");
    let files: Vec<&str> = json_section
        .lines()
        .filter_map(|l| l.strip_prefix("{::include "))
        .map(|f| f.trim_end_matches('}'))
        .collect();
    assert_eq!(files.len(), examples.len());

    for (((statuses, width), compressed), file) in examples.iter().zip(files) {
        let bits = StatusBits::new(*width as u64).unwrap();
        let from_hex = StatusList::from_compressed(bits, compressed).unwrap();
        assert_eq!(
            from_hex.len(),
            statuses.len(),
            "the example fills its bytes exactly"
        );
        assert_statuses(&from_hex, statuses);

        let example = example_json(file);
        assert_eq!(example["bits"], bits.get());
        let from_json = StatusList::from_json(&example).unwrap();
        assert_eq!(from_json.as_bytes(), example_byte_array(file), "{file}");
        assert_eq!(from_json.as_bytes(), from_hex.as_bytes(), "{file}");
        // The JSON `lst` is the base64url of the draft's compressed hex.
        assert_eq!(example["lst"], b64::encode(compressed));

        let ours = list_with(bits, statuses.len(), statuses);
        assert_eq!(ours.as_bytes(), from_hex.as_bytes());
        let json = Value::Object(ours.to_json().unwrap());
        assert_eq!(StatusList::from_json(&json).unwrap(), from_json);
    }
}

#[test]
fn draft_status_list_jwt_example_parses_and_matches_its_decoded_form() {
    let compact: String = read_vector("examples/status_list_jwt_raw.md")
        .split_whitespace()
        .collect();
    let decoded = read_vector("examples/status_list_jwt.md");
    let (header_text, payload_text) = decoded.split_once("\n.\n").unwrap();
    let expected_header = json::parse_object(header_text.as_bytes(), "example header").unwrap();
    let expected_payload = json::parse_object(payload_text.as_bytes(), "example payload").unwrap();

    let jws = Jws::parse(&compact).unwrap();
    assert_eq!(jws.header().to_json(), expected_header);
    let payload = jws.payload_object("example payload").unwrap();
    for (name, value) in &expected_payload {
        assert_eq!(payload.get(name), Some(value), "claim {name}");
    }

    let token = StatusListToken::from_claims(&payload).unwrap();
    assert_eq!(token.uri.as_str(), expected_payload["sub"]);
    assert_eq!(token.issued_at.as_unix(), expected_payload["iat"]);
    assert_eq!(token.expires_at.unwrap().as_unix(), expected_payload["exp"]);
    assert_eq!(token.ttl.unwrap().get(), expected_payload["ttl"]);
    // The raw token carries claims the decoded listing leaves out (an `iss`): kept, not lost.
    let extra: Vec<&String> = payload
        .keys()
        .filter(|k| !expected_payload.contains_key(*k))
        .collect();
    assert_eq!(token.other_claims.keys().collect::<Vec<_>>(), extra);
    // Its list is the draft's first 1-bit example.
    assert_eq!(
        token.list.as_bytes(),
        example_byte_array("examples/status_list_encoding_json.md")
    );

    // The draft does not publish the key that signed this token, so its signature cannot be
    // checked here. It is a 64-byte ES256 signature, and an unrelated P-256 key refuses it
    // (the `typ` passes, so the refusal comes from the signature check).
    assert_eq!(jws.signature().len(), 64);
    let unrelated = SecretKey::generate_p256().unwrap().public_key();
    let rules = TimeRules::at(token.issued_at);
    for provider in providers() {
        let err = StatusListToken::verify(&compact, provider, &unrelated, &rules, &token.uri)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Jose(JoseError::SignatureInvalid),
            "{}",
            provider.name()
        );
    }
}

#[test]
fn draft_referenced_token_example_points_into_the_example_list() {
    let draft = draft();
    let jose = section(&draft, "## Referenced Token in JOSE");
    let payload = jose
        .split("The resulting payload of the example above:")
        .nth(1)
        .and_then(|rest| rest.split("~~~ json").nth(1))
        .and_then(|rest| rest.split("~~~").next())
        .unwrap();
    let claims = json::parse_object(payload.as_bytes(), "example").unwrap();
    let reference = StatusReference::from_claims(&claims).unwrap();
    assert_eq!(reference.to_status_claim(), claims["status"]);

    let compact: String = read_vector("examples/status_list_jwt_raw.md")
        .split_whitespace()
        .collect();
    let token =
        StatusListToken::from_claims(&Jws::parse(&compact).unwrap().payload_object("x").unwrap())
            .unwrap();
    assert_eq!(reference.uri, token.uri);
    // Index 0 of 0xB9 0xA3 is the low bit of 0xB9: set.
    assert_eq!(reference.index, StatusIndex::new(0));
    assert_eq!(token.list.get(reference.index).unwrap(), Status::INVALID);
}

// ---- the Status List Token: sign and verify ---------------------------------------------------

const URI: &str = "https://city.example/statuslists/1";
const IAT: i64 = 1_700_000_000;
const EXP: i64 = 1_700_086_400;

fn uri() -> StatusListUri {
    StatusListUri::new(URI).unwrap()
}

fn at(t: i64) -> TimeRules {
    TimeRules::at(NumericDate::from_unix(t))
}

fn sample_list() -> StatusList {
    let mut list = StatusList::new(StatusBits::Two, 4096).unwrap();
    list.set(StatusIndex::new(7), Status::INVALID).unwrap();
    list.set(StatusIndex::new(8), Status::SUSPENDED).unwrap();
    list.set(StatusIndex::new(4095), Status::new(0x03)).unwrap();
    list
}

fn sample_token() -> StatusListToken {
    StatusListToken::new(uri(), NumericDate::from_unix(IAT), sample_list())
        .with_expiry(NumericDate::from_unix(EXP))
        .with_ttl(NonZeroU64::new(43_200).unwrap())
        .with_claim("iss", json!("https://city.example"))
}

fn keys() -> Vec<SecretKey> {
    vec![
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ]
}

fn verify_with(
    jwt: &str,
    provider: &dyn CryptoProvider,
    key: &SecretKey,
    rules: &TimeRules,
) -> Result<myna_vc_core::status_list::VerifiedStatusList, Error> {
    StatusListToken::verify(jwt, provider, &key.public_key(), rules, &uri())
}

/// Signs arbitrary claims under an arbitrary header, for tokens our own `sign` would not make.
fn sign_raw(key: &SecretKey, typ: Option<&str>, claims: &Map<String, Value>) -> String {
    let provider = providers()[0];
    let signer = provider.signer(key).unwrap();
    let header = JwsHeader::new(signer.algorithm());
    let header = match typ {
        Some(typ) => header.with_typ(typ),
        None => header,
    };
    jwt::sign(&header, claims, &*signer).unwrap()
}

#[test]
fn round_trip_over_every_provider_and_key_type() {
    let token = sample_token();
    for signing in providers() {
        for key in keys() {
            let signer = signing.signer(&key).unwrap();
            let jwt = token.sign(&*signer, Some("status-1")).unwrap();
            for verifying in providers() {
                let context = format!("{} -> {}", signing.name(), verifying.name());
                let verified = verify_with(&jwt, verifying, &key, &at(IAT + 10)).expect(&context);
                assert_eq!(verified.token(), &token, "{context}");
                assert_eq!(verified.header().typ.as_deref(), Some("statuslist+jwt"));
                assert_eq!(verified.header().kid.as_deref(), Some("status-1"));
                let status = |idx| {
                    verified
                        .status_of(&StatusReference::new(StatusIndex::new(idx), uri()))
                        .unwrap()
                };
                assert_eq!(status(0), Status::VALID, "{context}");
                assert_eq!(status(7), Status::INVALID, "{context}");
                assert_eq!(status(8), Status::SUSPENDED, "{context}");
                assert_eq!(status(4095), Status::new(0x03), "{context}");
            }
        }
    }
}

#[test]
fn tampering_with_claims_or_signature_is_signature_invalid() {
    for provider in providers() {
        for key in keys() {
            let jwt = sample_token()
                .sign(&*provider.signer(&key).unwrap(), None)
                .unwrap();
            let parts: Vec<&str> = jwt.split('.').collect();

            // Un-revoke entry 7 and keep the old signature.
            let mut forged = sample_token();
            forged.list.set(StatusIndex::new(7), Status::VALID).unwrap();
            let payload = serde_json::to_vec(&forged.to_claims().unwrap()).unwrap();
            let swapped = format!("{}.{}.{}", parts[0], b64::encode(payload), parts[2]);
            let err = verify_with(&swapped, provider, &key, &at(IAT)).unwrap_err();
            assert_eq!(
                err,
                Error::Jose(JoseError::SignatureInvalid),
                "{}",
                provider.name()
            );

            let mut signature = b64::decode(parts[2], "sig").unwrap();
            signature[10] ^= 0x01;
            let flipped = format!("{}.{}.{}", parts[0], parts[1], b64::encode(signature));
            let err = verify_with(&flipped, provider, &key, &at(IAT)).unwrap_err();
            assert_eq!(
                err,
                Error::Jose(JoseError::SignatureInvalid),
                "{}",
                provider.name()
            );
        }
    }
}

#[test]
fn wrong_key_and_wrong_key_type_are_refused() {
    let provider = providers()[0];
    let p256 = SecretKey::generate_p256().unwrap();
    let ed25519 = SecretKey::generate_ed25519().unwrap();
    let jwt = sample_token()
        .sign(&*provider.signer(&p256).unwrap(), None)
        .unwrap();
    let other_p256 = SecretKey::generate_p256().unwrap();
    assert_eq!(
        verify_with(&jwt, provider, &other_p256, &at(IAT)).unwrap_err(),
        Error::Jose(JoseError::SignatureInvalid)
    );
    assert!(matches!(
        verify_with(&jwt, provider, &ed25519, &at(IAT)),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch {
            alg: "ES256",
            ..
        }))
    ));
}

#[test]
fn wrong_or_missing_typ_is_wrong_type() {
    let key = SecretKey::generate_p256().unwrap();
    let claims = sample_token().to_claims().unwrap();
    for typ in [Some("JWT"), Some("statuslist+cwt"), Some("dc+sd-jwt"), None] {
        let jwt = sign_raw(&key, typ, &claims);
        let err = verify_with(&jwt, providers()[0], &key, &at(IAT)).unwrap_err();
        assert_eq!(
            err,
            Error::Jwt(JwtError::WrongType {
                expected: "statuslist+jwt".to_owned(),
                found: typ.unwrap_or("").into()
            })
        );
    }
    let jwt = sign_raw(&key, Some("application/statuslist+jwt"), &claims);
    assert!(verify_with(&jwt, providers()[0], &key, &at(IAT)).is_ok());
}

#[test]
fn sub_other_than_the_referenced_uri_is_a_mismatch() {
    let key = SecretKey::generate_ed25519().unwrap();
    let provider = providers()[0];
    let jwt = sample_token()
        .sign(&*provider.signer(&key).unwrap(), None)
        .unwrap();
    let elsewhere = StatusListUri::new("https://city.example/statuslists/2").unwrap();
    let err = StatusListToken::verify(&jwt, provider, &key.public_key(), &at(IAT), &elsewhere)
        .unwrap_err();
    assert_eq!(
        err,
        Error::StatusList(StatusListError::UriMismatch {
            expected: elsewhere.as_str().into(),
            found: URI.into()
        })
    );

    // The same rule holds when a verified list is asked about another list's reference.
    let verified = verify_with(&jwt, provider, &key, &at(IAT)).unwrap();
    let reference = StatusReference::new(StatusIndex::new(7), elsewhere);
    assert!(matches!(
        verified.status_of(&reference),
        Err(Error::StatusList(StatusListError::UriMismatch { .. }))
    ));
    let past_the_end = StatusReference::new(StatusIndex::new(4096), uri());
    assert_eq!(
        verified.status_of(&past_the_end),
        Err(Error::StatusList(StatusListError::IndexOutOfRange {
            index: 4096,
            len: 4096
        }))
    );
}

#[test]
fn time_rules_apply_expired_future_and_required_exp() {
    let key = SecretKey::generate_p256().unwrap();
    let provider = providers()[0];
    let signer = provider.signer(&key).unwrap();
    let jwt = sample_token().sign(&*signer, None).unwrap();
    let leeway = i64::try_from(jwt::DEFAULT_LEEWAY_SECS).unwrap();

    assert!(verify_with(&jwt, provider, &key, &at(EXP + leeway - 1)).is_ok());
    assert_eq!(
        verify_with(&jwt, provider, &key, &at(EXP + leeway)).unwrap_err(),
        Error::Jwt(JwtError::Expired {
            exp: NumericDate::from_unix(EXP),
            now: NumericDate::from_unix(EXP + leeway)
        })
    );
    assert!(matches!(
        verify_with(&jwt, provider, &key, &at(IAT - leeway - 1)),
        Err(Error::Jwt(JwtError::IssuedInFuture { .. }))
    ));

    let no_exp = StatusListToken::new(uri(), NumericDate::from_unix(IAT), sample_list())
        .sign(&*signer, None)
        .unwrap();
    let strict = TimeRules {
        require_exp: true,
        ..at(IAT)
    };
    assert!(verify_with(&no_exp, provider, &key, &at(IAT + 10_000_000)).is_ok());
    assert_eq!(
        verify_with(&no_exp, provider, &key, &strict).unwrap_err(),
        Error::Jwt(JwtError::MissingClaim("exp"))
    );
}

#[test]
fn missing_required_claims_are_each_named() {
    let key = SecretKey::generate_p256().unwrap();
    for claim in ["sub", "iat", "status_list"] {
        let mut claims = sample_token().to_claims().unwrap();
        claims.remove(claim);
        let jwt = sign_raw(&key, Some("statuslist+jwt"), &claims);
        let err = verify_with(&jwt, providers()[0], &key, &at(IAT)).unwrap_err();
        assert_eq!(err, Error::Jwt(JwtError::MissingClaim(claim)));
    }
}

#[test]
fn invalid_claim_values_are_typed_errors() {
    let key = SecretKey::generate_p256().unwrap();
    type IsExpected = fn(&Error) -> bool;
    let cases: Vec<(&str, Value, IsExpected)> = vec![
        ("sub", json!(17), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "sub", .. }))
        }),
        ("sub", json!("not a uri"), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "sub", .. }))
        }),
        ("iat", json!("yesterday"), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "iat", .. }))
        }),
        ("exp", json!([1]), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "exp", .. }))
        }),
        ("ttl", json!(0), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "ttl", .. }))
        }),
        ("ttl", json!(-5), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "ttl", .. }))
        }),
        ("ttl", json!("12h"), |e| {
            matches!(e, Error::Jwt(JwtError::InvalidClaim { claim: "ttl", .. }))
        }),
        ("status_list", json!("eNrbuRgAAhcBXQ"), |e| {
            matches!(
                e,
                Error::Input(InputError::NotAnObject {
                    what: "status list",
                })
            )
        }),
        (
            "status_list",
            json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"}),
            |e| *e == Error::StatusList(StatusListError::UnsupportedBits(3)),
        ),
        (
            "status_list",
            json!({"bits": 1.5, "lst": "eNrbuRgAAhcBXQ"}),
            |e| matches!(e, Error::Input(InputError::MemberType { member, .. }) if member == "bits"),
        ),
        (
            "status_list",
            json!({"bits": 1}),
            |e| matches!(e, Error::Input(InputError::MissingMember { member, .. }) if member == "lst"),
        ),
        (
            "status_list",
            json!({"bits": 1, "lst": "eNrb+RgAAhcBXQ=="}),
            |e| matches!(e, Error::Input(InputError::Base64 { .. })),
        ),
        ("status_list", json!({"bits": 1, "lst": "AAAA"}), |e| {
            matches!(e, Error::StatusList(StatusListError::Compression(_)))
        }),
        (
            "status_list",
            json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ", "aggregation_uri": "no uri"}),
            |e| matches!(e, Error::StatusList(StatusListError::InvalidUri { .. })),
        ),
    ];
    for (claim, value, expected) in cases {
        let mut claims = sample_token().to_claims().unwrap();
        claims.insert(claim.into(), value.clone());
        let jwt = sign_raw(&key, Some("statuslist+jwt"), &claims);
        let err = verify_with(&jwt, providers()[0], &key, &at(IAT)).unwrap_err();
        assert!(expected(&err), "{claim} = {value}: {err:?}");
    }
}

#[test]
fn unsigned_and_malformed_compact_tokens_are_refused() {
    let key = SecretKey::generate_p256().unwrap();
    let claims = Value::Object(sample_token().to_claims().unwrap()).to_string();
    let none = format!(
        "{}.{}.",
        b64::encode(br#"{"alg":"none","typ":"statuslist+jwt"}"#),
        b64::encode(claims)
    );
    assert_eq!(
        verify_with(&none, providers()[0], &key, &at(IAT)).unwrap_err(),
        Error::Jose(JoseError::AlgNone)
    );
    for garbage in ["", "a.b", "a.b.c.d", "e30.e30.e30", "....", "\u{0}"] {
        assert!(
            verify_with(garbage, providers()[0], &key, &at(IAT)).is_err(),
            "{garbage:?}"
        );
    }
}

// ---- the referenced token's `status` claim ---------------------------------------------------

#[test]
fn status_reference_errors_name_the_missing_or_bad_part() {
    let cases = [
        (json!({}), Error::Jwt(JwtError::MissingClaim("status"))),
        (
            json!({"status": {}}),
            Error::Jwt(JwtError::MissingClaim("status.status_list")),
        ),
        (
            json!({"status": {"status_list": {"uri": URI}}}),
            Error::Jwt(JwtError::MissingClaim("status.status_list.idx")),
        ),
        (
            json!({"status": {"status_list": {"idx": 1}}}),
            Error::Jwt(JwtError::MissingClaim("status.status_list.uri")),
        ),
    ];
    for (claims, expected) in cases {
        assert_eq!(
            StatusReference::from_claims(claims.as_object().unwrap()),
            Err(expected)
        );
    }
    let invalid = [
        (json!({"status": "revoked"}), "status"),
        (
            json!({"status": {"status_list": [0, URI]}}),
            "status.status_list",
        ),
        (
            json!({"status": {"status_list": {"idx": -1, "uri": URI}}}),
            "status.status_list.idx",
        ),
        (
            json!({"status": {"status_list": {"idx": 1.5, "uri": URI}}}),
            "status.status_list.idx",
        ),
        (
            json!({"status": {"status_list": {"idx": "1", "uri": URI}}}),
            "status.status_list.idx",
        ),
        (
            json!({"status": {"status_list": {"idx": 1, "uri": 5}}}),
            "status.status_list.uri",
        ),
        (
            json!({"status": {"status_list": {"idx": 1, "uri": "city.example/1"}}}),
            "status.status_list.uri",
        ),
    ];
    for (claims, claim) in invalid {
        let err = StatusReference::from_claims(claims.as_object().unwrap()).unwrap_err();
        assert!(
            matches!(err, Error::Jwt(JwtError::InvalidClaim { claim: c, .. }) if c == claim),
            "{claims}: {err:?}"
        );
    }
    let mut not_an_object = json!({"status": 1});
    let reference = StatusReference::new(StatusIndex::new(1), uri());
    assert!(matches!(
        reference.insert_into(not_an_object.as_object_mut().unwrap()),
        Err(Error::Jwt(JwtError::InvalidClaim {
            claim: "status",
            ..
        }))
    ));
}

// ---- hostile input ---------------------------------------------------------------------------

fn zlib(bytes_of_zeros: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes_of_zeros;
    while left > 0 {
        let n = left.min(chunk.len());
        encoder.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    encoder.finish().unwrap()
}

#[test]
fn a_zlib_bomb_is_status_list_too_large() {
    // 64 MiB of zeros in about 64 KB: the inflater must stop at the 16 MiB cap.
    let bomb = zlib(64 << 20);
    assert!(bomb.len() < 100_000);
    let expected = Error::StatusList(StatusListError::TooLarge {
        limit: MAX_LIST_BYTES,
    });
    assert_eq!(
        StatusList::from_compressed(StatusBits::One, &bomb),
        Err(expected.clone())
    );
    let json = json!({"bits": 1, "lst": b64::encode(&bomb)});
    assert_eq!(StatusList::from_json(&json), Err(expected.clone()));
    assert_eq!(
        StatusList::from_json_bytes(json.to_string().as_bytes()),
        Err(expected.clone())
    );

    // Inside a correctly signed token, too.
    let key = SecretKey::generate_p256().unwrap();
    let mut claims = sample_token().to_claims().unwrap();
    claims.insert("status_list".into(), json);
    let jwt = sign_raw(&key, Some("statuslist+jwt"), &claims);
    assert_eq!(
        verify_with(&jwt, providers()[0], &key, &at(IAT)).unwrap_err(),
        expected
    );

    // Exactly the cap is still a list.
    let at_cap = zlib(MAX_LIST_BYTES);
    assert_eq!(
        StatusList::from_compressed(StatusBits::One, &at_cap)
            .unwrap()
            .len(),
        MAX_LIST_BYTES * 8
    );
}

#[test]
fn oversized_input_is_input_too_large() {
    let big = json::MAX_INPUT_BYTES + 1;
    let lst = "A".repeat(big);
    let object = format!(r#"{{"bits": 1, "lst": "{lst}"}}"#);
    assert!(matches!(
        StatusList::from_json_bytes(object.as_bytes()),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    assert!(matches!(
        StatusList::from_json(&json!({"bits": 1, "lst": lst})),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    assert!(matches!(
        StatusList::from_compressed(StatusBits::One, &vec![0x78; big]),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    let key = SecretKey::generate_p256().unwrap();
    let jwt = format!("e30.{}.e30", "A".repeat(big));
    assert!(matches!(
        verify_with(&jwt, providers()[0], &key, &at(IAT)),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let object = format!(r#"{{"bits": 1, "lst": "eNrbuRgAAhcBXQ", "x": {deep}}}"#);
    assert!(matches!(
        StatusList::from_json_bytes(object.as_bytes()),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    let key = SecretKey::generate_p256().unwrap();
    let signer = providers()[0].signer(&key).unwrap();
    let header = JwsHeader::new(signer.algorithm()).with_typ("statuslist+jwt");
    let payload = format!(r#"{{"sub": "{URI}", "x": {deep}}}"#);
    let jwt = jws::sign(&header, payload.as_bytes(), &*signer).unwrap();
    assert!(matches!(
        verify_with(&jwt, providers()[0], &key, &at(IAT)),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
}

// ---- size ------------------------------------------------------------------------------------

/// xorshift64: a fixed, dependency-free sequence, so the list (and its size) is reproducible.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn one_million_entries_with_one_percent_revoked_compress_under_16_kb() {
    let mut list = StatusList::new(StatusBits::One, 1_000_000).unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15;
    let mut revoked = 0;
    while revoked < 10_000 {
        let index = StatusIndex::new(xorshift(&mut state) % 1_000_000);
        if list.get(index).unwrap().is_valid() {
            list.set(index, Status::INVALID).unwrap();
            revoked += 1;
        }
    }
    let compressed = list.compress().unwrap();
    assert!(compressed.len() < 16_000, "{} bytes", compressed.len());
    assert_eq!(
        StatusList::from_compressed(StatusBits::One, &compressed).unwrap(),
        list
    );
}

// ---- properties ------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn bits() -> impl Strategy<Value = StatusBits> {
        prop_oneof![
            Just(StatusBits::One),
            Just(StatusBits::Two),
            Just(StatusBits::Four),
            Just(StatusBits::Eight)
        ]
    }

    /// Any JSON value, a few levels deep.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,40}".prop_map(Value::from),
            Just(Value::from(URI)),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("status".to_string()),
                        Just("status_list".to_string()),
                        Just("idx".to_string()),
                        Just("uri".to_string()),
                        Just("bits".to_string()),
                        Just("lst".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn allowed_list_error(err: &Error) -> bool {
        matches!(
            err,
            Error::Input(InputError::Json { .. })
                | Error::Input(InputError::NotAnObject { .. })
                | Error::Input(InputError::MissingMember { .. })
                | Error::Input(InputError::MemberType { .. })
                | Error::StatusList(StatusListError::InvalidUri { .. })
                | Error::Input(InputError::NestingTooDeep { .. })
                | Error::Input(InputError::TooLarge { .. })
                | Error::Input(InputError::Base64 { .. })
                | Error::StatusList(StatusListError::UnsupportedBits(_))
                | Error::StatusList(StatusListError::Compression(_))
                | Error::StatusList(StatusListError::TooLarge { .. })
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_list_round_trips_through_json(
            bits in bits(),
            values in prop::collection::vec(any::<u8>(), 0..3000),
            aggregation in proptest::option::of(Just("https://city.example/statuslists")),
        ) {
            let mut list = StatusList::new(bits, values.len()).unwrap();
            for (i, v) in values.iter().enumerate() {
                list.set(StatusIndex::new(i as u64), Status::new(v & bits.max_value())).unwrap();
            }
            if let Some(uri) = aggregation {
                list = list.with_aggregation_uri(uri).unwrap();
            }
            let text = Value::Object(list.to_json().unwrap()).to_string();
            let decoded = StatusList::from_json_bytes(text.as_bytes()).unwrap();
            prop_assert_eq!(&decoded, &list);
            prop_assert_eq!(decoded.len(), values.len().div_ceil(bits.entries_per_byte()) * bits.entries_per_byte());
            for i in 0..decoded.len() {
                let expected = values.get(i).map_or(0, |v| v & bits.max_value());
                prop_assert_eq!(decoded.get(StatusIndex::new(i as u64)).unwrap(), Status::new(expected));
            }
        }

        #[test]
        fn any_byte_array_round_trips_through_compression(
            bits in bits(),
            bytes in prop::collection::vec(any::<u8>(), 0..4096),
        ) {
            let list = StatusList::from_bytes(bits, bytes).unwrap();
            let back = StatusList::from_compressed(bits, &list.compress().unwrap()).unwrap();
            prop_assert_eq!(back, list);
        }

        #[test]
        fn get_and_set_are_in_range_exactly_below_len(
            bits in bits(),
            len in 0usize..200,
            index in prop_oneof![0u64..300, any::<u64>()],
            value in any::<u8>(),
        ) {
            let mut list = StatusList::new(bits, len).unwrap();
            let in_range = index < list.len() as u64;
            let status = Status::new(value);
            let set = list.set(StatusIndex::new(index), status);
            match (in_range, bits.fits(status)) {
                (_, false) => prop_assert!(matches!(set, Err(Error::StatusList(StatusListError::TooWide { .. }))), "{:?}", set),
                (false, true) => prop_assert!(matches!(set, Err(Error::StatusList(StatusListError::IndexOutOfRange { .. }))), "{:?}", set),
                (true, true) => {
                    prop_assert!(set.is_ok());
                    prop_assert_eq!(list.get(StatusIndex::new(index)).unwrap(), status);
                }
            }
            prop_assert_eq!(list.get(StatusIndex::new(index)).is_ok(), in_range);
        }

        #[test]
        fn status_bits_accept_only_1_2_4_8(bits in any::<u64>()) {
            let parsed = StatusBits::new(bits);
            prop_assert_eq!(parsed.is_ok(), matches!(bits, 1 | 2 | 4 | 8));
            if let Ok(parsed) = parsed {
                prop_assert_eq!(u64::from(parsed.get()), bits);
            }
        }

        #[test]
        fn arbitrary_bytes_are_not_a_status_list(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let err = StatusList::from_json_bytes(&bytes).unwrap_err();
            prop_assert!(allowed_list_error(&err), "{:?}", err);
        }

        #[test]
        fn arbitrary_lst_is_refused_with_a_typed_error(
            bits in 1u64..=8,
            lst in prop_oneof![".{0,200}", "[A-Za-z0-9_-]{0,300}", "eN[A-Za-z0-9_-]{0,300}"],
        ) {
            let err = StatusList::from_json(&json!({"bits": bits, "lst": lst})).unwrap_err();
            prop_assert!(allowed_list_error(&err), "{:?}", err);
        }

        #[test]
        fn arbitrary_compressed_bytes_are_refused_with_a_typed_error(
            body in prop::collection::vec(any::<u8>(), 0..1024),
            header in prop_oneof![Just(vec![]), Just(vec![0x78, 0xda]), Just(vec![0x78, 0x9c])],
        ) {
            let input = [header, body].concat();
            let err = StatusList::from_compressed(StatusBits::One, &input).unwrap_err();
            prop_assert!(
                matches!(err, Error::StatusList(StatusListError::Compression(_)) | Error::StatusList(StatusListError::TooLarge { .. })),
                "{:?}", err
            );
        }

        #[test]
        fn a_damaged_stream_is_refused_or_decoded_never_a_panic(
            bytes in prop::collection::vec(0u8..4, 1..2048),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let list = StatusList::from_bytes(StatusBits::Two, bytes).unwrap();
            let compressed = list.compress().unwrap();
            // Every proper prefix lacks the end of the stream or the checksum.
            let truncated = &compressed[..cut.index(compressed.len())];
            let err = StatusList::from_compressed(StatusBits::Two, truncated).unwrap_err();
            prop_assert!(matches!(err, Error::StatusList(StatusListError::Compression(_))), "{:?}", err);
            // A flipped bit is mostly caught by DEFLATE or Adler-32, but not always (Adler-32
            // is a checksum, not a MAC; the token's signature is what protects `lst`).
            let mut flipped = compressed.clone();
            flipped[flip.index(compressed.len())] ^= 1 << bit;
            if let Err(err) = StatusList::from_compressed(StatusBits::Two, &flipped) {
                prop_assert!(
                    matches!(err, Error::StatusList(StatusListError::Compression(_)) | Error::StatusList(StatusListError::TooLarge { .. })),
                    "{:?}", err
                );
            }
        }

        #[test]
        fn arbitrary_claims_give_a_reference_or_a_typed_error(status in any_json()) {
            let mut claims = Map::new();
            claims.insert("status".into(), status);
            match StatusReference::from_claims(&claims) {
                Ok(reference) => {
                    let mut emitted = Map::new();
                    reference.insert_into(&mut emitted).unwrap();
                    prop_assert_eq!(StatusReference::from_claims(&emitted).unwrap(), reference);
                }
                Err(err) => prop_assert!(
                    matches!(err, Error::Jwt(JwtError::MissingClaim(_)) | Error::Jwt(JwtError::InvalidClaim { .. })),
                    "{:?}", err
                ),
            }
        }

        #[test]
        fn arbitrary_token_claims_give_a_token_or_a_typed_error(
            mut claims in prop::collection::btree_map(
                prop_oneof![
                    Just("sub".to_string()), Just("iat".to_string()), Just("exp".to_string()),
                    Just("ttl".to_string()), Just("status_list".to_string()), "[a-z]{1,4}"
                ],
                any_json(),
                0..8,
            ).prop_map(|m| m.into_iter().collect::<Map<String, Value>>()),
            well_formed_list in any::<bool>(),
        ) {
            if well_formed_list {
                claims.insert("status_list".into(), json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ"}));
            }
            match StatusListToken::from_claims(&claims) {
                Ok(token) => {
                    let back = StatusListToken::from_claims(&token.to_claims().unwrap()).unwrap();
                    prop_assert_eq!(back, token);
                }
                Err(err) => prop_assert!(
                    matches!(err, Error::Jwt(JwtError::MissingClaim(_)) | Error::Jwt(JwtError::InvalidClaim { .. }))
                        || allowed_list_error(&err),
                    "{:?}", err
                ),
            }
        }

        #[test]
        fn arbitrary_strings_are_never_a_verified_token(
            compact in prop_oneof![
                ".{0,300}",
                "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,80}",
                "eyJ[A-Za-z0-9_-]{0,80}\\.eyJ[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,90}",
            ],
        ) {
            let key = SecretKey::ed25519_from_seed(&[7; 32]).unwrap();
            prop_assert!(verify_with(&compact, providers()[0], &key, &at(IAT)).is_err());
        }

        #[test]
        fn uris_are_accepted_only_when_printable_ascii_with_a_scheme(text in ".{0,60}") {
            match StatusListUri::new(text.as_str()) {
                Ok(uri) => {
                    prop_assert_eq!(uri.as_str(), text.as_str());
                    prop_assert!(text.bytes().all(|b| b.is_ascii_graphic()));
                    prop_assert!(text.contains(':'));
                }
                Err(err) => prop_assert!(matches!(err, Error::StatusList(StatusListError::InvalidUri { .. })), "{:?}", err),
            }
        }
    }
}

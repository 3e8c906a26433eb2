//! Garbage, truncated, oversized and deeply nested input to every parser of the JOSE and
//! SD-JWT layers returns a typed error: never a panic, never an accept.
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, Algorithm, PublicKey, SecretKey};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::{self, Jws, JwsHeader};
use myna_vc_core::sdjwt::{self, Disclosure, KeyBinding, SdJwt, SdJwtIssuer, VerifyOptions};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, json, Error};
use myna_vc_core::{InputError, JoseError, SdJwtError};
use proptest::prelude::*;
use serde_json::{json, Value};

fn key() -> &'static SecretKey {
    static KEY: std::sync::OnceLock<SecretKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| SecretKey::generate_p256().unwrap())
}

fn now() -> NumericDate {
    NumericDate::from_unix(1_800_000_000)
}

/// Runs every string parser on `input`; each must return rather than panic.
fn every_parser(input: &str) {
    let _ = Jws::parse(input);
    let _ = SdJwt::parse(input);
    let _ = Disclosure::parse(input);
    let _ = b64::decode(input, "fuzz");
    let _ = json::parse(input.as_bytes(), "fuzz");
    let _ = serde_json::from_str::<Value>(input).map(|v| {
        (
            Jwk::from_json(&v),
            PublicKey::from_jwk(&v),
            ClaimPath::parse_json(&v),
        )
    });
    let _ = sdjwt::verify(
        input,
        default_provider(),
        &key().public_key(),
        &VerifyOptions::at(now()),
    );
    let options = VcVerifyOptions::at(now(), sdjwt::KeyBindingRule::Optional);
    let _ = sdjwt_vc::verify(input, default_provider(), &key().public_key(), &options);
}

/// Input not signed by `key()`: every parser returns, and both verifiers refuse it.
fn refused(input: &str) {
    every_parser(input);
    assert!(sdjwt::verify(
        input,
        default_provider(),
        &key().public_key(),
        &VerifyOptions::at(now())
    )
    .is_err());
    let options = VcVerifyOptions::at(now(), sdjwt::KeyBindingRule::Optional);
    assert!(sdjwt_vc::verify(input, default_provider(), &key().public_key(), &options).is_err());
}

fn valid_presentation() -> String {
    let holder = SecretKey::generate_p256().unwrap();
    let hs = default_provider().signer(&holder).unwrap();
    let is = default_provider().signer(key()).unwrap();
    let claims = json!({"vct": "urn:t", "a": {"b": [1, 2]}, "c": "d"});
    let sd = [
        ClaimPath::key("a"),
        ClaimPath::key("a").then_key("b").then_index(1),
        ClaimPath::key("c"),
    ];
    SdJwtIssuer::new(&*is)
        .with_typ("dc+sd-jwt")
        .issue(claims.as_object().unwrap(), &sd, Some(&holder.public_key()))
        .unwrap()
        .select_with_contents(&[ClaimPath::key("a")])
        .unwrap()
        .bind(&KeyBinding {
            audience: "a",
            nonce: "n",
            issued_at: now(),
            signer: &*hs,
        })
        .unwrap()
        .to_string()
}

#[test]
fn every_truncation_of_a_valid_presentation_is_refused() {
    let full = valid_presentation();
    assert!(sdjwt::verify(
        &full,
        default_provider(),
        &key().public_key(),
        &VerifyOptions::at(now())
    )
    .is_ok());
    for cut in 0..full.len() {
        let truncated = &full[..cut];
        let result = sdjwt::verify(
            truncated,
            default_provider(),
            &key().public_key(),
            &VerifyOptions::at(now()),
        );
        // Cutting right after a `~` leaves an SD-JWT with fewer disclosures and no KB-JWT,
        // which is a legitimate presentation under optional key binding; any other cut fails.
        if !truncated.ends_with('~') {
            assert!(result.is_err(), "cut at {cut} was accepted");
        }
        if truncated.matches('~').count() == full.matches('~').count() && truncated.ends_with('~') {
            assert!(
                result.is_ok(),
                "dropping only the KB-JWT (cut at {cut}) must still verify"
            );
            let required = VerifyOptions::at(now()).key_binding(sdjwt::KeyBindingRule::Required {
                audience: "a",
                nonce: "n",
                max_age_secs: 60,
            });
            let strict = sdjwt::verify(
                truncated,
                default_provider(),
                &key().public_key(),
                &required,
            );
            assert_eq!(
                strict.unwrap_err(),
                Error::SdJwt(SdJwtError::KeyBindingMissing)
            );
        }
        every_parser(truncated);
    }
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = "a".repeat(json::MAX_INPUT_BYTES + 1);
    assert!(matches!(
        Jws::parse(&big),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    assert!(matches!(
        SdJwt::parse(&big),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    assert!(matches!(
        json::parse(big.as_bytes(), "x"),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    let huge_presentation = format!(
        "{}~{}~",
        valid_presentation().split('~').next().unwrap(),
        "A".repeat(json::MAX_INPUT_BYTES)
    );
    assert!(matches!(
        sdjwt::verify(
            &huge_presentation,
            default_provider(),
            &key().public_key(),
            &VerifyOptions::at(now())
        ),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
}

#[test]
fn deeply_nested_json_is_refused_everywhere() {
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(matches!(
        json::parse(deep.as_bytes(), "x"),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    // In a disclosure.
    let disclosure = b64::encode(format!("[\"salt\", \"a\", {deep}]"));
    assert!(matches!(
        Disclosure::parse(&disclosure),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    // In a signed payload.
    let signer = default_provider().signer(key()).unwrap();
    let payload = format!("{{\"a\": {deep}}}");
    let jwt = jws::sign(
        &JwsHeader::new(Algorithm::Es256),
        payload.as_bytes(),
        &*signer,
    )
    .unwrap();
    let result = sdjwt::verify(
        &format!("{jwt}~"),
        default_provider(),
        &key().public_key(),
        &VerifyOptions::at(now()),
    );
    assert!(matches!(
        result,
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    // In a JWS header.
    let header = b64::encode(format!("{{\"alg\": \"ES256\", \"x\": {deep}}}"));
    assert!(matches!(
        Jws::parse(&format!("{header}.e30.AA")),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
}

#[test]
fn malformed_keys_are_refused_with_reasons() {
    let cases = [
        (
            json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}),
            "invalid_key",
        ),
        (
            json!({"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"}),
            "unsupported_key_type",
        ),
        (
            json!({"kty": "OKP", "crv": "X25519", "x": "AA"}),
            "unsupported_key_type",
        ),
        (json!({"kty": "oct", "k": "AA"}), "unsupported_key_type"),
        (
            json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
            "invalid_key",
        ),
        (
            json!({"kty": "EC", "crv": "P-256", "x": 5, "y": "AA"}),
            "member_type",
        ),
        (
            json!({"kty": "EC", "crv": "P-256", "x": "A=A", "y": "AA"}),
            "base64",
        ),
        (
            json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA"}),
            "private_key_in_public_jwk",
        ),
        (json!("not an object"), "not_an_object"),
    ];
    for (jwk, expected) in cases {
        let err = PublicKey::from_jwk(&jwk).unwrap_err();
        assert_eq!(err.code(), expected, "{jwk}: {err:?}");
    }
    let mut ec = key().public_key().to_jwk();
    ec["alg"] = json!("RS256");
    assert!(matches!(
        Jwk::from_json(&ec),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(input in ".{0,300}") {
        refused(&input);
    }

    #[test]
    fn arbitrary_tilde_and_dot_structures_never_panic(parts in prop::collection::vec("[A-Za-z0-9_~.-]{0,40}", 0..8)) {
        refused(&parts.join("~"));
        refused(&parts.join("."));
    }

    #[test]
    fn arbitrary_json_in_every_position_never_panics(value in any::<String>().prop_map(Value::from), n in any::<i64>()) {
        let docs = [json!([value.clone(), n]), json!({"_sd": [value.clone()]}), json!([n, value.clone(), {"_sd": n}])];
        for doc in docs {
            refused(&b64::encode(doc.to_string()));
            refused(&format!("{}.{}.AA~", b64::encode(json!({"alg": "ES256"}).to_string()), b64::encode(doc.to_string())));
        }
    }

    #[test]
    fn flipping_any_byte_of_a_presentation_is_refused(pos in any::<prop::sample::Index>(), bit in 0u8..7) {
        let full = valid_presentation();
        let mut bytes = full.clone().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= 1 << bit;
        if let Ok(mutated) = String::from_utf8(bytes) {
            every_parser(&mutated);
            let verdict = sdjwt::verify(&mutated, default_provider(), &key().public_key(), &VerifyOptions::at(now()));
            // base64url tolerates no change, but a flipped bit in the last character of a
            // segment can land on the padding bits and decode to the same bytes; then the
            // presentation is the same presentation.
            if let Ok(d) = verdict {
                let original = sdjwt::verify(&full, default_provider(), &key().public_key(), &VerifyOptions::at(now())).unwrap();
                prop_assert_eq!(d.claims(), original.claims());
            }
        }
    }
}

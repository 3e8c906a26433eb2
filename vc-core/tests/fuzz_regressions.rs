//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz`) found, kept as regression tests so the
//! ordinary test run checks them on every provider without nightly or libFuzzer.
#![cfg(test)]

use myna_vc_core::crypto::{providers, Algorithm, PublicKey, RsaPublicKey};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, Error, JoseError};

/// Issue 17: an RSA `jwk` with an empty modulus in the header of an SD-JWT panicked
/// `sdjwt_vc::verify` ("attempt to subtract with overflow") before any signature check.
const EMPTY_RSA_MODULUS: &str =
    "eyJhbGciOiJSUzI1NiIsImp3ayI6eyJrdHkiOiJSU0EiLCJuIjoiIiwiZSI6IkFRQUIifX0.e30.AA~";

fn some_issuer_key() -> PublicKey {
    myna_vc_core::crypto::SecretKey::ed25519_from_seed(&[3; 32])
        .unwrap()
        .public_key()
}

fn assert_zero_modulus_refused(result: Result<impl std::fmt::Debug, Error>, what: &str) {
    match result {
        Err(Error::Jose(JoseError::InvalidKey(reason))) => {
            assert!(reason.contains("RSA modulus is zero"), "{what}: {reason}")
        }
        other => panic!("{what}: expected InvalidKey (zero RSA modulus), got {other:?}"),
    }
}

#[test]
fn the_79_byte_presentation_with_an_empty_rsa_modulus_is_a_typed_error() {
    assert_eq!(EMPTY_RSA_MODULUS.len(), 79);
    let now = NumericDate::from_unix(1_800_000_000);
    for provider in providers() {
        for rule in [
            KeyBindingRule::Optional,
            KeyBindingRule::Required {
                audience: "https://v.example",
                nonce: "n",
                max_age_secs: 60,
            },
        ] {
            let result = sdjwt_vc::verify(
                EMPTY_RSA_MODULUS,
                provider,
                &some_issuer_key(),
                &VcVerifyOptions::at(now, rule),
            );
            assert_zero_modulus_refused(result, provider.name());
        }
    }
}

#[test]
fn a_zero_rsa_modulus_in_a_jws_header_is_a_typed_error() {
    // The same presentation with `"n": "AA"` (one zero byte) and `"AAAAAA"` (three).
    for n in ["AA", "AAAA"] {
        let header = format!(r#"{{"alg":"RS256","jwk":{{"kty":"RSA","n":"{n}","e":"AQAB"}}}}"#);
        let presentation = format!("{}.e30.AA~", b64::encode(header.as_bytes()));
        let now = NumericDate::from_unix(1_800_000_000);
        for provider in providers() {
            let result = sdjwt_vc::verify(
                &presentation,
                provider,
                &some_issuer_key(),
                &VcVerifyOptions::at(now, KeyBindingRule::Optional),
            );
            assert_zero_modulus_refused(result, &format!("n = {n:?}, {}", provider.name()));
        }
    }
}

#[test]
fn every_provider_refuses_bad_rsa_signatures_with_an_error() {
    // A 2048-bit odd modulus (not a real key): each provider's RSA path must answer with an
    // error for signatures of every wrong shape, never panic or accept.
    let mut n = vec![0u8; 256];
    n[0] = 0x80;
    n[255] = 0x01;
    let key = PublicKey::Rsa(RsaPublicKey::from_components(&n, &[1, 0, 1]).unwrap());
    let signatures: [Vec<u8>; 5] = [vec![], vec![0], vec![0; 256], vec![0xff; 256], vec![1; 512]];
    for provider in providers() {
        for signature in &signatures {
            let result = provider.verify(Algorithm::Rs256, &key, b"message", signature);
            assert!(
                matches!(result, Err(Error::Jose(_))),
                "{}: a {}-byte signature gave {result:?}",
                provider.name(),
                signature.len()
            );
        }
    }
}

/// Issue 17 (low): a number such as `4493193e-48` in a DCQL query did not survive
/// `to_json` → `from_json` exactly: serde_json's default float parser may be off by one unit
/// in the last place, so the value read back from the printed text was another float.
#[test]
fn dcql_numbers_survive_to_json_and_from_json_exactly() {
    let numbers = [
        "4493193e-48",
        "0.1",
        "1e300",
        "5e-324",
        "2.2250738585072014e-308",
        "9007199254740993",
        "1.7976931348623157e308",
        "-0.0",
        "123456789.12345679",
    ];
    for number in numbers {
        let text = format!(
            r#"{{"credentials":[{{"id":"m","format":"mso_mdoc","meta":{{"doctype_value":"x","n":{number}}}}}]}}"#
        );
        let query = DcqlQuery::from_json(text.as_bytes()).unwrap();
        let printed = query.to_json();
        let again = DcqlQuery::from_json(printed.as_bytes()).unwrap();
        assert_eq!(again, query, "{number}: {printed}");
        assert_eq!(again.to_json(), printed, "{number}: printing is not stable");
        // And the value read is the nearest double to the decimal text (what Rust's own
        // correctly rounded parser gives).
        let meta = &query.to_value()["credentials"][0]["meta"]["n"];
        if let (Some(read), Ok(exact)) = (meta.as_f64(), number.parse::<f64>()) {
            assert_eq!(
                read.to_bits(),
                exact.to_bits(),
                "{number} was read as {read:e}"
            );
        }
    }
}

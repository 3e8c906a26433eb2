//! Compact JWE (ECDH-ES P-256, A128GCM/A256GCM): the OpenID4VP §8.3 example response decrypted
//! with the spec's private key (both read in place from the spec text), round trips both ways,
//! and every refusal: altered parts, another key, alg/enc/zip/crit, an `epk` off the curve.
#![cfg(test)]

mod common;

use common::{read, shared};
use myna_vc_core::b64;
use myna_vc_core::jwe::{encrypt, ContentEncryption, EncryptionKey, RecipientKey};
use myna_vc_core::{Error, JweError};
use serde_json::{json, Value};

const SPEC: &str = "specs/openid4vp/openid-4-verifiable-presentations-1_0.md";
const BOTH: [ContentEncryption; 2] = [ContentEncryption::A128Gcm, ContentEncryption::A256Gcm];

/// The §8.3 example: (the compact JWE, the private JWK, the decrypted payload), cut from the
/// spec's markdown text.
fn spec_example() -> (String, Value, Value) {
    let text = read(&shared(SPEC));
    let start = text
        .find("\"response\" : \"eyJhbGciOiJFQ0RILUVT")
        .expect("the §8.3 example response");
    let rest = &text[start + "\"response\" : \"".len()..];
    let jwe: String = rest[..rest.find('"').unwrap()].split_whitespace().collect();
    let json_block_after = |marker: &str| -> Value {
        let at = text[start..].find(marker).expect(marker) + start;
        let block = &text[at..];
        let body = &block[block.find("```json").unwrap() + "```json".len()..];
        serde_json::from_str(&body[..body.find("```").unwrap()]).unwrap()
    };
    let jwk = json_block_after("can be used to decrypt the above encrypted Authorization Response");
    let payload =
        json_block_after("shows the payload of the above encrypted Authorization Response");
    (jwe, jwk, payload)
}

#[test]
fn the_spec_example_response_decrypts_with_the_spec_key() {
    let (jwe, jwk, payload) = spec_example();
    assert_eq!(jwe.split('.').count(), 5);
    assert!(jwk.get("d").is_some());
    let key = EncryptionKey::from_jwk(&jwk).unwrap();
    assert_eq!(key.kid(), "ac");
    let plaintext = key.decrypt(&jwe, &[ContentEncryption::A128Gcm]).unwrap();
    let decrypted: Value = serde_json::from_slice(&plaintext).unwrap();
    assert_eq!(decrypted, payload);
    assert_eq!(
        decrypted,
        json!({"vp_token": {"example_credential_id": ["eyJhb...YMetA"]}})
    );
    // Only A256GCM allowed: the A128GCM example is refused before any decryption.
    assert!(matches!(
        key.decrypt(&jwe, &[ContentEncryption::A256Gcm]),
        Err(Error::Jwe(JweError::UnsupportedAlgorithm(_)))
    ));
    // The public half as a wallet would read it, and a fresh encryption to it.
    let recipient = RecipientKey::from_jwk(&key.public_jwk()).unwrap();
    assert_eq!(recipient.kid(), Some("ac"));
    let again = encrypt(&plaintext, &recipient, ContentEncryption::A128Gcm).unwrap();
    assert_eq!(&key.decrypt(&again, &BOTH).unwrap()[..], &plaintext[..]);
    // The same key read without `kid`: the thumbprint names it, and the example's `kid`
    // ("ac") is now another key's.
    let mut anonymous = jwk.clone();
    anonymous.as_object_mut().unwrap().remove("kid");
    let anonymous = EncryptionKey::from_jwk(&anonymous).unwrap();
    assert_eq!(anonymous.kid().len(), 43);
    assert!(matches!(
        anonymous.decrypt(&jwe, &BOTH),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
}

#[test]
fn private_jwks_are_checked() {
    let (_, jwk, _) = spec_example();
    let key = EncryptionKey::from_jwk(&jwk).unwrap();
    // Saved and restored: same key, same kid, `d` present only in the private form.
    let saved: Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
    assert_eq!(saved["d"], jwk["d"]);
    assert_eq!(
        EncryptionKey::from_jwk(&saved).unwrap().public_jwk(),
        key.public_jwk()
    );
    assert!(key.public_jwk().get("d").is_none());
    assert!(!format!("{key:?}").contains(jwk["d"].as_str().unwrap()));

    let mut other_d = jwk.clone();
    other_d["d"] = json!(b64::encode([7u8; 32]));
    assert!(
        EncryptionKey::from_jwk(&other_d).is_err(),
        "d of another key"
    );
    let mut signing = jwk.clone();
    signing["use"] = json!("sig");
    assert!(matches!(
        EncryptionKey::from_jwk(&signing),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    let mut wrong_alg = jwk.clone();
    wrong_alg["alg"] = json!("ECDH-ES+A128KW");
    assert!(matches!(
        EncryptionKey::from_jwk(&wrong_alg),
        Err(Error::Jwe(JweError::UnsupportedAlgorithm(_)))
    ));
    let mut p384 = jwk.clone();
    p384["crv"] = json!("P-384");
    assert!(matches!(
        EncryptionKey::from_jwk(&p384),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    let mut no_d = jwk.clone();
    no_d.as_object_mut().unwrap().remove("d");
    assert!(EncryptionKey::from_jwk(&no_d).is_err());
    // A public JWK with private material is refused as a recipient key.
    assert!(RecipientKey::from_jwk(&jwk).is_err());
}

#[test]
fn round_trips_with_both_content_encryptions() {
    let key = EncryptionKey::generate().unwrap();
    let recipient = RecipientKey::from_jwk(&key.public_jwk()).unwrap();
    assert!(recipient.is_usable());
    for enc in BOTH {
        for payload in [&b""[..], b"{}", &[0xA5; 5000][..]] {
            let jwe = encrypt(payload, &recipient, enc).unwrap();
            let header: Value =
                serde_json::from_slice(&b64::decode(jwe.split('.').next().unwrap(), "h").unwrap())
                    .unwrap();
            assert_eq!(header["alg"], "ECDH-ES");
            assert_eq!(header["enc"], enc.as_str());
            assert_eq!(header["kid"], key.kid());
            assert_eq!(header["epk"]["crv"], "P-256");
            assert!(header["epk"].get("d").is_none());
            assert_eq!(&key.decrypt(&jwe, &[enc]).unwrap()[..], payload);
        }
    }
    // Two encryptions of the same payload differ (fresh epk and IV).
    let a = encrypt(b"x", &recipient, ContentEncryption::A128Gcm).unwrap();
    let b = encrypt(b"x", &recipient, ContentEncryption::A128Gcm).unwrap();
    assert_ne!(a, b);
}

/// Replaces part `index` of a compact JWE.
fn with_part(jwe: &str, index: usize, part: &str) -> String {
    let mut parts: Vec<&str> = jwe.split('.').collect();
    parts[index] = part;
    parts.join(".")
}

/// Flips one bit of the decoded part `index`.
fn flip(jwe: &str, index: usize) -> String {
    let parts: Vec<&str> = jwe.split('.').collect();
    let mut bytes = b64::decode(parts[index], "part").unwrap();
    bytes[0] ^= 1;
    with_part(jwe, index, &b64::encode(bytes))
}

/// A JWE with the protected header replaced by `header` (the tag then no longer matches, but
/// every check named here comes first).
fn with_header(jwe: &str, header: &Value) -> String {
    with_part(jwe, 0, &b64::encode(header.to_string()))
}

fn header_of(jwe: &str) -> Value {
    serde_json::from_slice(&b64::decode(jwe.split('.').next().unwrap(), "h").unwrap()).unwrap()
}

#[test]
fn altered_or_misdirected_jwes_are_refused() {
    let key = EncryptionKey::generate().unwrap();
    let recipient = RecipientKey::from_jwk(&key.public_jwk()).unwrap();
    let jwe = encrypt(
        br#"{"vp_token":{}}"#,
        &recipient,
        ContentEncryption::A128Gcm,
    )
    .unwrap();
    let failed = Err(Error::Jwe(JweError::DecryptionFailed));
    // Ciphertext, tag, IV altered; the header altered in a way every check accepts (a member
    // added): the tag covers it.
    assert_eq!(key.decrypt(&flip(&jwe, 3), &BOTH), failed);
    assert_eq!(key.decrypt(&flip(&jwe, 4), &BOTH), failed);
    assert_eq!(key.decrypt(&flip(&jwe, 2), &BOTH), failed);
    let mut header = header_of(&jwe);
    header["x-extra"] = json!(1);
    assert_eq!(key.decrypt(&with_header(&jwe, &header), &BOTH), failed);

    // Encrypted to another key: named by kid → key mismatch; without kid → the tag fails.
    let other = EncryptionKey::generate().unwrap();
    let to_other = encrypt(
        b"{}",
        &RecipientKey::from_jwk(&other.public_jwk()).unwrap(),
        ContentEncryption::A128Gcm,
    )
    .unwrap();
    assert!(matches!(
        key.decrypt(&to_other, &BOTH),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    let mut anonymous = other.public_jwk();
    anonymous.as_object_mut().unwrap().remove("kid");
    let anonymous = RecipientKey::from_jwk(&anonymous).unwrap();
    assert_eq!(anonymous.kid(), None);
    let to_other = encrypt(b"{}", &anonymous, ContentEncryption::A128Gcm).unwrap();
    assert!(header_of(&to_other).get("kid").is_none());
    assert_eq!(key.decrypt(&to_other, &BOTH), failed);
    assert_eq!(&other.decrypt(&to_other, &BOTH).unwrap()[..], b"{}");

    // Shape.
    for bad in [
        "",
        "a.b.c.d",
        "a.b.c.d.e.f",
        &with_part(&jwe, 1, "AAAA"), // an encrypted key with ECDH-ES direct
        &with_part(&jwe, 2, &b64::encode([0u8; 16])), // a 128-bit IV
        &with_part(&jwe, 4, &b64::encode([0u8; 8])), // a short tag
    ] {
        assert!(
            matches!(
                key.decrypt(bad, &BOTH),
                Err(Error::Jwe(JweError::Malformed(_))) | Err(Error::Input(_))
            ),
            "{bad}"
        );
    }
    let huge = format!("{}.{}", jwe, "A".repeat(1 << 20));
    assert!(matches!(key.decrypt(&huge, &BOTH), Err(Error::Input(_))));
}

#[test]
fn algorithms_and_header_parameters_are_refused() {
    let key = EncryptionKey::generate().unwrap();
    let recipient = RecipientKey::from_jwk(&key.public_jwk()).unwrap();
    let jwe = encrypt(b"{}", &recipient, ContentEncryption::A256Gcm).unwrap();
    let header = header_of(&jwe);
    let unsupported = |h: &Value| {
        matches!(
            key.decrypt(&with_header(&jwe, h), &BOTH),
            Err(Error::Jwe(JweError::UnsupportedAlgorithm(_)))
        )
    };
    for (name, value) in [
        ("alg", json!("ECDH-ES+A128KW")),
        ("alg", json!("RSA-OAEP-256")),
        ("alg", json!("dir")),
        ("alg", json!("none")),
        ("enc", json!("A128CBC-HS256")),
        ("zip", json!("DEF")),
        ("crit", json!(["exp"])),
    ] {
        let mut h = header.clone();
        h[name] = value.clone();
        assert!(unsupported(&h), "{name}: {value}");
    }
    // A256GCM is not in the allowed list.
    assert!(matches!(
        key.decrypt(&jwe, &[ContentEncryption::A128Gcm]),
        Err(Error::Jwe(JweError::UnsupportedAlgorithm(_)))
    ));
    // `epk` of another curve → key mismatch; off the curve or missing → malformed.
    let mut h = header.clone();
    h["epk"]["crv"] = json!("P-384");
    assert!(matches!(
        key.decrypt(&with_header(&jwe, &h), &BOTH),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    let mut h = header.clone();
    let mut y = b64::decode(h["epk"]["y"].as_str().unwrap(), "y").unwrap();
    y[31] ^= 1;
    h["epk"]["y"] = json!(b64::encode(y));
    assert!(matches!(
        key.decrypt(&with_header(&jwe, &h), &BOTH),
        Err(Error::Jwe(JweError::Malformed(_)))
    ));
    let mut h = header.clone();
    h.as_object_mut().unwrap().remove("epk");
    assert!(matches!(
        key.decrypt(&with_header(&jwe, &h), &BOTH),
        Err(Error::Jwe(JweError::Malformed(_)))
    ));
    // `kid` of another key.
    let mut h = header.clone();
    h["kid"] = json!("someone-else");
    assert!(matches!(
        key.decrypt(&with_header(&jwe, &h), &BOTH),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    // apu/apv change the derived key: added after the fact, the tag fails.
    let mut h = header.clone();
    h["apu"] = json!(b64::encode(b"wallet"));
    assert_eq!(
        key.decrypt(&with_header(&jwe, &h), &BOTH),
        Err(Error::Jwe(JweError::DecryptionFailed))
    );
}

#[test]
fn recipient_keys_that_cannot_be_used_are_refused() {
    let key = EncryptionKey::generate().unwrap();
    let mut signing = key.public_jwk();
    signing["use"] = json!("sig");
    let signing = RecipientKey::from_jwk(&signing).unwrap();
    assert!(!signing.is_usable());
    assert!(matches!(
        encrypt(b"{}", &signing, ContentEncryption::A128Gcm),
        Err(Error::Jwe(JweError::KeyMismatch(_)))
    ));
    let x25519 = RecipientKey::from_jwk(&json!({"kty": "OKP", "crv": "X25519",
        "x": "WPX7wnwq10hFNK9aDSyG1QlLswE_CJY14LdhcFUIVVc"}))
    .unwrap();
    assert!(encrypt(b"{}", &x25519, ContentEncryption::A128Gcm).is_err());
    // A P-256 key off the curve is an error when read, not a silently unusable key.
    let mut off = key.public_jwk();
    off["x"] = json!(b64::encode([1u8; 32]));
    assert!(RecipientKey::from_jwk(&off).is_err());
    // No `alg`: the Annex A example keys have none; read as ECDH-ES.
    let mut no_alg = key.public_jwk();
    no_alg.as_object_mut().unwrap().remove("alg");
    assert!(RecipientKey::from_jwk(&no_alg).unwrap().is_usable());
}

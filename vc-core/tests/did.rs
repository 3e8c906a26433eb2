//! DIDs against the did:key test vectors in `shared/vectors/did-key` (read in place), did:jwk
//! round trips and the specification's example, did:web URL mapping and cache rules with a
//! counting fake fetcher, and hostile input.
#![cfg(test)]

use myna_vc_core::{DidError, InputError, JoseError};
use std::sync::{Arc, Mutex};

use myna_vc_core::crypto::{providers, PublicKey, SecretKey};
use myna_vc_core::did::{
    multikey, CachePolicy, Did, DidDocument, DidJwk, DidKey, DidResolver, DidUrl, DidWeb,
    DidWebCache, DidWebFetcher, FetchedDocument, Freshness, VerificationMethod,
    VerificationRelationship, MULTIKEY,
};
use myna_vc_core::jws::{self, Jws, JwsHeader};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, json, Error, Result};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use VerificationRelationship::{
    AssertionMethod, Authentication, CapabilityDelegation, CapabilityInvocation, KeyAgreement,
};

macro_rules! vectors {
    ($name:literal) => {{
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/did-key/",
            $name
        );
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_slice::<Map<String, Value>>(&bytes).unwrap()
    }};
}

const T0: NumericDate = NumericDate::from_unix(1_750_000_000);

fn did(text: &str) -> Did {
    Did::parse(text).unwrap()
}

fn url(text: &str) -> DidUrl {
    DidUrl::parse(text).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn base58(text: &str) -> Vec<u8> {
    bs58::decode(text).into_vec().unwrap()
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

fn p256(key: &PublicKey) -> &myna_vc_core::crypto::P256PublicKey {
    match key {
        PublicKey::P256(k) => k,
        other => panic!("expected a P-256 key, got {other:?}"),
    }
}

fn ed25519(key: &PublicKey) -> &[u8; 32] {
    match key {
        PublicKey::Ed25519(k) => k.as_bytes(),
        other => panic!("expected an Ed25519 key, got {other:?}"),
    }
}

/// Checks our did:key resolution against one vector entry: the method id, the relationships
/// the vector lists (all four signing ones) and the vector's own document, where it uses a
/// key shape this crate reads.
fn check_did_key_document(did_text: &str, entry: &Value) -> PublicKey {
    let did = did(did_text);
    let resolved = DidKey::from_did(&did).unwrap();
    let doc = DidResolver::offline().resolve(&did, T0).unwrap();
    assert_eq!(doc.id(), &did);

    let vector_doc = &entry["didDocument"];
    let vm_id = url(str_at(vector_doc, "/verificationMethod/0/id"));
    assert_eq!(resolved.verification_method_id(), vm_id);
    assert_eq!(doc.verification_methods().len(), 1);
    assert_eq!(doc.verification_methods()[0].id(), &vm_id);
    assert_eq!(doc.verification_methods()[0].method_type(), MULTIKEY);
    assert_eq!(
        doc.verification_methods()[0].public_key_multibase(),
        Some(did.method_specific_id())
    );
    for relationship in [
        Authentication,
        AssertionMethod,
        CapabilityInvocation,
        CapabilityDelegation,
    ] {
        assert_eq!(
            str_at(vector_doc, &format!("/{}/0", relationship.property_name())),
            vm_id.to_string()
        );
        assert_eq!(
            &doc.verification_key(relationship, &vm_id).unwrap(),
            resolved.public_key()
        );
    }
    // The vectors' documents are the legacy shape; where their method is a JsonWebKey2020
    // our document parser must read the same key out of them.
    let legacy = DidDocument::from_json(&serde_json::to_vec(vector_doc).unwrap()).unwrap();
    let legacy_key = legacy.verification_key(AssertionMethod, &vm_id);
    if str_at(vector_doc, "/verificationMethod/0/type") == "JsonWebKey2020" {
        assert_eq!(&legacy_key.unwrap(), resolved.public_key());
    } else {
        assert!(matches!(
            legacy_key,
            Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
        ));
    }
    resolved.public_key().clone()
}

// ---- did:key vectors -----------------------------------------------------------------------

#[test]
fn nist_curves_p256_entries_resolve_and_recreate_exactly() {
    let vectors = vectors!("nist-curves.json");
    assert_eq!(vectors.len(), 7, "the file was expected to hold 7 entries");
    let mut p256_seen = 0;
    for (did_text, entry) in &vectors {
        if !did_text.starts_with("did:key:zDn") {
            continue;
        }
        p256_seen += 1;
        let key = check_did_key_document(did_text, entry);
        let vm = &entry["verificationMethod"];
        let secret = if let Some(jwk) = vm.get("publicKeyJwk") {
            // The usual entries: JsonWebKey2020 with the key as a JWK.
            assert_eq!(str_at(jwk, "/crv"), "P-256");
            assert_eq!(b64::encode(p256(&key).x()), str_at(jwk, "/x"));
            assert_eq!(b64::encode(p256(&key).y()), str_at(jwk, "/y"));
            b64::decode(str_at(vm, "/privateKeyJwk/d"), "d").unwrap()
        } else {
            // The different one: P256Key2021 with base58 compressed point and scalar.
            assert_eq!(str_at(vm, "/type"), "P256Key2021");
            let published = base58(str_at(vm, "/publicKeyBase58"));
            assert_eq!(published, p256(&key).to_sec1_compressed());
            base58(str_at(vm, "/privateKeyBase58"))
        };
        assert_eq!(
            DidKey::from_public_key(&key).unwrap().did().as_str(),
            did_text
        );
        let from_secret = SecretKey::p256_from_bytes(&secret).unwrap().public_key();
        assert_eq!(from_secret, key);
        assert_eq!(
            DidKey::from_public_key(&from_secret)
                .unwrap()
                .did()
                .as_str(),
            did_text
        );
    }
    assert_eq!(p256_seen, 3);
}

#[test]
fn nist_curves_p384_and_p521_entries_are_unsupported() {
    let vectors = vectors!("nist-curves.json");
    let mut seen = Vec::new();
    for (did_text, entry) in &vectors {
        let crv = entry["verificationMethod"]
            .pointer("/publicKeyJwk/crv")
            .and_then(Value::as_str);
        let Some(crv @ ("P-384" | "P-521")) = crv else {
            continue;
        };
        let did = did(did_text);
        for result in [
            DidKey::from_did(&did).map(|_| ()),
            DidResolver::offline().resolve(&did, T0).map(|_| ()),
        ] {
            match result {
                Err(Error::Jose(JoseError::UnsupportedKeyType(msg))) => {
                    assert!(msg.contains(crv), "{msg}")
                }
                other => panic!("{did_text}: {other:?}"),
            }
        }
        // The vector's own JWK is refused the same way.
        assert!(matches!(
            PublicKey::from_jwk(&entry["verificationMethod"]["publicKeyJwk"]),
            Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
        ));
        seen.push(crv);
    }
    seen.sort_unstable();
    assert_eq!(seen, ["P-384", "P-384", "P-521", "P-521"]);
}

#[test]
fn ed25519_entries_resolve_to_their_keys_and_seeds_recreate_the_did() {
    let vectors = vectors!("ed25519-x25519.json");
    assert_eq!(vectors.len(), 5);
    for (did_text, entry) in &vectors {
        let key = check_did_key_document(did_text, entry);
        let vm = &entry["verificationKeyPair"];
        let published = match vm.get("publicKeyBase58") {
            Some(text) => base58(text.as_str().unwrap()),
            None => b64::decode(str_at(vm, "/publicKeyJwk/x"), "x").unwrap(),
        };
        assert_eq!(ed25519(&key), published.as_slice());
        assert_eq!(
            str_at(vm, "/id").trim_start_matches(did_text),
            format!("#{}", &did_text["did:key:".len()..])
        );
        let seed = hex(str_at(entry, "/seed"));
        let from_seed = SecretKey::ed25519_from_seed(&seed).unwrap().public_key();
        assert_eq!(from_seed, key);
        assert_eq!(
            DidKey::from_public_key(&from_seed).unwrap().did().as_str(),
            did_text
        );

        // The vector documents also list an X25519 keyAgreement method. We derive none, and
        // the vector's own X25519 method is not a key this crate hands out.
        let our_doc = DidKey::from_did(&did(did_text)).unwrap().document();
        assert!(our_doc.references(KeyAgreement).is_empty());
        let vector_doc =
            DidDocument::from_json(&serde_json::to_vec(&entry["didDocument"]).unwrap()).unwrap();
        let agreement = url(str_at(&entry["didDocument"], "/keyAgreement/0"));
        assert!(matches!(
            vector_doc.verification_key(KeyAgreement, &agreement),
            Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
        ));
    }
}

fn assert_unsupported(did_text: &str, name: &str) {
    let did = did(did_text);
    match DidResolver::offline().resolve(&did, T0) {
        Err(Error::Jose(JoseError::UnsupportedKeyType(msg))) => {
            assert!(msg.contains(name), "{msg}")
        }
        other => panic!("{did_text}: expected UnsupportedKeyType, got {other:?}"),
    }
    assert!(matches!(
        multikey::decode(did.method_specific_id()),
        Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
    ));
}

#[test]
fn secp256k1_bls_rsa_and_x25519_dids_are_typed_unsupported_errors() {
    let cases = [
        (vectors!("secp256k1.json"), "secp256k1", 6),
        (vectors!("bls12381.json"), "BLS12-381", 6),
        (vectors!("rsa.json"), "RSA", 2),
    ];
    for (vectors, name, count) in cases {
        assert_eq!(vectors.len(), count, "{name}");
        for did_text in vectors.keys() {
            assert_unsupported(did_text, name);
        }
    }
    let x25519 = vectors!("x25519.json");
    let documents = x25519["didDocument"].as_object().unwrap();
    assert_eq!(documents.len(), 4);
    for did_text in documents.keys() {
        assert_unsupported(did_text, "X25519");
    }
}

// ---- did:key encoding errors ---------------------------------------------------------------

fn did_key_of(bytes: &[u8]) -> Did {
    did(&format!("did:key:z{}", bs58::encode(bytes).into_string()))
}

fn first_invalid<T>(check: impl Fn(u8) -> Result<T>) -> u8 {
    (1..=255).find(|i| check(*i).is_err()).unwrap()
}

#[test]
fn malformed_did_keys_are_typed_errors() {
    let key = SecretKey::p256_from_bytes(&[3; 32]).unwrap().public_key();
    let compressed = p256(&key).to_sec1_compressed();
    let with_codec = |codec: &[u8], body: &[u8]| [codec, body].concat();

    let invalid_multikey = [
        did("did:key:f1200abcdef"), // multibase base16, not base58btc
        did("did:key:zDnae0OIl"),   // 0, O, I, l are not base58
        did_key_of(&[0x80]),        // varint truncated
        did_key_of(&[0xed]),        // varint truncated
        did_key_of(&[0x80, 0x80, 0x00, 1, 2, 3]), // varint not minimal
        did_key_of(&[0xed, 0x81, 0x00, 1, 2, 3]), // varint not minimal
        did_key_of(&[0xff; 12]),    // varint too long
        did_key_of(&[0x80, 0x24]),  // codec but no key
        did("did:key:z"),           // nothing at all
    ];
    for did in invalid_multikey {
        assert!(
            matches!(
                DidKey::from_did(&did),
                Err(Error::Did(DidError::InvalidMultikey(_)))
            ),
            "{did}: {:?}",
            DidKey::from_did(&did)
        );
    }

    let uncompressed = p256(&key).to_sec1_uncompressed();
    let invalid_x = first_invalid(|i| {
        let mut point = [i; 33];
        point[0] = 2;
        myna_vc_core::crypto::P256PublicKey::from_sec1(&point)
    });
    let mut off_curve = [invalid_x; 33];
    off_curve[0] = 2;
    let invalid_y = first_invalid(|i| myna_vc_core::crypto::Ed25519PublicKey::from_bytes(&[i; 32]));
    let invalid_key = [
        with_codec(&[0x80, 0x24], &compressed[..32]), // P-256, 32 bytes
        with_codec(&[0x80, 0x24], &[&compressed[..], &[0]].concat()), // 34 bytes
        with_codec(&[0x80, 0x24], &uncompressed),     // uncompressed point
        with_codec(&[0x80, 0x24], &off_curve),        // not on the curve
        with_codec(&[0xed, 0x01], &[7; 31]),          // Ed25519, 31 bytes
        with_codec(&[0xed, 0x01], &[7; 33]),          // Ed25519, 33 bytes
        with_codec(&[0xed, 0x01], &[invalid_y; 32]),  // not a curve point
    ];
    for bytes in invalid_key {
        let did = did_key_of(&bytes);
        assert!(
            matches!(
                DidKey::from_did(&did),
                Err(Error::Jose(JoseError::InvalidKey(_)))
            ),
            "{did}: {:?}",
            DidKey::from_did(&did)
        );
    }

    assert!(matches!(
        DidKey::from_did(&did_key_of(&with_codec(&[0x01], &[1; 32]))),
        Err(Error::Jose(JoseError::UnsupportedKeyType(msg))) if msg.contains("unknown")
    ));
    assert!(matches!(
        DidKey::from_did(&did("did:jwk:eyJ9")),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
    // Base58 is quadratic: a hostile long value is refused before decoding.
    let long = did(&format!("did:key:z{}", "2".repeat(4000)));
    assert!(matches!(
        DidKey::from_did(&long),
        Err(Error::Did(DidError::InvalidMultikey(_)))
    ));
}

#[test]
fn generated_did_keys_round_trip_and_sign() {
    let now = T0;
    let resolver = DidResolver::offline();
    for secret in [
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ] {
        let did_key = DidKey::from_public_key(&secret.public_key()).unwrap();
        let prefix = match secret.public_key() {
            PublicKey::P256(_) => "did:key:zDn",
            _ => "did:key:z6Mk",
        };
        assert!(did_key.did().as_str().starts_with(prefix));
        let kid = did_key.verification_method_id();
        // A holder signs a JWS with the did:key as `kid`; a verifier resolves the kid.
        for provider in providers() {
            let signer = provider.signer(&secret).unwrap();
            let header = JwsHeader::new(signer.algorithm()).with_kid(kid.to_string());
            let compact = jws::sign(&header, b"{\"nonce\":\"n\"}", &*signer).unwrap();
            let parsed = Jws::parse(&compact).unwrap();
            let kid = DidUrl::parse(parsed.header().kid.as_deref().unwrap()).unwrap();
            let key = resolver.resolve_key(Authentication, &kid, now).unwrap();
            parsed.verify(provider, &key).unwrap();
        }
        // did:key lists no keyAgreement: the key is not handed out for it.
        assert!(matches!(
            resolver.resolve_key(KeyAgreement, &kid, now),
            Err(Error::Did(DidError::VerificationRelationshipMissing {
                relationship: "keyAgreement",
                ..
            }))
        ));
        // Another fragment of the same DID names nothing.
        let other = did_key.did().with_fragment("key-2").unwrap();
        assert!(matches!(
            resolver.resolve_key(AssertionMethod, &other, now),
            Err(Error::Did(DidError::VerificationMethodNotFound(_)))
        ));
    }
    let rsa = rsa_vector_key();
    assert!(matches!(
        DidKey::from_public_key(&rsa),
        Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
    ));
}

// ---- did:jwk -------------------------------------------------------------------------------

/// The P-256 example of the did:jwk specification (members in `crv, kty, x, y` order).
const SPEC_P256_DID_JWK: &str = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9";
/// The X25519 (`"use": "enc"`) example of the did:jwk specification.
const SPEC_X25519_DID_JWK: &str = "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJYMjU1MTkiLCJ1c2UiOiJlbmMiLCJ4IjoiM3A3YmZYdDl3YlRUVzJIQzdPUTFOei1EUThoYmVHZE5yZngtRkctSUswOCJ9";

fn rsa_vector_key() -> PublicKey {
    let vectors = vectors!("rsa.json");
    let entry = vectors.values().next().unwrap();
    PublicKey::from_jwk(&entry["publicKeyJwk"]).unwrap()
}

#[test]
fn did_jwk_round_trips_p256_ed25519_and_rsa() {
    let keys = [
        SecretKey::generate_p256().unwrap().public_key(),
        SecretKey::generate_ed25519().unwrap().public_key(),
        SecretKey::ed25519_from_seed(&[9; 32]).unwrap().public_key(),
        rsa_vector_key(),
    ];
    for key in keys {
        let created = DidJwk::from_public_key(&key).unwrap();
        let resolved = DidJwk::from_did(&did(created.did().as_str())).unwrap();
        assert_eq!(resolved.public_key(), &key);
        let vm = resolved.verification_method_id();
        assert_eq!(vm.to_string(), format!("{}#0", created.did()));
        let doc = DidResolver::offline().resolve(created.did(), T0).unwrap();
        assert_eq!(
            doc.verification_methods()[0].method_type(),
            "JsonWebKey2020"
        );
        assert_eq!(
            doc.verification_methods()[0].public_key_jwk(),
            key.to_jwk().as_object()
        );
        // No `use`: all five relationships.
        for relationship in VerificationRelationship::ALL {
            assert_eq!(doc.verification_key(relationship, &vm).unwrap(), key);
        }
        // The payload is the canonical (sorted) JWK, so creation is deterministic.
        let payload = b64::decode(created.did().method_specific_id(), "test").unwrap();
        assert_eq!(payload, key.to_jwk().to_string().into_bytes());
    }
}

#[test]
fn did_jwk_specification_examples() {
    let example = did(SPEC_P256_DID_JWK);
    let resolved = DidJwk::from_did(&example).unwrap();
    let key = resolved.public_key();
    assert_eq!(
        b64::encode(p256(key).x()),
        "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0"
    );
    assert_eq!(
        b64::encode(p256(key).y()),
        "_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE"
    );
    // Our canonical encoding of that key is the specification's DID.
    assert_eq!(DidJwk::from_public_key(key).unwrap().did(), &example);
    // The same key with members in another order is another DID, with the same key.
    let reordered = format!(
        "did:jwk:{}",
        b64::encode(
            r#"{"kty":"EC","crv":"P-256","x":"acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0","y":"_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE"}"#
        )
    );
    assert_eq!(
        DidJwk::from_did(&did(&reordered)).unwrap().public_key(),
        key
    );
    assert_ne!(reordered, SPEC_P256_DID_JWK);

    // The X25519 example is a valid did:jwk of a key this crate cannot verify with.
    assert!(matches!(
        DidResolver::offline().resolve(&did(SPEC_X25519_DID_JWK), T0),
        Err(Error::Jose(JoseError::UnsupportedKeyType(msg))) if msg.contains("X25519")
    ));
}

/// Which error a case expects.
type ErrorCheck = fn(&Error) -> bool;

fn did_jwk_with(members: Value) -> Did {
    did(&format!("did:jwk:{}", b64::encode(members.to_string())))
}

#[test]
fn did_jwk_use_decides_the_relationships() {
    let key = SecretKey::p256_from_bytes(&[5; 32]).unwrap().public_key();
    let mut jwk = key.to_jwk();
    jwk["use"] = json!("enc");
    let enc = DidJwk::from_did(&did_jwk_with(jwk.clone())).unwrap();
    let doc = enc.document();
    let vm = enc.verification_method_id();
    assert_eq!(doc.verification_key(KeyAgreement, &vm).unwrap(), key);
    for relationship in VerificationRelationship::SIGNING {
        assert!(matches!(
            doc.verification_key(relationship, &vm),
            Err(Error::Did(DidError::VerificationRelationshipMissing { .. }))
        ));
    }
    // A key for encryption only never checks an issuer signature through the resolver either.
    assert!(matches!(
        DidResolver::offline().resolve_key(AssertionMethod, &vm, T0),
        Err(Error::Did(DidError::VerificationRelationshipMissing {
            relationship: "assertionMethod",
            ..
        }))
    ));

    jwk["use"] = json!("sig");
    let sig = DidJwk::from_did(&did_jwk_with(jwk.clone())).unwrap();
    let doc = sig.document();
    assert!(doc.references(KeyAgreement).is_empty());
    assert_eq!(
        doc.verification_key(AssertionMethod, &sig.verification_method_id())
            .unwrap(),
        key
    );
    // The JWK keeps its members verbatim in the document.
    assert_eq!(
        doc.verification_methods()[0].public_key_jwk().unwrap()["use"],
        "sig"
    );

    jwk["use"] = json!("both");
    assert!(matches!(
        DidJwk::from_did(&did_jwk_with(jwk)),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
}

#[test]
fn did_jwk_refuses_private_keys_and_garbage() {
    let secret = SecretKey::generate_p256().unwrap();
    assert!(matches!(
        DidJwk::from_did(&did_jwk_with(secret.to_jwk())),
        Err(Error::Jose(JoseError::PrivateKeyInPublicJwk))
    ));
    let secret = SecretKey::generate_ed25519().unwrap();
    assert!(matches!(
        DidResolver::offline().resolve(&did_jwk_with(secret.to_jwk()), T0),
        Err(Error::Jose(JoseError::PrivateKeyInPublicJwk))
    ));
    let cases: [(Did, ErrorCheck); 6] = [
        (did("did:jwk:e30.x"), |e| {
            matches!(e, Error::Input(InputError::Base64 { .. }))
        }),
        (did("did:jwk:e30%41"), |e| {
            matches!(e, Error::Input(InputError::Base64 { .. }))
        }),
        (did_jwk_with(json!([1, 2])), |e| {
            matches!(e, Error::Input(InputError::Json { .. }))
        }),
        (did(&format!("did:jwk:{}", b64::encode("{\"kty\":"))), |e| {
            matches!(e, Error::Input(InputError::Json { .. }))
        }),
        (did_jwk_with(json!({"kty": "EC", "crv": "P-256"})), |e| {
            matches!(e, Error::Input(InputError::MissingMember { .. }))
        }),
        (did_jwk_with(json!({"kty": "oct", "k": "AAAA"})), |e| {
            matches!(e, Error::Jose(JoseError::UnsupportedKeyType(_)))
        }),
    ];
    for (did, expected) in cases {
        let err = DidJwk::from_did(&did).unwrap_err();
        assert!(expected(&err), "{did}: {err:?}");
    }
    let deep = format!(
        "did:jwk:{}",
        b64::encode(format!("{{\"a\":{}{}}}", "[".repeat(100), "]".repeat(100)))
    );
    assert!(matches!(
        DidJwk::from_did(&did(&deep)),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
}

// ---- DID and DID URL syntax ----------------------------------------------------------------

#[test]
fn did_syntax_is_checked() {
    for good in [
        "did:example:123456789abcdefghi",
        "did:web:example.com%3A3000:user:alice",
        "did:a1:b",
        "did:example:a::b",
        "did:example:%E3%81%82",
    ] {
        let parsed = did(good);
        assert_eq!(parsed.as_str(), good);
        assert_eq!(parsed.to_string().parse::<Did>().unwrap(), parsed);
        assert_eq!(
            format!("did:{}:{}", parsed.method(), parsed.method_specific_id()),
            good
        );
    }
    for bad in [
        "",
        "did",
        "did:",
        "did:web",
        "did:web:",
        "did::abc",
        "DID:web:example.com",
        "did:Web:example.com",
        "did:we-b:example.com",
        "did:web:example.com:",
        "did:web:exa mple.com",
        "did:web:example.com/path",
        "did:web:example.com?query",
        "did:web:example.com#frag",
        "did:example:%",
        "did:example:%4",
        "did:example:%zz",
        "did:example:あ",
        " did:example:1",
    ] {
        assert!(
            matches!(Did::parse(bad), Err(Error::Did(DidError::InvalidDid(_)))),
            "{bad:?}: {:?}",
            Did::parse(bad)
        );
    }
    let huge = format!("did:example:{}", "a".repeat(10_000));
    assert!(matches!(
        Did::parse(&huge),
        Err(Error::Input(InputError::TooLarge { what: "DID", .. }))
    ));
    // Errors never echo the input.
    let secretish = "did:example:MYNUMBER123456789012 ";
    assert!(!Did::parse(secretish)
        .unwrap_err()
        .to_string()
        .contains("MYNUMBER"));
}

#[test]
fn did_url_syntax_is_checked() {
    let parsed = url("did:example:123#key-1");
    assert_eq!(parsed.did(), &did("did:example:123"));
    assert_eq!(parsed.fragment(), "key-1");
    assert_eq!(parsed.to_string(), "did:example:123#key-1");
    assert_eq!(
        url("did:example:123#a/b?c:d@e!$&'()*+,;=%20").fragment(),
        "a/b?c:d@e!$&'()*+,;=%20"
    );
    for bad in [
        "did:example:123",
        "did:example:123#",
        "did:example:123#a#b",
        "did:example:123#a b",
        "did:example:123#%g0",
        "did:example:123/path#x",
        "did:example:123?service=a#x",
        "#key-1",
        "did:Example:123#x",
    ] {
        assert!(
            matches!(DidUrl::parse(bad), Err(Error::Did(DidError::InvalidDid(_)))),
            "{bad:?}: {:?}",
            DidUrl::parse(bad)
        );
    }
    let base = did("did:web:example.com");
    assert_eq!(
        DidUrl::parse_relative("#k", &base).unwrap(),
        url("did:web:example.com#k")
    );
    assert!(DidUrl::parse_relative("k", &base).is_err());
}

#[test]
fn dids_and_did_urls_are_serde_strings_checked_on_the_way_in() {
    let parsed: Did = serde_json::from_str("\"did:example:1\"").unwrap();
    assert_eq!(serde_json::to_string(&parsed).unwrap(), "\"did:example:1\"");
    assert!(serde_json::from_str::<Did>("\"did:Example:1\"").is_err());
    let parsed: DidUrl = serde_json::from_str("\"did:example:1#k\"").unwrap();
    assert_eq!(
        serde_json::to_string(&parsed).unwrap(),
        "\"did:example:1#k\""
    );
    assert!(serde_json::from_str::<DidUrl>("\"did:example:1\"").is_err());
}

// ---- DID documents -------------------------------------------------------------------------

fn ed25519_jwk(seed: u8) -> (PublicKey, Value) {
    let key = SecretKey::ed25519_from_seed(&[seed; 32])
        .unwrap()
        .public_key();
    let jwk = key.to_jwk();
    (key, jwk)
}

#[test]
fn documents_hand_out_keys_only_for_listed_relationships() {
    let (issuing, issuing_jwk) = ed25519_jwk(1);
    let (login, _) = ed25519_jwk(2);
    let (embedded, embedded_jwk) = ed25519_jwk(3);
    let login_multibase = multikey::encode(&login).unwrap();
    let doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", {"@vocab": "https://example.com#"}],
        "id": "did:web:city.example.jp",
        "controller": "did:web:city.example.jp",
        "verificationMethod": [
            {"id": "#issuing", "type": "JsonWebKey2020", "controller": "did:web:city.example.jp",
             "publicKeyJwk": issuing_jwk},
            {"id": "did:web:city.example.jp#login", "type": "Multikey",
             "controller": "did:web:city.example.jp", "publicKeyMultibase": login_multibase},
            {"id": "#k1", "type": "EcdsaSecp256k1VerificationKey2019",
             "controller": "did:web:city.example.jp", "publicKeyBase58": "abc"}
        ],
        "assertionMethod": ["#issuing", "#k1", "#missing"],
        "authentication": [
            "did:web:city.example.jp#login",
            {"id": "#embedded", "type": "JsonWebKey2020", "controller": "did:web:city.example.jp",
             "publicKeyJwk": embedded_jwk}
        ],
        "service": [{"id": "#s", "type": "LinkedDomains", "serviceEndpoint": "https://city.example.jp"}],
        "unknownProperty": {"kept": false}
    });
    let doc = DidDocument::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
    let u = |fragment: &str| url(&format!("did:web:city.example.jp#{fragment}"));

    assert_eq!(doc.controller(), [did("did:web:city.example.jp")]);
    assert_eq!(doc.services().len(), 1);
    assert_eq!(
        doc.verification_key(AssertionMethod, &u("issuing"))
            .unwrap(),
        issuing
    );
    assert_eq!(
        doc.verification_key(Authentication, &u("login")).unwrap(),
        login
    );
    assert_eq!(
        doc.verification_key(Authentication, &u("embedded"))
            .unwrap(),
        embedded
    );
    assert_eq!(
        doc.verification_method(&u("embedded"))
            .unwrap()
            .public_key()
            .unwrap(),
        embedded
    );

    let missing_relationship = |relationship, fragment: &str| {
        matches!(
            doc.verification_key(relationship, &u(fragment)),
            Err(Error::Did(DidError::VerificationRelationshipMissing { .. }))
        )
    };
    // An authentication key never verifies an issuer signature, and vice versa.
    assert!(missing_relationship(AssertionMethod, "login"));
    assert!(missing_relationship(AssertionMethod, "embedded"));
    assert!(missing_relationship(Authentication, "issuing"));
    assert!(missing_relationship(CapabilityDelegation, "issuing"));
    // Listed but unusable: a legacy secp256k1 method.
    assert!(matches!(
        doc.verification_key(AssertionMethod, &u("k1")),
        Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
    ));
    // Listed but defined nowhere, or not listed and not defined.
    for fragment in ["missing", "nothing"] {
        assert!(matches!(
            doc.verification_key(AssertionMethod, &u(fragment)),
            Err(Error::Did(DidError::VerificationMethodNotFound(_)))
        ));
    }
    // Same fragment, another DID.
    assert!(matches!(
        doc.verification_key(AssertionMethod, &url("did:web:evil.example#issuing")),
        Err(Error::Did(DidError::VerificationMethodNotFound(_)))
    ));
    let listed: Vec<_> = doc
        .methods_for(AssertionMethod)
        .iter()
        .map(|m| m.id().fragment().to_owned())
        .collect();
    assert_eq!(listed, ["issuing", "k1"]);

    // Serialization round trip, through the checked parser and through serde.
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert_eq!(DidDocument::from_json(&bytes).unwrap(), doc);
    assert_eq!(serde_json::from_slice::<DidDocument>(&bytes).unwrap(), doc);
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        value["verificationMethod"][0]["id"],
        "did:web:city.example.jp#issuing"
    );
    assert_eq!(
        value["assertionMethod"][0],
        "did:web:city.example.jp#issuing"
    );
    assert!(value.get("unknownProperty").is_none());
}

fn document_error(doc: Value) -> Error {
    DidDocument::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap_err()
}

#[test]
fn malformed_documents_are_refused_with_typed_errors() {
    let (_, jwk) = ed25519_jwk(1);
    let method = |id: &str| json!({"id": id, "type": "JsonWebKey2020", "controller": "did:web:a.example", "publicKeyJwk": jwk});
    let id = "did:web:a.example";
    assert!(matches!(
        document_error(json!({"id": id, "verificationMethod": [method("#k"), method("#k")]})),
        Error::Did(DidError::DuplicateMethodId)
    ));
    assert!(matches!(
        document_error(
            json!({"id": id, "verificationMethod": [method("#k")], "authentication": [method("#k")]})
        ),
        Error::Did(DidError::DuplicateMethodId)
    ));
    assert!(matches!(
        document_error(json!({"id": "did:Web:a"})),
        Error::Did(DidError::InvalidDid(_))
    ));
    assert!(matches!(
        document_error(json!({"id": id, "controller": ["nope"]})),
        Error::Did(DidError::InvalidDid(_))
    ));
    assert!(matches!(
        document_error(json!({"id": id, "verificationMethod": [method("k")]})),
        Error::Did(DidError::InvalidDid(_))
    ));
    assert!(matches!(
        document_error(json!({"id": id, "assertionMethod": ["#a b"]})),
        Error::Did(DidError::InvalidDid(_))
    ));
    assert!(matches!(
        document_error(json!({"id": id, "@context": [1]})),
        Error::Input(InputError::MemberType { .. })
    ));
    for shape in [
        json!({}),
        json!({"id": 1}),
        json!({"id": id, "verificationMethod": {}}),
        json!({"id": id, "verificationMethod": [{"id": "#k"}]}),
        json!({"id": id, "authentication": [1]}),
        json!({"id": id, "verificationMethod": [["#k", "Multikey", id]]}),
        json!({"id": id, "authentication": [["#k", "Multikey", id]]}),
        json!({"id": id, "service": ["x"]}),
        json!("did:web:a.example"),
        // serde would fill the struct from an array in field order; a document is an object.
        json!(["https://www.w3.org/ns/did/v1", "did:web:a.example"]),
    ] {
        assert!(
            matches!(
                document_error(shape.clone()),
                Error::Input(InputError::Json { .. })
            ),
            "{shape}"
        );
    }
    // Duplicated members are refused, not resolved by "last one wins".
    assert!(matches!(
        DidDocument::from_json(br#"{"id": "did:web:a.example", "id": "did:web:b.example"}"#),
        Err(Error::Input(InputError::Json { .. }))
    ));
    assert!(matches!(
        DidDocument::from_json(
            br##"{"id": "did:web:a.example", "authentication": [{"id": "#k",
            "type": "Multikey", "controller": "did:web:a.example", "publicKeyMultibase": "z1",
            "publicKeyMultibase": "z2"}]}"##
        ),
        Err(Error::Input(InputError::Json { .. }))
    ));

    // Key material that does not fit its method is refused when the key is asked for.
    let doc = |vm: Value| {
        DidDocument::from_json(
            &serde_json::to_vec(
                &json!({"id": id, "verificationMethod": [vm], "assertionMethod": ["#k"]}),
            )
            .unwrap(),
        )
        .unwrap()
    };
    let k = url("did:web:a.example#k");
    let (key, _) = ed25519_jwk(1);
    let multibase = multikey::encode(&key).unwrap();
    let both = doc(
        json!({"id": "#k", "type": "Multikey", "controller": id, "publicKeyJwk": jwk, "publicKeyMultibase": multibase}),
    );
    assert!(matches!(
        both.verification_key(AssertionMethod, &k),
        Err(Error::Input(InputError::OneOf { .. }))
    ));
    let mismatched =
        doc(json!({"id": "#k", "type": "Multikey", "controller": id, "publicKeyJwk": jwk}));
    assert!(matches!(
        mismatched.verification_key(AssertionMethod, &k),
        Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
    ));
    let private = SecretKey::ed25519_from_seed(&[1; 32]).unwrap().to_jwk();
    let leaked = doc(
        json!({"id": "#k", "type": "JsonWebKey2020", "controller": id, "publicKeyJwk": private}),
    );
    assert!(matches!(
        leaked.verification_key(AssertionMethod, &k),
        Err(Error::Jose(JoseError::PrivateKeyInPublicJwk))
    ));
    let wrong_alg = doc(json!({"id": "#k", "type": "JsonWebKey", "controller": id,
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "alg": "ES256"}}));
    assert!(matches!(
        wrong_alg.verification_key(AssertionMethod, &k),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
    let bad_multibase = doc(
        json!({"id": "#k", "type": "Multikey", "controller": id, "publicKeyMultibase": "uAAAA"}),
    );
    assert!(matches!(
        bad_multibase.verification_key(AssertionMethod, &k),
        Err(Error::Did(DidError::InvalidMultikey(_)))
    ));
}

#[test]
fn oversized_and_deeply_nested_documents_are_typed_errors() {
    let mut huge = br#"{"id": "did:web:a.example", "alsoKnownAs": [""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', json::MAX_INPUT_BYTES));
    huge.extend(br#""]}"#);
    assert!(matches!(
        DidDocument::from_json(&huge),
        Err(Error::Input(InputError::TooLarge {
            what: "DID document",
            ..
        }))
    ));
    let deep = format!(
        r##"{{"id": "did:web:a.example", "service": [{{"id": "#s", "x": {}{}}}]}}"##,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(matches!(
        DidDocument::from_json(deep.as_bytes()),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    let deep_jwk = format!(
        r##"{{"id": "did:web:a.example", "verificationMethod": [{{"id": "#k", "type": "JsonWebKey2020",
        "controller": "did:web:a.example", "publicKeyJwk": {{"kty": {}1{}}}}}]}}"##,
        "[".repeat(70),
        "]".repeat(70)
    );
    assert!(matches!(
        DidDocument::from_json(deep_jwk.as_bytes()),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    for cut in [0, 1, 10, 30] {
        let full = br##"{"id": "did:web:a.example", "assertionMethod": ["#k"]}"##;
        assert!(matches!(
            DidDocument::from_json(&full[..full.len() - 1 - cut]),
            Err(Error::Input(InputError::Json { .. }))
        ));
    }
}

#[test]
fn built_documents_refuse_foreign_and_duplicate_methods() {
    let subject = did("did:web:city.example.jp");
    let key = SecretKey::generate_p256().unwrap().public_key();
    let mut doc = DidDocument::new(subject.clone());
    let method =
        VerificationMethod::multikey(subject.with_fragment("a").unwrap(), subject.clone(), &key)
            .unwrap();
    doc.add_verification_method(method.clone(), &[AssertionMethod])
        .unwrap();
    assert!(matches!(
        doc.add_verification_method(method, &[Authentication]),
        Err(Error::Did(DidError::DuplicateMethodId))
    ));
    let foreign = did("did:web:other.example");
    let foreign_method =
        VerificationMethod::json_web_key(foreign.with_fragment("a").unwrap(), foreign, &key);
    assert!(matches!(
        doc.add_verification_method(foreign_method, &[AssertionMethod]),
        Err(Error::Did(DidError::ForeignMethod))
    ));
    assert_eq!(
        doc.context(),
        [
            json!("https://www.w3.org/ns/did/v1"),
            json!("https://w3id.org/security/multikey/v1")
        ]
    );
    assert!(matches!(
        VerificationMethod::multikey(
            subject.with_fragment("r").unwrap(),
            subject,
            &rsa_vector_key()
        ),
        Err(Error::Jose(JoseError::UnsupportedKeyType(_)))
    ));
}

// ---- did:web -------------------------------------------------------------------------------

fn web_url(text: &str) -> Result<String> {
    Ok(DidWeb::from_did(&Did::parse(text)?)?.url().to_owned())
}

#[test]
fn did_web_maps_to_https_urls() {
    for (did, expected) in [
        (
            "did:web:example.com",
            "https://example.com/.well-known/did.json",
        ),
        (
            "did:web:w3c-ccg.github.io",
            "https://w3c-ccg.github.io/.well-known/did.json",
        ),
        (
            "did:web:example.com:user:alice",
            "https://example.com/user/alice/did.json",
        ),
        (
            "did:web:w3c-ccg.github.io:user:alice",
            "https://w3c-ccg.github.io/user/alice/did.json",
        ),
        (
            "did:web:example.com%3A3000",
            "https://example.com:3000/.well-known/did.json",
        ),
        (
            "did:web:example.com%3a3000:a:b",
            "https://example.com:3000/a/b/did.json",
        ),
        (
            "did:web:localhost%3A8443",
            "https://localhost:8443/.well-known/did.json",
        ),
        (
            "did:web:city.example.jp:issuers:v1.0_x-y",
            "https://city.example.jp/issuers/v1.0_x-y/did.json",
        ),
    ] {
        assert_eq!(web_url(did).unwrap(), expected, "{did}");
    }
    for bad in [
        "did:web:192.168.0.1",
        "did:web:127.0.0.1%3A80",
        "did:web:example.com%3A",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3A080",
        "did:web:example.com%3Aabc",
        "did:web:example.com%3A80%3A90",
        "did:web:example.com%2Fevil",
        "did:web:exa%6Dple.com",
        "did:web:example..com",
        "did:web:.example.com",
        "did:web:-example.com",
        "did:web:example-.com",
        "did:web:example.com:..:etc",
        "did:web:example.com:.",
        "did:web:example.com::a",
        "did:web:example.com:a%2F..",
        "did:web:example.com:%2e%2e",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    ] {
        assert!(
            matches!(web_url(bad), Err(Error::Did(DidError::InvalidDid(_)))),
            "{bad}: {:?}",
            web_url(bad)
        );
    }
    let long_label = format!("did:web:{}.com", "a".repeat(64));
    assert!(matches!(
        web_url(&long_label),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
    let long_host = format!("did:web:{}com", "abcdefghi.".repeat(26));
    assert!(matches!(
        web_url(&long_host),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
}

/// A fetcher that serves whatever the test set, counts fetches and records URLs.
#[derive(Clone, Default)]
struct FakeFetcher(Arc<Mutex<FakeState>>);

#[derive(Default)]
struct FakeState {
    /// `None`: the server is down.
    response: Option<FetchedDocument>,
    fetches: usize,
    urls: Vec<String>,
}

impl FakeFetcher {
    fn serve(&self, body: Vec<u8>, max_age: Option<u64>) {
        self.0.lock().unwrap().response = Some(FetchedDocument { body, max_age });
    }
    fn go_down(&self) {
        self.0.lock().unwrap().response = None;
    }
    fn fetches(&self) -> usize {
        self.0.lock().unwrap().fetches
    }
    fn urls(&self) -> Vec<String> {
        self.0.lock().unwrap().urls.clone()
    }
}

impl DidWebFetcher for FakeFetcher {
    fn fetch(&self, url: &str) -> Result<FetchedDocument> {
        let mut state = self.0.lock().unwrap();
        state.fetches += 1;
        state.urls.push(url.to_owned());
        state
            .response
            .clone()
            .ok_or_else(|| Error::Did(DidError::WebFetch("connection refused".into())))
    }
}

/// A did.json for `subject` with one assertion key.
fn issuer_document(subject: &Did, key: &PublicKey) -> Vec<u8> {
    let mut doc = DidDocument::new(subject.clone());
    let method = VerificationMethod::json_web_key(
        subject.with_fragment("issuing").unwrap(),
        subject.clone(),
        key,
    );
    doc.add_verification_method(method, &[AssertionMethod])
        .unwrap();
    serde_json::to_vec(&doc).unwrap()
}

fn issuing_key(doc: &DidDocument) -> PublicKey {
    doc.verification_key(AssertionMethod, &doc.id().with_fragment("issuing").unwrap())
        .unwrap()
}

const POLICY: CachePolicy = CachePolicy {
    default_max_age: 3600,
    max_age_limit: 86_400,
    max_staleness: 600,
    max_entries: 16,
};

#[test]
fn did_web_cache_serves_fresh_refetches_stale_and_limits_staleness() {
    let subject = did("did:web:city.example.jp:issuers:resident");
    let old_key = SecretKey::generate_p256().unwrap().public_key();
    let new_key = SecretKey::generate_ed25519().unwrap().public_key();
    let fetcher = FakeFetcher::default();
    let cache = DidWebCache::new(fetcher.clone(), POLICY);

    // Nothing cached: fetched.
    fetcher.serve(issuer_document(&subject, &old_key), None);
    let first = cache.lookup(&subject, T0).unwrap();
    assert_eq!(first.freshness, Freshness::Refetched);
    assert_eq!(first.fetched_at, T0);
    assert_eq!(issuing_key(&first.document), old_key);
    assert_eq!(fetcher.fetches(), 1);
    assert_eq!(
        fetcher.urls(),
        ["https://city.example.jp/issuers/resident/did.json"]
    );

    // Fresh: no fetch, even though the server now has a new key.
    fetcher.serve(issuer_document(&subject, &new_key), None);
    for offset in [0, 1, 3599] {
        let cached = cache.lookup(&subject, T0.plus_seconds(offset)).unwrap();
        assert_eq!(cached.freshness, Freshness::Fresh);
        assert_eq!(issuing_key(&cached.document), old_key);
    }
    assert_eq!(fetcher.fetches(), 1);

    // Expired (default max-age 3600): refetched, new key.
    let t1 = T0.plus_seconds(3600);
    let refetched = cache.lookup(&subject, t1).unwrap();
    assert_eq!(refetched.freshness, Freshness::Refetched);
    assert_eq!(issuing_key(&refetched.document), new_key);
    assert_eq!(fetcher.fetches(), 2);

    // Server down after expiry: the stale copy is served up to max_staleness past expiry.
    fetcher.go_down();
    let expired_at = t1.plus_seconds(3600);
    for offset in [0, 1, 600] {
        let stale = cache
            .lookup(&subject, expired_at.plus_seconds(offset))
            .unwrap();
        assert_eq!(stale.freshness, Freshness::Stale { expired_at });
        assert_eq!(issuing_key(&stale.document), new_key);
    }
    assert_eq!(fetcher.fetches(), 5);
    // ... and no longer.
    let too_late = expired_at.plus_seconds(601);
    match cache.resolve(&subject, too_late) {
        Err(Error::Did(DidError::DocumentStale {
            expired_at: e,
            now,
            cause,
        })) => {
            assert_eq!((e, now), (expired_at, too_late));
            assert!(matches!(*cause, Error::Did(DidError::WebFetch(_))));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fetcher.fetches(), 6);

    // Back up: refetched and fresh again.
    fetcher.serve(issuer_document(&subject, &old_key), None);
    let back = cache.lookup(&subject, too_late).unwrap();
    assert_eq!(back.freshness, Freshness::Refetched);
    assert_eq!(issuing_key(&back.document), old_key);
    assert_eq!(
        cache
            .lookup(&subject, too_late.plus_seconds(1))
            .unwrap()
            .freshness,
        Freshness::Fresh
    );
    assert_eq!(fetcher.fetches(), 7);
}

#[test]
fn did_web_cache_without_a_copy_reports_the_fetch_error() {
    let fetcher = FakeFetcher::default();
    let cache = DidWebCache::new(fetcher.clone(), POLICY);
    let subject = did("did:web:example.com");
    assert!(matches!(
        cache.resolve(&subject, T0),
        Err(Error::Did(DidError::WebFetch(_)))
    ));
    assert!(matches!(
        cache.resolve(&subject, T0),
        Err(Error::Did(DidError::WebFetch(_)))
    ));
    assert_eq!(fetcher.fetches(), 2);
    // A did:web that maps to no URL never reaches the fetcher.
    assert!(matches!(
        cache.resolve(&did("did:web:10.0.0.1"), T0),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
    assert!(matches!(
        cache.resolve(&did("did:key:z6Mk"), T0),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
    assert_eq!(fetcher.fetches(), 2);
}

#[test]
fn did_web_cache_refuses_documents_for_another_did_and_garbage() {
    let subject = did("did:web:city.example.jp");
    let impostor = did("did:web:evil.example");
    let key = SecretKey::generate_p256().unwrap().public_key();
    let fetcher = FakeFetcher::default();
    let cache = DidWebCache::new(fetcher.clone(), POLICY);

    fetcher.serve(issuer_document(&impostor, &key), None);
    match cache.resolve(&subject, T0) {
        Err(Error::Did(DidError::DocumentIdMismatch { expected, found })) => {
            assert_eq!(expected, subject.as_str());
            assert_eq!(found, impostor.as_str());
        }
        other => panic!("{other:?}"),
    }
    // Nothing was stored: the next lookup fetches again.
    assert!(matches!(
        cache.resolve(&subject, T0),
        Err(Error::Did(DidError::DocumentIdMismatch { .. }))
    ));
    assert_eq!(fetcher.fetches(), 2);
    // Same for a path DID served the domain's document.
    let path_did = did("did:web:city.example.jp:user:alice");
    fetcher.serve(issuer_document(&subject, &key), None);
    assert!(matches!(
        cache.resolve(&path_did, T0),
        Err(Error::Did(DidError::DocumentIdMismatch { .. }))
    ));

    // With a good copy cached and expired, a wrong answer is reported, not papered over.
    cache.resolve(&subject, T0).unwrap();
    fetcher.serve(issuer_document(&impostor, &key), None);
    let later = T0.plus_seconds(3601);
    assert!(matches!(
        cache.resolve(&subject, later),
        Err(Error::Did(DidError::DocumentIdMismatch { .. }))
    ));
    for body in [b"not json".to_vec(), b"[]".to_vec(), vec![0xff; 10]] {
        fetcher.serve(body, None);
        assert!(matches!(
            cache.resolve(&subject, later),
            Err(Error::Input(InputError::Json { .. }))
        ));
    }
    fetcher.serve(vec![b' '; json::MAX_INPUT_BYTES + 1], None);
    assert!(matches!(
        cache.resolve(&subject, later),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    // The good copy is still there for when the server is merely down.
    fetcher.go_down();
    let stale = cache.lookup(&subject, later).unwrap();
    assert!(matches!(stale.freshness, Freshness::Stale { .. }));
    assert_eq!(issuing_key(&stale.document), key);
    // Preloading is checked the same way.
    assert!(matches!(
        cache.insert(&subject, &issuer_document(&impostor, &key), T0, 60),
        Err(Error::Did(DidError::DocumentIdMismatch { .. }))
    ));
}

#[test]
fn did_web_cache_honours_and_caps_server_max_age() {
    let subject = did("did:web:example.com");
    let key = SecretKey::generate_p256().unwrap().public_key();
    let fetcher = FakeFetcher::default();
    let cache = DidWebCache::new(fetcher.clone(), POLICY);

    fetcher.serve(issuer_document(&subject, &key), Some(60));
    cache.resolve(&subject, T0).unwrap();
    assert_eq!(
        cache
            .lookup(&subject, T0.plus_seconds(59))
            .unwrap()
            .freshness,
        Freshness::Fresh
    );
    assert_eq!(
        cache
            .lookup(&subject, T0.plus_seconds(60))
            .unwrap()
            .freshness,
        Freshness::Refetched
    );
    assert_eq!(fetcher.fetches(), 2);

    // A year-long max-age is capped at the policy's day.
    let t1 = T0.plus_seconds(60);
    fetcher.serve(issuer_document(&subject, &key), Some(365 * 86_400));
    cache.resolve(&subject, t1.plus_seconds(1)).unwrap(); // still fresh (max-age 60 from t0+60)
    let t2 = t1.plus_seconds(60);
    assert_eq!(
        cache.lookup(&subject, t2).unwrap().freshness,
        Freshness::Refetched
    );
    assert_eq!(
        cache
            .lookup(&subject, t2.plus_seconds(86_399))
            .unwrap()
            .freshness,
        Freshness::Fresh
    );
    assert_eq!(
        cache
            .lookup(&subject, t2.plus_seconds(86_400))
            .unwrap()
            .freshness,
        Freshness::Refetched
    );
    assert_eq!(fetcher.fetches(), 4);

    // max-age 0: every lookup refetches.
    fetcher.serve(issuer_document(&subject, &key), Some(0));
    let t3 = t2.plus_seconds(86_400);
    cache.resolve(&subject, t3.plus_seconds(86_400)).unwrap();
    cache.resolve(&subject, t3.plus_seconds(86_400)).unwrap();
    assert_eq!(fetcher.fetches(), 6);
}

#[test]
fn did_web_cache_preloads_offline_and_bounds_its_size() {
    let key = SecretKey::generate_ed25519().unwrap().public_key();
    let fetcher = FakeFetcher::default(); // always down
    let policy = CachePolicy {
        max_entries: 2,
        ..POLICY
    };
    let cache = DidWebCache::new(fetcher.clone(), policy);
    let dids: Vec<Did> = ["a", "b", "c"]
        .iter()
        .map(|name| did(&format!("did:web:{name}.example.jp")))
        .collect();
    for (i, subject) in dids.iter().enumerate() {
        let fetched_at = T0.plus_seconds(i as u64);
        cache
            .insert(subject, &issuer_document(subject, &key), fetched_at, 3600)
            .unwrap();
    }
    // The oldest ("a") was evicted to stay within two entries.
    assert!(matches!(
        cache.resolve(&dids[0], T0),
        Err(Error::Did(DidError::WebFetch(_)))
    ));
    for subject in &dids[1..] {
        let cached = cache.lookup(subject, T0.plus_seconds(10)).unwrap();
        assert_eq!(cached.freshness, Freshness::Fresh);
        assert_eq!(issuing_key(&cached.document), key);
    }
    assert_eq!(fetcher.fetches(), 1);
    assert!(matches!(
        cache.insert(&did("did:key:z6Mk"), b"{}", T0, 1),
        Err(Error::Did(DidError::InvalidDid(_)))
    ));
}

#[test]
fn resolver_dispatches_by_method() {
    let subject = did("did:web:city.example.jp");
    let issuer = SecretKey::generate_p256().unwrap();
    let fetcher = FakeFetcher::default();
    fetcher.serve(issuer_document(&subject, &issuer.public_key()), None);
    let resolver = DidResolver::with_web(DidWebCache::new(fetcher.clone(), POLICY));
    assert!(resolver.web_cache().is_some());

    // An issuer signature with a did:web kid verifies with the assertionMethod key.
    let kid = subject.with_fragment("issuing").unwrap();
    let signer = providers()[0].signer(&issuer).unwrap();
    let compact = jws::sign(
        &JwsHeader::new(signer.algorithm()).with_kid(kid.to_string()),
        b"{}",
        &*signer,
    )
    .unwrap();
    let parsed = Jws::parse(&compact).unwrap();
    let key = resolver
        .resolve_key(
            AssertionMethod,
            &DidUrl::parse(parsed.header().kid.as_deref().unwrap()).unwrap(),
            T0,
        )
        .unwrap();
    parsed.verify(providers()[0], &key).unwrap();
    // The same key is not an authentication key of that document.
    assert!(matches!(
        resolver.resolve_key(Authentication, &kid, T0),
        Err(Error::Did(DidError::VerificationRelationshipMissing { .. }))
    ));
    assert_eq!(fetcher.fetches(), 1);

    let holder = SecretKey::generate_ed25519().unwrap().public_key();
    let did_key = DidKey::from_public_key(&holder).unwrap();
    assert_eq!(
        resolver.resolve(did_key.did(), T0).unwrap(),
        did_key.document()
    );
    let did_jwk = DidJwk::from_public_key(&holder).unwrap();
    assert_eq!(
        resolver.resolve(did_jwk.did(), T0).unwrap(),
        did_jwk.document()
    );
    assert_eq!(fetcher.fetches(), 1);

    let long_method = format!("did:{}:x", "m".repeat(5000));
    match resolver.resolve(&did(&long_method), T0) {
        Err(Error::Did(DidError::UnsupportedMethod(method))) => {
            assert!(method.chars().count() <= 121)
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        DidResolver::offline().resolve(&subject, T0),
        Err(Error::Did(DidError::WebNotConfigured))
    ));
}

#[test]
fn resolvers_and_caches_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>(_: &T) -> bool {
        true
    }
    let resolver = DidResolver::with_web(DidWebCache::new(FakeFetcher::default(), POLICY));
    assert!(shareable(&resolver));
    let subject = did("did:web:example.com");
    let key = SecretKey::generate_p256().unwrap().public_key();
    resolver
        .web_cache()
        .unwrap()
        .insert(&subject, &issuer_document(&subject, &key), T0, 60)
        .unwrap();
    let resolver = Arc::new(resolver);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let resolver = Arc::clone(&resolver);
            let subject = subject.clone();
            std::thread::spawn(move || issuing_key(&resolver.resolve(&subject, T0).unwrap()))
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), key);
    }
}

// ---- hostile input -------------------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z#:%.0-9]{0,12}".prop_map(Value::String),
        Just(json!("did:web:a.example")),
        Just(json!("#k")),
        Just(json!("JsonWebKey2020")),
        Just(json!("Multikey")),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("id".to_owned()),
                        Just("type".to_owned()),
                        Just("controller".to_owned()),
                        Just("verificationMethod".to_owned()),
                        Just("assertionMethod".to_owned()),
                        Just("publicKeyJwk".to_owned()),
                        Just("publicKeyMultibase".to_owned()),
                        Just("@context".to_owned()),
                        "[a-z]{1,4}",
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// The errors a DID, a DID document or its key material may legitimately produce.
fn expected_error(err: &Error) -> bool {
    matches!(
        err,
        Error::Did(DidError::InvalidDid(_))
            | Error::Did(DidError::InvalidMultikey(_))
            | Error::Jose(JoseError::InvalidKey(_))
            | Error::Jose(JoseError::UnsupportedKeyType(_))
            | Error::Did(DidError::UnsupportedMethod(_))
            | Error::Did(DidError::WebNotConfigured)
            | Error::Jose(JoseError::PrivateKeyInPublicJwk)
            | Error::Jose(JoseError::UnsupportedAlgorithm(_))
            | Error::Jose(JoseError::AlgorithmKeyMismatch { .. })
            | Error::Did(DidError::VerificationMethodNotFound(_))
            | Error::Did(DidError::VerificationRelationshipMissing { .. })
            | Error::Input(InputError::Base64 { .. })
            | Error::Input(InputError::Json { .. })
            | Error::Input(
                InputError::MemberType { .. }
                    | InputError::MissingMember { .. }
                    | InputError::OneOf { .. }
                    | InputError::NotAnObject { .. }
            )
            | Error::Input(InputError::TooLarge { .. })
            | Error::Input(InputError::NestingTooDeep { .. })
    )
}

fn ok_or_expected<T>(result: &Result<T>) -> bool {
    result.as_ref().err().is_none_or(expected_error)
}

/// Asks a parsed document for keys in every way: each answer is a key or an expected error.
fn exercise(doc: &DidDocument) -> bool {
    let methods = doc.verification_methods().iter().all(|method| {
        ok_or_expected(&method.public_key())
            && VerificationRelationship::ALL
                .into_iter()
                .all(|r| ok_or_expected(&doc.verification_key(r, method.id())))
    });
    let listed = VerificationRelationship::ALL.into_iter().all(|r| {
        doc.methods_for(r)
            .iter()
            .all(|method| ok_or_expected(&method.public_key()))
    });
    methods && listed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn did_parse_never_panics_and_round_trips(text in "\\PC{0,64}") {
        if let Ok(parsed) = Did::parse(&text) {
            prop_assert_eq!(parsed.as_str(), text.as_str());
            prop_assert!(text.starts_with("did:"));
        }
        let _ = DidUrl::parse(&text);
    }

    #[test]
    fn did_like_strings_resolve_or_fail_typed(
        method in prop_oneof![Just("key"), Just("jwk"), Just("web"), Just("ion")],
        id in "[A-Za-z0-9._%:-]{0,80}",
    ) {
        let text = format!("did:{method}:{id}");
        let Ok(parsed) = Did::parse(&text) else { return Ok(()) };
        match DidResolver::offline().resolve(&parsed, T0) {
            Ok(doc) => {
                prop_assert_eq!(doc.id(), &parsed);
                prop_assert!(exercise(&doc));
            }
            Err(err) => prop_assert!(expected_error(&err), "{err:?}"),
        }
        if let Ok(web) = DidWeb::from_did(&parsed) {
            prop_assert!(web.url().starts_with("https://"));
            prop_assert!(web.url().ends_with("/did.json"));
            prop_assert!(!web.url().contains("/../") && !web.url().contains("/./"));
            prop_assert!(!web.url().contains('%'));
        }
    }

    #[test]
    fn did_key_values_decode_or_fail_typed(
        prefix in prop_oneof![Just(vec![0x80, 0x24]), Just(vec![0xed, 0x01]), Just(vec![])],
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 32..=33),
            prop::collection::vec(any::<u8>(), 0..80),
        ],
    ) {
        // With a supported prefix and the right length, about half the bodies are keys.
        let did = did_key_of(&[prefix, body].concat());
        match DidKey::from_did(&did) {
            Ok(decoded) => {
                // Anything accepted re-encodes to the very same DID.
                let again = DidKey::from_public_key(decoded.public_key()).unwrap();
                prop_assert_eq!(again.did(), &did);
            }
            Err(err) => prop_assert!(matches!(
                err,
                Error::Did(DidError::InvalidMultikey(_)) | Error::Jose(JoseError::InvalidKey(_)) | Error::Jose(JoseError::UnsupportedKeyType(_))
            )),
        }
    }

    #[test]
    fn did_jwk_payloads_decode_or_fail_typed(bytes in prop::collection::vec(any::<u8>(), 1..200)) {
        let did = did(&format!("did:jwk:{}", b64::encode(&bytes)));
        match DidJwk::from_did(&did) {
            Ok(did_jwk) => prop_assert!(exercise(&did_jwk.document())),
            Err(err) => prop_assert!(expected_error(&err), "{err:?}"),
        }
    }

    #[test]
    fn arbitrary_bytes_are_not_documents(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let err = DidDocument::from_json(&bytes).unwrap_err();
        prop_assert!(expected_error(&err), "{err:?}");
    }

    #[test]
    fn arbitrary_json_documents_parse_or_fail_typed(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        match DidDocument::from_json(&bytes) {
            Ok(doc) => {
                prop_assert!(exercise(&doc));
                let again = DidDocument::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
                prop_assert_eq!(again, doc);
            }
            Err(err) => prop_assert!(expected_error(&err), "{err:?}"),
        }
    }

    #[test]
    fn mutated_documents_parse_or_fail_typed(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let subject = did("did:web:a.example");
        let key = SecretKey::p256_from_bytes(&[4; 32]).unwrap().public_key();
        let mut bytes = issuer_document(&subject, &key);
        for (index, byte) in flips {
            let i = index.index(bytes.len());
            bytes[i] = byte;
        }
        match DidDocument::from_json(&bytes) {
            Ok(doc) => prop_assert!(exercise(&doc)),
            Err(err) => prop_assert!(expected_error(&err), "{err:?}"),
        }
    }
}

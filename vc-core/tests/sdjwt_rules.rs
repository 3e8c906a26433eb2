//! Every MUST of RFC 9901 §7.1 on the verifier side, each with its own error, on SD-JWTs
//! crafted by hand (a correct signature over a deliberately broken payload); plus the strict
//! JWS header rules and a property test over arbitrary claim sets and subsets.
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, providers, Algorithm, SecretKey};
use myna_vc_core::jws::{self, JwsHeader};
use myna_vc_core::sdjwt::{
    self, Disclosure, HashAlg, KeyBinding, KeyBindingRule, SdJwtIssuer, UnverifiedSdJwt,
    VerifyOptions,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, Error};
use myna_vc_core::{InputError, JoseError, JwtError, SdJwtError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn now() -> NumericDate {
    NumericDate::from_unix(1_800_000_000)
}

fn key() -> &'static SecretKey {
    static KEY: std::sync::OnceLock<SecretKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| SecretKey::generate_p256().unwrap())
}

/// Signs `payload` as-is and appends the given encoded disclosures.
fn craft(payload: Value, disclosures: &[&Disclosure]) -> String {
    let signer = default_provider().signer(key()).unwrap();
    let jwt = jws::sign(
        &JwsHeader::new(Algorithm::Es256),
        &serde_json::to_vec(&payload).unwrap(),
        &*signer,
    )
    .unwrap();
    let mut out = jwt + "~";
    for d in disclosures {
        out.push_str(d.as_str());
        out.push('~');
    }
    out
}

fn verify(presentation: &str) -> Result<Map<String, Value>, Error> {
    sdjwt::verify(
        presentation,
        default_provider(),
        &key().public_key(),
        &VerifyOptions::at(now()),
    )
    .map(|d| d.into_claims())
}

fn prop(name: &str, value: Value) -> Disclosure {
    Disclosure::property("c2FsdA".into(), name.into(), value).unwrap()
}

fn elem(value: Value) -> Disclosure {
    Disclosure::array_element("c2FsdA".into(), value).unwrap()
}

fn digest(d: &Disclosure) -> String {
    d.digest(HashAlg::Sha256)
}

#[test]
fn a_well_formed_crafted_sd_jwt_verifies() {
    let d = prop("given_name", json!("太郎"));
    let e = elem(json!("JP"));
    let claims = verify(&craft(
        json!({"_sd": [digest(&d)], "n": [{"...": digest(&e)}]}),
        &[&d, &e],
    ))
    .unwrap();
    assert_eq!(
        Value::Object(claims),
        json!({"given_name": "太郎", "n": ["JP"]})
    );
}

#[test]
fn the_same_digest_twice_in_the_payload_is_refused() {
    let d = prop("a", json!(1));
    let p = craft(json!({"_sd": [digest(&d), digest(&d)]}), &[&d]);
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::DuplicateDigest(digest(&d))))
    );
    let p = craft(
        json!({"_sd": [digest(&d)], "x": {"_sd": [digest(&d)]}}),
        &[&d],
    );
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::DuplicateDigest(digest(&d))))
    );
}

#[test]
fn the_same_disclosure_twice_in_the_presentation_is_refused() {
    let d = prop("a", json!(1));
    let p = craft(json!({"_sd": [digest(&d)]}), &[&d, &d]);
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::DuplicateDigest(digest(&d))))
    );
}

#[test]
fn an_unreferenced_disclosure_is_refused() {
    let d = prop("a", json!(1));
    let stray = prop("b", json!(2));
    let p = craft(json!({"_sd": [digest(&d)]}), &[&d, &stray]);
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::UnreferencedDisclosure(digest(
            &stray
        ))))
    );
}

#[test]
fn reserved_names_in_disclosures_are_refused() {
    for name in ["_sd", "..."] {
        let raw = b64::encode(serde_json::to_vec(&json!(["salt", name, 1])).unwrap());
        let p = format!("{}{raw}~", craft(json!({}), &[]));
        assert_eq!(
            verify(&p),
            Err(Error::SdJwt(SdJwtError::ReservedClaimName(name.into()))),
            "{name}"
        );
    }
}

#[test]
fn the_reserved_name_dots_as_a_claim_of_the_signed_payload_is_refused() {
    let top = |p: Value| verify(&craft(p, &[]));
    assert_eq!(
        top(json!({"...": 1})),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            "the top level".into()
        )))
    );
    assert_eq!(
        top(json!({"a": true, "...": "x"})),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            "the top level".into()
        )))
    );
    assert_eq!(
        top(json!({"address": {"...": 1}})),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            r#"["address"]"#.into()
        )))
    );
    assert_eq!(
        top(json!({"a": {"b": {"c": {"...": 1}}}})),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            r#"["a","b","c"]"#.into()
        )))
    );
    // Inside an object that is an array element (not a digest object: it has another key).
    assert_eq!(
        top(json!({"n": [{"x": {"...": 1}}]})),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            r#"["n",0,"x"]"#.into()
        )))
    );
    // Inside a disclosed value, whose objects are claims like any other.
    let d = prop("address", json!({"locality": "神戸市", "...": 1}));
    assert_eq!(
        verify(&craft(json!({"_sd": [digest(&d)]}), &[&d])),
        Err(Error::SdJwt(SdJwtError::ReservedClaimInPayload(
            r#"["address"]"#.into()
        )))
    );
    // The same payloads without the reserved name verify, so the name alone is refused.
    assert_eq!(
        top(json!({"address": {"dots": 1}})).map(Value::Object),
        Ok(json!({"address": {"dots": 1}}))
    );
}

#[test]
fn a_disclosed_name_colliding_with_a_plain_claim_is_refused() {
    let d = prop("a", json!(1));
    let p = craft(json!({"a": 0, "_sd": [digest(&d)]}), &[&d]);
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::ClaimNameCollision("a".into())))
    );
    let twin = Disclosure::property("b3RoZXI".into(), "a".into(), json!(2)).unwrap();
    let p = craft(json!({"_sd": [digest(&d), digest(&twin)]}), &[&d, &twin]);
    assert_eq!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::ClaimNameCollision("a".into())))
    );
}

#[test]
fn disclosures_of_the_wrong_kind_are_refused() {
    let e = elem(json!(1));
    let p = craft(json!({"_sd": [digest(&e)]}), &[&e]);
    assert!(matches!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::DisclosureKindMismatch {
            expected: "object property",
            ..
        }))
    ));
    let d = prop("a", json!(1));
    let p = craft(json!({"list": [{"...": digest(&d)}]}), &[&d]);
    assert!(matches!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::DisclosureKindMismatch {
            expected: "array element",
            ..
        }))
    ));
}

#[test]
fn misused_sd_and_array_digests_are_refused() {
    assert_eq!(
        verify(&craft(json!({"_sd": "abc"}), &[])),
        Err(Error::SdJwt(SdJwtError::InvalidSdArray))
    );
    assert_eq!(
        verify(&craft(json!({"_sd": [1]}), &[])),
        Err(Error::SdJwt(SdJwtError::InvalidSdArray))
    );
    assert_eq!(
        verify(&craft(json!({"l": [{"...": "abc", "x": 1}]}), &[])),
        Err(Error::SdJwt(SdJwtError::InvalidArrayDigest))
    );
    assert_eq!(
        verify(&craft(json!({"l": [{"...": 5}]}), &[])),
        Err(Error::SdJwt(SdJwtError::InvalidArrayDigest))
    );
}

#[test]
fn sd_alg_must_be_supported_and_top_level() {
    assert_eq!(
        verify(&craft(json!({"_sd_alg": "md5"}), &[])),
        Err(Error::SdJwt(SdJwtError::UnsupportedSdAlg("md5".into())))
    );
    assert_eq!(
        verify(&craft(json!({"x": {"_sd_alg": "sha-256"}}), &[])),
        Err(Error::SdJwt(SdJwtError::MisplacedSdAlg))
    );
    // sha-512 digests verify when `_sd_alg` says sha-512, and not under the default.
    let d = prop("a", json!(1));
    let p = craft(
        json!({"_sd_alg": "sha-512", "_sd": [d.digest(HashAlg::Sha512)]}),
        &[&d],
    );
    assert_eq!(verify(&p).unwrap()["a"], 1);
    let p = craft(json!({"_sd": [d.digest(HashAlg::Sha512)]}), &[&d]);
    assert!(matches!(
        verify(&p),
        Err(Error::SdJwt(SdJwtError::UnreferencedDisclosure(_)))
    ));
}

#[test]
fn malformed_disclosures_are_refused() {
    let cases = [
        json!(["only-salt"]),
        json!([1, "a", 2]),
        json!(["s", 5, 2]),
        json!(["s", "a", 1, 2]),
        json!({"s": 1}),
    ];
    for case in cases {
        let raw = b64::encode(serde_json::to_vec(&case).unwrap());
        let p = format!("{}{raw}~", craft(json!({}), &[]));
        assert!(
            matches!(
                verify(&p),
                Err(Error::SdJwt(SdJwtError::MalformedDisclosure(_)))
            ),
            "{case}"
        );
    }
    let p = format!("{}%%%~", craft(json!({}), &[]));
    assert!(matches!(
        verify(&p),
        Err(Error::Input(InputError::Base64 { .. }))
    ));
}

#[test]
fn undisclosed_digests_and_decoys_are_simply_hidden() {
    let p = craft(
        json!({"_sd": ["decoy-digest"], "l": [{"...": "hidden"}, 1]}),
        &[],
    );
    assert_eq!(Value::Object(verify(&p).unwrap()), json!({"l": [1]}));
}

#[test]
fn a_chain_of_nested_disclosures_deeper_than_the_limit_is_refused() {
    let mut disclosures = Vec::new();
    let mut inner = json!(1);
    for i in 0..80 {
        let d = prop(&format!("n{i}"), inner);
        inner = json!({"_sd": [digest(&d)]});
        disclosures.push(d);
    }
    let refs: Vec<&Disclosure> = disclosures.iter().collect();
    assert!(matches!(
        verify(&craft(inner, &refs)),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
}

#[test]
fn time_claims_of_the_sd_jwt_are_enforced() {
    let expired = craft(json!({"exp": now().as_unix() - 3600}), &[]);
    assert!(matches!(
        verify(&expired),
        Err(Error::Jwt(JwtError::Expired { .. }))
    ));
    let early = craft(json!({"nbf": now().as_unix() + 3600}), &[]);
    assert!(matches!(
        verify(&early),
        Err(Error::Jwt(JwtError::NotYetValid { .. }))
    ));
    let future = craft(json!({"iat": now().as_unix() + 3600}), &[]);
    assert!(matches!(
        verify(&future),
        Err(Error::Jwt(JwtError::IssuedInFuture { .. }))
    ));
}

#[test]
fn key_binding_needs_a_holder_key_and_the_right_type() {
    let holder = SecretKey::generate_p256().unwrap();
    let hs = default_provider().signer(&holder).unwrap();
    let is = default_provider().signer(key()).unwrap();
    let kb = KeyBinding {
        audience: "aud",
        nonce: "n",
        issued_at: now(),
        signer: &*hs,
    };
    // No cnf at all.
    let no_cnf = SdJwtIssuer::new(&*is)
        .issue(&Map::new(), &[], None)
        .unwrap()
        .bind(&kb)
        .unwrap();
    assert_eq!(
        verify(&no_cnf.to_string()),
        Err(Error::SdJwt(SdJwtError::NoHolderKey))
    );
    // Signed by another key than cnf names.
    let other = SecretKey::generate_p256().unwrap();
    let wrong = SdJwtIssuer::new(&*is)
        .issue(&Map::new(), &[], Some(&other.public_key()))
        .unwrap()
        .bind(&kb)
        .unwrap();
    assert_eq!(
        verify(&wrong.to_string()),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
    // A KB-JWT with the wrong typ.
    let issued = SdJwtIssuer::new(&*is)
        .issue(&Map::new(), &[], Some(&holder.public_key()))
        .unwrap();
    let sd = issued.to_string();
    let sd_hash = HashAlg::Sha256.digest_b64(sd.as_bytes());
    let claims = json!({"iat": now().as_unix(), "aud": "aud", "nonce": "n", "sd_hash": sd_hash});
    let bad = myna_vc_core::jwt::sign(
        &JwsHeader::new(Algorithm::Es256).with_typ("JWT"),
        claims.as_object().unwrap(),
        &*hs,
    )
    .unwrap();
    assert!(matches!(
        verify(&format!("{sd}{bad}")),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
    let good = myna_vc_core::jwt::sign(
        &JwsHeader::new(Algorithm::Es256).with_typ("kb+jwt"),
        claims.as_object().unwrap(),
        &*hs,
    )
    .unwrap();
    assert!(verify(&format!("{sd}{good}")).is_ok());
}

/// An issued SD-JWT with two disclosures, bound to a fresh holder key.
fn bound_presentation() -> (String, SecretKey) {
    let holder = SecretKey::generate_p256().unwrap();
    let hs = default_provider().signer(&holder).unwrap();
    let is = default_provider().signer(key()).unwrap();
    let claims = json!({"iss": "https://city.example", "a": 1, "b": 2});
    let sd = [ClaimPath::key("a"), ClaimPath::key("b")];
    let presentation = SdJwtIssuer::new(&*is)
        .issue(claims.as_object().unwrap(), &sd, Some(&holder.public_key()))
        .unwrap()
        .bind(&KeyBinding {
            audience: "aud",
            nonce: "n",
            issued_at: now(),
            signer: &*hs,
        })
        .unwrap()
        .to_string();
    (presentation, holder)
}

fn required_binding() -> VerifyOptions<'static> {
    VerifyOptions::at(now()).key_binding(KeyBindingRule::Required {
        audience: "aud",
        nonce: "n",
        max_age_secs: 60,
    })
}

/// Verifies an SD-JWT bound by a hand-signed KB-JWT whose claims are the valid ones with
/// `changes` merged over them (a `null` in `changes` is written as JSON `null`).
fn verify_with_kb_claims(changes: Value) -> Result<sdjwt::Disclosed, Error> {
    let holder = SecretKey::generate_p256().unwrap();
    let hs = default_provider().signer(&holder).unwrap();
    let is = default_provider().signer(key()).unwrap();
    let sd = SdJwtIssuer::new(&*is)
        .issue(&Map::new(), &[], Some(&holder.public_key()))
        .unwrap()
        .to_string();
    let sd_hash = HashAlg::Sha256.digest_b64(sd.as_bytes());
    let mut claims =
        json!({"iat": now().as_unix(), "aud": "aud", "nonce": "n", "sd_hash": sd_hash});
    for (name, value) in changes.as_object().unwrap() {
        claims[name] = value.clone();
    }
    let kb = myna_vc_core::jwt::sign(
        &JwsHeader::new(Algorithm::Es256).with_typ("kb+jwt"),
        claims.as_object().unwrap(),
        &*hs,
    )
    .unwrap();
    sdjwt::verify(
        &format!("{sd}{kb}"),
        default_provider(),
        &key().public_key(),
        &required_binding(),
    )
}

#[test]
fn a_null_kb_jwt_exp_or_nbf_is_read_as_absent_as_ssi_writes_them() {
    for changes in [
        json!({"exp": null, "nbf": null}),
        json!({"exp": null}),
        json!({"nbf": null}),
    ] {
        let disclosed =
            verify_with_kb_claims(changes.clone()).unwrap_or_else(|e| panic!("{changes}: {e}"));
        assert_eq!(
            disclosed.key_binding().map(|kb| kb.issued_at),
            Some(now()),
            "{changes}"
        );
    }
    // A number is still judged: null is absent, not "anything goes".
    let expired = now().minus_seconds(3_600).as_unix();
    assert!(matches!(
        verify_with_kb_claims(json!({"exp": expired, "nbf": null})),
        Err(Error::Jwt(JwtError::Expired { .. }))
    ));
}

#[test]
fn a_null_kb_jwt_iat_and_non_number_times_are_refused() {
    assert!(matches!(
        verify_with_kb_claims(json!({"iat": null, "exp": null})),
        Err(Error::Jwt(JwtError::InvalidClaim { claim: "iat", .. }))
    ));
    let later = now().plus_seconds(600).as_unix().to_string();
    for (changes, claim) in [
        (json!({"exp": later}), "exp"),
        (json!({"nbf": "2026-01-01"}), "nbf"),
        (json!({"exp": false}), "exp"),
        (json!({"nbf": {}}), "nbf"),
    ] {
        assert!(
            matches!(
                verify_with_kb_claims(changes.clone()),
                Err(Error::Jwt(JwtError::InvalidClaim { claim: c, .. })) if c == claim
            ),
            "{changes}"
        );
    }
    // The issuer-signed JWT keeps the strict rule: its `null` `exp` is refused.
    assert!(matches!(
        verify(&craft(json!({"exp": null}), &[])),
        Err(Error::Jwt(JwtError::InvalidClaim { claim: "exp", .. }))
    ));
}

#[test]
fn parsing_first_then_verifying_checks_exactly_what_verify_checks() {
    let (presentation, holder) = bound_presentation();
    let mut parsed = UnverifiedSdJwt::parse(&presentation).unwrap();
    assert_eq!(
        parsed.unverified_payload().unwrap()["iss"],
        "https://city.example"
    );
    let disclosed = parsed
        .verify(default_provider(), &key().public_key(), &required_binding())
        .unwrap();
    let direct = sdjwt::verify(
        &presentation,
        default_provider(),
        &key().public_key(),
        &required_binding(),
    )
    .unwrap();
    assert_eq!(disclosed.claims(), direct.claims());
    assert_eq!(
        (
            disclosed.claims()["a"].clone(),
            disclosed.claims()["b"].clone()
        ),
        (json!(1), json!(2))
    );
    // The key the KB-JWT was checked with is the one handed out, decoded once.
    assert_eq!(disclosed.holder_key().unwrap(), Some(holder.public_key()));
    assert_eq!(direct.holder_key().unwrap(), Some(holder.public_key()));

    // A payload read before verifying is still only believed after the signature: another
    // issuer key, or a tampered signature, is refused on the parsed path too.
    let mut parsed = UnverifiedSdJwt::parse(&presentation).unwrap();
    parsed.unverified_payload().unwrap();
    let other = SecretKey::generate_p256().unwrap().public_key();
    assert_eq!(
        parsed
            .verify(default_provider(), &other, &required_binding())
            .err(),
        Some(Error::Jose(JoseError::SignatureInvalid))
    );
    let (jwt, rest) = presentation.split_once('~').unwrap();
    let (signed, signature) = jwt.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{signed}.{flipped}{}~{rest}", &signature[1..]);
    let mut parsed = UnverifiedSdJwt::parse(&tampered).unwrap();
    parsed.unverified_payload().unwrap();
    assert_eq!(
        parsed
            .verify(default_provider(), &key().public_key(), &required_binding())
            .err(),
        Some(Error::Jose(JoseError::SignatureInvalid))
    );
}

#[test]
fn sd_hash_covers_the_presentation_as_presented_up_to_the_kb_jwt() {
    let (presentation, _) = bound_presentation();
    let kb_at = presentation.rfind('~').unwrap() + 1;
    let verify_with = |text: &str| {
        sdjwt::verify(
            text,
            default_provider(),
            &key().public_key(),
            &required_binding(),
        )
    };
    assert!(verify_with(&presentation).is_ok());
    // Dropping or reordering a disclosure changes what `sd_hash` covers.
    let parts: Vec<&str> = presentation[..kb_at].split_terminator('~').collect();
    assert_eq!(parts.len(), 3);
    let kb = &presentation[kb_at..];
    let swapped = format!("{}~{}~{}~{kb}", parts[0], parts[2], parts[1]);
    assert_eq!(
        verify_with(&swapped).err(),
        Some(Error::SdJwt(SdJwtError::SdHashMismatch))
    );
    let dropped = format!("{}~{}~{kb}", parts[0], parts[1]);
    assert_eq!(
        verify_with(&dropped).err(),
        Some(Error::SdJwt(SdJwtError::SdHashMismatch))
    );
    // An empty disclosure slot is a shape error before any hashing.
    let empty = format!("{}~~{}~{kb}", parts[0], parts[1]);
    assert!(matches!(
        verify_with(&empty),
        Err(Error::SdJwt(SdJwtError::NotAnSdJwt(_)))
    ));
}

#[test]
fn jws_header_rules_are_strict() {
    let enc = |h: Value| b64::encode(serde_json::to_vec(&h).unwrap());
    let signer = default_provider().signer(key()).unwrap();
    let with_header = |h: Value| {
        let input = format!("{}.{}", enc(h), b64::encode(b"{}"));
        let sig = signer.sign(input.as_bytes()).unwrap();
        format!("{input}.{}~", b64::encode(sig))
    };
    assert_eq!(
        verify(&with_header(json!({"alg": "none"}))),
        Err(Error::Jose(JoseError::AlgNone))
    );
    assert_eq!(
        verify(&with_header(json!({"alg": "HS256"}))),
        Err(Error::Jose(JoseError::UnsupportedAlgorithm("HS256".into())))
    );
    assert!(matches!(
        verify(&with_header(json!({"alg": "EdDSA"}))),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
    assert!(matches!(
        verify(&with_header(json!({"alg": "RS256"}))),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
    assert_eq!(
        verify(&with_header(
            json!({"alg": "ES256", "crit": ["exp"], "exp": 1})
        )),
        Err(Error::Jose(JoseError::UnsupportedCritical("exp".into())))
    );
    assert!(matches!(
        verify(&with_header(json!({"alg": "ES256", "crit": []}))),
        Err(Error::Input(InputError::MemberType { member, .. })) if member == "crit"
    ));
    assert_eq!(
        verify(&with_header(
            json!({"alg": "ES256", "b64": false, "crit": ["b64"]})
        )),
        Err(Error::Jose(JoseError::UnsupportedCritical("b64".into())))
    );
    assert_eq!(
        verify(&with_header(json!({"alg": "ES256", "b64": false}))),
        Err(Error::Jose(JoseError::UnencodedPayload))
    );
    assert!(verify(&with_header(json!({"alg": "ES256"}))).is_ok());
}

#[test]
fn every_provider_signs_and_verifies_every_algorithm_and_refuses_the_others() {
    let keys = [
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ];
    for signer_provider in providers() {
        for key in &keys {
            let sig = signer_provider
                .signer(key)
                .unwrap()
                .sign(b"message")
                .unwrap();
            for verifier in providers() {
                verifier
                    .verify(key.algorithm(), &key.public_key(), b"message", &sig)
                    .unwrap();
                assert_eq!(
                    verifier.verify(key.algorithm(), &key.public_key(), b"messagf", &sig),
                    Err(Error::Jose(JoseError::SignatureInvalid))
                );
                let wrong_alg = if key.algorithm() == Algorithm::Es256 {
                    Algorithm::EdDsa
                } else {
                    Algorithm::Es256
                };
                assert!(matches!(
                    verifier.verify(wrong_alg, &key.public_key(), b"message", &sig),
                    Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
                ));
            }
        }
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        "[a-zA-Z0-9 ぁ-ん]{0,12}".prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn claim_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every object property and array element below the top level, as concrete paths.
fn all_paths(value: &Value, prefix: ClaimPath, out: &mut Vec<ClaimPath>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = prefix.clone().then_key(k.clone());
                out.push(p.clone());
                all_paths(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = prefix.clone().then_index(i);
                out.push(p.clone());
                all_paths(v, p, out);
            }
        }
        _ => {}
    }
}

/// What a verifier must see when every claim is disclosable and `shown` is what the holder
/// reveals (with `select_with_contents`): a claim is visible iff it, or an ancestor, is shown,
/// or it lies on the way to a shown claim.
fn visible(value: &Value, here: &ClaimPath, shown: &[ClaimPath]) -> Option<Value> {
    let on_the_way = shown
        .iter()
        .any(|s| s.covers(here) || s.passes_through(here));
    if !here.is_root() && !on_the_way {
        return None;
    }
    Some(match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| {
                    Some((
                        k.clone(),
                        visible(v, &here.clone().then_key(k.clone()), shown)?,
                    ))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| visible(v, &here.clone().then_index(i), shown))
                .collect(),
        ),
        other => other.clone(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any claim set with every claim disclosable, any subset shown: the presentation verifies
    /// and reveals exactly that subset (and with `select`, exactly the named claims' own
    /// disclosures).
    #[test]
    fn any_claims_any_subset_reveals_exactly_that_subset(
        claims in prop::collection::btree_map("[a-z]{1,6}", claim_value(), 1..5),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let claims: Map<String, Value> = claims.into_iter().collect();
        let root = Value::Object(claims.clone());
        let mut paths = Vec::new();
        all_paths(&root, ClaimPath::root(), &mut paths);
        let shown: Vec<ClaimPath> = if paths.is_empty() { vec![] } else { picks.iter().map(|i| i.get(&paths).clone()).collect() };

        let signer = default_provider().signer(key()).unwrap();
        let issued = SdJwtIssuer::new(&*signer).issue(&claims, &paths, None).unwrap();
        prop_assert_eq!(issued.disclosures().len(), paths.len());
        let presentation = issued.select_with_contents(&shown).unwrap().to_string();
        let revealed = verify(&presentation).unwrap();
        prop_assert_eq!(Value::Object(revealed), visible(&root, &ClaimPath::root(), &shown).unwrap());

        // `select` reveals the disclosures of the named claims and their ancestors only.
        let exact = issued.select(&shown).unwrap();
        let exact_paths = exact.disclosure_paths().unwrap();
        for p in &exact_paths {
            prop_assert!(shown.iter().any(|s| s == p || s.passes_through(p)), "{} not asked for", p);
        }
    }

    /// Any presentation bound to a key verifies only for that audience and nonce.
    #[test]
    fn key_binding_round_trips_for_any_audience_and_nonce(aud in "[ -~]{1,40}", nonce in "[ -~]{1,40}") {
        let holder = SecretKey::generate_p256().unwrap();
        let hs = default_provider().signer(&holder).unwrap();
        let is = default_provider().signer(key()).unwrap();
        let kb = KeyBinding { audience: &aud, nonce: &nonce, issued_at: now(), signer: &*hs };
        let p = SdJwtIssuer::new(&*is).issue(&Map::new(), &[], Some(&holder.public_key())).unwrap().bind(&kb).unwrap().to_string();
        let rule = KeyBindingRule::Required { audience: &aud, nonce: &nonce, max_age_secs: 60 };
        let opts = VerifyOptions::at(now()).key_binding(rule);
        prop_assert!(sdjwt::verify(&p, default_provider(), &key().public_key(), &opts).is_ok());
        let other = format!("{nonce}x");
        let rule = KeyBindingRule::Required { audience: &aud, nonce: &other, max_age_secs: 60 };
        let opts = VerifyOptions::at(now()).key_binding(rule);
        prop_assert_eq!(sdjwt::verify(&p, default_provider(), &key().public_key(), &opts).unwrap_err(), Error::SdJwt(SdJwtError::NonceMismatch));
    }
}

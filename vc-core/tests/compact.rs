//! The compact in-person presentation: exact round trips of real SD-JWT VC presentations
//! (issued with `SdJwtVcIssuer`, bound with a KB-JWT), the size gain, hostile input, and the
//! two ways of binding without an OpenID4VP request.
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::compact::{
    self, key_binding_nonce, GateId, GateKey, GateNonce, InPersonChallenge, TimeWindow,
};
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::oid4vp::Nonce;
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule, SdJwt};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Error;
use myna_vc_core::{CompactError, InputError, SdJwtError};
use proptest::prelude::*;
use qrcode::{EcLevel, QrCode, Version};
use serde_json::json;

const AGE_VCT: &str = "urn:myna-vc:vct:age:1";
const AGES: [&str; 5] = [
    "age_over_4",
    "age_over_15",
    "age_over_18",
    "age_over_20",
    "age_over_65",
];

struct Wallet {
    issuer: SecretKey,
    holder: SecretKey,
    credential: SdJwt,
    now: NumericDate,
}

/// An age credential as the issuer service declares it: every `age_over_NN` selectively
/// disclosable, a status reference, a did:web issuer with a `kid`.
fn wallet() -> Wallet {
    let issuer = SecretKey::generate_p256().unwrap();
    let holder = SecretKey::generate_p256().unwrap();
    let now = NumericDate::from_unix(1_800_000_000);
    let mut ctype = CredentialType::new(Vct::parse(AGE_VCT).unwrap());
    for name in AGES {
        ctype = ctype.claim(ClaimPath::key(name), DisclosureRule::Selective, false);
    }
    let claims = json!({"age_over_4": true, "age_over_15": true, "age_over_18": true,
                        "age_over_20": true, "age_over_65": false});
    let status = StatusReference::new(
        StatusIndex::new(48_213),
        StatusListUri::new("https://city.example/status/7").unwrap(),
    );
    let signer = default_provider().signer(&issuer).unwrap();
    let credential = SdJwtVcIssuer::new(&*signer, "did:web:city.example")
        .with_kid("did:web:city.example#key-1")
        .issue(&VcRequest {
            credential_type: &ctype,
            claims: claims.as_object().unwrap(),
            holder_key: &holder.public_key(),
            issued_at: now,
            expires_at: Some(now.plus_seconds(365 * 86_400)),
            status: Some(&status),
        })
        .unwrap();
    Wallet {
        issuer,
        holder,
        credential,
        now,
    }
}

fn present(w: &Wallet, claims: &[&str], challenge: &InPersonChallenge) -> String {
    let signer = default_provider().signer(&w.holder).unwrap();
    let wanted: Vec<ClaimPath> = claims.iter().map(|c| ClaimPath::key(*c)).collect();
    w.credential
        .select(&wanted)
        .unwrap()
        .bind(&KeyBinding {
            audience: challenge.audience(),
            nonce: challenge.nonce().as_str(),
            issued_at: w.now,
            signer: &*signer,
        })
        .unwrap()
        .to_string()
}

fn verify(w: &Wallet, presentation: &str, audience: &str, nonce: &str) -> Result<(), Error> {
    let rule = KeyBindingRule::Required {
        audience,
        nonce,
        max_age_secs: 300,
    };
    let vct = Vct::parse(AGE_VCT).unwrap();
    let options = VcVerifyOptions::at(w.now, rule).expect_vct(&vct);
    sdjwt_vc::verify(
        presentation,
        default_provider(),
        &w.issuer.public_key(),
        &options,
    )
    .map(|_| ())
}

#[test]
fn an_age_over_20_presentation_round_trips_exactly_and_is_smaller() {
    let w = wallet();
    let challenge =
        InPersonChallenge::new("did:web:shop.example", Nonce::random().unwrap()).unwrap();
    let presentation = present(&w, &["age_over_20"], &challenge);
    let qr = compact::encode(&presentation).unwrap();
    assert!(qr.starts_with(compact::PREFIX));
    // Every character is in the QR alphanumeric alphabet.
    let alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    assert!(qr.chars().all(|c| alphanumeric.contains(c)));
    let back = compact::decode(&qr).unwrap();
    assert_eq!(back, presentation);
    verify(&w, &back, challenge.audience(), challenge.nonce().as_str()).unwrap();

    // Shorter in characters, and far smaller as QR payload bits (5.5 per alphanumeric
    // character against 8 per byte-mode character).
    assert!(
        qr.len() < presentation.len(),
        "{} vs {}",
        qr.len(),
        presentation.len()
    );
    let qr_bits = qr.len() * 11 / 2;
    let plain_bits = presentation.len() * 8;
    assert!(qr_bits * 10 < plain_bits * 7, "{qr_bits} vs {plain_bits}");
    // And in QR code versions (error correction M), as a scanner meets them.
    let version = |data: &str| {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).unwrap();
        match code.version() {
            Version::Normal(v) => v,
            Version::Micro(_) => 0,
        }
    };
    let (compact_version, plain_version) = (version(&qr), version(&presentation));
    assert!(compact_version < plain_version);
    println!(
        "age_over_20 presentation: {} characters plain, {} characters compact ({} vs {} QR bits; QR version {} vs {} at level M)",
        presentation.len(),
        qr.len(),
        plain_bits,
        qr_bits,
        plain_version,
        compact_version
    );
}

#[test]
fn presentations_of_every_shape_round_trip() {
    let w = wallet();
    let challenge =
        InPersonChallenge::new("did:web:shop.example", Nonce::random().unwrap()).unwrap();
    let all = present(&w, &AGES, &challenge);
    let none = present(&w, &[], &challenge);
    let unbound = w
        .credential
        .select(&[ClaimPath::key("age_over_18")])
        .unwrap()
        .to_string();
    let issued = w.credential.to_string();
    for presentation in [all, none, unbound, issued] {
        let back = compact::decode(&compact::encode(&presentation).unwrap()).unwrap();
        assert_eq!(back, presentation);
        assert_eq!(
            SdJwt::parse(&back).unwrap().disclosures().len(),
            SdJwt::parse(&presentation).unwrap().disclosures().len()
        );
    }
}

#[test]
fn a_changed_character_never_yields_a_different_valid_presentation() {
    let w = wallet();
    let challenge =
        InPersonChallenge::new("did:web:shop.example", Nonce::random().unwrap()).unwrap();
    let presentation = present(&w, &["age_over_20"], &challenge);
    let qr = compact::encode(&presentation).unwrap();
    // Flip one character at a time: either decoding fails with a typed error or the result
    // fails verification (DEFLATE has no checksum; the signatures are the integrity check).
    let step = (qr.len() / 40).max(1);
    for at in (compact::PREFIX.len()..qr.len()).step_by(step) {
        let mut bytes = qr.clone().into_bytes();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(bytes).unwrap();
        if let Ok(text) = compact::decode(&tampered) {
            if text != presentation {
                assert!(
                    verify(&w, &text, challenge.audience(), challenge.nonce().as_str()).is_err(),
                    "flip at {at} verified"
                );
            }
        }
    }
}

#[test]
fn truncated_compact_text_is_a_typed_error() {
    let w = wallet();
    let challenge =
        InPersonChallenge::new("did:web:shop.example", Nonce::random().unwrap()).unwrap();
    let qr = compact::encode(&present(&w, &["age_over_20"], &challenge)).unwrap();
    for cut in 0..qr.len() {
        let err = compact::decode(&qr[..cut]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Compact(CompactError::Prefix(_))
                    | Error::Compact(CompactError::Base45)
                    | Error::Compact(CompactError::Compression(_))
                    | Error::Compact(CompactError::Truncated(_))
            ),
            "cut {cut}: {err:?}"
        );
    }
}

#[test]
fn wrong_prefix_version_alphabet_and_size_are_refused() {
    assert!(matches!(
        compact::decode("eyJhbGciOiJFUzI1NiJ9"),
        Err(Error::Compact(CompactError::Prefix(_)))
    ));
    assert!(matches!(
        compact::decode("MV2:ABC"),
        Err(Error::Compact(CompactError::Prefix(_)))
    ));
    assert!(matches!(
        compact::decode("mv1:ABC"),
        Err(Error::Compact(CompactError::Prefix(_)))
    ));
    assert!(matches!(
        compact::decode("MV1:abc"),
        Err(Error::Compact(CompactError::Base45))
    ));
    assert!(matches!(
        compact::decode("MV1:A"),
        Err(Error::Compact(CompactError::Base45))
    ));
    let huge = format!("MV1:{}", "0".repeat(compact::MAX_COMPACT_CHARS));
    assert!(matches!(
        compact::decode(&huge),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    // Not a presentation at all, or not canonical base64url.
    assert!(matches!(
        compact::encode("just text"),
        Err(Error::SdJwt(SdJwtError::NotAnSdJwt(_)))
    ));
    assert!(compact::encode("e30.e30.AB.CD~").is_err());
    assert!(compact::encode("e30.e3!.AA~").is_err());
}

#[test]
fn the_verifier_shown_nonce_binds_the_presentation() {
    let w = wallet();
    let challenge =
        InPersonChallenge::new("did:web:shop.example", Nonce::random().unwrap()).unwrap();
    // The wallet scans the challenge text, presents, compacts; the verifier decodes.
    let scanned = InPersonChallenge::parse(&challenge.to_string()).unwrap();
    let qr = compact::encode(&present(&w, &["age_over_20"], &scanned)).unwrap();
    let presentation = compact::decode(&qr).unwrap();
    verify(
        &w,
        &presentation,
        "did:web:shop.example",
        challenge.nonce().as_str(),
    )
    .unwrap();
    // Another terminal's nonce, or another verifier, is refused.
    let other = Nonce::random().unwrap();
    assert_eq!(
        verify(&w, &presentation, "did:web:shop.example", other.as_str()),
        Err(Error::SdJwt(SdJwtError::NonceMismatch))
    );
    assert_eq!(
        verify(
            &w,
            &presentation,
            "did:web:bar.example",
            challenge.nonce().as_str()
        ),
        Err(Error::SdJwt(SdJwtError::AudienceMismatch))
    );
    // Malformed challenge texts.
    for bad in [
        "MVC2:abc:did:web:x",
        "MVC1:no-colon",
        "MVC1:bad nonce:did:web:x",
        "MVC1:abc:",
        "MVC1:abc:did:web:x ",
        "MVC1:abc:did:web:x age over 20",
        "MVC1:abc: age-over-20",
    ] {
        assert!(InPersonChallenge::parse(bad).is_err(), "{bad}");
    }
    // One space separates the audience from the verifier's policy.
    let named = InPersonChallenge::parse("MVC1:abc:did:web:x age-over-20").unwrap();
    assert_eq!(named.audience(), "did:web:x");
    assert_eq!(named.policy().map(|p| p.as_str()), Some("age-over-20"));
}

#[test]
fn an_unattended_gate_accepts_its_current_and_previous_window_only() {
    let w = wallet();
    let key = GateKey::from_bytes([42; 32]);
    let gate = GateId::parse("did:web:city.example:gate:north").unwrap();
    // The gate shows its nonce at w.now; the holder presents it 20 s later.
    let shown = GateNonce::current(&key, &gate, w.now).unwrap();
    let challenge = shown.challenge(&gate);
    let qr = compact::encode(&present(&w, &["age_over_18"], &challenge)).unwrap();

    let presentation = compact::decode(&qr).unwrap();
    let nonce = key_binding_nonce(&presentation).unwrap();
    let at = |s: i64| NumericDate::from_unix(w.now.as_unix() + s);
    let accepted = GateNonce::accept(&key, &gate, &nonce, at(20)).unwrap();
    assert_eq!(accepted, shown);
    verify(
        &w,
        &presentation,
        gate.as_str(),
        accepted.as_nonce().as_str(),
    )
    .unwrap();

    // The next window still accepts it; the one after does not.
    let window = TimeWindow::containing(w.now).unwrap();
    let next = NumericDate::from_unix(((window.index() + 1) * 30) as i64);
    let after = NumericDate::from_unix(((window.index() + 2) * 30) as i64);
    assert!(GateNonce::accept(&key, &gate, &nonce, next).is_ok());
    assert_eq!(
        GateNonce::accept(&key, &gate, &nonce, after),
        Err(Error::Compact(CompactError::GateNonceMismatch))
    );
    // A future window's nonce is not accepted early either.
    let future = GateNonce::derive(&key, &gate, TimeWindow::containing(after).unwrap());
    assert_eq!(
        GateNonce::accept(&key, &gate, future.as_nonce().as_str(), w.now),
        Err(Error::Compact(CompactError::GateNonceMismatch))
    );
    // Another gate, another key, garbage.
    let other_gate = GateId::parse("did:web:city.example:gate:south").unwrap();
    assert!(GateNonce::accept(&key, &other_gate, &nonce, w.now).is_err());
    assert!(GateNonce::accept(&GateKey::from_bytes([1; 32]), &gate, &nonce, w.now).is_err());
    assert!(GateNonce::accept(&key, &gate, "not base64!", w.now).is_err());
    // Nonces differ per window and per gate.
    assert_ne!(
        GateNonce::derive(&key, &gate, window),
        GateNonce::derive(&key, &gate, window.previous())
    );
    assert_ne!(
        GateNonce::derive(&key, &gate, window).as_nonce(),
        GateNonce::derive(&key, &other_gate, window).as_nonce()
    );
    assert!(TimeWindow::containing(NumericDate::from_unix(-1)).is_err());
}

#[test]
fn key_binding_nonce_needs_a_kb_jwt_with_a_string_nonce() {
    let w = wallet();
    let unbound = w.credential.select(&[]).unwrap().to_string();
    assert_eq!(
        key_binding_nonce(&unbound),
        Err(Error::SdJwt(SdJwtError::KeyBindingMissing))
    );
    assert!(key_binding_nonce("not an sd-jwt").is_err());
}

proptest! {
    /// Arbitrary text after the prefix decodes to an error or to a presentation that
    /// compacts back to itself; never a panic.
    #[test]
    fn arbitrary_base45_bodies(body in "[0-9A-Z $%*+./:-]{0,300}") {
        let text = format!("{}{body}", compact::PREFIX);
        if let Ok(presentation) = compact::decode(&text) {
            let again = compact::encode(&presentation).unwrap();
            prop_assert_eq!(compact::decode(&again).unwrap(), presentation);
        }
    }

    #[test]
    fn arbitrary_strings(text in ".{0,200}") {
        if let Ok(presentation) = compact::decode(&text) {
            prop_assert!(text.starts_with(compact::PREFIX));
            prop_assert!(presentation.contains('~'));
        }
    }
}

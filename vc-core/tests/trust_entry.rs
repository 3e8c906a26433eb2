//! Issuers' signed trust-list entries as the authority uses them: signed and verified across
//! every crypto provider and key type, collected into a trust list that then authorizes the
//! issuer, and refused when tampered with, signed by another key, or of the wrong `typ`.
#![cfg(test)]

use myna_vc_core::crypto::{default_provider, providers, SecretKey};
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_entry::{self, TYP};
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use myna_vc_core::{Error, JoseError, JwtError};

const MAEBASHI: &str = "https://vc.city.maebashi.example";
const DMO: &str = "https://dmo.example.jp";
const NOW: NumericDate = NumericDate::from_unix(1_800_000_000);

fn vct(text: &str) -> Vct {
    Vct::parse(text).unwrap()
}

fn maebashi(key: &SecretKey) -> TrustedIssuer {
    TrustedIssuer::municipality(MAEBASHI, "前橋市", "102016".parse().unwrap())
        .with_key(&key.public_key().thumbprint().to_string(), key.public_key())
        .allowing(vct("urn:myna-vc:vct:resident:1"))
        .allowing(vct("urn:myna-vc:vct:age:1"))
}

fn dmo(key: &SecretKey) -> TrustedIssuer {
    TrustedIssuer::operator(DMO, "伊豆ファンクラブ")
        .with_key("dmo-2027", key.public_key())
        .allowing(vct("urn:myna-vc:vct:fan_club_membership:1"))
}

#[test]
fn entries_signed_by_every_provider_verify_with_every_provider() {
    let keys = [
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ];
    for signing in providers() {
        for key in &keys {
            let entry = maebashi(key);
            let token = trust_entry::sign(&entry, &*signing.signer(key).unwrap(), NOW).unwrap();
            for checking in providers() {
                let verified = trust_entry::verify(&token, checking, NOW).unwrap();
                assert_eq!(
                    verified.entry(),
                    &entry,
                    "{} -> {}",
                    signing.name(),
                    checking.name()
                );
            }
        }
    }
}

/// The authority's whole job in code: verify each entry, put them in a list, sign it; a shop
/// pinned to the authority then trusts exactly what the entries said.
#[test]
fn verified_entries_make_a_trust_list_that_authorizes_what_they_listed() {
    let p = default_provider();
    let (city, club, authority) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let tokens = [
        trust_entry::sign(&maebashi(&city), &*p.signer(&city).unwrap(), NOW).unwrap(),
        trust_entry::sign(&dmo(&club), &*p.signer(&club).unwrap(), NOW).unwrap(),
    ];
    let mut list = TrustList::new("jp-national", 2, NOW, NOW.plus_seconds(30 * 86_400));
    for token in &tokens {
        list = list.with_issuer(trust_entry::verify(token, p, NOW).unwrap().into_entry());
    }
    let signed = list.sign(&*p.signer(&authority).unwrap()).unwrap();
    let trusted = TrustList::verify(&signed, p, &authority.public_key(), NOW).unwrap();
    let age = vct("urn:myna-vc:vct:age:1");
    assert_eq!(
        trusted.authorize(MAEBASHI, &age, NOW).unwrap().name,
        "前橋市"
    );
    assert!(
        trusted.authorize(DMO, &age, NOW).is_err(),
        "the club listed no age credential"
    );
    assert_eq!(
        trusted.issuer_key(DMO, Some("dmo-2027")).unwrap(),
        &club.public_key()
    );
}

#[test]
fn tampered_foreign_keyed_and_mistyped_entries_are_refused() {
    let p = default_provider();
    let (city, thief) = (
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_p256().unwrap(),
    );
    let token = trust_entry::sign(&maebashi(&city), &*p.signer(&city).unwrap(), NOW).unwrap();

    // Tampered: one more allowed vct in the payload, the city's signature kept.
    let [header, payload, signature] =
        <[&str; 3]>::try_from(token.split('.').collect::<Vec<_>>()).unwrap();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&myna_vc_core::b64::decode(payload, "payload").unwrap()).unwrap();
    claims["issuer"]["vcts"]
        .as_array_mut()
        .unwrap()
        .push("urn:myna-vc:vct:child_medical_subsidy:1".into());
    let payload = myna_vc_core::b64::encode(claims.to_string());
    let tampered = format!("{header}.{payload}.{signature}");
    assert!(matches!(
        trust_entry::verify(&tampered, p, NOW),
        Err(Error::Jose(JoseError::SignatureInvalid))
    ));

    // Another key: the thief lists the city's key but can only sign with its own.
    let kid = city.public_key().thumbprint().to_string();
    let forged = myna_vc_core::jwt::sign(
        &JwsHeader::new(thief.algorithm())
            .with_typ(TYP)
            .with_kid(kid),
        claims.as_object().unwrap(),
        &*p.signer(&thief).unwrap(),
    )
    .unwrap();
    assert!(matches!(
        trust_entry::verify(&forged, p, NOW),
        Err(Error::Jose(JoseError::SignatureInvalid))
    ));
    // And the thief's own key in the city's name verifies as an entry: only the out-of-band
    // check of who sent it stops that (see the module docs), so the entry says whose key it is.
    let impostor = trust_entry::sign(&maebashi(&thief), &*p.signer(&thief).unwrap(), NOW).unwrap();
    let verified = trust_entry::verify(&impostor, p, NOW).unwrap();
    assert_ne!(verified.entry().keys[0].key, city.public_key());

    // A trust list is not an entry, even when signed by the key it lists.
    let list = TrustList::new("l", 1, NOW, NOW.plus_seconds(60))
        .with_issuer(maebashi(&city))
        .sign(&*p.signer(&city).unwrap())
        .unwrap();
    assert!(matches!(
        trust_entry::verify(&list, p, NOW),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
}

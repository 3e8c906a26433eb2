//! The signed trust list: sign/verify over every provider, the pinned-key, typ, time and
//! rollback refusals, every structural refusal, the lookups, an end-to-end SD-JWT VC check
//! against the list, and hostile input.
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::{default_provider, providers, CryptoProvider, SecretKey, Signer};
use myna_vc_core::jws::{Jws, JwsHeader};
use myna_vc_core::jwt;
use myna_vc_core::municipality::MunicipalityCode;
use myna_vc_core::sdjwt::{KeyBinding, KeyBindingRule};
use myna_vc_core::sdjwt_vc::{
    self, CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, VcVerifyOptions, Vct,
};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::{IssuerKind, TrustList, TrustedIssuer, TYP};
use myna_vc_core::Error;
use myna_vc_core::{DidError, InputError, JoseError, JwtError, MunicipalError, TrustListError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const KOBE: &str = "did:web:city.kobe.example";
const DMO: &str = "https://dmo.example.jp";
const AGE: &str = "https://vc.myna.example/age";
const RESIDENCY: &str = "https://vc.myna.example/residency";
const MEMBERSHIP: &str = "https://vc.myna.example/membership";

fn now() -> NumericDate {
    NumericDate::from_unix(1_800_000_000)
}

fn vct(s: &str) -> Vct {
    Vct::parse(s).unwrap()
}

fn kobe_code() -> MunicipalityCode {
    MunicipalityCode::parse("281000").unwrap()
}

struct Keys {
    authority: SecretKey,
    kobe_1: SecretKey,
    kobe_2: SecretKey,
    dmo: SecretKey,
}

impl Keys {
    fn new() -> Self {
        Keys {
            authority: SecretKey::generate_p256().unwrap(),
            kobe_1: SecretKey::generate_p256().unwrap(),
            kobe_2: SecretKey::generate_ed25519().unwrap(),
            dmo: SecretKey::generate_ed25519().unwrap(),
        }
    }

    fn authority_signer(&self) -> Box<dyn Signer> {
        default_provider().signer(&self.authority).unwrap()
    }
}

/// Kobe (two keys, age and residency) and a tourism DMO (membership, trusted for a year).
fn sample_list(keys: &Keys, version: u64) -> TrustList {
    TrustList::new(
        "jp-municipal-trust",
        version,
        now(),
        now().plus_seconds(7 * 86_400),
    )
    .with_issuer(
        TrustedIssuer::municipality(KOBE, "神戸市", kobe_code())
            .with_key("key-1", keys.kobe_1.public_key())
            .with_key("key-2", keys.kobe_2.public_key())
            .allowing(vct(AGE))
            .allowing(vct(RESIDENCY)),
    )
    .with_issuer(
        TrustedIssuer::operator(DMO, "神戸観光局")
            .with_key("dmo-1", keys.dmo.public_key())
            .allowing(vct(MEMBERSHIP))
            .valid_between(
                Some(now().minus_seconds(86_400)),
                Some(now().plus_seconds(365 * 86_400)),
            ),
    )
}

/// Signs arbitrary claims as a trust-list JWT, bypassing the structural check of `sign`.
fn sign_raw(claims: &Value, typ: Option<&str>, signer: &dyn Signer) -> String {
    let mut header = JwsHeader::new(signer.algorithm());
    if let Some(typ) = typ {
        header = header.with_typ(typ);
    }
    jwt::sign(&header, claims.as_object().unwrap(), signer).unwrap()
}

fn verify(token: &str, keys: &Keys) -> Result<myna_vc_core::trust_list::VerifiedTrustList, Error> {
    TrustList::verify(
        token,
        default_provider(),
        &keys.authority.public_key(),
        now(),
    )
}

#[test]
fn round_trip_over_every_provider_and_key_type() {
    let keys = Keys::new();
    let list = sample_list(&keys, 3);
    let authorities = [
        SecretKey::generate_p256().unwrap(),
        SecretKey::generate_ed25519().unwrap(),
    ];
    for signing in providers() {
        for authority in &authorities {
            let token = list.sign(&*signing.signer(authority).unwrap()).unwrap();
            for checking in providers() {
                let verified =
                    TrustList::verify(&token, checking, &authority.public_key(), now()).unwrap();
                assert_eq!(
                    verified.list(),
                    &list,
                    "{} -> {}",
                    signing.name(),
                    checking.name()
                );
                assert_eq!(verified.version(), 3);
            }
        }
    }
    assert_eq!(TrustList::from_claims(&list.to_claims()).unwrap(), list);
    let bytes = serde_json::to_vec(&list.to_claims()).unwrap();
    assert_eq!(TrustList::from_json(&bytes).unwrap(), list);
}

#[test]
fn header_is_trust_list_typ_and_claims_are_the_json_form() {
    let keys = Keys::new();
    let token = sample_list(&keys, 1)
        .sign(&*keys.authority_signer())
        .unwrap();
    let jws = Jws::parse(&token).unwrap();
    assert_eq!(jws.header().typ.as_deref(), Some("myna-trust-list+jwt"));
    let claims = jws.payload_object("test").unwrap();
    assert_eq!(claims["issuers"][0]["id"], KOBE);
    assert_eq!(claims["issuers"][0]["kind"], "municipality");
    assert_eq!(claims["issuers"][0]["municipality"], "281000");
    assert_eq!(claims["issuers"][0]["keys"][1]["kid"], "key-2");
    assert_eq!(claims["issuers"][1]["kind"], "operator");
    assert!(claims["issuers"][1].get("municipality").is_none());
    assert_eq!(claims["exp"], now().plus_seconds(7 * 86_400).as_unix());
}

#[test]
fn only_the_pinned_key_verifies() {
    let keys = Keys::new();
    let list = sample_list(&keys, 1);
    // Signed by Kobe's own key, not the authority: a municipality cannot vouch for itself.
    let by_other = list
        .sign(&*default_provider().signer(&keys.kobe_1).unwrap())
        .unwrap();
    assert_eq!(
        verify(&by_other, &keys),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );

    // A key embedded in the header is ignored: the pinned key still decides.
    let attacker = SecretKey::generate_p256().unwrap();
    let attacker_signer = default_provider().signer(&attacker).unwrap();
    let header = JwsHeader::new(attacker_signer.algorithm())
        .with_typ(TYP)
        .with_param("jwk", attacker.public_key().to_jwk());
    let with_jwk = jwt::sign(&header, &list.to_claims(), &*attacker_signer).unwrap();
    assert_eq!(
        verify(&with_jwk, &keys),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );

    // An Ed25519 pin refuses an ES256 list by algorithm before any signature math.
    let ed_pin = SecretKey::generate_ed25519().unwrap().public_key();
    let token = list.sign(&*keys.authority_signer()).unwrap();
    assert!(matches!(
        TrustList::verify(&token, default_provider(), &ed_pin, now()),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
}

#[test]
fn wrong_or_missing_typ_is_refused() {
    let keys = Keys::new();
    let claims = Value::Object(sample_list(&keys, 1).to_claims());
    let signer = keys.authority_signer();
    for (typ, found) in [
        (Some("JWT"), "JWT"),
        (Some("statuslist+jwt"), "statuslist+jwt"),
        (None, ""),
    ] {
        let token = sign_raw(&claims, typ, &*signer);
        assert_eq!(
            verify(&token, &keys),
            Err(Error::Jwt(JwtError::WrongType {
                expected: TYP.into(),
                found: found.into()
            }))
        );
    }
    assert!(verify(&sign_raw(&claims, Some(TYP), &*signer), &keys).is_ok());
}

#[test]
fn time_rules_apply_and_exp_is_required() {
    let keys = Keys::new();
    let list = sample_list(&keys, 1);
    let token = list.sign(&*keys.authority_signer()).unwrap();
    let pin = keys.authority.public_key();
    let at = |t: NumericDate| TrustList::verify(&token, default_provider(), &pin, t);
    assert!(at(list.expires_at.minus_seconds(1)).is_ok());
    assert!(matches!(
        at(list.expires_at.plus_seconds(61)),
        Err(Error::Jwt(JwtError::Expired { .. }))
    ));
    assert!(matches!(
        at(now().minus_seconds(3600)),
        Err(Error::Jwt(JwtError::IssuedInFuture { .. }))
    ));

    let mut claims = list.to_claims();
    claims.remove("exp");
    let no_exp = sign_raw(&Value::Object(claims), Some(TYP), &*keys.authority_signer());
    assert_eq!(
        verify(&no_exp, &keys),
        Err(Error::Jwt(JwtError::MissingClaim("exp")))
    );

    // A list verified while fresh stops authorizing once it has expired.
    let verified = at(now()).unwrap();
    assert!(matches!(
        verified.authorize(KOBE, &vct(AGE), list.expires_at.plus_seconds(61)),
        Err(Error::Jwt(JwtError::Expired { .. }))
    ));
}

#[test]
fn rollback_to_an_older_version_is_refused() {
    let keys = Keys::new();
    let signer = keys.authority_signer();
    let pin = keys.authority.public_key();
    let v4 = sample_list(&keys, 4).sign(&*signer).unwrap();
    let v5 = sample_list(&keys, 5).sign(&*signer).unwrap();
    let newer = |token: &str, seen| {
        TrustList::verify_newer_than(token, default_provider(), &pin, now(), seen)
    };
    assert_eq!(newer(&v5, 4).unwrap().version(), 5);
    assert_eq!(
        newer(&v5, 5).unwrap().version(),
        5,
        "a re-fetch of the same version"
    );
    assert_eq!(
        newer(&v4, 5),
        Err(Error::TrustList(TrustListError::Rollback {
            seen: 5,
            found: 4
        }))
    );
    // The rollback check never replaces the signature check.
    let forged = sample_list(&keys, 9)
        .sign(&*default_provider().signer(&keys.kobe_1).unwrap())
        .unwrap();
    assert_eq!(
        newer(&forged, 5),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
}

/// Each structurally bad list is refused by `sign` and, signed anyway, by `verify`.
fn assert_structure_refused(keys: &Keys, list: &TrustList, expected: &Error) {
    assert_eq!(&list.sign(&*keys.authority_signer()).unwrap_err(), expected);
    let token = sign_raw(
        &Value::Object(list.to_claims()),
        Some(TYP),
        &*keys.authority_signer(),
    );
    assert_eq!(&verify(&token, keys).unwrap_err(), expected);
}

#[test]
fn duplicate_issuer_is_refused() {
    let keys = Keys::new();
    let mut list = sample_list(&keys, 1);
    let copy = list.entries[0].clone();
    list.entries.push(copy);
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::DuplicateTrustedIssuer(KOBE.into())),
    );
}

#[test]
fn duplicate_kid_within_an_issuer_is_refused() {
    let keys = Keys::new();
    let mut list = sample_list(&keys, 1);
    list.entries[0].keys[1].kid = Some("key-1".into());
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::DuplicateIssuerKeyId {
            issuer: KOBE.into(),
            kid: "key-1".into(),
        }),
    );
    // The same kid at two different issuers is fine.
    let mut list = sample_list(&keys, 1);
    list.entries[1].keys[0].kid = Some("key-1".into());
    assert!(list.sign(&*keys.authority_signer()).is_ok());
}

#[test]
fn empty_vct_list_is_refused() {
    let keys = Keys::new();
    let mut list = sample_list(&keys, 1);
    list.entries[1].vcts.clear();
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::EmptyVctList(DMO.into())),
    );
}

#[test]
fn municipality_without_code_is_refused() {
    let keys = Keys::new();
    let mut list = sample_list(&keys, 1);
    list.entries[0].municipality = None;
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::MunicipalityCodeMissing(KOBE.into())),
    );
}

#[test]
fn keys_without_kid_or_no_keys_are_refused() {
    let keys = Keys::new();
    let mut list = sample_list(&keys, 1);
    list.entries[0].keys[0].kid = None;
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::InvalidIssuerKeys {
            issuer: KOBE.into(),
            detail: "a key has no `kid`",
        }),
    );
    let mut list = sample_list(&keys, 1);
    list.entries[1].keys.clear();
    assert_structure_refused(
        &keys,
        &list,
        &Error::TrustList(TrustListError::InvalidIssuerKeys {
            issuer: DMO.into(),
            detail: "it has no keys",
        }),
    );
}

#[test]
fn bad_ids_periods_and_dates_are_refused() {
    let keys = Keys::new();
    for bad_id in [
        "http://plain.example",
        "https://",
        "city.example",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "https://a.example/ b",
        "",
    ] {
        let mut list = sample_list(&keys, 1);
        list.entries[1].id = bad_id.into();
        assert!(list.sign(&*keys.authority_signer()).is_err(), "{bad_id:?}");
    }
    let mut list = sample_list(&keys, 1);
    list.entries[1].valid_until = list.entries[1].valid_from;
    assert!(matches!(
        list.check(),
        Err(Error::TrustList(TrustListError::EmptyPeriod { .. }))
    ));
    let mut list = sample_list(&keys, 1);
    list.expires_at = list.issued_at;
    assert!(matches!(
        list.check(),
        Err(Error::TrustList(TrustListError::EmptyPeriod { .. }))
    ));
    let mut list = sample_list(&keys, 1);
    list.list_id.clear();
    assert!(matches!(
        list.check(),
        Err(Error::TrustList(TrustListError::InvalidText {
            member: "list_id",
            ..
        }))
    ));
}

/// Edits the JSON form of the sample list, then parses it.
fn parse_edited(edit: impl FnOnce(&mut Map<String, Value>)) -> Result<TrustList, Error> {
    let keys = Keys::new();
    let mut claims = sample_list(&keys, 1).to_claims();
    edit(&mut claims);
    TrustList::from_claims(&claims)
}

#[test]
fn json_shape_errors_are_typed() {
    let issuer = |c: &mut Map<String, Value>| -> Map<String, Value> {
        c["issuers"][0].as_object().unwrap().clone()
    };
    let set_issuer = |c: &mut Map<String, Value>, i: Map<String, Value>| {
        c["issuers"][0] = Value::Object(i);
    };
    // Unknown members fail closed, at both levels.
    assert!(matches!(
        parse_edited(|c| {
            c.insert("allow_all".into(), json!(true));
        }),
        Err(Error::Input(InputError::UnknownMember { .. }))
    ));
    assert!(matches!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("restrictions".into(), json!(["x"]));
            set_issuer(c, i);
        }),
        Err(Error::Input(InputError::UnknownMember { .. }))
    ));
    assert_eq!(
        parse_edited(|c| {
            c.remove("version");
        }),
        Err(Error::Jwt(JwtError::MissingClaim("version")))
    );
    assert!(matches!(
        parse_edited(|c| {
            c.insert("version".into(), json!(-1));
        }),
        Err(Error::Jwt(JwtError::InvalidClaim {
            claim: "version",
            ..
        }))
    ));
    assert!(matches!(
        parse_edited(|c| {
            c.insert("issuers".into(), json!({}));
        }),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
    assert!(matches!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("municipality".into(), json!("281001"));
            set_issuer(c, i);
        }),
        Err(Error::Municipal(MunicipalError::CheckDigitMismatch { .. }))
    ));
    assert!(matches!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("kind".into(), json!("bank"));
            set_issuer(c, i);
        }),
        Err(Error::TrustList(TrustListError::UnknownIssuerKind))
    ));
    assert!(matches!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("vcts".into(), json!([""]));
            set_issuer(c, i);
        }),
        Err(Error::Jwt(JwtError::InvalidClaim { claim: "vct", .. }))
    ));
    assert!(matches!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("valid_from".into(), json!("yesterday"));
            set_issuer(c, i);
        }),
        Err(Error::Input(InputError::MemberType { .. }))
    ));
    // A private key in the list is refused, not silently published.
    let private = SecretKey::generate_p256().unwrap().to_jwk();
    assert_eq!(
        parse_edited(|c| {
            let mut i = issuer(c);
            i.insert("keys".into(), json!([private]));
            set_issuer(c, i);
        }),
        Err(Error::Jose(JoseError::PrivateKeyInPublicJwk))
    );
}

#[test]
fn lookups_answer_from_the_list() {
    let keys = Keys::new();
    let token = sample_list(&keys, 1)
        .sign(&*keys.authority_signer())
        .unwrap();
    let list = verify(&token, &keys).unwrap();

    let kobe = list.authorize(KOBE, &vct(AGE), now()).unwrap();
    assert_eq!(
        (kobe.kind, kobe.name.as_str()),
        (IssuerKind::Municipality, "神戸市")
    );
    assert!(list.authorize(KOBE, &vct(RESIDENCY), now()).is_ok());
    assert_eq!(
        list.authorize(KOBE, &vct(MEMBERSHIP), now()).unwrap_err(),
        Error::TrustList(TrustListError::VctNotAllowed {
            issuer: KOBE.into(),
            vct: MEMBERSHIP.into()
        })
    );
    assert_eq!(
        list.authorize("did:web:city.osaka.example", &vct(AGE), now())
            .unwrap_err(),
        Error::TrustList(TrustListError::UntrustedIssuer(
            "did:web:city.osaka.example".into()
        ))
    );
    // Ids compare exactly: no case folding, no trailing-slash leniency.
    assert!(matches!(
        list.authorize("https://DMO.example.jp", &vct(MEMBERSHIP), now()),
        Err(Error::TrustList(TrustListError::UntrustedIssuer(_)))
    ));
    assert!(matches!(
        list.authorize(&format!("{DMO}/"), &vct(MEMBERSHIP), now()),
        Err(Error::TrustList(TrustListError::UntrustedIssuer(_)))
    ));

    // Kid selection.
    assert_eq!(
        list.issuer_key(KOBE, Some("key-1")).unwrap(),
        &keys.kobe_1.public_key()
    );
    assert_eq!(
        list.issuer_key(KOBE, Some("key-2")).unwrap(),
        &keys.kobe_2.public_key()
    );
    assert_eq!(
        list.issuer_key(KOBE, None).unwrap_err(),
        Error::TrustList(TrustListError::IssuerKeyIdRequired {
            issuer: KOBE.into(),
            keys: 2
        })
    );
    assert_eq!(
        list.issuer_key(KOBE, Some("dmo-1")).unwrap_err(),
        Error::TrustList(TrustListError::UnknownIssuerKey {
            issuer: KOBE.into(),
            kid: "dmo-1".into()
        })
    );
    assert_eq!(list.issuer_key(DMO, None).unwrap(), &keys.dmo.public_key());
    assert!(matches!(
        list.issuer_key("https://x.example", Some("key-1")),
        Err(Error::TrustList(TrustListError::UntrustedIssuer(_)))
    ));

    assert_eq!(list.municipality_of(KOBE), Some(kobe_code()));
    assert_eq!(list.municipality_of(DMO), None);
    assert_eq!(list.municipality_of("https://x.example"), None);
}

#[test]
fn issuer_period_of_trust_is_enforced() {
    let keys = Keys::new();
    let token = sample_list(&keys, 1)
        .sign(&*keys.authority_signer())
        .unwrap();
    let list = verify(&token, &keys).unwrap();
    let dmo = list.issuer(DMO).unwrap();
    let (from, until) = (dmo.valid_from.unwrap(), dmo.valid_until.unwrap());
    let membership = vct(MEMBERSHIP);
    assert!(list.authorize(DMO, &membership, from).is_ok());
    assert_eq!(
        list.authorize(DMO, &membership, from.minus_seconds(1))
            .unwrap_err(),
        Error::TrustList(TrustListError::IssuerNotYetValid {
            issuer: DMO.into(),
            valid_from: from,
            now: from.minus_seconds(1)
        })
    );
    let issuer = dmo.clone();
    assert!(issuer.check_valid_at(until.minus_seconds(1)).is_ok());
    assert_eq!(
        issuer.check_valid_at(until).unwrap_err(),
        Error::TrustList(TrustListError::IssuerExpired {
            issuer: DMO.into(),
            valid_until: until,
            now: until
        })
    );
}

#[test]
fn sd_jwt_vc_end_to_end_against_the_list() {
    let keys = Keys::new();
    let trust_token = sample_list(&keys, 2)
        .sign(&*keys.authority_signer())
        .unwrap();
    let provider = default_provider();
    let holder = SecretKey::generate_p256().unwrap();
    let age = CredentialType::new(vct(AGE)).claim(
        ClaimPath::key("age_over_20"),
        DisclosureRule::Selective,
        true,
    );
    let claims = json!({"age_over_20": true});
    let issue = |signer: &dyn Signer, iss: &str, kid: &str, credential_type: &CredentialType| {
        SdJwtVcIssuer::new(signer, iss)
            .with_kid(kid)
            .issue(&VcRequest {
                credential_type,
                claims: claims.as_object().unwrap(),
                holder_key: &holder.public_key(),
                issued_at: now(),
                expires_at: Some(now().plus_seconds(86_400)),
                status: None,
            })
            .unwrap()
    };
    let holder_signer = provider.signer(&holder).unwrap();
    let present = |vc: myna_vc_core::sdjwt::SdJwt| {
        vc.select(&[ClaimPath::key("age_over_20")])
            .unwrap()
            .bind(&KeyBinding {
                audience: "https://shop.example",
                nonce: "n-1",
                issued_at: now(),
                signer: &*holder_signer,
            })
            .unwrap()
            .to_string()
    };

    // The verifier's whole decision, offline: list, then key by iss+kid, then VC, then authorize.
    let decide = |presentation: &str| -> Result<MunicipalityCode, Error> {
        let list = TrustList::verify(&trust_token, provider, &keys.authority.public_key(), now())?;
        let issuer_jwt = Jws::parse(presentation.split('~').next().unwrap_or_default())?;
        let claimed = issuer_jwt.payload_object("issuer JWT")?;
        let iss = claimed
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key = list.issuer_key(iss, issuer_jwt.header().kid.as_deref())?;
        let rule = KeyBindingRule::Required {
            audience: "https://shop.example",
            nonce: "n-1",
            max_age_secs: 300,
        };
        let vc = sdjwt_vc::verify(
            presentation,
            provider,
            key,
            &VcVerifyOptions::at(now(), rule),
        )?;
        assert_eq!(vc.issuer(), Some(iss));
        let issuer = list.authorize(iss, vc.vct(), now())?;
        assert_eq!(vc.claims()["age_over_20"], true);
        issuer
            .municipality
            .ok_or(Error::TrustList(TrustListError::MunicipalityCodeMissing(
                iss.into(),
            )))
    };

    let kobe_2 = provider.signer(&keys.kobe_2).unwrap();
    let good = present(issue(&*kobe_2, KOBE, "key-2", &age));
    assert_eq!(decide(&good), Ok(kobe_code()));

    // Kobe's key-2 (EdDSA) credential labelled key-1 (P-256) is checked with key-1 and fails.
    let mislabelled = present(issue(&*kobe_2, KOBE, "key-1", &age));
    assert!(matches!(
        decide(&mislabelled),
        Err(Error::Jose(JoseError::AlgorithmKeyMismatch { .. }))
    ));
    // Signed by a stranger's P-256 key but labelled with Kobe's P-256 kid: bad signature.
    let stranger = SecretKey::generate_p256().unwrap();
    let impostor = present(issue(
        &*provider.signer(&stranger).unwrap(),
        KOBE,
        "key-1",
        &age,
    ));
    assert_eq!(
        decide(&impostor),
        Err(Error::Jose(JoseError::SignatureInvalid))
    );
    // A self-made "Kobe" with its own key is not in the list.
    let forged = present(issue(
        &*provider.signer(&stranger).unwrap(),
        KOBE,
        "key-3",
        &age,
    ));
    assert!(matches!(
        decide(&forged),
        Err(Error::TrustList(TrustListError::UnknownIssuerKey { .. }))
    ));
    // The DMO's genuine age credential: signed right, but the DMO may not issue ages.
    let dmo = provider.signer(&keys.dmo).unwrap();
    let dmo_age = present(issue(&*dmo, DMO, "dmo-1", &age));
    assert!(matches!(
        decide(&dmo_age),
        Err(Error::TrustList(TrustListError::VctNotAllowed { .. }))
    ));
    // An issuer not in the list at all.
    let unknown = present(issue(&*dmo, "https://unknown.example", "dmo-1", &age));
    assert!(matches!(
        decide(&unknown),
        Err(Error::TrustList(TrustListError::UntrustedIssuer(_)))
    ));
}

#[test]
fn oversize_truncated_and_deep_input_is_refused() {
    let keys = Keys::new();
    let signer = keys.authority_signer();
    let token = sample_list(&keys, 1).sign(&*signer).unwrap();

    let oversize = "a".repeat(myna_vc_core::json::MAX_INPUT_BYTES + 1);
    assert!(matches!(
        verify(&oversize, &keys),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));
    let big_json = format!(r#"{{"list_id":"{oversize}"}}"#);
    assert!(matches!(
        TrustList::from_json(big_json.as_bytes()),
        Err(Error::Input(InputError::TooLarge { .. }))
    ));

    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let mut claims = sample_list(&keys, 1).to_claims();
    claims.insert("issuers".into(), deep.clone());
    let deep_token = sign_raw(&Value::Object(claims), Some(TYP), &*signer);
    assert!(matches!(
        verify(&deep_token, &keys),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));
    let deep_bytes = serde_json::to_vec(&json!({ "issuers": deep })).unwrap();
    assert!(matches!(
        TrustList::from_json(&deep_bytes),
        Err(Error::Input(InputError::NestingTooDeep { .. }))
    ));

    for cut in [0, 1, 10, token.len() / 2, token.len() - 1] {
        assert!(verify(&token[..cut], &keys).is_err(), "cut at {cut}");
    }
    assert!(verify(&format!("{token}."), &keys).is_err());
}

fn any_provider() -> &'static dyn CryptoProvider {
    default_provider()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_verify(text in any::<String>()) {
        let pin = SecretKey::p256_from_bytes(&[7; 32]).unwrap().public_key();
        prop_assert!(TrustList::verify(&text, any_provider(), &pin, now()).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_parse(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(TrustList::from_json(&bytes).is_err());
    }

    #[test]
    fn jws_shaped_garbage_is_refused(
        header in "[A-Za-z0-9_-]{0,40}",
        payload in "[A-Za-z0-9_-]{0,80}",
        signature in "[A-Za-z0-9_-]{0,90}",
    ) {
        let pin = SecretKey::p256_from_bytes(&[7; 32]).unwrap().public_key();
        let compact = format!("{header}.{payload}.{signature}");
        prop_assert!(TrustList::verify(&compact, any_provider(), &pin, now()).is_err());
    }

    #[test]
    fn any_changed_character_breaks_a_signed_list(position in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_.~-]") {
        let authority = SecretKey::p256_from_bytes(&[9; 32]).unwrap();
        let keys = Keys { authority, ..Keys::new() };
        let token = sample_list(&keys, 1).sign(&*keys.authority_signer()).unwrap();
        let i = position.index(token.len());
        prop_assume!(token[i..=i] != replacement);
        let tampered = format!("{}{}{}", &token[..i], replacement, &token[i + 1..]);
        prop_assert!(verify(&tampered, &keys).is_err());
    }

    #[test]
    fn arbitrary_issuer_entries_are_typed_errors_or_checked(
        id in "(https://|did:web:|http://|did:key:)?[a-z.]{0,12}",
        kind in "municipality|operator|x",
        code in "[0-9]{5,7}",
        vcts in proptest::collection::vec("[a-z:]{0,6}", 0..3),
    ) {
        let entry = json!({
            "id": id, "name": "n", "kind": kind, "municipality": code,
            "keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "k"}],
            "vcts": vcts,
        });
        let claims = json!({"list_id": "l", "version": 1, "iat": 0, "exp": 10, "issuers": [entry]});
        match TrustList::from_claims(claims.as_object().unwrap()) {
            Ok(list) => {
                prop_assert!(list.check().is_ok());
                prop_assert!(!list.entries[0].vcts.is_empty());
            }
            Err(Error::Input(_) | Error::TrustList(TrustListError::InvalidText { .. } | TrustListError::InvalidIssuerId | TrustListError::UnknownIssuerKind) | Error::Did(DidError::InvalidDid(_)) | Error::Municipal(MunicipalError::CodeLength { .. })
                | Error::Municipal(MunicipalError::CheckDigitMismatch { .. }) | Error::Municipal(MunicipalError::UnknownPrefecture(_))
                | Error::TrustList(TrustListError::EmptyVctList(_)) | Error::Jwt(JwtError::InvalidClaim { .. })
                | Error::Did(DidError::UnsupportedMethod(_))) => {}
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}

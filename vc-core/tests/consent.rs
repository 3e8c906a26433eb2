//! Consent records, actions, use reports and receipts: round trips over every provider, the
//! state machine, and every refusal (tampering, wrong keys, wrong types, bad structure,
//! replays, garbage).
#![cfg(test)]

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::*;
use myna_vc_core::crypto::{providers, CryptoProvider, SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::jwt;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::{Status, StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use myna_vc_core::{b64, Error};
use myna_vc_core::{ConsentError, InputError, JoseError, JwtError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const T0: NumericDate = NumericDate::from_unix(1_800_000_000);

struct Parties {
    holder: SecretKey,
    recipient_key: SecretKey,
    registry: SecretKey,
}

fn parties() -> Parties {
    Parties {
        holder: SecretKey::generate_p256().unwrap(),
        recipient_key: SecretKey::generate_ed25519().unwrap(),
        registry: SecretKey::generate_p256().unwrap(),
    }
}

fn recipient_of(key: &SecretKey) -> Recipient {
    Recipient::parse(
        DidKey::from_public_key(&key.public_key())
            .unwrap()
            .did()
            .as_str(),
    )
    .unwrap()
}

fn terms(recipient: Recipient, usage: ConsentUse) -> ConsentTerms {
    ConsentTerms {
        id: ConsentId::random().unwrap(),
        recipient,
        purpose: Purpose::new("健康相談 (health consultation)").unwrap(),
        vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
        claims: vec![ClaimPath::key("age_over_20"), ClaimPath::key("age_over_18")],
        not_before: T0,
        not_after: Some(T0.plus_seconds(3_600)),
        usage,
    }
}

fn signer<'a>(provider: &'a dyn CryptoProvider, key: &SecretKey) -> Box<dyn Signer + 'a> {
    provider.signer(key).unwrap()
}

/// A consent-record JWT with arbitrary claims, signed by `holder` with its `jwk` header.
fn raw_record(provider: &dyn CryptoProvider, holder: &SecretKey, claims: Value) -> String {
    let signer = signer(provider, holder);
    let mut header = JwsHeader::new(signer.algorithm()).with_typ(RECORD_TYP);
    header.jwk = Some(Jwk::new(holder.public_key()));
    let Value::Object(claims) = claims else {
        panic!("claims must be an object")
    };
    jwt::sign(&header, &claims, &*signer).unwrap()
}

fn record_claims(p: &Parties) -> Map<String, Value> {
    let recipient = recipient_of(&p.recipient_key);
    let Value::Object(map) = json!({
        "consent_id": ConsentId::random().unwrap().to_string(),
        "recipient": recipient.did().as_str(),
        "purpose": "p",
        "vct": "urn:t",
        "claims": [["age_over_20"]],
        "not_before": T0.as_unix(),
        "usage": "ongoing",
        "iat": T0.as_unix(),
    }) else {
        unreachable!()
    };
    map
}

#[test]
fn a_record_round_trips_on_every_provider() {
    for provider in providers() {
        let p = parties();
        let terms = terms(recipient_of(&p.recipient_key), ConsentUse::OneTime);
        let signed = ConsentRecord::sign(terms.clone(), &*signer(provider, &p.holder), T0).unwrap();
        let checked = ConsentRecord::verify(signed.as_str(), provider).unwrap();
        assert_eq!(checked.terms(), &terms, "{}", provider.name());
        assert_eq!(checked.holder_key(), &p.holder.public_key());
        assert_eq!(checked.issued_at(), T0);
        assert_eq!(checked.digest(), signed.digest());
    }
}

#[test]
fn a_tampered_record_is_refused() {
    for provider in providers() {
        let p = parties();
        let signed = ConsentRecord::sign(
            terms(recipient_of(&p.recipient_key), ConsentUse::Ongoing),
            &*signer(provider, &p.holder),
            T0,
        )
        .unwrap();
        let parts: Vec<&str> = signed.as_str().split('.').collect();
        let mut claims: Value =
            serde_json::from_slice(&b64::decode(parts[1], "t").unwrap()).unwrap();
        claims["purpose"] = "marketing".into();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64::encode(serde_json::to_vec(&claims).unwrap()),
            parts[2]
        );
        assert!(matches!(
            ConsentRecord::verify(&forged, provider),
            Err(Error::Jose(JoseError::SignatureInvalid))
        ));
    }
}

#[test]
fn a_record_signed_by_another_key_than_its_jwk_is_refused() {
    let provider = providers()[0];
    let (p, other) = (parties(), SecretKey::generate_p256().unwrap());
    let signer = signer(provider, &other);
    let mut header = JwsHeader::new(signer.algorithm()).with_typ(RECORD_TYP);
    header.jwk = Some(Jwk::new(p.holder.public_key()));
    let compact = jwt::sign(&header, &record_claims(&p), &*signer).unwrap();
    assert!(matches!(
        ConsentRecord::verify(&compact, provider),
        Err(Error::Jose(JoseError::SignatureInvalid))
    ));
}

#[test]
fn structural_faults_each_get_their_error() {
    let provider = providers()[0];
    let p = parties();
    let base = Value::Object(record_claims(&p));
    let with = |name: &str, value: Value| {
        let mut v = base.clone();
        v[name] = value;
        v
    };
    let without = |name: &str| {
        let mut v = base.clone();
        v.as_object_mut().unwrap().remove(name);
        v
    };
    // Each case with the code of the error it must be refused with.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown member",
            with("marketing_ok", true.into()),
            "unknown_member",
        ),
        (
            "no claims",
            with("claims", json!([])),
            "consent_claim_count",
        ),
        (
            "root claim path",
            with("claims", json!([[]])),
            "claim_path_empty",
        ),
        (
            "repeated claim path",
            with("claims", json!([["a"], ["a"]])),
            "consent_duplicate_claim",
        ),
        (
            "claims not an array",
            with("claims", json!("age")),
            "member_type",
        ),
        (
            "ends before it starts",
            with("not_after", T0.as_unix().into()),
            "consent_empty_period",
        ),
        (
            "bad usage",
            with("usage", "forever".into()),
            "unknown_consent_usage",
        ),
        (
            "empty purpose",
            with("purpose", "".into()),
            "invalid_consent_purpose",
        ),
        (
            "long purpose",
            with("purpose", "x".repeat(257).into()),
            "invalid_consent_purpose",
        ),
        (
            "did:web recipient",
            with("recipient", "did:web:clinic.example".into()),
            "unsupported_consent_recipient",
        ),
        (
            "short consent id",
            with("consent_id", "AAAA".into()),
            "invalid_consent_id",
        ),
        ("missing iat", without("iat"), "missing_member"),
        (
            "missing not_before",
            without("not_before"),
            "missing_member",
        ),
        ("missing vct", without("vct"), "missing_member"),
        (
            "date as string",
            with("not_before", "tomorrow".into()),
            "member_type",
        ),
    ];
    for (label, claims, code) in cases {
        let compact = raw_record(provider, &p.holder, claims);
        let err = ConsentRecord::verify(&compact, provider).expect_err(label);
        assert_eq!(err.code(), code, "{label}: {err:?}");
    }
    // The untouched base claims are accepted, so each case above failed for its own fault.
    let compact = raw_record(provider, &p.holder, base);
    assert!(ConsentRecord::verify(&compact, provider).is_ok());
}

#[test]
fn a_record_without_jwk_or_with_the_wrong_typ_is_refused() {
    let provider = providers()[0];
    let p = parties();
    let signer = signer(provider, &p.holder);
    let no_jwk = JwsHeader::new(signer.algorithm()).with_typ(RECORD_TYP);
    let compact = jwt::sign(&no_jwk, &record_claims(&p), &*signer).unwrap();
    assert!(matches!(
        ConsentRecord::verify(&compact, provider),
        Err(Error::Input(InputError::MissingMember { member, .. })) if member == "jwk"
    ));

    let mut wrong_typ = JwsHeader::new(signer.algorithm()).with_typ(ACTION_TYP);
    wrong_typ.jwk = Some(Jwk::new(p.holder.public_key()));
    let compact = jwt::sign(&wrong_typ, &record_claims(&p), &*signer).unwrap();
    assert!(matches!(
        ConsentRecord::verify(&compact, provider),
        Err(Error::Jwt(JwtError::WrongType { .. }))
    ));
}

#[test]
fn the_state_machine_allows_exactly_the_documented_transitions() {
    use ConsentAction as A;
    use ConsentState as S;
    let states = [S::Active, S::Withdrawn, S::Paused, S::Used];
    let actions = [A::Withdraw, A::Pause, A::Resume, A::Use];
    let expected = |s: S, a: A, u: ConsentUse| -> Option<S> {
        match (s, a, u) {
            (S::Active, A::Withdraw, _) | (S::Paused, A::Withdraw, _) => Some(S::Withdrawn),
            (S::Active, A::Pause, _) => Some(S::Paused),
            (S::Paused, A::Resume, _) => Some(S::Active),
            (S::Active, A::Use, ConsentUse::OneTime) => Some(S::Used),
            (S::Active, A::Use, ConsentUse::Ongoing) => Some(S::Active),
            _ => None,
        }
    };
    for usage in [ConsentUse::OneTime, ConsentUse::Ongoing] {
        for s in states {
            for a in actions {
                match (s.apply(a, usage), expected(s, a, usage)) {
                    (Ok(next), Some(want)) => assert_eq!(next, want, "{s:?} {a:?}"),
                    (Err(Error::Consent(ConsentError::Transition { .. })), None) => {}
                    (got, want) => panic!("{s:?} {a:?} {usage:?}: {got:?}, wanted {want:?}"),
                }
            }
        }
    }
    for s in states {
        assert_eq!(ConsentState::from_status(s.to_status()).unwrap(), s);
    }
    assert!(ConsentState::from_status(Status::new(4)).is_err());
}

#[test]
fn usability_follows_period_and_state() {
    let provider = providers()[0];
    let p = parties();
    let record = ConsentRecord::sign(
        terms(recipient_of(&p.recipient_key), ConsentUse::OneTime),
        &*signer(provider, &p.holder),
        T0,
    )
    .unwrap();
    let inside = T0.plus_seconds(10);
    assert!(record.check_usable(ConsentState::Active, inside).is_ok());
    assert!(matches!(
        record.check_usable(ConsentState::Active, T0.minus_seconds(1)),
        Err(Error::Consent(ConsentError::NotYetValid { .. }))
    ));
    assert!(matches!(
        record.check_usable(ConsentState::Active, T0.plus_seconds(3_600)),
        Err(Error::Consent(ConsentError::Expired { .. }))
    ));
    for (state, check) in [
        (ConsentState::Paused, Error::Consent(ConsentError::Paused)),
        (
            ConsentState::Withdrawn,
            Error::Consent(ConsentError::Withdrawn),
        ),
        (ConsentState::Used, Error::Consent(ConsentError::Used)),
    ] {
        let got = record.check_usable(state, inside).unwrap_err();
        assert_eq!(got.to_string(), check.to_string());
    }
}

#[test]
fn actions_verify_only_with_the_holder_key_and_refuse_replays() {
    for provider in providers() {
        let p = parties();
        let request = ConsentActionRequest {
            consent: ConsentId::random().unwrap(),
            action: ConsentAction::Pause,
            seq: 7,
            iat: T0,
        };
        let compact = request.sign(&*signer(provider, &p.holder)).unwrap();
        let checked =
            ConsentActionRequest::verify(&compact, provider, &p.holder.public_key()).unwrap();
        assert_eq!(checked, request);
        assert!(checked.check_seq(None).is_ok());
        assert!(checked.check_seq(Some(6)).is_ok());
        assert!(matches!(
            checked.check_seq(Some(7)),
            Err(Error::Consent(ConsentError::ActionReplayed {
                last: 7,
                seq: 7
            }))
        ));
        assert!(matches!(
            ConsentActionRequest::verify(&compact, provider, &p.registry.public_key()),
            Err(Error::Jose(JoseError::SignatureInvalid))
        ));
        // A holder cannot mark a use, neither when signing nor through a hand-made token.
        let as_use = ConsentActionRequest {
            action: ConsentAction::Use,
            ..request
        };
        assert!(as_use.sign(&*signer(provider, &p.holder)).is_err());
    }
}

#[test]
fn use_reports_verify_only_with_the_recipient_did_key() {
    for provider in providers() {
        let p = parties();
        let recipient = recipient_of(&p.recipient_key);
        let report = ConsentUseReport {
            consent: ConsentId::random().unwrap(),
            iat: T0,
        };
        let compact = report.sign(&*signer(provider, &p.recipient_key)).unwrap();
        assert_eq!(
            ConsentUseReport::verify(&compact, provider, &recipient).unwrap(),
            report
        );
        let impostor = recipient_of(&SecretKey::generate_ed25519().unwrap());
        assert!(matches!(
            ConsentUseReport::verify(&compact, provider, &impostor),
            Err(Error::Jose(JoseError::SignatureInvalid))
        ));
        // A holder action token is not a use report.
        let action = ConsentActionRequest {
            consent: report.consent,
            action: ConsentAction::Withdraw,
            seq: 1,
            iat: T0,
        }
        .sign(&*signer(provider, &p.recipient_key))
        .unwrap();
        assert!(matches!(
            ConsentUseReport::verify(&action, provider, &recipient),
            Err(Error::Jwt(JwtError::WrongType { .. }))
        ));
    }
}

#[test]
fn receipts_bind_to_exactly_one_record() {
    let provider = providers()[0];
    let p = parties();
    let recipient = recipient_of(&p.recipient_key);
    let record = ConsentRecord::sign(
        terms(recipient.clone(), ConsentUse::Ongoing),
        &*signer(provider, &p.holder),
        T0,
    )
    .unwrap();
    let status = StatusReference::new(
        StatusIndex::new(9),
        StatusListUri::new("https://city.example/consent-status/1").unwrap(),
    );
    let receipt = ConsentReceipt::for_record(&record, status, T0);
    let compact = receipt.sign(&*signer(provider, &p.registry)).unwrap();
    let checked = ConsentReceipt::verify(&compact, provider, &p.registry.public_key()).unwrap();
    assert_eq!(checked, receipt);
    checked.check_record(&record).unwrap();

    // Same id, other holder: refused.
    let other_holder = SecretKey::generate_p256().unwrap();
    let stolen_id = ConsentRecord::sign(
        record.terms().clone(),
        &*signer(provider, &other_holder),
        T0,
    )
    .unwrap();
    assert!(matches!(
        checked.check_record(&stolen_id),
        Err(Error::Consent(ConsentError::Mismatch(_)))
    ));
    // Same holder and id, other terms: refused by the digest.
    let mut wider = record.terms().clone();
    wider.claims.push(ClaimPath::key("birthdate"));
    let wider = ConsentRecord::sign(wider, &*signer(provider, &p.holder), T0).unwrap();
    assert!(matches!(
        checked.check_record(&wider),
        Err(Error::Consent(ConsentError::Mismatch(
            "the receipt is for another record"
        )))
    ));
    // Another consent: refused by id.
    let other = ConsentRecord::sign(
        terms(recipient, ConsentUse::Ongoing),
        &*signer(provider, &p.holder),
        T0,
    )
    .unwrap();
    assert!(matches!(
        checked.check_record(&other),
        Err(Error::Consent(ConsentError::Mismatch(_)))
    ));
    // A receipt signed by someone else than the pinned registry: refused.
    assert!(matches!(
        ConsentReceipt::verify(&compact, provider, &p.holder.public_key()),
        Err(Error::Jose(JoseError::SignatureInvalid))
    ));
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let provider = providers()[0];
    let huge = format!("{}.{}.{}", "a".repeat(10), "b".repeat(2 << 20), "c");
    assert!(ConsentRecord::verify(&huge, provider).is_err());
    assert!(ConsentActionRequest::verify(&huge, provider, &parties().holder.public_key()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn garbage_never_verifies(text in "\\PC{0,400}") {
        let provider = providers()[0];
        let p = parties();
        prop_assert!(ConsentRecord::verify(&text, provider).is_err());
        prop_assert!(ConsentActionRequest::verify(&text, provider, &p.holder.public_key()).is_err());
        prop_assert!(ConsentUseReport::verify(&text, provider, &recipient_of(&p.recipient_key)).is_err());
        prop_assert!(ConsentReceipt::verify(&text, provider, &p.registry.public_key()).is_err());
        prop_assert!(ConsentId::parse(&text).map(|id| id.to_string() == text).unwrap_or(true));
    }
}

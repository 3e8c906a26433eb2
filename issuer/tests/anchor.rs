//! Anchoring a wallet's holder key to a virtual My Number card: the happy path, and a typed
//! refusal for every way the answer can be wrong.
#![cfg(test)]

mod card_fixture;
mod engine;

use std::collections::BTreeSet;

use card_fixture::*;
use myna_issuer::anchor::{AnchorResponse, ASSURANCE_LEVEL, PROOF_TYP};
use myna_issuer::cohort::Cohort;
use myna_issuer::credential_types::Kind;
use myna_issuer::lapse::lapse_due;
use myna_issuer::record::Fact;
use myna_issuer::store::{RedbStore, Store};
use myna_issuer::{AnchorRejection, ChallengeRejection, Error};
use myna_jpki::certificate::Certificate;
use myna_jpki::crl::RevocationReason as CrlReason;
use myna_jpki::linking::CertificateRef;
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::RootSet;
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, Vct};
use myna_vc_core::status_list::Status;
use myna_vc_core::time::NumericDate;
use proptest::prelude::*;

fn at() -> NumericDate {
    T0.plus_seconds(DAY)
}

#[test]
fn a_virtual_card_anchors_a_holder_key_without_personal_data() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let holder = holder();
    let anchored = world.anchor(&store, &card, &*holder, at()).unwrap();
    assert!(anchored.new_subject);

    let vct = Vct::parse(Kind::Anchor.vct()).unwrap();
    let verified = sdjwt_vc::verify(
        &anchored.credential.to_string(),
        default_provider(),
        &world.issuer_key.public_key(),
        &VcVerifyOptions::at(at(), KeyBindingRule::Optional).expect_vct(&vct),
    )
    .unwrap();
    assert_eq!(verified.vct().as_str(), "urn:myna-vc:vct:anchor:1");
    assert_eq!(verified.issuer(), Some(ISS));
    let claims = verified.claims();
    let names: BTreeSet<&str> = claims.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "assurance_level",
        "anchored_on",
        "iss",
        "vct",
        "iat",
        "exp",
        "cnf",
        "status",
    ]
    .into();
    assert_eq!(names, expected, "an anchor carries no personal data");
    assert_eq!(claims["assurance_level"], ASSURANCE_LEVEL);
    assert_eq!(claims["anchored_on"], "2023-11-16"); // T0 + 1 day is 16 Nov in JST
    assert_eq!(
        Jwk::from_json(&claims["cnf"]["jwk"]).unwrap().key,
        holder.public_key()
    );
    assert_eq!(
        verified.status().unwrap(),
        Some(anchored.record.status.clone())
    );

    // One year of lifetime fits inside the certificate (it ends in 2028).
    let not_after = Certificate::parse(card.authentication_certificate())
        .unwrap()
        .validity()
        .not_after;
    // `exp` is 00:00 JST of the day a year on, shared by everyone anchored today.
    let exp = Cohort::floor(at().plus_seconds(365 * DAY)).unwrap();
    assert_eq!(claims["exp"], exp.as_unix());
    assert!(exp <= not_after);

    // The only fact it rests on is the card's certificate (no personal fact).
    let facts: Vec<Fact> = anchored.record.facts.iter().collect();
    assert_eq!(facts, [Fact::CardCertificate]);
    assert_eq!(
        store.credential_status(&anchored.record.id).unwrap(),
        Status::VALID
    );
    let cert = CertificateRef {
        certificate_type: CertificateType::Authentication,
        serial: card.authentication_serial(),
    };
    assert_eq!(
        store.certificate_subject(&cert).unwrap().unwrap().subject,
        anchored.subject
    );
    // Subject anchored + credential issued, hash-chained.
    assert_eq!(store.verify_audit_chain().unwrap(), 2);
    let log = store.audit_entries(0..2).unwrap();
    assert_eq!(log[0].action.as_str(), "subject.anchored");
    assert_eq!(
        log[0].subject.as_str(),
        format!("subject:{}", anchored.subject)
    );

    // The same card again (a second device): the same person, a new credential.
    let again = world
        .anchor(&store, &card, &*card_fixture::holder(), at())
        .unwrap();
    assert!(!again.new_subject);
    assert_eq!(again.subject, anchored.subject);
    assert_ne!(again.record.id, anchored.record.id);
}

#[test]
fn the_anchor_never_outlives_the_certificate() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world
        .anchoring(&store, &crls)
        .with_credential_lifetime(100 * 365 * DAY);
    let challenge = anchoring.challenge(at()).unwrap();
    let response =
        AnchorResponse::build(&challenge, &*holder(), &auth_signer(&card), ISS, at()).unwrap();
    let anchored = anchoring.anchor(&response, at()).unwrap();
    let not_after = Certificate::parse(card.authentication_certificate())
        .unwrap()
        .validity()
        .not_after;
    assert_eq!(anchored.record.expires_at, not_after);
    let verified = sdjwt_vc::verify(
        &anchored.credential.to_string(),
        default_provider(),
        &world.issuer_key.public_key(),
        &VcVerifyOptions::at(at(), KeyBindingRule::Optional),
    )
    .unwrap();
    // `exp` is the day's cohort's (00:00 JST, a hundred years on), not the certificate's
    // end, which would give the holder's birthday away to every issuer shown the anchor.
    let cohort_exp = Cohort::floor(at().plus_seconds(100 * 365 * DAY)).unwrap();
    assert_eq!(verified.claims()["exp"], cohort_exp.as_unix());
    assert_eq!(
        verified.claims()["iat"],
        Cohort::of(at()).unwrap().issued_at().as_unix()
    );
    // The certificate's end still ends it: through the status list.
    assert_eq!(lapse_due(&store, not_after.minus_seconds(1)).unwrap(), 0);
    assert_eq!(lapse_due(&store, not_after).unwrap(), 1);
    assert_eq!(
        store.credential_status(&anchored.record.id).unwrap(),
        Status::INVALID
    );
}

#[test]
fn challenges_are_single_use_short_lived_and_must_be_ours() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world.anchoring(&store, &crls);
    let signer = auth_signer(&card);
    let holder = holder();

    let challenge = anchoring.challenge(at()).unwrap();
    assert_eq!(challenge.expires_at, at().plus_seconds(300));
    let response = AnchorResponse::build(&challenge, &*holder, &signer, ISS, at()).unwrap();
    anchoring.anchor(&response, at()).unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Challenge(ChallengeRejection::AlreadyUsed)
    );

    let late = anchoring.challenge(at()).unwrap();
    let response = AnchorResponse::build(&late, &*holder, &signer, ISS, at()).unwrap();
    assert_eq!(
        anchoring
            .anchor(&response, at().plus_seconds(300))
            .unwrap_err(),
        Error::Challenge(ChallengeRejection::Expired)
    );

    let forged = myna_issuer::anchor::Challenge {
        nonce: myna_vc_core::b64::encode([7u8; 32]),
        expires_at: at().plus_seconds(300),
    };
    let response = AnchorResponse::build(&forged, &*holder, &signer, ISS, at()).unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Challenge(ChallengeRejection::Unknown)
    );
    // Nothing but the one good anchor was recorded.
    assert_eq!(store.all_records().unwrap().len(), 1);
}

#[test]
fn holder_proofs_must_be_by_their_own_key_for_this_issuer() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world.anchoring(&store, &crls);
    let signer = auth_signer(&card);
    let (holder, other) = (holder(), holder());

    // A proof that names one key in `jwk` but is signed by another.
    let challenge = anchoring.challenge(at()).unwrap();
    let mut response = AnchorResponse::build(&challenge, &*holder, &signer, ISS, at()).unwrap();
    let mut header = JwsHeader::new(other.algorithm()).with_typ(PROOF_TYP);
    header.jwk = Some(Jwk::new(holder.public_key()));
    let claims = serde_json::json!({"nonce": challenge.nonce, "aud": ISS, "iat": at().as_unix()});
    response.holder_proof =
        myna_vc_core::jwt::sign(&header, claims.as_object().unwrap(), &*other).unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Anchor(AnchorRejection::ProofSignature)
    );

    // A proof addressed to another issuer.
    let challenge = anchoring.challenge(at()).unwrap();
    let response = AnchorResponse::build(
        &challenge,
        &*holder,
        &signer,
        "https://elsewhere.example",
        at(),
    )
    .unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Anchor(AnchorRejection::WrongAudience)
    );

    // A proof made long before the challenge existed.
    let challenge = anchoring.challenge(at()).unwrap();
    let response =
        AnchorResponse::build(&challenge, &*holder, &signer, ISS, at().minus_seconds(3600))
            .unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Anchor(AnchorRejection::ProofTime)
    );
    assert!(store.all_records().unwrap().is_empty());
}

#[test]
fn the_card_must_vouch_for_the_key_that_signed_the_proof() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world.anchoring(&store, &crls);
    let signer = auth_signer(&card);
    let challenge = anchoring.challenge(at()).unwrap();
    let mine = AnchorResponse::build(&challenge, &*holder(), &signer, ISS, at()).unwrap();
    let theirs = AnchorResponse::build(&challenge, &*holder(), &signer, ISS, at()).unwrap();
    let spliced = AnchorResponse {
        card_jws: theirs.card_jws,
        ..mine
    };
    assert_eq!(
        anchoring.anchor(&spliced, at()).unwrap_err(),
        Error::Anchor(AnchorRejection::HolderKeyMismatch)
    );

    // A card signature over another challenge's nonce.
    let first = anchoring.challenge(at()).unwrap();
    let second = anchoring.challenge(at()).unwrap();
    let holder = holder();
    let for_first = AnchorResponse::build(&first, &*holder, &signer, ISS, at()).unwrap();
    let for_second = AnchorResponse::build(&second, &*holder, &signer, ISS, at()).unwrap();
    let spliced = AnchorResponse {
        card_jws: for_second.card_jws,
        ..for_first
    };
    assert_eq!(
        anchoring.anchor(&spliced, at()).unwrap_err(),
        Error::Anchor(AnchorRejection::NonceMismatch {
            part: "card payload"
        })
    );
}

#[test]
fn a_signature_certificate_is_refused_for_anchoring() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world.anchoring(&store, &crls);
    let challenge = anchoring.challenge(at()).unwrap();
    let response =
        AnchorResponse::build(&challenge, &*holder(), &sign_signer(&card), ISS, at()).unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Card(myna_jpki::Error::WrongCertificateType {
            expected: CertificateType::Authentication,
            found: CertificateType::Signature,
        })
    );
}

#[test]
fn a_production_deployment_refuses_a_test_card() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/jpki-roots"
    );
    let roots: Vec<Vec<u8>> = [
        "auth_ca_2015",
        "auth_ca_2023",
        "sign_ca_2015",
        "sign_ca_2023",
    ]
    .iter()
    .map(|stem| pem_to_der(&std::fs::read_to_string(format!("{dir}/{stem}.pem")).unwrap()))
    .collect();
    let production = Validator::new(
        RootSet::production(&roots, default_provider()).unwrap(),
        default_provider(),
    );
    let anchoring = myna_issuer::anchor::Anchoring::new(
        &store,
        &*world.issuer,
        ISS,
        &production,
        &[],
        world.uri.clone(),
        &world.challenge_key,
    );
    let challenge = anchoring.challenge(at()).unwrap();
    let response =
        AnchorResponse::build(&challenge, &*holder(), &auth_signer(&card), ISS, at()).unwrap();
    assert_eq!(
        anchoring.anchor(&response, at()).unwrap_err(),
        Error::Card(myna_jpki::Error::TestCertificateInProduction)
    );
    let _ = world.crls(at());
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    myna_vc_core::b64::decode(&body, "PEM body").unwrap()
}

#[test]
fn a_card_on_the_crl_is_refused() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    world.ca.revoke(
        CertificateType::Authentication,
        card.authentication_serial(),
        CrlReason::LOSS,
        T0.plus_seconds(3600),
    );
    let err = world.anchor(&store, &card, &*holder(), at()).unwrap_err();
    assert!(
        matches!(err, Error::Card(myna_jpki::Error::Revoked { reason, .. }) if reason == CrlReason::LOSS),
        "{err:?}"
    );
}

#[test]
fn a_redb_store_keeps_the_person_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let mut world = World::new();
    let card = world.issue_card(MAEBASHI);
    let first = {
        let store = new_store(RedbStore::open(&path).unwrap());
        world.anchor(&store, &card, &*holder(), at()).unwrap()
    };
    let store = RedbStore::open(&path).unwrap();
    let second = world.anchor(&store, &card, &*holder(), at()).unwrap();
    assert!(first.new_subject && !second.new_subject);
    assert_eq!(first.subject, second.subject);
    assert_eq!(store.all_records().unwrap().len(), 2);
    assert_eq!(store.verify_audit_chain().unwrap(), 3);
}

#[test]
fn an_oversized_card_jws_is_a_typed_error() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let crls = world.crls(at());
    let anchoring = world.anchoring(&store, &crls);
    let challenge = anchoring.challenge(at()).unwrap();
    let mut response =
        AnchorResponse::build(&challenge, &*holder(), &auth_signer(&card), ISS, at()).unwrap();
    response.card_jws = "a".repeat((1 << 20) + 1);
    let err = anchoring.anchor(&response, at()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Card(myna_jpki::Error::Core(myna_vc_core::Error::Input(
                myna_vc_core::InputError::TooLarge { .. }
            )))
        ),
        "{err:?}"
    );
    // Truncated: the card JWS cut in half.
    let challenge = anchoring.challenge(at()).unwrap();
    let mut response =
        AnchorResponse::build(&challenge, &*holder(), &auth_signer(&card), ISS, at()).unwrap();
    response.card_jws.truncate(response.card_jws.len() / 2);
    assert!(matches!(
        anchoring.anchor(&response, at()),
        Err(Error::Card(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn garbage_answers_are_typed_errors(nonce in ".{0,64}", proof in ".{0,300}") {
        let world = World::new();
        let store = new_store(engine::fresh_store());
        let anchoring = world.anchoring(&store, &[]);
        // Garbage nonce.
        let response = AnchorResponse { nonce, holder_proof: proof.clone(), card_jws: proof.clone() };
        prop_assert!(anchoring.anchor(&response, at()).is_err());
        // A live nonce with a garbage holder proof and card JWS.
        let challenge = anchoring.challenge(at()).unwrap();
        let response = AnchorResponse { nonce: challenge.nonce, holder_proof: proof.clone(), card_jws: proof };
        prop_assert!(anchoring.anchor(&response, at()).is_err());
        prop_assert!(store.all_records().unwrap().is_empty());
    }
}

//! Importing CRLs: a renewed card keeps its person (and pseudonyms), moving house revokes the
//! residence credentials only, a lost card revokes its anchors.
#![cfg(test)]

mod card_fixture;
mod engine;

use card_fixture::*;
use myna_issuer::anchor::subject_for_signature_certificate;
use myna_issuer::audit::ActorRole;
use myna_issuer::cascade::{import_crl, CascadeSummary};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::{CredentialId, Fact, FactSet, NewCredential, SubjectHandle};
use myna_issuer::revocation::{RevocationReason, Transition};
use myna_issuer::store::{AnyStore, Store};
use myna_issuer::Error;
use myna_jpki::crl::RevocationReason as CrlReason;
use myna_jpki::profile::CertificateType;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::status_list::Status;
use myna_vc_core::time::NumericDate;

fn day(n: u64) -> NumericDate {
    T0.plus_seconds(n * DAY)
}

fn revoked_for(store: &AnyStore, id: &CredentialId) -> Option<RevocationReason> {
    let record = store.record(id).unwrap().unwrap();
    assert_eq!(store.credential_status(id).unwrap(), Status::INVALID);
    record
        .last_change
        .filter(|c| c.transition == Transition::Revoke)
        .map(|c| c.reason)
}

#[test]
fn a_renewed_card_keeps_the_person_and_its_pseudonyms() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let old_card = world.issue_card(MAEBASHI);
    let first = world.anchor(&store, &old_card, &*holder(), day(1)).unwrap();

    let [_, auth, sign] = rsa_keys().clone();
    let new_card = world
        .ca
        .renew_card(&old_card, &facts(MAEBASHI), auth, sign, day(10))
        .unwrap();
    let crl = world.crl(CertificateType::Authentication, day(10));
    let summary = import_crl(&store, &crl, world.ca.linking(), day(10)).unwrap();
    assert_eq!(
        summary,
        CascadeSummary {
            certificates_checked: 1,
            certificates_revoked: 1,
            subjects: 1,
            successors_linked: 1,
            anchors_revoked: 1,
            ..CascadeSummary::default()
        }
    );
    assert_eq!(
        revoked_for(&store, &first.record.id),
        Some(RevocationReason::Superseded)
    );

    let second = world
        .anchor(&store, &new_card, &*holder(), day(11))
        .unwrap();
    assert!(!second.new_subject);
    assert_eq!(second.subject, first.subject);
    assert_eq!(
        store.credential_status(&second.record.id).unwrap(),
        Status::VALID
    );
    let key = PseudonymKey::generate().unwrap();
    let forum = ContextId::parse("maebashi-forum").unwrap();
    assert_eq!(
        key.derive(&first.subject, &forum),
        key.derive(&second.subject, &forum)
    );

    // The old card is refused now, and importing the same CRL again changes nothing.
    assert!(matches!(
        world.anchor(&store, &old_card, &*holder(), day(11)),
        Err(Error::Card(myna_jpki::Error::Revoked { .. }))
    ));
    let again = import_crl(&store, &crl, world.ca.linking(), day(12)).unwrap();
    assert_eq!(again.certificates_revoked, 0);
    assert_eq!(again.certificates_checked, 2);
    assert_eq!(
        store.verify_audit_chain().unwrap(),
        store.audit_entries(0..100).unwrap().len() as u64
    );
}

#[test]
fn moving_house_revokes_residence_credentials_and_leaves_age_valid() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let anchor = world.anchor(&store, &card, &*holder(), day(1)).unwrap();
    let sign_serial = card.signature_serial().unwrap();
    let person =
        subject_for_signature_certificate(&store, world.ca.linking(), &sign_serial, day(1))
            .unwrap();
    assert_eq!(person, anchor.subject);

    let credential = |vct: &str, facts: &[Fact]| NewCredential {
        vct: Vct::parse(vct).unwrap(),
        subject: person,
        facts: FactSet::of(facts),
        issued_at: day(1),
        expires_at: day(300),
        holder_key: None,
    };
    let issued = store
        .issue_batch(
            &world.uri,
            vec![
                credential("urn:myna-vc:vct:resident:1", &[Fact::Residence]),
                credential("urn:myna-vc:vct:age:1", &[Fact::BirthDate]),
                credential(
                    "urn:myna-vc:vct:child-medical-subsidy:1",
                    &[Fact::Residence, Fact::Guardian],
                ),
            ],
            ActorRole::System,
            day(1),
        )
        .unwrap();
    // Someone else's resident credential must not be touched.
    let stranger = store
        .issue_batch(
            &world.uri,
            vec![NewCredential {
                subject: SubjectHandle::random().unwrap(),
                ..credential("urn:myna-vc:vct:resident:1", &[Fact::Residence])
            }],
            ActorRole::System,
            day(1),
        )
        .unwrap();

    let [_, _, sign] = rsa_keys().clone();
    let moved = world
        .ca
        .change_facts(&card, &facts(TAKASAKI), sign, day(20))
        .unwrap();
    let crl = world.crl(CertificateType::Signature, day(20));
    let summary = import_crl(&store, &crl, world.ca.linking(), day(20)).unwrap();
    assert_eq!(
        summary,
        CascadeSummary {
            certificates_checked: 1,
            certificates_revoked: 1,
            subjects: 1,
            successors_linked: 1,
            residence_revoked: 2,
            ..CascadeSummary::default()
        }
    );

    let residence = RevocationReason::FactChanged(Fact::Residence);
    assert_eq!(revoked_for(&store, &issued[0].id), Some(residence));
    assert_eq!(revoked_for(&store, &issued[2].id), Some(residence));
    for still_valid in [&issued[1].id, &anchor.record.id, &stranger[0].id] {
        assert_eq!(store.credential_status(still_valid).unwrap(), Status::VALID);
    }
    let log = store.audit_entries(0..100).unwrap();
    let revocations: Vec<_> = log
        .iter()
        .filter(|e| e.action.as_str() == "credential.revoked")
        .collect();
    assert_eq!(revocations.len(), 2);
    assert!(revocations.iter().all(|e| e
        .subject
        .as_str()
        .ends_with("reason:fact_changed:residence")));
    assert!(log
        .iter()
        .any(|e| e.action.as_str() == "certificate.revoked"
            && e.subject
                .as_str()
                .ends_with("reason:crl:affiliation_changed")));

    // The new signature certificate leads to the same person.
    let new_serial = moved.signature_serial().unwrap();
    assert_ne!(new_serial, sign_serial);
    assert_eq!(
        subject_for_signature_certificate(&store, world.ca.linking(), &new_serial, day(21))
            .unwrap(),
        person
    );
    // The old one anchors nothing any more.
    assert_eq!(
        subject_for_signature_certificate(&store, world.ca.linking(), &sign_serial, day(21)),
        Err(Error::CertificateRevoked(CrlReason::MOVING_HOUSE))
    );
}

#[test]
fn a_lost_card_revokes_its_anchors() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let card = world.issue_card(MAEBASHI);
    let anchors = [
        world.anchor(&store, &card, &*holder(), day(1)).unwrap(),
        world.anchor(&store, &card, &*holder(), day(2)).unwrap(),
    ];
    let age = store
        .issue_batch(
            &world.uri,
            vec![NewCredential {
                vct: Vct::parse("urn:myna-vc:vct:age:1").unwrap(),
                subject: anchors[0].subject,
                facts: FactSet::of(&[Fact::BirthDate]),
                issued_at: day(2),
                expires_at: day(300),
                holder_key: None,
            }],
            ActorRole::System,
            day(2),
        )
        .unwrap();
    world.ca.revoke(
        CertificateType::Authentication,
        card.authentication_serial(),
        CrlReason::LOSS,
        day(3),
    );
    let crl = world.crl(CertificateType::Authentication, day(3));
    let summary = import_crl(&store, &crl, world.ca.linking(), day(3)).unwrap();
    assert_eq!(summary.anchors_revoked, 2);
    assert_eq!(summary.successors_linked, 0);
    for anchored in &anchors {
        assert_eq!(
            revoked_for(&store, &anchored.record.id),
            Some(RevocationReason::KeyCompromise)
        );
    }
    assert_eq!(store.credential_status(&age[0].id).unwrap(), Status::VALID);
}

#[test]
fn a_renewed_card_anchored_before_the_crl_import_is_reported_not_merged() {
    let mut world = World::new();
    let store = new_store(engine::fresh_store());
    let old_card = world.issue_card(MAEBASHI);
    let first = world.anchor(&store, &old_card, &*holder(), day(1)).unwrap();
    let [_, auth, sign] = rsa_keys().clone();
    let new_card = world
        .ca
        .renew_card(&old_card, &facts(MAEBASHI), auth, sign, day(10))
        .unwrap();
    let early = world
        .anchor(&store, &new_card, &*holder(), day(11))
        .unwrap();
    assert_ne!(early.subject, first.subject);

    let crl = world.crl(CertificateType::Authentication, day(12));
    let summary = import_crl(&store, &crl, world.ca.linking(), day(12)).unwrap();
    assert_eq!(summary.successor_conflicts, 1);
    assert_eq!(summary.successors_linked, 0);
    // The old card's anchor still falls; the new card's anchor (issued after) stays.
    assert_eq!(summary.anchors_revoked, 1);
    assert_eq!(
        store.credential_status(&early.record.id).unwrap(),
        Status::VALID
    );
}

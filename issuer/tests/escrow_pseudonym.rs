//! Context pseudonyms and the due-process escrow, at library level (DOMAIN.md §2.1, §5):
//! same person + same context → same pseudonym; different contexts → unrelated values;
//! 2 of 3 trustees open an escrowed link, 1 cannot, and nothing opens with the wrong parts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, SealedLink, TrusteeKey};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_issuer::Error;
use proptest::prelude::*;

fn trustees() -> [TrusteeKey; 3] {
    [
        "maebashi-city",
        "data-governance-committee",
        "court-appointed",
    ]
    .map(|id| TrusteeKey::generate(id).unwrap())
}

fn sealed_for(trustees: &[TrusteeKey], threshold: u8) -> (EscrowedLink, SealedLink) {
    let policy =
        EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), threshold).unwrap();
    let person = SubjectHandle::random().unwrap();
    let context = ContextId::parse("maebashi-forum").unwrap();
    let pseudonym = PseudonymKey::generate().unwrap().derive(&person, &context);
    let link = EscrowedLink {
        context,
        pseudonym,
        person,
    };
    let sealed = escrow::seal(&policy, &link).unwrap();
    (link, sealed)
}

#[test]
fn the_pseudonym_prf_matches_an_independent_hmac() {
    // Computed with Python's hmac module: HMAC-SHA-256(key = bytes 0..63,
    // "myna-vc/context-pseudonym/v1" || u64be(len(ctx)) || ctx || handle), base64url.
    let mut key = [0u8; 64];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::try_from(i).unwrap();
    }
    let pseudonym = PseudonymKey::from_bytes(key).derive(
        &SubjectHandle::from_bytes([7; 32]),
        &ContextId::parse("maebashi-forum").unwrap(),
    );
    assert_eq!(
        pseudonym.as_str(),
        "NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o"
    );
}

#[test]
fn same_person_same_context_same_pseudonym_across_devices_and_renewals() {
    let key = PseudonymKey::generate().unwrap();
    let person = SubjectHandle::random().unwrap();
    let forum = ContextId::parse("maebashi-forum").unwrap();
    // A renewed card or a second device maps to the same person handle (linking information),
    // so the derivation sees the same inputs.
    let first_device = key.derive(&person, &forum);
    let renewed_card = key.derive(&SubjectHandle::from_bytes(*person.as_bytes()), &forum);
    assert_eq!(first_device, renewed_card);
    // Another person in the same forum differs: a second account is a different person.
    assert_ne!(
        first_device,
        key.derive(&SubjectHandle::random().unwrap(), &forum)
    );
    // Another issuer key gives unrelated values.
    assert_ne!(
        first_device,
        PseudonymKey::generate().unwrap().derive(&person, &forum)
    );
}

proptest! {
    #[test]
    fn different_contexts_give_different_pseudonyms(a in "[ -~]{1,40}", b in "[ -~]{1,40}", handle in any::<[u8; 32]>()) {
        prop_assume!(a != b);
        let key = PseudonymKey::from_bytes([42; 64]);
        let person = SubjectHandle::from_bytes(handle);
        let (pa, pb) = (key.derive(&person, &ContextId::parse(&a).unwrap()), key.derive(&person, &ContextId::parse(&b).unwrap()));
        prop_assert_ne!(pa.as_str(), pb.as_str());
        prop_assert_eq!(pa.as_str().len(), 43);
    }

    #[test]
    fn context_ids_are_checked(id in ".{0,300}") {
        let ok = !id.is_empty() && id.len() <= 256 && !id.chars().any(char::is_control);
        prop_assert_eq!(ContextId::parse(&id).is_ok(), ok);
    }
}

#[test]
fn any_two_of_three_trustees_open_and_one_cannot() {
    let t = trustees();
    let (link, sealed) = sealed_for(&t, 2);
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        let opened = escrow::open(
            &sealed,
            &[
                t[a].release(&sealed).unwrap(),
                t[b].release(&sealed).unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(opened.link, link);
        assert_eq!(opened.trustees.len(), 2);
    }
    for single in &t {
        let err = escrow::open(&sealed, &[single.release(&sealed).unwrap()]).unwrap_err();
        assert_eq!(
            err,
            Error::EscrowQuorumNotMet {
                required: 2,
                given: 1
            }
        );
    }
    // The same trustee twice is still one trustee.
    let twice = [
        t[0].release(&sealed).unwrap(),
        t[0].release(&sealed).unwrap(),
    ];
    assert_eq!(
        escrow::open(&sealed, &twice).unwrap_err(),
        Error::EscrowQuorumNotMet {
            required: 2,
            given: 1
        }
    );
    assert_eq!(
        escrow::open(&sealed, &[]).unwrap_err(),
        Error::EscrowQuorumNotMet {
            required: 2,
            given: 0
        }
    );
}

#[test]
fn three_of_three_needs_all_three() {
    let t = trustees();
    let (link, sealed) = sealed_for(&t, 3);
    let two = [
        t[0].release(&sealed).unwrap(),
        t[1].release(&sealed).unwrap(),
    ];
    assert!(matches!(
        escrow::open(&sealed, &two),
        Err(Error::EscrowQuorumNotMet {
            required: 3,
            given: 2
        })
    ));
    let all: Vec<_> = t.iter().map(|k| k.release(&sealed).unwrap()).collect();
    assert_eq!(escrow::open(&sealed, &all).unwrap().link, link);
}

#[test]
fn outsiders_and_shares_of_other_records_are_refused() {
    let t = trustees();
    let (_, sealed) = sealed_for(&t, 2);
    let (_, other) = sealed_for(&t, 2);
    let outsider = TrusteeKey::generate("someone-else").unwrap();
    assert_eq!(
        outsider.release(&sealed).unwrap_err(),
        Error::NotATrustee("someone-else".into())
    );
    // A share released for another record cannot be used here, even from a real trustee.
    let mixed = [
        t[0].release(&sealed).unwrap(),
        t[1].release(&other).unwrap(),
    ];
    assert!(matches!(
        escrow::open(&sealed, &mixed),
        Err(Error::NotATrustee(_))
    ));
    // A trustee key with the right name but the wrong secret cannot release.
    let impostor = TrusteeKey::generate("maebashi-city").unwrap();
    assert!(matches!(
        impostor.release(&sealed),
        Err(Error::EscrowDecryption(_))
    ));
}

#[test]
fn policies_that_let_one_party_open_are_refused() {
    let t = trustees();
    let keys: Vec<_> = t.iter().map(TrusteeKey::public).collect();
    assert!(matches!(
        EscrowPolicy::new(keys.clone(), 1),
        Err(Error::InvalidEscrowPolicy(_))
    ));
    assert!(matches!(
        EscrowPolicy::new(keys.clone(), 4),
        Err(Error::InvalidEscrowPolicy(_))
    ));
    assert!(matches!(
        EscrowPolicy::new(vec![keys[0].clone(), keys[0].clone()], 2),
        Err(Error::InvalidEscrowPolicy(_))
    ));
    assert!(EscrowPolicy::new(keys, 2).is_ok());
}

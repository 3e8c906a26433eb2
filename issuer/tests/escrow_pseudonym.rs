//! Context pseudonyms and the due-process escrow, at library level (DOMAIN.md §2.1, §5):
//! same person + same context → same pseudonym; different contexts → unrelated values;
//! 2 of 3 trustees open an escrowed link, 1 cannot, and nothing opens with the wrong parts;
//! issuance stores the sealed link, and every opening through the store is audited.
#![cfg(test)]

mod engine;

use myna_issuer::audit::{ActorRole, AuditAction, AuditEntry};
use myna_issuer::escrow::{self, EscrowError, EscrowPolicy, EscrowedLink, SealedLink, TrusteeKey};
use myna_issuer::issuance::{CredentialIssuer, IssuerProfile};
use myna_issuer::pseudonym::{ContextId, Pseudonym, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{AnyStore, RedbStore, Store};
use myna_issuer::Error;
use myna_vc_core::crypto::{default_provider, SecretKey};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
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
    let link = EscrowedLink::derive(
        &PseudonymKey::generate().unwrap(),
        SubjectHandle::random().unwrap(),
        ContextId::parse("maebashi-forum").unwrap(),
    );
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
        EscrowError::NotATrustee("someone-else".into())
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
        Err(EscrowError::EscrowDecryption(_))
    ));
}

#[test]
fn policies_that_let_one_party_open_are_refused() {
    let t = trustees();
    let keys: Vec<_> = t.iter().map(TrusteeKey::public).collect();
    assert!(matches!(
        EscrowPolicy::new(keys.clone(), 1),
        Err(EscrowError::InvalidEscrowPolicy(_))
    ));
    assert!(matches!(
        EscrowPolicy::new(keys.clone(), 4),
        Err(EscrowError::InvalidEscrowPolicy(_))
    ));
    assert!(matches!(
        EscrowPolicy::new(vec![keys[0].clone(), keys[0].clone()], 2),
        Err(EscrowError::InvalidEscrowPolicy(_))
    ));
    assert!(EscrowPolicy::new(keys, 2).is_ok());
}

// ---- the escrow store: issuance seals, openings are audited ----

const NOW: i64 = 1_800_000_000;

fn policy_of(trustees: &[TrusteeKey]) -> EscrowPolicy {
    EscrowPolicy::new(trustees.iter().map(TrusteeKey::public).collect(), 2).unwrap()
}

fn list() -> StatusListUri {
    StatusListUri::new("https://city.maebashi.example/status/1").unwrap()
}

/// Issues one pseudonym credential for `person` in `context` through a `CredentialIssuer` with
/// escrow; returns the pseudonym as the credential states it.
fn issue_pseudonym<S: Store>(
    store: &S,
    trustees: &[TrusteeKey],
    key: &PseudonymKey,
    person: SubjectHandle,
    context: &ContextId,
) -> Pseudonym {
    let signer = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let issuer = CredentialIssuer::new(
        store,
        &*signer,
        IssuerProfile::operator("https://forum.example", list()),
    )
    .unwrap()
    .with_escrow(policy_of(trustees));
    let now = NumericDate::from_unix(NOW);
    let holder = SecretKey::generate_p256().unwrap().public_key();
    let issued = issuer
        .context_pseudonym(
            key,
            person,
            context,
            &holder,
            now.plus_seconds(2 * 86_400),
            now,
        )
        .unwrap();
    let claims = issued.credential.unverified_claims().unwrap();
    Pseudonym::parse(claims["pseudonym"].as_str().unwrap()).unwrap()
}

/// A memory store with a status list and one issued pseudonym credential.
fn forum_with_one_member() -> (
    AnyStore,
    [TrusteeKey; 3],
    SubjectHandle,
    ContextId,
    Pseudonym,
) {
    let store = engine::fresh_store();
    store.create_status_list(&list(), 64).unwrap();
    let t = trustees();
    let person = SubjectHandle::random().unwrap();
    let context = ContextId::parse("maebashi-forum").unwrap();
    let key = PseudonymKey::generate().unwrap();
    let pseudonym = issue_pseudonym(&store, &t, &key, person, &context);
    (store, t, person, context, pseudonym)
}

fn last_entry(store: &impl Store) -> AuditEntry {
    let count = store.verify_audit_chain().unwrap();
    store
        .audit_entries(count - 1..count)
        .unwrap()
        .pop()
        .unwrap()
}

#[test]
fn issuing_a_pseudonym_credential_stores_its_sealed_link_once() {
    let store = engine::fresh_store();
    store.create_status_list(&list(), 64).unwrap();
    let t = trustees();
    let key = PseudonymKey::generate().unwrap();
    let person = SubjectHandle::random().unwrap();
    let context = ContextId::parse("maebashi-forum").unwrap();

    let pseudonym = issue_pseudonym(&store, &t, &key, person, &context);
    assert_eq!(pseudonym, key.derive(&person, &context));
    let stored = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    // The stored link is sealed to this policy's trustees and opens to this person.
    assert_eq!(stored.threshold(), 2);
    assert_eq!(stored.trustees().count(), 3);
    let opened = escrow::open(
        &stored,
        &[
            t[1].release(&stored).unwrap(),
            t[2].release(&stored).unwrap(),
        ],
    )
    .unwrap();
    assert_eq!(
        opened.link,
        EscrowedLink {
            context: context.clone(),
            pseudonym: pseudonym.clone(),
            person
        }
    );

    // A second device: same pseudonym, and the first sealing stays (sealing is randomized, so
    // a replaced link would have another record id).
    let again = issue_pseudonym(&store, &t, &key, person, &context);
    assert_eq!(again, pseudonym);
    assert_eq!(
        store.sealed_link(&context, &pseudonym).unwrap().unwrap(),
        stored
    );
    assert_eq!(store.all_records().unwrap().len(), 2);
    // Another context is another link.
    let sale = ContextId::parse("izu-limited-sake-2026").unwrap();
    let other = issue_pseudonym(&store, &t, &key, person, &sale);
    assert_ne!(other, pseudonym);
    assert!(store.sealed_link(&sale, &other).unwrap().is_some());
    assert!(store.sealed_link(&sale, &pseudonym).unwrap().is_none());
}

#[test]
fn a_pseudonym_credential_that_cannot_be_recorded_leaves_no_sealed_link() {
    // The sealed link and the record are one transaction: a full status list refuses both.
    let store = engine::fresh_store();
    store.create_status_list(&list(), 8).unwrap();
    let t = trustees();
    let key = PseudonymKey::generate().unwrap();
    let context = ContextId::parse("maebashi-forum").unwrap();
    for _ in 0..8 {
        issue_pseudonym(&store, &t, &key, SubjectHandle::random().unwrap(), &context);
    }
    let signer = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let issuer = CredentialIssuer::new(
        &store,
        &*signer,
        IssuerProfile::operator("https://forum.example", list()),
    )
    .unwrap()
    .with_escrow(policy_of(&t));
    let person = SubjectHandle::random().unwrap();
    let now = NumericDate::from_unix(NOW);
    let holder = SecretKey::generate_p256().unwrap().public_key();
    let err = issuer
        .context_pseudonym(
            &key,
            person,
            &context,
            &holder,
            now.plus_seconds(2 * 86_400),
            now,
        )
        .unwrap_err();
    assert!(matches!(err, Error::StatusListFull { .. }));
    let pseudonym = key.derive(&person, &context);
    assert_eq!(store.sealed_link(&context, &pseudonym).unwrap(), None);
    assert_eq!(store.all_records().unwrap().len(), 8);
}

#[test]
fn an_issuer_without_an_escrow_policy_issues_no_pseudonym_and_records_nothing() {
    let store = engine::fresh_store();
    store.create_status_list(&list(), 64).unwrap();
    let signer = default_provider()
        .signer(&SecretKey::generate_p256().unwrap())
        .unwrap();
    let issuer = CredentialIssuer::new(
        &store,
        &*signer,
        IssuerProfile::operator("https://forum.example", list()),
    )
    .unwrap();
    assert!(issuer.escrow().is_none());
    let now = NumericDate::from_unix(NOW);
    let holder = SecretKey::generate_p256().unwrap().public_key();
    let err = issuer
        .context_pseudonym(
            &PseudonymKey::generate().unwrap(),
            SubjectHandle::random().unwrap(),
            &ContextId::parse("maebashi-forum").unwrap(),
            &holder,
            now.plus_seconds(2 * 86_400),
            now,
        )
        .unwrap_err();
    assert_eq!(err, Error::EscrowNotConfigured);
    assert!(store.all_records().unwrap().is_empty());
    assert_eq!(store.verify_audit_chain().unwrap(), 0);
}

#[test]
fn two_of_three_open_through_the_store_and_the_opening_is_audited() {
    let (store, t, person, context, pseudonym) = forum_with_one_member();
    let before = store.verify_audit_chain().unwrap();
    let sealed = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    let releases = [
        t[0].release(&sealed).unwrap(),
        t[2].release(&sealed).unwrap(),
    ];
    let now = NumericDate::from_unix(NOW + 86_400);

    let opened = store
        .open_sealed_link(&context, &pseudonym, &releases, now)
        .unwrap();
    assert_eq!(opened.link.person, person);
    assert_eq!(opened.link.pseudonym, pseudonym);

    // One more entry, and the whole chain still verifies.
    assert_eq!(store.verify_audit_chain().unwrap(), before + 1);
    let entry = last_entry(&store);
    assert_eq!(entry.action, AuditAction::EscrowOpened);
    assert_eq!(entry.action.as_str(), "escrow.opened");
    assert_eq!(entry.actor, ActorRole::Auditor);
    assert_eq!(entry.time, now);
    assert_eq!(
        entry.subject.as_str(),
        format!(
            r#"pseudonym:{pseudonym} context:"maebashi-forum" trustees:["maebashi-city","court-appointed"]"#
        )
    );
    // The person handle never enters the log.
    assert!(!entry.subject.as_str().contains(&person.to_string()));
    assert!(entry.verify_hash());
}

#[test]
fn one_trustee_cannot_open_and_the_refusal_is_audited() {
    let (store, t, person, context, pseudonym) = forum_with_one_member();
    let before = store.verify_audit_chain().unwrap();
    let sealed = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    let now = NumericDate::from_unix(NOW + 60);

    let err = store
        .open_sealed_link(&context, &pseudonym, &[t[1].release(&sealed).unwrap()], now)
        .unwrap_err();
    assert_eq!(
        err,
        Error::EscrowQuorumNotMet {
            required: 2,
            given: 1
        }
    );
    assert_eq!(store.verify_audit_chain().unwrap(), before + 1);
    let entry = last_entry(&store);
    assert_eq!(entry.action, AuditAction::EscrowOpeningRefused);
    assert_eq!(entry.actor, ActorRole::Auditor);
    assert_eq!(
        entry.subject.as_str(),
        format!(
            r#"pseudonym:{pseudonym} context:"maebashi-forum" trustees:["data-governance-committee"] reason:quorum_not_met"#
        )
    );
    assert!(!entry.subject.as_str().contains(&person.to_string()));
}

#[test]
fn the_issuer_alone_cannot_open_there_is_no_opening_without_releases() {
    // The issuer holds the pseudonym key, the signing key and the store — no trustee key. The
    // only openings take released shares; with none, the opening is refused and audited.
    let (store, _, _, context, pseudonym) = forum_with_one_member();
    let now = NumericDate::from_unix(NOW);
    let err = store
        .open_sealed_link(&context, &pseudonym, &[], now)
        .unwrap_err();
    assert_eq!(
        err,
        Error::EscrowQuorumNotMet {
            required: 2,
            given: 0
        }
    );
    let entry = last_entry(&store);
    assert_eq!(entry.action, AuditAction::EscrowOpeningRefused);
    assert!(entry
        .subject
        .as_str()
        .ends_with("trustees:[] reason:quorum_not_met"));

    // A key of the issuer's own making, under a trustee's name, releases nothing.
    let sealed = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    let forged = TrusteeKey::generate("maebashi-city").unwrap();
    assert!(matches!(
        forged.release(&sealed),
        Err(EscrowError::EscrowDecryption(_))
    ));
}

#[test]
fn opening_an_unknown_or_misplaced_link_is_refused_and_audited() {
    let (store, t, _, context, pseudonym) = forum_with_one_member();
    let now = NumericDate::from_unix(NOW);
    let sealed = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    let releases = [
        t[0].release(&sealed).unwrap(),
        t[1].release(&sealed).unwrap(),
    ];

    let stranger = PseudonymKey::generate()
        .unwrap()
        .derive(&SubjectHandle::random().unwrap(), &context);
    let err = store
        .open_sealed_link(&context, &stranger, &releases, now)
        .unwrap_err();
    assert_eq!(err, Error::UnknownSealedLink);
    assert!(last_entry(&store)
        .subject
        .as_str()
        .ends_with("reason:no_sealed_link"));

    // This member's sealed link filed under the stranger's pseudonym: it opens, but to another
    // pseudonym, so the store refuses to hand it out as the stranger's.
    assert!(store.put_sealed_link(&context, &stranger, &sealed).unwrap());
    let err = store
        .open_sealed_link(&context, &stranger, &releases, now)
        .unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }));
    let entry = last_entry(&store);
    assert_eq!(entry.action, AuditAction::EscrowOpeningRefused);
    assert!(entry
        .subject
        .as_str()
        .ends_with("reason:corrupt_sealed_link"));
}

#[test]
fn sealed_links_survive_a_redb_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let t = trustees();
    let (link, sealed) = sealed_for(&t, 2);
    {
        let store = RedbStore::open(&path).unwrap();
        assert!(store
            .put_sealed_link(&link.context, &link.pseudonym, &sealed)
            .unwrap());
        let (_, other) = sealed_for(&t, 2);
        assert!(!store
            .put_sealed_link(&link.context, &link.pseudonym, &other)
            .unwrap());
    }
    let store = RedbStore::open(&path).unwrap();
    let back = store
        .sealed_link(&link.context, &link.pseudonym)
        .unwrap()
        .unwrap();
    assert_eq!(back, sealed);
    let releases = [t[0].release(&back).unwrap(), t[1].release(&back).unwrap()];
    let now = NumericDate::from_unix(NOW);
    let opened = store
        .open_sealed_link(&link.context, &link.pseudonym, &releases, now)
        .unwrap();
    assert_eq!(opened.link, link);
    assert_eq!(store.verify_audit_chain().unwrap(), 1);
}

#[test]
fn pseudonym_credentials_through_redb_keep_their_sealed_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.redb");
    let t = trustees();
    let person = SubjectHandle::random().unwrap();
    let context = ContextId::parse("maebashi-forum").unwrap();
    let pseudonym = {
        let store = RedbStore::open(&path).unwrap();
        store.create_status_list(&list(), 64).unwrap();
        issue_pseudonym(
            &store,
            &t,
            &PseudonymKey::generate().unwrap(),
            person,
            &context,
        )
    };
    let store = RedbStore::open(&path).unwrap();
    let sealed = store.sealed_link(&context, &pseudonym).unwrap().unwrap();
    let opened = escrow::open(
        &sealed,
        &[
            t[0].release(&sealed).unwrap(),
            t[2].release(&sealed).unwrap(),
        ],
    )
    .unwrap();
    assert_eq!(opened.link.person, person);
}

proptest! {
    #[test]
    fn pseudonyms_parse_only_as_43_canonical_base64url_characters(text in "[A-Za-z0-9_=+/-]{0,50}") {
        let canonical = text.len() == 43
            && myna_vc_core::b64::decode(&text, "t").is_ok_and(|b| myna_vc_core::b64::encode(&b) == text);
        prop_assert_eq!(Pseudonym::parse(&text).is_ok(), canonical);
    }
}

#[test]
fn derived_pseudonyms_parse_back() {
    let p = PseudonymKey::generate().unwrap().derive(
        &SubjectHandle::random().unwrap(),
        &ContextId::parse("c").unwrap(),
    );
    assert_eq!(Pseudonym::parse(p.as_str()).unwrap(), p);
}

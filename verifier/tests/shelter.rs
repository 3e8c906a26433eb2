//! Shelter 入退所 beyond check-in: check-out (`../shared/seeds/000_2cab3622a7b836b8.txt:930`
//! "避難所の入退所手続きの効率化"), staff entries for people without a credential
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:2500` "自治会役員など地元住民でも運営できる"),
//! the sealed medical questionnaire (`../shared/seeds/002_330378ace3b016db.txt:744`
//! "問診票のシステム化"), shelters of non-municipal operators and the published crowding count
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:2512` "避難所の混雑状況を配信").

mod common;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::jwe::{EncryptionKey, RecipientKey};
use myna_verifier::core::time::NumericDate;
use myna_verifier::crowding::CrowdingLevel;
use myna_verifier::decision::{Decision, Reason};
use myna_verifier::operator::ShelterRegistry;
use myna_verifier::policy::shelter::ShelterDesk;
use myna_verifier::questionnaire::{Consent, Questionnaire};
use myna_verifier::roster::{
    check_out_decision, CheckOut, CheckedOutBy, DisasterHq, MemoryHq, NoCredential, RedbHq,
    RosterBatch, RosterEntry, RosterQueue, StaffEntry,
};

const SHELTER: &str = "kobe-chuo-es-01";

/// A Kobe resident presenting at the desk (check-in or check-out): the decision.
fn present(world: &World, desk: &ShelterDesk, evacuee: &Holder, n: &str) -> Decision {
    let (sd, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        evacuee,
    );
    let p = world.present(&sd, evacuee, &["name", "birthdate"], n);
    world
        .verifier
        .verify(desk, &single("resident", &p), &nonce(n))
}

#[test]
fn check_out_by_presenting_again_ends_the_stay_and_a_check_out_without_check_in_is_refused() {
    let world = World::new();
    let desk = ShelterDesk::new(SHELTER).unwrap();
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
    let (hanako, stranger) = (Holder::new(), Holder::new());

    let check_in = present(&world, &desk, &hanako, "in-1");
    queue.push(desk.roster_entry(&check_in).unwrap());
    assert_eq!(queue.sync(&hq).unwrap(), 1);
    assert_eq!(
        hq.store().unwrap().present().unwrap(),
        [(SHELTER.to_string(), 1)]
    );

    // Someone never checked in here presents at check-out: refused, nothing queued.
    let decision = present(&world, &desk, &stranger, "out-0");
    let out = CheckOut::from_decision(SHELTER, &decision).unwrap();
    let known = queue.is_checked_in(&out.entry_id);
    let refused = check_out_decision(decision, known);
    assert_eq!(refused.outcome.unwrap_err().reason, Reason::NotCheckedIn);
    assert_eq!(
        queue.check_out(out).unwrap_err().reason,
        Reason::NotCheckedIn
    );
    assert_eq!(queue.pending(), 0);

    // Hanako presents again: the same entry id, checked out.
    let decision = present(&world, &desk, &hanako, "out-1");
    let out = CheckOut::from_decision(SHELTER, &decision).unwrap();
    assert_eq!(out.entry_id, desk.roster_entry(&check_in).unwrap().entry_id);
    assert!(check_out_decision(decision, queue.is_checked_in(&out.entry_id)).accepted());
    queue.check_out(out.clone()).unwrap();
    // A second check-out at the desk: she is no longer checked in.
    assert_eq!(
        queue.check_out(out.clone()).unwrap_err().reason,
        Reason::NotCheckedIn
    );
    hq.lose_next_acks(1); // stored, acknowledgement lost: the desk resends
    assert!(queue.sync_report(&hq).is_err());
    let report = queue.sync_report(&hq).unwrap();
    let counts = report.check_outs.unwrap();
    assert_eq!((counts.stored, counts.duplicates), (0, 1));
    assert_eq!(
        hq.store().unwrap().present().unwrap(),
        [(SHELTER.to_string(), 0)]
    );
    assert!(!hq.store().unwrap().is_present(&out.entry_id).unwrap());
}

fn entry(shelter: &str, n: u8, at: i64) -> RosterEntry {
    let holder = myna_verifier::core::b64::encode([n; 32]);
    RosterEntry {
        entry_id: RosterEntry::id_for(shelter, KOBE, &holder),
        shelter_id: shelter.into(),
        municipality_code: "281000".into(),
        name: Some("神戸　花子".into()),
        birthdate: Some("1950-04-01".into()),
        issuer: KOBE.into(),
        holder,
        checked_in_at: NumericDate::from_unix(at),
    }
}

fn staff_out(entry_id: &str, shelter: &str, at: i64) -> CheckOut {
    CheckOut {
        entry_id: entry_id.into(),
        shelter_id: shelter.into(),
        by: CheckedOutBy::Staff("desk-tanaka".into()),
        checked_out_at: NumericDate::from_unix(at),
    }
}

#[test]
fn the_hq_refuses_check_outs_it_holds_no_check_in_for_and_counts_re_entries() {
    let hq = RedbHq::in_memory().unwrap();
    let a = entry(SHELTER, 1, T0);
    let batch = |entries: Vec<RosterEntry>, outs: Vec<CheckOut>| RosterBatch {
        entries,
        check_outs: outs,
        ..RosterBatch::default()
    };
    // A check-out of an unknown entry, and one naming another shelter than the entry's.
    let report = hq
        .submit_batch(&batch(
            vec![a.clone()],
            vec![
                staff_out(&entry(SHELTER, 9, T0).entry_id, SHELTER, T0 + 5),
                staff_out(&a.entry_id, "nada-es-02", T0 + 5),
            ],
        ))
        .unwrap();
    assert_eq!(report.stored, 1);
    assert_eq!(report.check_outs.unwrap().not_checked_in, [0, 1]);
    assert!(hq.is_present(&a.entry_id).unwrap());

    // Checked out by staff; she comes back later (a re-entry), then leaves again.
    let out = staff_out(&a.entry_id, SHELTER, T0 + 3_600);
    hq.submit_batch(&batch(vec![], vec![out.clone()])).unwrap();
    assert!(!hq.is_present(&a.entry_id).unwrap());
    // The old check-in resent (a lost acknowledgement) does not bring her back.
    assert_eq!(hq.submit(std::slice::from_ref(&a)).unwrap(), 0);
    assert!(!hq.is_present(&a.entry_id).unwrap());
    let back = RosterEntry {
        checked_in_at: NumericDate::from_unix(T0 + 7_200),
        ..a.clone()
    };
    assert_eq!(hq.submit(&[back]).unwrap(), 1);
    assert!(hq.is_present(&a.entry_id).unwrap());
    // The first check-out resent from before the re-entry ends nothing.
    let report = hq.submit_batch(&batch(vec![], vec![out])).unwrap();
    assert_eq!(report.check_outs.unwrap().duplicates, 1);
    assert!(hq.is_present(&a.entry_id).unwrap());
    assert_eq!(hq.present().unwrap(), [(SHELTER.to_string(), 1)]);
    // The summary still counts distinct check-ins (one person).
    assert_eq!(hq.summary().unwrap()[0].checked_in, 1);
}

#[test]
fn staff_entries_are_unverified_minimal_and_stored_once() {
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
    let tourist = StaffEntry::new(
        SHELTER,
        "yakuin-sato",
        1,
        NoCredential::Visitor,
        Some("Alex".into()),
        NumericDate::from_unix(T0),
    );
    let elder = StaffEntry::new(
        SHELTER,
        "yakuin-sato",
        2,
        NoCredential::NoPhone,
        None,
        NumericDate::from_unix(T0),
    );
    assert_ne!(tourist.entry_id, elder.entry_id);
    let json = serde_json::to_value(&tourist).unwrap();
    assert_eq!(json["verified"], false);
    assert_eq!(json["entered_by"], "yakuin-sato");
    for absent in ["holder", "birthdate", "issuer", "municipality_code"] {
        assert!(json.get(absent).is_none(), "{absent}");
    }
    queue.push_staff_entry(tourist.clone());
    queue.push_staff_entry(elder.clone());
    queue.push_staff_entry(tourist.clone()); // entered twice by mistake
    let report = queue.sync_report(&hq).unwrap();
    let counts = report.staff_entries.unwrap();
    assert_eq!((counts.stored, counts.duplicates), (2, 0));
    let store = hq.store().unwrap();
    assert_eq!(store.staff_entries().unwrap().len(), 2);
    assert_eq!(store.present().unwrap(), [(SHELTER.to_string(), 2)]);
    // A staff entry claiming to be verified, or with a forged id, is refused whole.
    let mut vouched = elder.clone();
    vouched.verified = true;
    let mut moved = elder;
    moved.shelter_id = "nada-es-02".into();
    for bad in [vouched, moved] {
        let batch = RosterBatch {
            staff_entries: vec![bad],
            ..RosterBatch::default()
        };
        assert!(store.submit_batch(&batch).is_err());
    }
    // Staff check the elder out from the roster.
    let out = staff_out(
        &StaffEntry::id_for(SHELTER, "yakuin-sato", 2),
        SHELTER,
        T0 + 60,
    );
    let report = store
        .submit_batch(&RosterBatch {
            check_outs: vec![out],
            ..RosterBatch::default()
        })
        .unwrap();
    assert_eq!(report.check_outs.unwrap().stored, 1);
    assert_eq!(store.present().unwrap(), [(SHELTER.to_string(), 1)]);
}

#[test]
fn the_questionnaire_reaches_medical_staff_only_sealed() {
    let medical = EncryptionKey::generate().unwrap();
    let public = RecipientKey::from_jwk(&medical.public_jwk()).unwrap();
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
    let a = entry(SHELTER, 1, T0);
    let answers = Questionnaire {
        fever: Some(true),
        chronic_conditions: Some("糖尿病".into()),
        medication: Some("インスリン".into()),
        ..Questionnaire::default()
    };
    let sealed = answers
        .seal(&a.entry_id, SHELTER, &public, Consent::given())
        .unwrap();
    // Not checked in at this desk yet: refused.
    assert_eq!(
        queue.push_questionnaire(sealed.clone()).unwrap_err().reason,
        Reason::NotCheckedIn
    );
    queue.push(a.clone());
    queue.push_questionnaire(sealed.clone()).unwrap();
    let report = queue.sync_report(&hq).unwrap();
    assert_eq!(report.questionnaires.unwrap().stored, 1);
    // The desk's batch and the HQ's store hold an opaque blob only.
    let stored = hq.store().unwrap().questionnaires(SHELTER).unwrap();
    let text = serde_json::to_string(&stored).unwrap();
    for secret in ["糖尿病", "インスリン", "fever"] {
        assert!(!text.contains(secret), "{secret}");
    }
    // Medical staff open it; another key cannot.
    assert_eq!(stored[0].open(&medical).unwrap(), answers);
    assert!(stored[0].open(&EncryptionKey::generate().unwrap()).is_err());
    // A blob moved to another person's entry is refused when opened.
    let mut moved = stored[0].clone();
    moved.entry_id = entry(SHELTER, 2, T0).entry_id;
    assert!(moved
        .open(&medical)
        .unwrap_err()
        .to_string()
        .contains("entry_id"));
    // A blob for an entry the HQ does not hold is refused as not checked in.
    let report = hq
        .submit_batch(&RosterBatch {
            questionnaires: vec![moved],
            ..RosterBatch::default()
        })
        .unwrap();
    assert_eq!(report.questionnaires.unwrap().not_checked_in, [0]);
}

const REGISTRY: &str = r#"{
  "shelters": [{"id": "kobe-chuo-es-01", "capacity": 10},
               {"id": "sakura-kominkan", "capacity": 4, "operator": "sakura-jichikai"},
               {"id": "empty-hall", "capacity": 50}],
  "operators": [{"id": "sakura-jichikai", "name": "桜町自治会",
                 "token_sha256": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
}"#;

#[test]
fn the_published_crowding_report_has_counts_and_no_personal_data() {
    let registry = ShelterRegistry::from_json(REGISTRY.as_bytes()).unwrap();
    let hq = RedbHq::in_memory().unwrap();
    let mut entries: Vec<RosterEntry> = (1..=7).map(|n| entry(SHELTER, n, T0)).collect();
    entries.extend((10..=13).map(|n| entry("sakura-kominkan", n, T0)));
    let staff = StaffEntry::new(
        "sakura-kominkan",
        "yakuin-sato",
        1,
        NoCredential::NoPhone,
        Some("能美　一郎".into()),
        NumericDate::from_unix(T0),
    );
    let batch = RosterBatch {
        entries: entries.clone(),
        staff_entries: vec![staff.clone()],
        check_outs: vec![staff_out(&entries[0].entry_id, SHELTER, T0 + 10)],
        ..RosterBatch::default()
    };
    hq.submit_batch(&batch).unwrap();
    let report = hq
        .crowding(Some(&registry), NumericDate::from_unix(T0 + 20))
        .unwrap();
    let lines: Vec<_> = report
        .shelters
        .iter()
        .map(|s| (s.shelter_id.as_str(), s.present, s.capacity, s.level))
        .collect();
    assert_eq!(
        lines,
        [
            ("empty-hall", 0, Some(50), CrowdingLevel::Open),
            (SHELTER, 6, Some(10), CrowdingLevel::Open),
            ("sakura-kominkan", 5, Some(4), CrowdingLevel::Full),
        ]
    );
    let published = serde_json::to_string(&report).unwrap();
    for personal in [
        "神戸", "能美", "1950", "holder", "name", "birth", "281000", KOBE,
    ] {
        assert!(!published.contains(personal), "{personal} in {published}");
    }
    for e in &entries {
        assert!(!published.contains(&e.entry_id) && !published.contains(&e.holder));
    }
    assert!(!published.contains(&staff.entry_id) && !published.contains("yakuin"));
}

#[test]
fn a_bad_shelters_file_is_a_typed_error_saying_where() {
    for (file, expected) in [
        (
            &br#"{"shelters": [{"id": "a b", "capacity": 1}]}"#[..],
            "shelters[0].id",
        ),
        (
            br#"{"shelters": [{"id": "a", "capacity": 0}]}"#,
            "shelters[0].capacity",
        ),
        (
            br#"{"shelters": [], "operators": [{"id": "o", "name": "O", "token_sha256": "abc"}]}"#,
            "operators[0].token_sha256",
        ),
        (
            b"{\"shelters\": [\n{\"id\": \"a\", \"capacity\": 1, \"cap\": 2}]}",
            "line 2",
        ),
    ] {
        let error = ShelterRegistry::from_json(file).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
    }
}

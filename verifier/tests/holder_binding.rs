//! One holder per presentation: every multi-credential policy refuses credentials of two
//! real holders combined in one submission — each credential issued to its own holder, each
//! individually valid — with `Reason::HolderMismatch` naming the credential bound to the
//! second key (see `specs/holder-binding.md`).
//!
//! The policies that take more than one credential: Himeji child entry (resident + age) and
//! the fan-club sale (membership + age + pseudonym). The Kobe pupil pass, the shelter desk,
//! the clinic, the age and residency checks and once-per-person take one credential each
//! (the Kobe pass reads residence and birth date from one resident credential, so one
//! signature covers both facts); `single_credential_policies_take_one` pins that, so a
//! policy that starts asking for a second credential shows up here.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::decision::{Decision, Reason};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::policy::child_entry::ChildEntry;
use myna_verifier::policy::clinic::{Care, Clinic};
use myna_verifier::policy::fan_club::FanClubSale;
use myna_verifier::policy::once_per_person::OncePerPerson;
use myna_verifier::policy::residency::Residency;
use myna_verifier::policy::shelter::ShelterDesk;
use myna_verifier::policy::Policy;
use myna_verifier::submission::Submission;
use serde_json::json;

/// Refused as `HolderMismatch`, attributed to credential `id`.
fn assert_mismatch(decision: &Decision, id: &str) {
    let rejection = decision.outcome.as_ref().expect_err("must be refused");
    assert_eq!(
        rejection.reason,
        Reason::HolderMismatch,
        "{:?}",
        decision.outcome
    );
    assert_eq!(rejection.credential.as_deref(), Some(id));
}

fn pupil_age() -> serde_json::Value {
    age_claims(
        "2014-06-01",
        &[
            (4, true),
            (15, false),
            (18, false),
            (20, false),
            (65, false),
        ],
    )
}

#[test]
fn kobe_pupil_pass_takes_both_facts_from_one_credential() {
    // Residence and birth date come from one resident credential: a child's age credential
    // has nothing to add to a Kobe adult's residence.
    let world = World::new();
    let pass = Residency::kobe_pupil_pass().unwrap();
    let ids: Vec<&str> = pass.requirements().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["resident"]);
    let adult = Holder::new();
    let (residence, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        &adult,
    );
    let own = Submission::default().with(
        "resident",
        &world.present(&residence, &adult, &["birthdate"], "kp0"),
    );
    let decision = world.verifier.verify(&pass, &own, &nonce("kp0"));
    assert_eq!(decision.reason(), Some(Reason::OverAge));
}

#[test]
fn himeji_child_entry_refuses_a_residents_card_with_a_visitors_childs_age() {
    let world = World::new();
    let entry = ChildEntry::himeji().unwrap();
    let resident = Holder::new();
    let visitor_child = Holder::new();
    let (residence, _) = world.issue(
        HIMEJI,
        Kind::Resident,
        resident_claims("282014", "28"),
        &resident,
    );
    let (age, _) = world.issue(KOBE, Kind::Age, pupil_age(), &visitor_child);
    let submission = Submission::default()
        .with(
            "resident",
            &world.present(&residence, &resident, &[], "hb1"),
        )
        .with(
            "age",
            &world.present(&age, &visitor_child, &["age_over_4", "age_over_15"], "hb1"),
        );
    let decision = world.verifier.verify(&entry, &submission, &nonce("hb1"));
    assert_mismatch(&decision, "age");
}

struct Member {
    holder: Holder,
    membership: myna_verifier::core::sdjwt::SdJwt,
    pseudonym: myna_verifier::core::sdjwt::SdJwt,
}

fn member(world: &World, pseudonym: &str) -> Member {
    let holder = Holder::new();
    let claims = json!({"club_id": CLUB, "member_number": "A-0042", "tier": "gold"});
    let (membership, _) = world.issue(DMO, Kind::FanClubMembership, claims, &holder);
    let claims = json!({"context": SALE, "pseudonym": pseudonym});
    let (pseudonym, _) = world.issue(KOBE, Kind::ContextPseudonym, claims, &holder);
    Member {
        holder,
        membership,
        pseudonym,
    }
}

#[test]
fn fan_club_sale_refuses_a_friends_age_credential() {
    let world = World::new();
    let ledger = Arc::new(MemoryLedger::new());
    let sale = FanClubSale::new(CLUB, SALE, "shop-1", ledger).unwrap();
    // A 19-year-old member borrows the age credential of a 36-year-old friend's wallet.
    let minor = member(&world, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let friend = Holder::new();
    let (friends_age, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &friend);
    let submission = Submission::default()
        .with(
            "membership",
            &world.present(&minor.membership, &minor.holder, &[], "fa1"),
        )
        .with(
            "age",
            &world.present(&friends_age, &friend, &["age_over_20"], "fa1"),
        )
        .with(
            "pseudonym",
            &world.present(&minor.pseudonym, &minor.holder, &[], "fa1"),
        );
    let decision = world.verifier.verify(&sale, &submission, &nonce("fa1"));
    assert_mismatch(&decision, "age");

    // The same member with an age credential bound to their own key buys (and the refused
    // attempt above did not use up the purchase).
    let (own_age, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &minor.holder);
    let submission = Submission::default()
        .with(
            "membership",
            &world.present(&minor.membership, &minor.holder, &[], "fa2"),
        )
        .with(
            "age",
            &world.present(&own_age, &minor.holder, &["age_over_20"], "fa2"),
        )
        .with(
            "pseudonym",
            &world.present(&minor.pseudonym, &minor.holder, &[], "fa2"),
        );
    let decision = world.verifier.verify(&sale, &submission, &nonce("fa2"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn fan_club_sale_refuses_a_borrowed_pseudonym_and_a_borrowed_membership() {
    let world = World::new();
    let ledger = Arc::new(MemoryLedger::new());
    let sale = FanClubSale::new(CLUB, SALE, "shop-1", ledger).unwrap();
    let alice = member(&world, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let bob = member(&world, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
    let (alice_age, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &alice.holder);

    // Alice already bought: she tries again with Bob's pseudonym (a fresh one for the ledger).
    let borrowed_pseudonym = Submission::default()
        .with(
            "membership",
            &world.present(&alice.membership, &alice.holder, &[], "bp1"),
        )
        .with(
            "age",
            &world.present(&alice_age, &alice.holder, &["age_over_20"], "bp1"),
        )
        .with(
            "pseudonym",
            &world.present(&bob.pseudonym, &bob.holder, &[], "bp1"),
        );
    let decision = world
        .verifier
        .verify(&sale, &borrowed_pseudonym, &nonce("bp1"));
    assert_mismatch(&decision, "pseudonym");

    // A non-member shows a member's membership with their own age and pseudonym.
    let borrowed_membership = Submission::default()
        .with(
            "membership",
            &world.present(&bob.membership, &bob.holder, &[], "bp2"),
        )
        .with(
            "age",
            &world.present(&alice_age, &alice.holder, &["age_over_20"], "bp2"),
        )
        .with(
            "pseudonym",
            &world.present(&alice.pseudonym, &alice.holder, &[], "bp2"),
        );
    let decision = world
        .verifier
        .verify(&sale, &borrowed_membership, &nonce("bp2"));
    assert_mismatch(&decision, "age");
}

#[test]
fn a_holder_mismatch_records_nothing_with_the_replay_guard() {
    // The refusal comes before the KB-JWTs are recorded: the honest holder's own
    // presentation for the same nonce still goes through afterwards.
    let world = World::new();
    let pass = ChildEntry::himeji().unwrap();
    let pupil = Holder::new();
    let stranger = Holder::new();
    let (residence, _) = world.issue(
        HIMEJI,
        Kind::Resident,
        resident_claims("282014", "28"),
        &pupil,
    );
    let (age, _) = world.issue(KOBE, Kind::Age, pupil_age(), &pupil);
    let (strangers_age, _) = world.issue(KOBE, Kind::Age, pupil_age(), &stranger);
    let resident_presentation = world.present(&residence, &pupil, &[], "rg1");
    let shown = ["age_over_4", "age_over_15"];
    let mixed = Submission::default()
        .with("resident", &resident_presentation)
        .with(
            "age",
            &world.present(&strangers_age, &stranger, &shown, "rg1"),
        );
    let challenge = nonce("rg1");
    assert_mismatch(&world.verifier.verify(&pass, &mixed, &challenge), "age");
    let own = Submission::default()
        .with("resident", &resident_presentation)
        .with("age", &world.present(&age, &pupil, &shown, "rg1"));
    let decision = world.verifier.verify(&pass, &own, &challenge);
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn single_credential_policies_take_one() {
    let ledger = Arc::new(MemoryLedger::new());
    let policies: Vec<Box<dyn Policy>> = vec![
        Box::new(AgeCheck::over_20().unwrap()),
        Box::new(Residency::of("281000".parse().unwrap()).unwrap()),
        Box::new(Residency::kobe_pupil_pass().unwrap()),
        Box::new(ShelterDesk::new("kobe-hall-1").unwrap()),
        Box::new(Clinic::new("clinic-1", Care::Outpatient).unwrap()),
        Box::new(OncePerPerson::sign_up("forum", "site-1", ledger).unwrap()),
    ];
    for policy in &policies {
        assert_eq!(policy.requirements().len(), 1, "{}", policy.name());
    }
    let multi: Vec<Box<dyn Policy>> = vec![
        Box::new(ChildEntry::himeji().unwrap()),
        Box::new(FanClubSale::new(CLUB, SALE, "shop-1", Arc::new(MemoryLedger::new())).unwrap()),
    ];
    for policy in &multi {
        assert!(policy.requirements().len() > 1, "{}", policy.name());
    }
}

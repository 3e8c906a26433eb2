//! Passes and coupons with a period and a number of uses, granted to a context pseudonym.
//!
//! Sources: Kobe's 地下鉄海岸線 free pass for pupils, "有効期間6か月のフリーパス"
//! (`../shared/seeds/002_330378ace3b016db.txt:78`), applied for by the guardian, "手続き自体は
//! 保護者が行う" (`../shared/seeds/002_330378ace3b016db.txt:73`), reading "本人と保護者のマイ
//! ナンバーカード" (`../shared/seeds/002_330378ace3b016db.txt:84`); facility coupons used up by
//! staff, "提示したクーポンを 職員が消込" (`../shared/seeds/002_330378ace3b016db.txt:62`–64), with
//! "利用回数制限" (`../shared/seeds/002_330378ace3b016db.txt:19`).
#![cfg(test)]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::sync::{Arc, Barrier};

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::calendar::CalendarDate;
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::core::time::NumericDate;
use myna_verifier::decision::Reason;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::pass::{
    MemoryPassBook, PassBook, PassId, PassTerms, PassUse, RedbPassBook, Uses,
};
use myna_verifier::policy::catalog::{policy_from_spec_with, PolicyStores};
use myna_verifier::policy::Policy;
use myna_verifier::submission::Submission;
use serde_json::json;

const KOBE_PASS: &str = "kobe-kaigan-free-pass";
const APPLY_KOBE: &str = "pass-apply:kobe-kaigan-free-pass:6m:unlimited:kobe-pupil-pass";
const USE_KOBE: &str = "pass-use:kobe-kaigan-free-pass";

fn policy(spec: &str, book: &Arc<dyn PassBook>) -> Arc<dyn Policy> {
    policy_from_spec_with(
        spec,
        &PolicyStores::new(Arc::new(MemoryLedger::new())).with_passes(book.clone()),
    )
    .unwrap()
}

/// A Kobe pupil born 2015-06-01 (school year 5 at T0).
fn pupil_claims() -> serde_json::Value {
    let mut claims = resident_claims("281000", "28");
    claims["birthdate"] = json!("2015-06-01");
    claims
}

/// A wallet (one holder key) with a Kobe resident credential and the pseudonym for `context`.
struct Wallet {
    holder: Holder,
    resident: SdJwt,
    pseudonym: SdJwt,
}

fn wallet(world: &World, resident: serde_json::Value, context: &str, value: &str) -> Wallet {
    let holder = Holder::new();
    let (resident, _) = world.issue(KOBE, Kind::Resident, resident, &holder);
    let claims = json!({"context": context, "pseudonym": value});
    let (pseudonym, _) = world.issue(KOBE, Kind::ContextPseudonym, claims, &holder);
    Wallet {
        holder,
        resident,
        pseudonym,
    }
}

fn application(world: &World, resident: &Wallet, pseudonym: &Wallet, n: &str) -> Submission {
    Submission::default()
        .with(
            "resident",
            &world.present(&resident.resident, &resident.holder, &["birthdate"], n),
        )
        .with(
            "pseudonym",
            &world.present(&pseudonym.pseudonym, &pseudonym.holder, &[], n),
        )
}

fn at_gate(world: &World, wallet: &Wallet, n: &str) -> Submission {
    Submission::default().with(
        "pseudonym",
        &world.present(&wallet.pseudonym, &wallet.holder, &[], n),
    )
}

const CHILD: &str = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
const GUARDIAN: &str = "GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG";

#[test]
fn a_guardian_applies_with_the_childs_wallet_and_the_pass_runs_six_months() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    let (apply, gate) = (policy(APPLY_KOBE, &book), policy(USE_KOBE, &book));
    // The child's card read on the guardian's phone into the child's own wallet.
    let child = wallet(&world, pupil_claims(), KOBE_PASS, CHILD);
    let decision = world.verifier.verify(
        &*apply,
        &application(&world, &child, &child, "a1"),
        &nonce("a1"),
    );
    assert!(decision.accepted(), "{:?}", decision.outcome);

    // At the gate only the pseudonym is shown; the unlimited pass is used again and again.
    for n in ["g1", "g2", "g3"] {
        let decision = world
            .verifier
            .verify(&*gate, &at_gate(&world, &child, n), &nonce(n));
        assert!(decision.accepted(), "{n}: {:?}", decision.outcome);
        let shown: Vec<&str> = decision
            .credential("pseudonym")
            .unwrap()
            .claims
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(shown, ["context", "pseudonym"]);
    }
    let grants = book.grants(&PassId::parse(KOBE_PASS).unwrap()).unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].0, CHILD);

    // Six months from the grant day (2026-11-21, Japan time): valid through 2027-05-20.
    let grant = grants[0].1;
    assert_eq!(grant.valid_from, day(2026, 11, 21));
    assert_eq!(grant.valid_until, day(2027, 5, 21));
    assert_eq!(grant.uses_left, Uses::Unlimited);
}

fn day(y: i32, m: u8, d: u8) -> NumericDate {
    CalendarDate::from_ymd(y, m, d).unwrap().start_jst()
}

#[test]
fn a_pass_is_refused_after_its_last_day() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    let apply = policy(
        "pass-apply:november-pass:2026-11-01..2026-11-30:unlimited:resident:281000",
        &book,
    );
    let gate = policy("pass-use:november-pass", &book);
    let person = wallet(
        &world,
        resident_claims("281000", "28"),
        "november-pass",
        CHILD,
    );
    let decision = world.verifier.verify(
        &*apply,
        &application(&world, &person, &person, "p0"),
        &nonce("p0"),
    );
    assert!(decision.accepted(), "{:?}", decision.outcome);
    // 2026-11-30 23:59:59 JST: the last second of the last day.
    world
        .clock
        .set(NumericDate::from_unix(day(2026, 12, 1).as_unix() - 1));
    world.publish_all();
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &person, "p1"), &nonce("p1"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
    world.clock.set(day(2026, 12, 1));
    world.publish_all();
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &person, "p2"), &nonce("p2"));
    assert_eq!(decision.reason(), Some(Reason::PassOutsidePeriod));
}

#[test]
fn the_guardians_own_pseudonym_with_the_childs_credential_is_refused() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    let apply = policy(APPLY_KOBE, &book);
    let child = wallet(&world, pupil_claims(), KOBE_PASS, CHILD);
    let guardian = wallet(&world, resident_claims("281000", "28"), KOBE_PASS, GUARDIAN);

    // The child's residence with the guardian's pseudonym: two holders, refused.
    let mixed = application(&world, &child, &guardian, "m1");
    let decision = world.verifier.verify(&*apply, &mixed, &nonce("m1"));
    assert_eq!(decision.reason(), Some(Reason::HolderMismatch));
    // The guardian on their own is not a pupil.
    let own = application(&world, &guardian, &guardian, "m2");
    let decision = world.verifier.verify(&*apply, &own, &nonce("m2"));
    assert_eq!(decision.reason(), Some(Reason::OverAge));
    // Nothing was granted to the guardian's pseudonym.
    let gate = policy(USE_KOBE, &book);
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &guardian, "m3"), &nonce("m3"));
    assert_eq!(decision.reason(), Some(Reason::NoPass));
    assert!(book
        .grants(&PassId::parse(KOBE_PASS).unwrap())
        .unwrap()
        .is_empty());
}

#[test]
fn a_coupon_with_three_uses_refuses_the_fourth_and_a_second_phone_does_not_restore_it() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    let coupon = "pool-coupon-2026";
    let apply = policy(
        &format!("pass-apply:{coupon}:2026-11-01..2027-03-31:3:resident:281000"),
        &book,
    );
    let gate = policy(&format!("pass-use:{coupon}"), &book);
    let person = wallet(&world, resident_claims("281000", "28"), coupon, CHILD);
    let decision = world.verifier.verify(
        &*apply,
        &application(&world, &person, &person, "c0"),
        &nonce("c0"),
    );
    assert!(decision.accepted(), "{:?}", decision.outcome);
    for n in ["c1", "c2", "c3"] {
        let decision = world
            .verifier
            .verify(&*gate, &at_gate(&world, &person, n), &nonce(n));
        assert!(decision.accepted(), "{n}: {:?}", decision.outcome);
    }
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &person, "c4"), &nonce("c4"));
    assert_eq!(decision.reason(), Some(Reason::UsesExhausted));

    // The same person applies again from a second phone (new key, same pseudonym value):
    // accepted, but the grant stays as it was — no uses come back.
    let second_phone = wallet(&world, resident_claims("281000", "28"), coupon, CHILD);
    let decision = world.verifier.verify(
        &*apply,
        &application(&world, &second_phone, &second_phone, "c5"),
        &nonce("c5"),
    );
    assert!(decision.accepted(), "{:?}", decision.outcome);
    let decision =
        world
            .verifier
            .verify(&*gate, &at_gate(&world, &second_phone, "c6"), &nonce("c6"));
    assert_eq!(decision.reason(), Some(Reason::UsesExhausted));
}

#[test]
fn a_gate_refuses_no_pass_and_another_offers_pseudonym() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    let gate = policy(USE_KOBE, &book);
    let stranger = wallet(&world, pupil_claims(), KOBE_PASS, CHILD);
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &stranger, "n1"), &nonce("n1"));
    assert_eq!(decision.reason(), Some(Reason::NoPass));
    let other = wallet(&world, pupil_claims(), "izu-limited-sake-2026", CHILD);
    let decision = world
        .verifier
        .verify(&*gate, &at_gate(&world, &other, "n2"), &nonce("n2"));
    assert_eq!(decision.reason(), Some(Reason::WrongContext));
}

#[test]
fn an_application_after_the_offers_last_day_is_refused() {
    let world = World::new();
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    // T0 is 2026-11-21: the offer ended on 2026-10-31.
    let apply = policy(
        "pass-apply:summer-coupon:2026-07-01..2026-10-31:5:resident:281000",
        &book,
    );
    let person = wallet(
        &world,
        resident_claims("281000", "28"),
        "summer-coupon",
        CHILD,
    );
    let decision = world.verifier.verify(
        &*apply,
        &application(&world, &person, &person, "e1"),
        &nonce("e1"),
    );
    assert_eq!(decision.reason(), Some(Reason::PassOutsidePeriod));
}

/// Two gates race for the last use of a coupon, through the verifier and a redb pass book:
/// exactly one wins, every round.
#[test]
fn two_gates_racing_for_the_last_use_exactly_one_wins() {
    let world = World::new();
    let dir = tempfile::tempdir().unwrap();
    let book: Arc<dyn PassBook> =
        Arc::new(RedbPassBook::open(&dir.path().join("passes.redb")).unwrap());
    let pass = PassId::parse(KOBE_PASS).unwrap();
    let gate = policy(USE_KOBE, &book);
    let last_use = PassTerms::parse("6m", "1").unwrap().grant_at(t(0)).unwrap();
    for round in 0..8 {
        let value = format!("{round:0>43}");
        book.grant(&pass, &value, &last_use).unwrap();
        let person = wallet(&world, pupil_claims(), KOBE_PASS, &value);
        let submissions = [
            at_gate(&world, &person, &format!("r{round}a")),
            at_gate(&world, &person, &format!("r{round}b")),
        ];
        let barrier = Arc::new(Barrier::new(2));
        let accepted: Vec<bool> = std::thread::scope(|scope| {
            let runs: Vec<_> = submissions
                .iter()
                .zip(["a", "b"])
                .map(|(submission, side)| {
                    let (verifier, gate, barrier) =
                        (world.verifier.clone(), gate.clone(), barrier.clone());
                    let challenge = nonce(&format!("r{round}{side}"));
                    scope.spawn(move || {
                        barrier.wait();
                        verifier.verify(&*gate, submission, &challenge).accepted()
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert_eq!(
            accepted.iter().filter(|a| **a).count(),
            1,
            "round {round}: {accepted:?}"
        );
        assert_eq!(
            book.use_once(&pass, &value, t(0)).unwrap(),
            PassUse::Exhausted
        );
    }
}

#[test]
fn the_redb_book_keeps_uses_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passes.redb");
    let pass = PassId::parse("pool-coupon-2026").unwrap();
    {
        let book = RedbPassBook::open(&path).unwrap();
        let grant = PassTerms::parse("6m", "2").unwrap().grant_at(t(0)).unwrap();
        book.grant(&pass, "P", &grant).unwrap();
        assert_eq!(
            book.use_once(&pass, "P", t(1)).unwrap(),
            PassUse::Used {
                uses_left: Uses::Limited(1)
            }
        );
    }
    let book = RedbPassBook::open(&path).unwrap();
    assert_eq!(
        book.use_once(&pass, "P", t(2)).unwrap(),
        PassUse::Used {
            uses_left: Uses::Limited(0)
        }
    );
    assert_eq!(book.use_once(&pass, "P", t(3)).unwrap(), PassUse::Exhausted);
    assert_eq!(book.use_once(&pass, "Q", t(3)).unwrap(), PassUse::NoPass);
    let grants = book.grants(&pass).unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].1.uses_left, Uses::Limited(0));
}

#[test]
fn bad_pass_specs_are_typed_errors() {
    let book: Arc<dyn PassBook> = Arc::new(MemoryPassBook::new());
    for spec in [
        "pass-apply:p:6m:unlimited",
        "pass-apply:p:0m:1:age-over-65",
        "pass-apply:p:6m:0:age-over-65",
        "pass-apply:p:2027-01-01..2026-01-01:1:age-over-65",
        "pass-apply:P Q:6m:1:age-over-65",
        "pass-apply:p:6m:1:bogus",
        "pass-apply:p:6m:1:once-per-person:f:s",
        "pass-use:",
        "pass-use:p:extra",
    ] {
        let built = policy_from_spec_with(
            spec,
            &PolicyStores::new(Arc::new(MemoryLedger::new())).with_passes(book.clone()),
        );
        assert!(built.is_err(), "{spec} was accepted");
    }
}

//! Regions (issue 22, item 4) and elderly benefits (item 5).
//!
//! * Himeji's どんぐりカード is for 「4～15歳未満の子ども（姫路市民及び播磨圏域連携中枢都市圏の
//!   住民）」 (`../shared/seeds/000_2cab3622a7b836b8.txt:4023`): residents of any member of the
//!   Harima region, each vouched for by its own municipality;
//! * the Izu fan club's 「域内在住者」 of 「三島市、熱海市、函南町その他伊豆関連エリア」
//!   (`../shared/seeds/000_2cab3622a7b836b8.txt:3099`, :3125);
//! * elderly: Kobe's 「高齢者を対象とする場合」 (`../shared/seeds/002_330378ace3b016db.txt:19`)
//!   and Himeji's 「高齢者福祉優待にも展開」 (`../shared/seeds/000_2cab3622a7b836b8.txt:4059`).
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::{Error, InputError};
use myna_verifier::decision::{Decision, Reason};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::{
    policy_from_spec, policy_from_spec_with, query_for_spec, PolicyStores,
};
use myna_verifier::policy::child_entry::ChildEntry;
use myna_verifier::policy::residency::Residency;
use myna_verifier::policy::senior::Senior;
use myna_verifier::policy::Policy;
use myna_verifier::region::Regions;
use myna_verifier::submission::Submission;

/// A resident credential `issuer` signs for a resident of `code`, presented alone for
/// `policy`.
fn resident_of(world: &World, policy: &dyn Policy, issuer: &str, code: &str, n: &str) -> Decision {
    let holder = Holder::new();
    let (sd, _) = world.issue(issuer, Kind::Resident, resident_claims(code, "28"), &holder);
    let p = world.present(&sd, &holder, &[], n);
    world
        .verifier
        .verify(policy, &single("resident", &p), &nonce(n))
}

fn harima_residency() -> Residency {
    Residency::of_region(Regions::builtin().get("harima").unwrap().clone()).unwrap()
}

#[test]
fn a_region_accepts_every_member_and_refuses_a_non_member() {
    let world = World::new();
    let harima = harima_residency();
    assert_eq!(harima.name(), "resident-of-region-harima");
    let himeji = resident_of(&world, &harima, HIMEJI, "282014", "a1");
    assert!(himeji.accepted(), "{:?}", himeji.outcome);
    let kakogawa = resident_of(&world, &harima, KAKOGAWA, "282103", "a2");
    assert!(kakogawa.accepted(), "{:?}", kakogawa.outcome);
    // Only the municipality code is disclosed, not the name or the address.
    let shown = kakogawa.credential("resident").unwrap();
    assert_eq!(shown.claims["municipality_code"], "282103");
    assert!(shown.claims.get("name").is_none() && shown.claims.get("address").is_none());
    // 神戸市 is in Hyogo but not in the Harima region.
    assert_eq!(
        resident_of(&world, &harima, KOBE, "281000", "a3").reason(),
        Some(Reason::NotResident)
    );
}

#[test]
fn a_member_cannot_vouch_for_the_residents_of_another_member() {
    let world = World::new();
    let harima = harima_residency();
    // 加古川市 signs a "resident of 姫路市": both are members, still refused.
    assert_eq!(
        resident_of(&world, &harima, KAKOGAWA, "282014", "b1").reason(),
        Some(Reason::IssuerNotAllowed)
    );
    // 姫路市 signs a "resident of 加古川市".
    assert_eq!(
        resident_of(&world, &harima, HIMEJI, "282103", "b2").reason(),
        Some(Reason::IssuerNotAllowed)
    );
    // 神戸市 (trusted, not a member) signs a "resident of 姫路市".
    assert_eq!(
        resident_of(&world, &harima, KOBE, "282014", "b3").reason(),
        Some(Reason::IssuerNotAllowed)
    );
}

#[test]
fn an_unknown_or_malformed_region_is_a_typed_error() {
    let ledger = Arc::new(MemoryLedger::new());
    let unknown = policy_from_spec("resident-of-region:kanto", ledger.clone()).err();
    assert!(
        matches!(&unknown, Some(Error::Input(InputError::UnknownValue { what, value }))
            if what.starts_with("region") && value == "kanto"),
        "{unknown:?}"
    );
    for spec in [
        "resident-of-region:Harima",
        "resident-of-region:",
        "senior:kanto",
        "child-entry:kanto",
        "senior:28100",
    ] {
        assert!(
            policy_from_spec(spec, ledger.clone()).is_err(),
            "{spec} was accepted"
        );
    }
    // The wallet's query does not depend on the members: a region only the verifier's file
    // names still makes the query; a malformed name does not.
    assert!(query_for_spec("resident-of-region:kanto").is_ok());
    assert!(query_for_spec("senior:kanto").is_ok());
    assert!(query_for_spec("resident-of-region:Kanto").is_err());
}

/// A regions file with `members` (a JSON array's inside) on line 4.
fn file_with(name: &str, members: &str) -> String {
    format!(
        "{{\"regions\": [\n  {{\"name\": \"{name}\", \"name_ja\": \"テスト\",\n   \"source\": \"test\",\n   \"members\": [{members}]}}\n]}}\n"
    )
}

#[test]
fn a_bad_regions_file_is_refused_with_the_line_and_what_is_wrong() {
    let cases: [(String, usize, &str); 7] = [
        (
            file_with("x", r#"{"code": "282015", "name_ja": "姫路市"}"#),
            4,
            "check digit",
        ),
        (
            file_with("x", r#"{"code": "28201", "name_ja": "姫路市"}"#),
            4,
            "6",
        ),
        (
            file_with(
                "x",
                r#"{"code": "282014", "name_ja": "a"}, {"code": "282014", "name_ja": "b"}"#,
            ),
            4,
            "282014 is listed twice",
        ),
        (file_with("x", ""), 4, "at least one member"),
        (
            file_with("X", r#"{"code": "282014", "name_ja": "姫路市"}"#),
            2,
            "region name",
        ),
        (
            file_with("x", r#"{"code": "282014", "name": "姫路市"}"#),
            4,
            "unknown field `name`",
        ),
        (
            "{\"regions\": [\n  {\"name\": \"x\",,}\n]}".to_owned(),
            2,
            "",
        ),
    ];
    for (text, line, problem) in cases {
        let error = Regions::from_json(&text).unwrap_err();
        assert_eq!(error.line(), line, "{error} for\n{text}");
        assert!(error.problem().contains(problem), "{error}");
        assert!(error
            .to_string()
            .starts_with(&format!("regions file, line {line} ")));
    }
    let twice = format!(
        "{{\"regions\": [{0}, {0}]}}",
        r#"{"name": "x", "name_ja": "x", "source": "s", "members": [{"code": "282014", "name_ja": "姫路市"}]}"#
    );
    let error = Regions::from_json(&twice).unwrap_err();
    assert!(error.problem().contains("`x` is named twice"), "{error}");
    assert!(Regions::from_json("[]").is_err());
}

#[test]
fn a_regions_file_adds_a_region_and_replaces_a_builtin_one() {
    let world = World::new();
    // A deployment's own Izu: 三島市 only (the file replaces the built-in izu), and a new
    // region holding 加古川市 alone.
    let file = r#"{"regions": [
      {"name": "izu", "name_ja": "三島だけ", "source": "test", "members": [{"code": "222062", "name_ja": "三島市"}]},
      {"name": "east-harima", "name_ja": "東播磨", "source": "test", "members": [{"code": "282103", "name_ja": "加古川市"}]}
    ]}"#;
    let regions = Regions::builtin().with_file(file).unwrap();
    assert_eq!(regions.get("izu").unwrap().members().count(), 1);
    assert_eq!(regions.get("harima").unwrap().members().count(), 16);
    let ledger = Arc::new(MemoryLedger::new());
    let east = policy_from_spec_with(
        "resident-of-region:east-harima",
        &PolicyStores::new(ledger.clone()).with_regions(regions.clone()),
    )
    .unwrap();
    assert_eq!(east.spec(), Some("resident-of-region:east-harima"));
    assert!(resident_of(&world, east.as_ref(), KAKOGAWA, "282103", "c1").accepted());
    assert_eq!(
        resident_of(&world, east.as_ref(), HIMEJI, "282014", "c2").reason(),
        Some(Reason::NotResident)
    );
    // Without the file the region does not exist.
    assert!(policy_from_spec("resident-of-region:east-harima", ledger).is_err());
}

/// A child of `issuer`'s municipality `code`, aged 10, at the どんぐり gate.
fn child_at_gate(
    world: &World,
    policy: &dyn Policy,
    issuer: &str,
    code: &str,
    n: &str,
) -> Decision {
    let child = Holder::new();
    let (resident, _) = world.issue(issuer, Kind::Resident, resident_claims(code, "28"), &child);
    let flags = [
        (4, true),
        (15, false),
        (18, false),
        (20, false),
        (65, false),
    ];
    let (age, _) = world.issue(issuer, Kind::Age, age_claims("2016-01-01", &flags), &child);
    let submission = Submission::default()
        .with("resident", &world.present(&resident, &child, &[], n))
        .with(
            "age",
            &world.present(&age, &child, &["age_over_4", "age_over_15"], n),
        );
    world.verifier.verify(policy, &submission, &nonce(n))
}

#[test]
fn himeji_child_entry_admits_the_children_of_the_harima_region() {
    let world = World::new();
    let entry = ChildEntry::himeji().unwrap();
    assert!(child_at_gate(&world, &entry, KAKOGAWA, "282103", "d1").accepted());
    assert!(child_at_gate(&world, &entry, HIMEJI, "282014", "d2").accepted());
    assert_eq!(
        child_at_gate(&world, &entry, KOBE, "281000", "d3").reason(),
        Some(Reason::NotResident)
    );
    // The catalogue's himeji-child-entry is this policy.
    let spec = policy_from_spec("himeji-child-entry", Arc::new(MemoryLedger::new())).unwrap();
    assert_eq!(spec.name(), "child-entry-harima");
    assert!(child_at_gate(&world, spec.as_ref(), KAKOGAWA, "282103", "d4").accepted());
    // A Himeji-only child entry still exists, by code.
    let himeji_only =
        policy_from_spec("child-entry:282014", Arc::new(MemoryLedger::new())).unwrap();
    assert_eq!(
        child_at_gate(&world, himeji_only.as_ref(), KAKOGAWA, "282103", "d5").reason(),
        Some(Reason::NotResident)
    );
}

/// A resident of `code` with an age credential carrying `age_over_65 = over_65`, both
/// presented for `policy`.
fn senior_at_counter(
    world: &World,
    policy: &dyn Policy,
    issuer: &str,
    code: &str,
    over_65: bool,
    n: &str,
) -> Decision {
    let person = Holder::new();
    let (resident, _) = world.issue(issuer, Kind::Resident, resident_claims(code, "28"), &person);
    let flags = [(18, true), (20, true), (65, over_65)];
    let (age, _) = world.issue(issuer, Kind::Age, age_claims("1961-04-02", &flags), &person);
    let submission = Submission::default()
        .with("resident", &world.present(&resident, &person, &[], n))
        .with("age", &world.present(&age, &person, &["age_over_65"], n));
    world.verifier.verify(policy, &submission, &nonce(n))
}

#[test]
fn kobe_senior_discount_is_for_kobe_residents_aged_65_or_over() {
    let world = World::new();
    let kobe = Senior::kobe().unwrap();
    let sixty_five = senior_at_counter(&world, &kobe, KOBE, "281000", true, "e1");
    assert!(sixty_five.accepted(), "{:?}", sixty_five.outcome);
    // Only the flag and the municipality: no birth date.
    let age = sixty_five.credential("age").unwrap();
    assert_eq!(
        age.claims.get("age_over_65"),
        Some(&serde_json::json!(true))
    );
    assert!(age.claims.get("birthdate").is_none());
    // 64: the flag is false.
    assert_eq!(
        senior_at_counter(&world, &kobe, KOBE, "281000", false, "e2").reason(),
        Some(Reason::UnderAge)
    );
    // 65, but a resident of 姫路市.
    assert_eq!(
        senior_at_counter(&world, &kobe, HIMEJI, "282014", true, "e3").reason(),
        Some(Reason::NotResident)
    );
}

#[test]
fn a_senior_age_credential_cannot_be_lent_to_a_younger_resident() {
    let world = World::new();
    let kobe = Senior::kobe().unwrap();
    let (young, old) = (Holder::new(), Holder::new());
    let (resident, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        &young,
    );
    let flags = [(18, true), (20, true), (65, true)];
    let (age, _) = world.issue(KOBE, Kind::Age, age_claims("1950-01-01", &flags), &old);
    let submission = Submission::default()
        .with("resident", &world.present(&resident, &young, &[], "f1"))
        .with("age", &world.present(&age, &old, &["age_over_65"], "f1"));
    let decision = world.verifier.verify(&kobe, &submission, &nonce("f1"));
    assert_eq!(decision.reason(), Some(Reason::HolderMismatch));
}

#[test]
fn senior_specs_over_a_city_and_a_region() {
    let world = World::new();
    let ledger = Arc::new(MemoryLedger::new());
    let harima = policy_from_spec("senior:harima", ledger.clone()).unwrap();
    assert!(senior_at_counter(&world, harima.as_ref(), KAKOGAWA, "282103", true, "g1").accepted());
    assert_eq!(
        senior_at_counter(&world, harima.as_ref(), KOBE, "281000", true, "g2").reason(),
        Some(Reason::NotResident)
    );
    let himeji = policy_from_spec("himeji-senior", ledger.clone()).unwrap();
    assert_eq!(himeji.name(), "senior-282014");
    assert!(senior_at_counter(&world, himeji.as_ref(), HIMEJI, "282014", true, "g3").accepted());
    assert_eq!(
        senior_at_counter(&world, himeji.as_ref(), HIMEJI, "282014", false, "g4").reason(),
        Some(Reason::UnderAge)
    );
    let kobe = policy_from_spec("kobe-senior", ledger.clone()).unwrap();
    assert_eq!(kobe.name(), "senior-281000");
    let by_code = policy_from_spec("senior:281000", ledger).unwrap();
    assert_eq!(by_code.name(), kobe.name());
}

//! Scenario tests: every ready policy accepting the right holder and refusing the wrong one
//! with the reason a cashier would see.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::*;
use myna_issuer::credential_types::Kind;
use myna_verifier::core::calendar::CalendarDate;
use myna_verifier::core::compact;
use myna_verifier::core::status_list::Status;
use myna_verifier::core::time::NumericDate;
use myna_verifier::decision::Reason;
use myna_verifier::ledger::{MemoryLedger, RedbLedger, RedemptionLedger};
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::policy::child_entry::ChildEntry;
use myna_verifier::policy::clinic::{Care, Clinic};
use myna_verifier::policy::fan_club::FanClubSale;
use myna_verifier::policy::once_per_person::OncePerPerson;
use myna_verifier::policy::residency::Residency;
use myna_verifier::policy::shelter::ShelterDesk;
use myna_verifier::policy::{Policy, Presented, PresentedCredential};
use myna_verifier::roster::{MemoryHq, RosterQueue};
use myna_verifier::submission::{submission_from_compact, Submission};
use serde_json::json;

#[test]
fn age_over_20_accepts_adult_and_refuses_19_year_old() {
    let world = World::new();
    let policy = AgeCheck::over_20().unwrap();
    let adult = Holder::new();
    let (sd, _) = world.issue(KOBE, Kind::Age, adult_age_claims(), &adult);
    let p = world.present(&sd, &adult, &["age_over_20"], "n1");
    let decision = world
        .verifier
        .verify(&policy, &single("age", &p), &nonce("n1"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
    let age = decision.credential("age").unwrap();
    assert_eq!(age.claims.get("age_over_20"), Some(&json!(true)));
    assert!(
        age.claims.get("birthdate").is_none(),
        "birth date never disclosed"
    );
    assert_eq!(age.issuer, KOBE);
    assert_eq!(age.issuer_name, "神戸市");
    assert_eq!(decision.status_staleness_secs(), Some(0));

    let teen = Holder::new();
    let claims = age_claims("2007-04-02", &[(18, true), (20, false), (65, false)]);
    let (sd, _) = world.issue(KOBE, Kind::Age, claims, &teen);
    let p = world.present(&sd, &teen, &["age_over_20"], "n2");
    let decision = world
        .verifier
        .verify(&policy, &single("age", &p), &nonce("n2"));
    assert_eq!(decision.reason(), Some(Reason::UnderAge));

    // The same 19-year-old passes the 18+ check.
    let p = world.present(&sd, &teen, &["age_over_18"], "n3");
    let over_18 = AgeCheck::over_18().unwrap();
    let decision = world
        .verifier
        .verify(&over_18, &single("age", &p), &nonce("n3"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
}

#[test]
fn residency_checks_municipality_and_issuer() {
    let world = World::new();
    let kobe_offer = Residency::of("281000".parse().unwrap()).unwrap();
    let holder = Holder::new();
    let (sd, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        &holder,
    );
    let p = world.present(&sd, &holder, &[], "r1");
    let decision = world
        .verifier
        .verify(&kobe_offer, &single("resident", &p), &nonce("r1"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
    let resident = decision.credential("resident").unwrap();
    assert_eq!(resident.claims["municipality_code"], "281000");
    assert!(resident.claims.get("name").is_none());

    // An Osaka resident is not a Kobe resident.
    let osakan = Holder::new();
    let (sd, _) = world.issue(
        OSAKA,
        Kind::Resident,
        resident_claims("271004", "27"),
        &osakan,
    );
    let p = world.present(&sd, &osakan, &[], "r2");
    let decision = world
        .verifier
        .verify(&kobe_offer, &single("resident", &p), &nonce("r2"));
    assert_eq!(decision.reason(), Some(Reason::NotResident));

    // Osaka vouching for a "Kobe resident" is refused: a city speaks only for its own.
    let forger = Holder::new();
    let (sd, _) = world.issue(
        OSAKA,
        Kind::Resident,
        resident_claims("281000", "28"),
        &forger,
    );
    let p = world.present(&sd, &forger, &[], "r3");
    let decision = world
        .verifier
        .verify(&kobe_offer, &single("resident", &p), &nonce("r3"));
    assert_eq!(decision.reason(), Some(Reason::IssuerNotAllowed));
}

#[test]
fn kobe_pupil_pass_needs_kobe_residence_and_school_age_from_the_resident_birthdate() {
    // The world's clock: 2026-11-21, school year 2026 (pupils born 2011-04-02 to 2020-04-01).
    let world = World::new();
    let pass = Residency::kobe_pupil_pass().unwrap();
    assert!(
        pass.requirements().iter().all(|r| r.id == "resident"),
        "one credential"
    );
    let ride = |birthdate: &str, issuer: &str, code: &str, pref: &str, n: &str| {
        let rider = Holder::new();
        let mut claims = resident_claims(code, pref);
        claims["birthdate"] = json!(birthdate);
        let (resident, _) = world.issue(issuer, Kind::Resident, claims, &rider);
        let p = world.present(&resident, &rider, &["birthdate"], n);
        world
            .verifier
            .verify(&pass, &single("resident", &p), &nonce(n))
    };
    // A third-year junior-high pupil who has turned 15 still rides free.
    let decision = ride("2011-05-10", KOBE, "281000", "28", "k1");
    assert!(decision.accepted(), "{:?}", decision.outcome);
    let resident = decision.credential("resident").unwrap();
    assert_eq!(resident.claims["birthdate"], "2011-05-10");
    assert!(resident.claims.get("name").is_none() && resident.claims.get("address").is_none());
    // An 11-year-old too; not a 5-year-old, nor a 15-year-old who left school last March.
    assert!(ride("2015-06-01", KOBE, "281000", "28", "k2").accepted());
    assert_eq!(
        ride("2021-01-01", KOBE, "281000", "28", "k3").reason(),
        Some(Reason::UnderAge)
    );
    assert_eq!(
        ride("2011-04-01", KOBE, "281000", "28", "k4").reason(),
        Some(Reason::OverAge)
    );
    assert_eq!(
        ride("2015-06-01", OSAKA, "271004", "27", "k5").reason(),
        Some(Reason::NotResident)
    );
    // Without the date of birth there is nothing to judge by.
    let rider = Holder::new();
    let (resident, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        &rider,
    );
    let p = world.present(&resident, &rider, &[], "k6");
    let decision = world
        .verifier
        .verify(&pass, &single("resident", &p), &nonce("k6"));
    assert_eq!(decision.reason(), Some(Reason::MissingClaim));
}

/// A verified Kobe resident credential with this `birthdate` value, as the policy sees it.
fn kobe_resident(birthdate: serde_json::Value) -> Presented {
    let mut claims = serde_json::Map::new();
    claims.insert("municipality_code".into(), json!("281000"));
    claims.insert("prefecture_code".into(), json!("28"));
    if !birthdate.is_null() {
        claims.insert("birthdate".into(), birthdate);
    }
    Presented {
        credentials: vec![PresentedCredential {
            id: "resident".into(),
            issuer: KOBE.into(),
            issuer_name: "神戸市".into(),
            issuer_municipality: Some("281000".parse().unwrap()),
            claims,
            holder: "holder".into(),
            presented_at: t(0),
        }],
    }
}

/// The pupils' pass judged for someone born on `birth` at 00:00 JST on `y-m-d`.
fn pass_on(birth: &str, y: i32, m: u8, d: u8) -> Result<(), Reason> {
    let on = CalendarDate::from_ymd(y, m, d).unwrap().start_jst();
    pass_at(birth, on)
}

fn pass_at(birth: &str, at: NumericDate) -> Result<(), Reason> {
    Residency::kobe_pupil_pass()
        .unwrap()
        .check(&kobe_resident(json!(birth)), at)
        .map_err(|r| r.reason)
}

#[test]
fn kobe_pupil_pass_is_by_school_year_not_by_age() {
    use Reason::{OverAge, UnderAge};
    // The issue's examples: a 15-year-old in 中学3年 rides; a 5-year-old pre-schooler does not.
    assert_eq!(pass_on("2011-05-10", 2026, 6, 1), Ok(()));
    assert_eq!(pass_on("2021-01-01", 2026, 6, 1), Err(UnderAge));
    // School entry: born 1 April enters a year before born 2 April.
    assert_eq!(pass_on("2019-04-01", 2025, 3, 31), Err(UnderAge));
    assert_eq!(pass_on("2019-04-01", 2025, 4, 1), Ok(()));
    assert_eq!(pass_on("2019-04-02", 2025, 4, 1), Err(UnderAge));
    assert_eq!(pass_on("2019-04-02", 2026, 3, 31), Err(UnderAge));
    assert_eq!(pass_on("2019-04-02", 2026, 4, 1), Ok(()));
    // Leaving: after the 31 March of the school year of reaching 15.
    assert_eq!(pass_on("2011-04-01", 2026, 3, 31), Ok(()));
    assert_eq!(pass_on("2011-04-01", 2026, 4, 1), Err(OverAge));
    assert_eq!(pass_on("2011-04-02", 2026, 4, 1), Ok(()));
    assert_eq!(pass_on("2011-04-02", 2027, 3, 31), Ok(()));
    assert_eq!(pass_on("2011-04-02", 2027, 4, 1), Err(OverAge));
    // 29 February births: reach 6 and 15 on 28 February in common years.
    assert_eq!(pass_on("2016-02-29", 2022, 3, 31), Err(UnderAge));
    assert_eq!(pass_on("2016-02-29", 2022, 4, 1), Ok(()));
    assert_eq!(pass_on("2012-02-29", 2027, 3, 31), Ok(()));
    assert_eq!(pass_on("2012-02-29", 2027, 4, 1), Err(OverAge));
    // Not yet born on the day: not a pupil.
    assert_eq!(pass_on("2027-01-01", 2026, 6, 1), Err(UnderAge));
}

#[test]
fn kobe_pupil_pass_judges_the_day_in_japan() {
    // 2026-03-31T14:59:59Z is 23:59:59 JST on 31 March; one second later it is 1 April.
    let last_second = CalendarDate::from_ymd(2026, 4, 1)
        .unwrap()
        .start_jst()
        .minus_seconds(1);
    assert_eq!(pass_at("2011-04-01", last_second), Ok(()));
    assert_eq!(
        pass_at("2011-04-01", last_second.plus_seconds(1)),
        Err(Reason::OverAge)
    );
}

#[test]
fn kobe_pupil_pass_refuses_a_missing_or_unreadable_birthdate() {
    let pass = Residency::kobe_pupil_pass().unwrap();
    let at = t(0);
    let missing = pass.check(&kobe_resident(serde_json::Value::Null), at);
    assert_eq!(missing.map_err(|r| r.reason), Err(Reason::MissingClaim));
    for bad in [json!("2011/05/10"), json!("2011-02-30"), json!(20110510)] {
        let refused = pass.check(&kobe_resident(bad.clone()), at).unwrap_err();
        assert_eq!(refused.reason, Reason::Unreadable, "{bad}");
        assert_eq!(refused.credential.as_deref(), Some("resident"), "{bad}");
    }
}

#[test]
fn himeji_child_entry_is_for_resident_children_4_to_14() {
    let world = World::new();
    let entry = ChildEntry::himeji().unwrap();
    let visit = |issuer: &str, code: &str, flags: &[(u32, bool)], n: &str| {
        let child = Holder::new();
        let (resident, _) =
            world.issue(issuer, Kind::Resident, resident_claims(code, "28"), &child);
        let mut all = vec![(18, false), (20, false), (65, false)];
        all.extend_from_slice(flags);
        let (age, _) = world.issue(issuer, Kind::Age, age_claims("2016-01-01", &all), &child);
        let submission = Submission::default()
            .with("resident", &world.present(&resident, &child, &[], n))
            .with(
                "age",
                &world.present(&age, &child, &["age_over_4", "age_over_15"], n),
            );
        world.verifier.verify(&entry, &submission, &nonce(n))
    };
    let ten = [(4, true), (15, false)];
    assert!(visit(HIMEJI, "282014", &ten, "h1").accepted());
    assert_eq!(
        visit(HIMEJI, "282014", &[(4, false), (15, false)], "h2").reason(),
        Some(Reason::UnderAge)
    );
    assert_eq!(
        visit(HIMEJI, "282014", &[(4, true), (15, true)], "h3").reason(),
        Some(Reason::OverAge)
    );
    assert_eq!(
        visit(KOBE, "281000", &ten, "h4").reason(),
        Some(Reason::NotResident)
    );
}

#[test]
fn child_entry_takes_its_qr_codes_in_any_order_and_refuses_a_repeat_or_an_unrequested_type() {
    let world = World::new();
    let entry = ChildEntry::himeji().unwrap();
    let child = Holder::new();
    let (resident, _) = world.issue(
        HIMEJI,
        Kind::Resident,
        resident_claims("282014", "28"),
        &child,
    );
    let flags = [
        (4, true),
        (15, false),
        (18, false),
        (20, false),
        (65, false),
    ];
    let (age, _) = world.issue(HIMEJI, Kind::Age, age_claims("2016-01-01", &flags), &child);
    let codes = |n: &str| {
        let resident = world.present(&resident, &child, &[], n);
        let age = world.present(&age, &child, &["age_over_4", "age_over_15"], n);
        (
            compact::encode(&resident).unwrap(),
            compact::encode(&age).unwrap(),
        )
    };
    // The policy's order and the other: both decided the same, each code where it belongs.
    for (n, first_resident) in [("o1", true), ("o2", false)] {
        let (resident, age) = codes(n);
        let texts = if first_resident {
            format!("{resident}\n{age}\n")
        } else {
            format!("{age}\n{resident}\n")
        };
        let submission = submission_from_compact(&entry, &texts).unwrap();
        assert_eq!(
            submission.get("age"),
            Some(compact::decode(&age).unwrap().as_str())
        );
        let decision = world.verifier.verify(&entry, &submission, &nonce(n));
        assert!(decision.accepted(), "{n}: {:?}", decision.outcome);
    }
    // The same code scanned twice: refused before any check, naming the type.
    let (_, age) = codes("o3");
    let twice = submission_from_compact(&entry, &format!("{age}\n{age}")).unwrap_err();
    assert_eq!(twice.code(), "compact_repeated_type");
    assert!(
        twice.to_string().contains("urn:myna-vc:vct:age:1"),
        "{twice}"
    );
    // A credential the policy does not ask for, in place of one it does.
    let (membership, _) = world.issue(
        DMO,
        Kind::FanClubMembership,
        json!({"club_id": "izu", "member_number": "A-1", "tier": "gold"}),
        &child,
    );
    let membership = world.present(&membership, &child, &["club_id"], "o4");
    let (resident, _) = codes("o4");
    let other = format!("{resident}\n{}", compact::encode(&membership).unwrap());
    let refused = submission_from_compact(&entry, &other).unwrap_err();
    assert_eq!(refused.code(), "compact_unrequested_type");
    // Too few codes is still its own error.
    let one = submission_from_compact(&entry, &resident).unwrap_err();
    assert_eq!(one.code(), "compact_text_count");
}

struct Member {
    holder: Holder,
    membership: myna_verifier::core::sdjwt::SdJwt,
    age: myna_verifier::core::sdjwt::SdJwt,
}

fn member(world: &World, club: &str, adult: bool) -> Member {
    let holder = Holder::new();
    let claims = json!({"club_id": club, "member_number": "A-0042", "tier": "gold"});
    let (membership, _) = world.issue(DMO, Kind::FanClubMembership, claims, &holder);
    let age = if adult {
        adult_age_claims()
    } else {
        age_claims("2008-01-01", &[(18, true), (20, false), (65, false)])
    };
    let (age, _) = world.issue(KOBE, Kind::Age, age, &holder);
    Member {
        holder,
        membership,
        age,
    }
}

fn buy(
    world: &World,
    sale: &FanClubSale,
    m: &Member,
    context: &str,
    pseudonym: &str,
    n: &str,
) -> myna_verifier::decision::Decision {
    let claims = json!({"context": context, "pseudonym": pseudonym});
    let (p, _) = world.issue(KOBE, Kind::ContextPseudonym, claims, &m.holder);
    let submission = Submission::default()
        .with(
            "membership",
            &world.present(&m.membership, &m.holder, &[], n),
        )
        .with(
            "age",
            &world.present(&m.age, &m.holder, &["age_over_20"], n),
        )
        .with("pseudonym", &world.present(&p, &m.holder, &[], n));
    world.verifier.verify(sale, &submission, &nonce(n))
}

fn fan_club_one_purchase_per_sale(ledger: Arc<dyn RedemptionLedger>) {
    let world = World::new();
    let shop1 = FanClubSale::new(CLUB, SALE, "shop-1", ledger.clone()).unwrap();
    let shop2 = FanClubSale::new(CLUB, SALE, "shop-2", ledger.clone()).unwrap();
    let next_sale = FanClubSale::new(CLUB, "izu-winter-2026", "shop-2", ledger).unwrap();
    let alice = member(&world, CLUB, true);
    let pseudo_sale1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let pseudo_sale2 = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    let first = buy(&world, &shop1, &alice, SALE, pseudo_sale1, "f1");
    assert!(first.accepted(), "{:?}", first.outcome);
    // Same person, same sale, another shop (even with a freshly issued pseudonym credential
    // and a new nonce): refused.
    let second = buy(&world, &shop2, &alice, SALE, pseudo_sale1, "f2");
    assert_eq!(second.reason(), Some(Reason::AlreadyRedeemed));
    // A different sale: accepted.
    let other = buy(
        &world,
        &next_sale,
        &alice,
        "izu-winter-2026",
        pseudo_sale2,
        "f3",
    );
    assert!(other.accepted(), "{:?}", other.outcome);
    // A pseudonym for another context does not count for this sale.
    let wrong = buy(
        &world,
        &shop2,
        &alice,
        "izu-winter-2026",
        pseudo_sale2,
        "f4",
    );
    assert_eq!(wrong.reason(), Some(Reason::WrongContext));
    // A pseudonym bound to someone else's key cannot stand in for the member's.
    let friend = Holder::new();
    let claims =
        json!({"context": SALE, "pseudonym": "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE"});
    let (borrowed, _) = world.issue(KOBE, Kind::ContextPseudonym, claims, &friend);
    let submission = Submission::default()
        .with(
            "membership",
            &world.present(&alice.membership, &alice.holder, &[], "f7"),
        )
        .with(
            "age",
            &world.present(&alice.age, &alice.holder, &["age_over_20"], "f7"),
        )
        .with("pseudonym", &world.present(&borrowed, &friend, &[], "f7"));
    let mismatch = world.verifier.verify(&shop2, &submission, &nonce("f7"));
    assert_eq!(mismatch.reason(), Some(Reason::HolderMismatch));
    // Not a member of this club / under 20.
    let bob = member(&world, "other-club", true);
    assert_eq!(
        buy(
            &world,
            &shop1,
            &bob,
            SALE,
            "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
            "f5"
        )
        .reason(),
        Some(Reason::NotMember)
    );
    let carol = member(&world, CLUB, false);
    assert_eq!(
        buy(
            &world,
            &shop1,
            &carol,
            SALE,
            "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
            "f6"
        )
        .reason(),
        Some(Reason::UnderAge)
    );
}

/// A forum sign-up: one account per person, whichever wallet key the pseudonym credential is
/// bound to; a pseudonym for another context is refused.
#[test]
fn forum_refuses_a_second_account_by_the_same_person() {
    let world = World::new();
    let ledger: Arc<dyn RedemptionLedger> = Arc::new(MemoryLedger::new());
    let forum = OncePerPerson::sign_up("maebashi-forum", "web", ledger.clone()).unwrap();
    let sign_up = |context: &str, pseudonym: &str, n: &str| {
        let holder = Holder::new();
        let claims = json!({"context": context, "pseudonym": pseudonym});
        let (credential, _) = world.issue(KOBE, Kind::ContextPseudonym, claims, &holder);
        let submission =
            Submission::default().with("pseudonym", &world.present(&credential, &holder, &[], n));
        world.verifier.verify(&forum, &submission, &nonce(n))
    };
    let hanako = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let first = sign_up("maebashi-forum", hanako, "s1");
    assert!(first.accepted(), "{:?}", first.outcome);
    let second = sign_up("maebashi-forum", hanako, "s2");
    assert_eq!(second.reason(), Some(Reason::AlreadyRegistered));
    assert_eq!(
        sign_up(
            "izu-sale",
            "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
            "s3"
        )
        .reason(),
        Some(Reason::WrongContext)
    );
    let taro = sign_up(
        "maebashi-forum",
        "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
        "s4",
    );
    assert!(taro.accepted(), "{:?}", taro.outcome);
}

#[test]
fn fan_club_one_purchase_per_person_per_sale_in_memory() {
    fan_club_one_purchase_per_sale(Arc::new(MemoryLedger::new()));
}

#[test]
fn fan_club_one_purchase_per_person_per_sale_shared_redb() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(RedbLedger::open(&dir.path().join("sale.redb")).unwrap());
    fan_club_one_purchase_per_sale(ledger);
    // The record survives a restart.
    let reopened = RedbLedger::open(&dir.path().join("sale.redb")).unwrap();
    let again = reopened
        .redeem(
            SALE,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "shop-3",
            t(0),
        )
        .unwrap();
    assert!(
        matches!(again, myna_verifier::ledger::Redemption::Already { ref shop, .. } if shop == "shop-1")
    );
}

#[test]
fn shelter_desk_offline_100_check_ins_then_synced_twice_without_duplicates() {
    let world = World::new();
    let desk = ShelterDesk::new("kobe-chuo-es-01").unwrap();
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
    hq.fail_next(1); // the network is down at first
                     // Two days without network: the status lists are 47 hours past fresh, within 7 days.
    world.clock.set(t(48 * 3_600));
    let issuers = [
        (KOBE, "281000", "28"),
        (HIMEJI, "282014", "28"),
        (OSAKA, "271004", "27"),
    ];
    for i in 0..100 {
        let (issuer, code, pref) = issuers[i % 3];
        let evacuee = Holder::new();
        let (sd, _) = world.issue(
            issuer,
            Kind::Resident,
            resident_claims(code, pref),
            &evacuee,
        );
        let n = format!("s{i}");
        let p = world.present(&sd, &evacuee, &["name", "birthdate"], &n);
        let decision = world
            .verifier
            .verify(&desk, &single("resident", &p), &nonce(&n));
        assert!(decision.accepted(), "{i}: {:?}", decision.outcome);
        assert_eq!(decision.status_staleness_secs(), Some(47 * 3_600));
        let entry = desk.roster_entry(&decision).unwrap();
        assert_eq!(entry.municipality_code, code);
        assert_eq!(entry.name.as_deref(), Some("神戸　太郎"));
        queue.push(entry.clone());
        if i == 7 {
            queue.push(entry); // the desk re-queues the same check-in by mistake
        }
    }
    assert_eq!(queue.pending(), 100);
    assert!(queue.sync(&hq).is_err(), "HQ unreachable");
    assert_eq!(queue.pending(), 100);
    hq.lose_next_acks(1); // stored, but the desk never hears back
    assert!(queue.sync(&hq).is_err());
    assert_eq!(hq.roster().len(), 100);
    assert_eq!(queue.pending(), 100);
    assert_eq!(queue.sync(&hq).unwrap(), 0, "second delivery adds nothing");
    assert_eq!(queue.pending(), 0);
    assert_eq!(queue.sync(&hq).unwrap(), 0);
    assert_eq!(hq.roster().len(), 100);

    // Eight days offline: beyond the desk's 7-day tolerance.
    world.clock.set(t(8 * 86_400));
    let evacuee = Holder::new();
    let (sd, _) = world.issue(
        KOBE,
        Kind::Resident,
        resident_claims("281000", "28"),
        &evacuee,
    );
    let p = world.present(&sd, &evacuee, &["name", "birthdate"], "late");
    let decision = world
        .verifier
        .verify(&desk, &single("resident", &p), &nonce("late"));
    assert_eq!(decision.reason(), Some(Reason::StatusTooStale));
    assert!(desk.roster_entry(&decision).is_none());
}

fn subsidy_claims(outpatient_until: &str) -> serde_json::Value {
    json!({"municipality_code": "281000", "payer_number": "88281001", "recipient_number": "1234566",
           "child_name": "神戸　花子 <&>", "child_birthdate": "2015-06-01",
           "outpatient_until": outpatient_until, "inpatient_until": "2034-03-31",
           "copay": {"per_visit_yen": 400, "monthly_cap_yen": 800}})
}

#[test]
fn clinic_accepts_subsidy_on_visit_date_and_exports_billing_record() {
    let world = World::new();
    let clinic = Clinic::new("clinic-0001", Care::Outpatient).unwrap();
    let guardian = Holder::new();
    let all = ["child_name", "child_birthdate"];
    let (sd, _) = world.issue(
        KOBE,
        Kind::ChildMedicalSubsidy,
        subsidy_claims("2031-03-31"),
        &guardian,
    );
    let p = world.present(&sd, &guardian, &all, "c1");
    let decision = world
        .verifier
        .verify(&clinic, &single("subsidy", &p), &nonce("c1"));
    assert!(decision.accepted(), "{:?}", decision.outcome);
    let record = clinic.billing_record(&decision).unwrap();
    assert_eq!(record.visit_date, "2026-11-21");
    assert_eq!(record.payer_number, "88281001");
    assert_eq!(record.copay_per_visit_yen, 400);
    assert_eq!(record.to_json()["care"], "outpatient");
    assert_eq!(record.to_json()["monthly_cap_yen"], 800);
    let xml = record.to_xml();
    assert!(
        xml.contains("<childName>神戸　花子 &lt;&amp;&gt;</childName>"),
        "{xml}"
    );
    assert!(xml.contains("<payerNumber>88281001</payerNumber>"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));

    // Coverage ended the day before the visit.
    let (sd, _) = world.issue(
        KOBE,
        Kind::ChildMedicalSubsidy,
        subsidy_claims("2026-11-20"),
        &guardian,
    );
    let p = world.present(&sd, &guardian, &all, "c2");
    let decision = world
        .verifier
        .verify(&clinic, &single("subsidy", &p), &nonce("c2"));
    assert_eq!(decision.reason(), Some(Reason::NotCovered));
    assert!(clinic.billing_record(&decision).is_none());

    // The same credential on the last covered day (a visit registered afterwards).
    let on_last_day = Clinic::new("clinic-0001", Care::Outpatient)
        .unwrap()
        .on(CalendarDate::parse("2026-11-20").unwrap());
    let p = world.present(&sd, &guardian, &all, "c3");
    let decision = world
        .verifier
        .verify(&on_last_day, &single("subsidy", &p), &nonce("c3"));
    assert!(decision.accepted(), "{:?}", decision.outcome);

    // Without the child's name the clinic cannot bill: missing claim.
    let p = world.present(&sd, &guardian, &["child_birthdate"], "c4");
    let decision = world
        .verifier
        .verify(&clinic, &single("subsidy", &p), &nonce("c4"));
    assert_eq!(decision.reason(), Some(Reason::MissingClaim));
}

#[test]
fn revocation_and_suspension_reach_the_counter_after_a_refresh() {
    let mut world = World::new();
    let policy = AgeCheck::over_20().unwrap();
    let holder = Holder::new();
    let (sd, index) = world.issue(KOBE, Kind::Age, adult_age_claims(), &holder);
    world.set_status(KOBE, index, Status::SUSPENDED);
    let p = world.present(&sd, &holder, &["age_over_20"], "v1");
    let decision = world
        .verifier
        .verify(&policy, &single("age", &p), &nonce("v1"));
    assert_eq!(decision.reason(), Some(Reason::Suspended));
    world.set_status(KOBE, index, Status::VALID);
    let p = world.present(&sd, &holder, &["age_over_20"], "v2");
    assert!(world
        .verifier
        .verify(&policy, &single("age", &p), &nonce("v2"))
        .accepted());
    world.set_status(KOBE, index, Status::INVALID);
    let p = world.present(&sd, &holder, &["age_over_20"], "v3");
    let decision = world
        .verifier
        .verify(&policy, &single("age", &p), &nonce("v3"));
    assert_eq!(decision.reason(), Some(Reason::Revoked));
    assert_eq!(
        decision.to_json()["message_ja"],
        "発行元が証明書を失効させています。"
    );
}

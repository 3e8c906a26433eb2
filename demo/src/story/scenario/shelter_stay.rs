//! Scenario 15: a spot shelter in a community hall run by a residents' association, with no
//! city staff (Nomi, `../shared/seeds/000_2cab3622a7b836b8.txt:2500` "自治会役員など地元住民でも
//! 運営できるスポット避難所"). Kenta checks in with his resident credential and, by his consent,
//! seals his medical questionnaire (問診票, `../shared/seeds/002_330378ace3b016db.txt:744`) to
//! the medical staff's key; an elderly neighbour with no phone is entered by an officer,
//! unverified. The association syncs with its own token — the HQ refuses it another shelter's
//! records. Sakura, never checked in here, is refused at check-out (`not_checked_in`); Kenta
//! presents again and is checked out (入退所, `../shared/seeds/000_2cab3622a7b836b8.txt:930`).
//! The HQ publishes the crowding count without personal data
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:2512` "避難所の混雑状況を配信"), and only medical
//! staff open the questionnaire.

use myna_vc_core::jwe::{EncryptionKey, RecipientKey};
use myna_vc_core::time::Clock;
use myna_verifier::decision::Reason;
use myna_verifier::operator::ShelterRegistry;
use myna_verifier::policy::shelter::ShelterDesk;
use myna_verifier::questionnaire::{Consent, Questionnaire};
use myna_verifier::roster::{
    check_out_decision, CheckOut, MemoryHq, NoCredential, RosterBatch, RosterEntry, RosterQueue,
    StaffEntry,
};

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{KENTA, SAKURA};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const SHELTER: &str = "sakura-kominkan";
const OFFICER: &str = "yakuin-sato";
/// The HQ's shelters file: the hall (capacity 3) run by the residents' association.
const SHELTERS: &str = r#"{
  "shelters": [{"id": "sakura-kominkan", "capacity": 3, "operator": "sakura-jichikai"},
               {"id": "kobe-chuo-es-01", "capacity": 300}],
  "operators": [{"id": "sakura-jichikai", "name": "桜町自治会",
                 "token_sha256": "5f0c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
}"#;

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let desk = Counter::open(world, "https://spot-shelter.sakura-jichikai.example")?;
    let policy = ShelterDesk::new(SHELTER).map_err(fail)?;
    let registry = ShelterRegistry::from_json(SHELTERS.as_bytes()).map_err(fail)?;
    let association = registry
        .operator("sakura-jichikai")
        .ok_or("the association is not in the shelters file")?;
    let medical = EncryptionKey::generate().map_err(fail)?;
    let medical_public = RecipientKey::from_jwk(&medical.public_jwk()).map_err(fail)?;
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());

    let kenta = world.resident(KENTA)?;
    let checked_in = story.decision(
        "Kenta checks in at the community hall the association runs",
        Expect::Accept,
        desk.ask(kenta, &policy),
    );
    let entry = checked_in
        .and_then(|d| RosterEntry::from_decision(SHELTER, &d))
        .ok_or("no roster entry for Kenta")?;
    queue.push(entry.clone());

    let answers = Questionnaire {
        fever: Some(false),
        allergies: Some("小麦".into()),
        ..Questionnaire::default()
    };
    let sealed = answers
        .seal(&entry.entry_id, SHELTER, &medical_public, Consent::given())
        .map_err(fail)?;
    let opaque = serde_json::to_string(&sealed).map_err(fail)?;
    let handed = if opaque.contains("小麦") {
        Err("the sealed questionnaire shows an answer".to_string())
    } else {
        queue
            .push_questionnaire(sealed)
            .map_err(|r| r.reason.code().to_string())
    };
    story.step(
        "with his consent his wallet seals the questionnaire (問診票) to the medical staff's key; the desk holds only the sealed blob",
        handed,
    );

    queue.push_staff_entry(StaffEntry::new(
        SHELTER,
        OFFICER,
        1,
        NoCredential::NoPhone,
        None,
        world.clock.now(),
    ));
    story.step(
        "an elderly neighbour with no phone is entered by the officer: unverified, no date of birth, no holder key",
        Ok::<(), String>(()),
    );

    let foreign = RosterBatch {
        staff_entries: vec![StaffEntry::new(
            "kobe-chuo-es-01",
            OFFICER,
            2,
            NoCredential::Visitor,
            None,
            world.clock.now(),
        )],
        ..RosterBatch::default()
    };
    let refused = match association.foreign_shelter(&foreign) {
        Some("kobe-chuo-es-01") => Ok(()),
        other => Err(format!(
            "the association's batch for another shelter: {other:?}"
        )),
    };
    story.step(
        "the association's token syncs its own hall only: a record for the city's school shelter is refused",
        refused,
    );
    let synced = match association.foreign_shelter(&queue.pending_batch()) {
        Some(other) => Err(format!("refused for {other}")),
        None => queue.sync_report(&hq).map_err(fail).and_then(|report| {
            let staff = report.staff_entries.map(|c| c.stored);
            let sealed = report.questionnaires.map(|c| c.stored);
            match (report.stored, staff, sealed) {
                (1, Some(1), Some(1)) => Ok(()),
                other => Err(format!(
                    "check-ins, staff entries, questionnaires: {other:?}"
                )),
            }
        }),
    };
    story.step(
        "the association syncs with the HQ: one check-in, one staff entry, one sealed questionnaire",
        synced,
    );

    world.clock.advance(3 * 3_600);
    let sakura = world.resident(SAKURA)?;
    let stranger = desk.ask(sakura, &policy).map(|decision| {
        let known = CheckOut::from_decision(SHELTER, &decision)
            .is_some_and(|out| queue.is_checked_in(&out.entry_id));
        check_out_decision(decision, known)
    });
    story.decision(
        "Sakura, never checked in here, presents at check-out",
        Expect::Refuse(Reason::NotCheckedIn),
        stranger,
    );
    let leaving = story.decision(
        "Kenta presents again to leave (same desk, same credential instance, same entry)",
        Expect::Accept,
        desk.ask(kenta, &policy).map(|decision| {
            let known = CheckOut::from_decision(SHELTER, &decision)
                .is_some_and(|out| queue.is_checked_in(&out.entry_id));
            check_out_decision(decision, known)
        }),
    );
    let checked_out = leaving
        .and_then(|d| CheckOut::from_decision(SHELTER, &d))
        .ok_or("no check-out for Kenta")?;
    let out = queue
        .check_out(checked_out)
        .map_err(|r| r.reason.code().to_string())
        .and_then(|()| queue.sync_report(&hq).map_err(fail))
        .and_then(|report| match report.check_outs.map(|c| c.stored) {
            Some(1) => Ok(()),
            other => Err(format!("check-outs stored: {other:?}")),
        });
    story.step("his check-out syncs to the HQ", out);

    let store = hq.store().map_err(fail)?;
    let report = store
        .crowding(Some(&registry), world.clock.now())
        .map_err(fail)?;
    let published = serde_json::to_string(&report).map_err(fail)?;
    let hall = report.shelters.iter().find(|s| s.shelter_id == SHELTER);
    let personal = [
        KENTA.name,
        entry.entry_id.as_str(),
        entry.holder.as_str(),
        "yakuin",
    ];
    let crowding = match hall.map(|s| (s.present, s.capacity)) {
        Some((1, Some(3))) if !personal.iter().any(|p| published.contains(p)) => Ok(()),
        other => Err(format!("the hall's line: {other:?}; {published}")),
    };
    story.step(
        "the HQ publishes the crowding count: the hall has 1 of 3 present, and no name, holder or entry id",
        crowding,
    );

    let opened = store
        .questionnaires(SHELTER)
        .map_err(fail)?
        .first()
        .ok_or("no questionnaire at the HQ")?
        .open(&medical)
        .map_err(fail);
    let opened = match opened {
        Ok(answers) if answers.allergies.as_deref() == Some("小麦") => Ok(()),
        Ok(_) => Err("the answers changed on the way".to_string()),
        Err(e) => Err(e),
    };
    story.step(
        "only the medical staff's key opens the questionnaire (wheat allergy noted)",
        opened,
    );
    Ok(())
}

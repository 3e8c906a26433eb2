//! Scenario 5: a shelter desk (避難所受付) in Kobe after an earthquake. It fetched the status
//! lists when it opened; then the network goes down. Two evacuees — one from Kobe, one from
//! Mishima — check in with their resident credentials, verified offline from the cached
//! lists (a shelter tolerates status data up to 7 days past fresh). The roster entries wait
//! in the desk's queue; a sync while offline fails and keeps them; when the network returns
//! the sync delivers both to the disaster HQ, and a second sync sends nothing twice.

use myna_verifier::policy::shelter::ShelterDesk;
use myna_verifier::roster::{MemoryHq, RosterEntry, RosterQueue};

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{KENTA, SAKURA};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const SHELTER: &str = "kobe-chuo-es-01";
/// The network is down for this long before the evacuees arrive.
const OFFLINE_SECS: i64 = 6 * 3_600;

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let desk = Counter::open(world, "https://shelter-desk.city.kobe.example")?;
    let policy = ShelterDesk::new(SHELTER).map_err(fail)?;
    let (queue, hq) = (RosterQueue::new(), MemoryHq::new());
    story.note("the desk fetched the status lists when it opened; then the network went down");
    world.clock.advance(OFFLINE_SECS);
    for spec in [SAKURA, KENTA] {
        let resident = world.resident(spec)?;
        let decision = story.decision(
            &format!("{} checks in at the desk, offline", spec.label),
            Expect::Accept,
            desk.ask(resident, &policy),
        );
        if let Some(entry) = decision.and_then(|d| RosterEntry::from_decision(SHELTER, &d)) {
            queue.push(entry);
        }
    }
    hq.fail_next(1);
    let offline = match queue.sync(&hq) {
        Ok(sent) => Err(format!(
            "the sync reached the HQ while offline ({sent} sent)"
        )),
        Err(_) if queue.pending() == 2 => Ok(()),
        Err(_) => Err(format!("{} entries queued, expected 2", queue.pending())),
    };
    story.step(
        "a sync while offline fails; both roster entries stay queued at the desk",
        offline,
    );
    let synced = queue.sync(&hq).map_err(fail).and_then(|sent| {
        let again = queue.sync(&hq).map_err(fail)?;
        match (sent, again, hq.roster().len()) {
            (2, 0, 2) => Ok(()),
            other => Err(format!("sent, sent again, at the HQ: {other:?}")),
        }
    });
    story.step(
        "the network is back: the roster syncs to the disaster HQ (2 entries), a second sync sends none twice",
        synced,
    );
    Ok(())
}

//! Scenario: Himeji's どんぐり entry for the children of the Harima region. Himeji's free
//! facility entry card is for 「4～15歳未満の子ども（姫路市民及び播磨圏域連携中枢都市圏の住民）」
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:4023`, the card at :4038): a child of 加古川市, a
//! member of the region, enters with the resident credential 加古川市 issued and an age
//! credential; a child of 神戸市 (not a member) does not. The region is data
//! (`verifier/data/regions.json`, `myna verify regions`), not code.

use std::sync::Arc;

use myna_verifier::decision::Reason;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;
use myna_verifier::region::Regions;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{AOI, SAKURA};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let harima = Regions::builtin().get("harima").map_err(fail)?;
    story.note(&format!(
        "the gate's policy himeji-child-entry: a resident of any of the {} members of {} (harima), 4 ≤ age < 15",
        harima.members().count(),
        harima.name_ja()
    ));
    let gate = Counter::open(world, "https://gate.himeji-castle.example")?;
    let ledger = Arc::new(MemoryLedger::new());
    let entry = policy_from_spec("himeji-child-entry", ledger.clone()).map_err(fail)?;
    let aoi = world.resident(AOI)?;
    story.decision(
        &format!(
            "{} enters Himeji Castle free (Kakogawa is in the Harima region)",
            AOI.label
        ),
        Expect::Accept,
        gate.ask(aoi, entry.as_ref()),
    );
    story.decision(
        &format!("{} tries the same gate (Kobe is not)", SAKURA.label),
        Expect::Refuse(Reason::NotResident),
        gate.ask(world.resident(SAKURA)?, entry.as_ref()),
    );
    let himeji_only = policy_from_spec("child-entry:282014", ledger).map_err(fail)?;
    story.decision(
        &format!(
            "a Himeji-only entry (child-entry:282014) would refuse {}",
            AOI.label
        ),
        Expect::Refuse(Reason::NotResident),
        gate.ask(aoi, himeji_only.as_ref()),
    );
    Ok(())
}

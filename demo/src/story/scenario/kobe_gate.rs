//! Scenario 2: a Kobe subway gate lets pupils resident in Kobe ride free. The wallet shows
//! the resident credential's municipality code (issued by Kobe itself) and date of birth, from
//! which the gate tells a pupil by school year (小学1年 to 中学3年) on the day of the ride.

use myna_verifier::decision::Reason;
use myna_verifier::policy::residency::Residency;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{HARUTO, SAKURA};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let gate = Counter::open(world, "https://gate-sannomiya.kobe-subway.example")?;
    let policy = Residency::kobe_pupil_pass().map_err(fail)?;
    for (spec, expect) in [
        (SAKURA, Expect::Accept),
        (HARUTO, Expect::Refuse(Reason::NotResident)),
    ] {
        let resident = world.resident(spec)?;
        story.decision(
            &format!("{} walks through the free-pass gate", spec.label),
            expect,
            gate.ask(resident, &policy),
        );
    }
    Ok(())
}

//! Scenario 1: a convenience store sells sake only to customers aged 20 or over. Only the
//! `age_over_20` flag leaves the wallet — no birth date, no name.

use myna_verifier::decision::Reason;
use myna_verifier::policy::age::AgeCheck;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{HANAKO, KENTA};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let store = Counter::open(world, "https://konbini-mishima.example")?;
    let policy = AgeCheck::over_20().map_err(fail)?;
    story.note("the register shows its id and a fresh nonce; the wallet answers with a QR code");
    for (spec, expect) in [
        (HANAKO, Expect::Accept),
        (KENTA, Expect::Refuse(Reason::UnderAge)),
    ] {
        let resident = world.resident(spec)?;
        story.decision(
            &format!("{} buys a bottle of sake", spec.label),
            expect,
            store.ask(resident, &policy),
        );
    }
    Ok(())
}

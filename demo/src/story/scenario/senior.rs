//! Scenario: Kobe's elderly discount at a facility. Kobe's facility discounts may be for
//! 「高齢者を対象とする場合」 (`../shared/seeds/002_330378ace3b016db.txt:19`): the policy
//! `kobe-senior` asks for the resident credential's municipality code and the age
//! credential's `age_over_65` flag, both bound to one holder — no name, no birth date.

use std::sync::Arc;

use myna_verifier::decision::{Decision, Reason};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{KENTA, MICHIKO, TOSHIO};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// The claims an accepted decision shows, sorted: exactly what the counter learned.
fn shown(decision: &Decision) -> Vec<String> {
    let mut names: Vec<String> = decision
        .credentials
        .iter()
        .flat_map(|c| c.claims.keys().cloned())
        .collect();
    names.sort();
    names
}

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let counter = Counter::open(world, "https://oji-zoo.kobe.example")?;
    let policy = policy_from_spec("kobe-senior", Arc::new(MemoryLedger::new())).map_err(fail)?;
    let accepted = story.decision(
        &format!("{} asks for the senior discount at the zoo", TOSHIO.label),
        Expect::Accept,
        counter.ask(world.resident(TOSHIO)?, policy.as_ref()),
    );
    if let Some(decision) = accepted {
        let names = shown(&decision);
        let only = names == ["age_over_65", "municipality_code"];
        story.step(
            "the counter saw only age_over_65 and municipality_code (no name, no birth date)",
            if only {
                Ok(())
            } else {
                Err(format!("it saw {names:?}"))
            },
        );
    }
    story.decision(
        &format!("{} asks too", MICHIKO.label),
        Expect::Refuse(Reason::UnderAge),
        counter.ask(world.resident(MICHIKO)?, policy.as_ref()),
    );
    story.decision(
        &format!("{} asks while visiting Kobe", KENTA.label),
        Expect::Refuse(Reason::NotResident),
        counter.ask(world.resident(KENTA)?, policy.as_ref()),
    );
    Ok(())
}

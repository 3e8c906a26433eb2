//! Scenario: Kobe's elderly discount at a facility. Kobe's facility discounts may be for
//! 「高齢者を対象とする場合」 (`../shared/seeds/002_330378ace3b016db.txt:19`): the policy
//! `kobe-senior` asks for the resident credential's municipality code and the age
//! credential's `age_over_65` flag, both bound to one holder — no name, no address, no birth
//! date. Himeji's elderly entry (`himeji-senior`, 「高齢者福祉優待にも展開」,
//! `../shared/seeds/000_2cab3622a7b836b8.txt:4059`) is for Himeji's residents: a Kobe senior
//! visiting is refused.

use std::sync::Arc;

use myna_verifier::decision::{Decision, Reason};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::policy_from_spec;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{MICHIKO, TOSHIO};
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
        // The resident credential's prefecture code is always disclosed with its municipality
        // code; nothing else is.
        let names = shown(&decision);
        let only = names == ["age_over_65", "municipality_code", "prefecture_code"];
        story.step(
            "the counter saw only age_over_65 and the municipality and prefecture codes (no name, no address, no birth date)",
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
    let himeji = Counter::open(world, "https://gate.himeji-castle.example")?;
    let himeji_senior =
        policy_from_spec("himeji-senior", Arc::new(MemoryLedger::new())).map_err(fail)?;
    story.decision(
        &format!(
            "{} asks for Himeji's elderly entry (himeji-senior) on a visit",
            TOSHIO.label
        ),
        Expect::Refuse(Reason::NotResident),
        himeji.ask(world.resident(TOSHIO)?, himeji_senior.as_ref()),
    );
    Ok(())
}

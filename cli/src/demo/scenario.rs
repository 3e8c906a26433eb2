//! The scenarios of issue 9, in the order. Each plays against the shared
//! [`World`](super::world::World) and reports every step to the narrative; one that is not
//! written yet says so and fails the run.

pub mod age;
pub mod clinic;
pub mod consent;
pub mod kobe_gate;
pub mod move_house;
pub mod shelter;

use super::narrative::Narrative;
use super::world::World;
use super::DemoResult;

/// How a scenario is played.
type Play = fn(&World, &mut Narrative) -> DemoResult<()>;

/// Every scenario: its title and how to play it (`None`: not yet built).
pub const SCENARIOS: [(&str, Option<Play>); 9] = [
    ("A convenience store checks age ≥ 20", Some(age::play)),
    (
        "A Kobe subway gate admits a resident pupil, refuses a non-resident",
        Some(kobe_gate::play),
    ),
    (
        "An Izu partner shop sells a limited bottle once per person",
        None,
    ),
    (
        "A Maebashi forum refuses a second account by the same person",
        None,
    ),
    (
        "A shelter desk checks in two evacuees offline, then syncs the roster",
        Some(shelter::play),
    ),
    (
        "A clinic accepts a subsidy and exports the billing record",
        Some(clinic::play),
    ),
    (
        "A one-time consent ends after its use; a paused consent blocks access until resumed",
        Some(consent::play),
    ),
    (
        "A resident moves house: the resident credential is revoked, age still works",
        Some(move_house::play),
    ),
    (
        "Two trustees open an escrowed pseudonym; one alone cannot",
        None,
    ),
];

/// Plays every scenario in order.
pub fn play_all(world: &World, story: &mut Narrative) {
    for (number, (title, play)) in (1..).zip(SCENARIOS) {
        let Some(play) = play else {
            story.not_yet_built(number, title);
            continue;
        };
        story.scenario(number, title);
        if let Err(error) = play(world, story) {
            story.fail("the scenario stopped", &error);
        }
    }
}

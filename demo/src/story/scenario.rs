//! The scenarios, in order. Each plays against the shared `World` and
//! reports every step to the narrative. The escrow scenario opens the forum account of scenario 4.

pub mod age;
pub mod birthday;
pub mod clinic;
pub mod consent;
pub mod escrow;
pub mod fan_club;
pub mod forum;
pub mod kobe_gate;
pub mod languages;
pub mod move_house;
pub mod pass;
pub mod poll;
pub mod region;
pub mod senior;
pub mod shelter;
pub mod shelter_stay;

use super::narrative::Narrative;
use super::world::World;
use super::DemoResult;

/// How a scenario is played.
type Play = fn(&World, &mut Narrative) -> DemoResult<()>;

/// Every scenario: its title and how to play it.
pub const SCENARIOS: [(&str, Play); 16] = [
    ("A convenience store checks age ≥ 20", age::play),
    (
        "A Kobe subway gate admits a resident pupil, refuses a non-resident",
        kobe_gate::play,
    ),
    (
        "An Izu partner shop sells a limited bottle once per person",
        fan_club::play,
    ),
    (
        "A Maebashi forum refuses a second account by the same person",
        forum::play,
    ),
    (
        "A shelter desk checks in two evacuees offline, then syncs the roster",
        shelter::play,
    ),
    (
        "A clinic accepts a subsidy and exports the billing record",
        clinic::play,
    ),
    (
        "A one-time consent ends after its use; a paused consent blocks access until resumed",
        consent::play,
    ),
    (
        "A pool coupon with two uses: applied for once, used with a pseudonym, refused the third time",
        pass::play,
    ),
    (
        "A resident moves house: the resident credential is revoked, age still works",
        move_house::play,
    ),
    (
        "Two trustees open an escrowed pseudonym; one alone cannot",
        escrow::play,
    ),
    (
        "A Maebashi poll takes one ballot per person; anyone can recount it",
        poll::play,
    ),
    (
        "A resident turns 20: the wallet renews its stale age copies by itself",
        birthday::play,
    ),
    (
        "Himeji's children's entry admits a child of the Harima region (Kakogawa), not of Kobe",
        region::play,
    ),
    (
        "A Kobe senior gets the elderly discount; at 64, or in Himeji, not",
        senior::play,
    ),
    (
        "A residents' association's spot shelter: check-in and check-out, a sealed questionnaire, a neighbour without a phone, the crowding count",
        shelter_stay::play,
    ),
    (
        "A museum tells a refusal in the visitor's language, after the Japanese",
        languages::play,
    ),
];

/// Plays every scenario in order.
pub fn play_all(world: &World, story: &mut Narrative) {
    for (number, (title, play)) in (1..).zip(SCENARIOS) {
        story.scenario(number, title);
        if let Err(error) = play(world, story) {
            story.fail("the scenario stopped", &error);
        }
    }
}

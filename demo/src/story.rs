//! The story `myna-demo` plays: every scenario end to end in one command, on embedded defaults
//! only.
//!
//! A temporary data directory, loopback ports, a test JPKI CA with virtual My Number cards
//! for synthetic residents of Kobe, Maebashi, Mishima and Kakogawa, the four cities' real issuer
//! services (in-process, over HTTP on 127.0.0.1), the residents' wallets and the verifier
//! library — then the scenarios, each step printed with ✓ (the outcome was the expected one)
//! or ✗. Time is the fixed demo clock ([`clock::DEMO_START`]), never today's date. The command
//! exits non-zero if any step's outcome differs from the expected one.
//!
//! * [`world`]: the setup; [`city`]: one issuer service; [`resident`]: a card and a wallet;
//! * [`counter`]: a verifier meeting a wallet in person; [`narrative`]: the printed story;
//! * [`scenario`]: one module per scenario.

mod city;
mod clock;
mod counter;
mod narrative;
mod resident;
mod scenario;
mod world;

use narrative::Narrative;

/// What the demo's steps return; the error is shown after ✗.
type DemoResult<T> = Result<T, String>;

/// Any error as the text shown after ✗.
fn fail(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// `myna-demo --help`.
pub const LONG_ABOUT: &str = "Plays every scenario end to end in one command.\n\n\
It needs nothing but this binary: a temporary data directory (deleted afterwards), loopback \
ports (127.0.0.1), a test JPKI CA with virtual My Number cards for synthetic residents of Kobe \
(281000), Maebashi (102016), Mishima (222062) and Kakogawa (282103), the four cities' issuer \
services run in-process and reached over HTTP, the residents' wallets and the verifier library. \
Time is a fixed demo clock (2027-04-01 09:00 JST), not today's date.\n\n\
Each step prints ✓ when its outcome is the expected one (an acceptance or a refusal) and ✗ \
otherwise; the command exits non-zero if any step is ✗.\n\n\
`myna-demo wallet …` runs the commands of `myna wallet` with an in-process demo issuer \
instead of a real one: `anchor --virtual-card`, then `receive` its offer and give consents to \
its registry; see `myna-demo wallet --help`.";

/// Plays the story; an error if any step's outcome was not the expected one.
pub fn run() -> Result<(), String> {
    let mut story = Narrative::default();
    println!("myna demo — every scenario end to end");
    story.scenario(0, "Setting up: cards, issuers, trust list, wallets");
    let world = world::World::build(&mut story)?;
    scenario::play_all(&world, &mut story);
    drop(world);
    story.finish()
}

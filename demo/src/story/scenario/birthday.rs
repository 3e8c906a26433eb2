//! Scenario 12: Kenta turns 20. His age copies, issued on 1 April, say `age_over_20: false`
//! until their `exp` — a boundary everyone issued that day shares, so the store that refused
//! him learned nothing of his birthday. His wallet notices from the birth date it holds and
//! renews the copies at 三島市 on its own (`Wallet::refresh_stale`: no staff, no card); the
//! store then sells to him.

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::time::Clock;
use myna_verifier::policy::age::AgeCheck;

use crate::story::city::MISHIMA;
use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::KENTA;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const STORE: &str = "https://konbini-mishima.example";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let kenta = world.resident(KENTA)?;
    let birth = CalendarDate::parse(KENTA.birthdate).map_err(fail)?;
    let twentieth =
        CalendarDate::from_ymd(birth.year() + 20, birth.month(), birth.day()).map_err(fail)?;
    // 09:00 JST on his 20th birthday.
    let morning = twentieth.start_jst().plus_seconds(9 * 3_600);
    let ahead = morning.as_unix() - world.clock.now().as_unix();
    if ahead <= 0 {
        return Err(format!("the demo clock is already past {twentieth}"));
    }
    world.clock.advance(ahead);
    let now = world.clock.now();

    let stale = kenta.wallet.stale_credentials(now).map_err(fail);
    story.step(
        &format!(
            "{twentieth}: Kenta turns 20; his wallet finds its age copies stale from the birth date it holds"
        ),
        stale.and_then(|s| {
            if s.is_empty() {
                Err("no stale age copy".to_owned())
            } else {
                Ok(s.len())
            }
        }),
    );
    let issuer = IssuerId::new(MISHIMA.iss).map_err(fail)?;
    let refreshed = kenta
        .wallet
        .refresh_stale(&world.transport, &issuer, &world.receipt_check(), now)
        .map_err(fail)
        .and_then(|batch| batch.ok_or_else(|| "nothing was refreshed".to_owned()));
    story.step(
        "it renews them at 三島市 by itself (no staff, no card): one unused copy shows its birth date, a fresh batch comes back",
        refreshed,
    );
    story.decision(
        "Kenta (20, Mishima) buys a bottle of sake",
        Expect::Accept,
        Counter::open(world, STORE)?.ask(kenta, &AgeCheck::over_20().map_err(fail)?),
    );
    Ok(())
}

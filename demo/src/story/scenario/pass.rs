//! Scenario: a facility coupon with a number of uses, applied for once and used up (消込) with
//! nothing but a pseudonym.
//!
//! Sources: Kobe's facility discount service, "判定に必要な情報を送信することで、割引の適用可否を
//! 自動判定し、オンラインクーポンを発行する。クーポン利用時は、…施設職員が消込を行う"
//! (`../shared/seeds/002_330378ace3b016db.txt:15`), with "利用回数制限を設ける場合" and "横展開が
//! 容易" (`../shared/seeds/002_330378ace3b016db.txt:19`) — here adopted by a 三島市 pool.
//!
//! Kenta applies once: his resident credential (三島市) and his pseudonym for the coupon, both
//! bound to the key he anchored with his card. The pool's pass book grants the coupon — two
//! uses within twelve months — to the pseudonym only; the staff's screen afterwards sees
//! nothing but that pseudonym, marks a use, and refuses the third. An application to an offer
//! whose period has ended is refused.
//!
//! Kobe's pupil pass applied for by a guardian (`../shared/seeds/002_330378ace3b016db.txt:73`,
//! `:78`) is not played here: a child's card has no signature certificate, so the demo's
//! issuer cannot bind a child's resident credential to the key her pseudonym is bound to; see
//! `verifier/tests/passes.rs` and `specs/scenarios.md`.

use std::sync::Arc;

use myna_vc_core::time::Clock;
use myna_verifier::decision::Reason;
use myna_verifier::pass::{PassId, PassTerms, RedbPassBook};
use myna_verifier::policy::pass::{PassApplication, PassGate};
use myna_verifier::policy::residency::Residency;

use crate::story::city::{MISHIMA, MISHIMA_POOL_COUPON};
use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::KENTA;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// The pool's online application desk and its reception (one verifier identity).
const POOL: &str = "https://pool.mishima.example";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let kenta = world.resident(KENTA)?;
    let mishima = world.city(MISHIMA).ok_or("no 三島市 service")?;
    let now = world.clock.now();
    let check = world.receipt_check();
    let resident = kenta
        .anchor_with_facts_at(&world.transport, mishima, &check, now)
        .and_then(|(offer, pin)| {
            kenta.redeem_anchored(&world.transport, &offer, pin.as_deref(), &check, now)
        });
    story
        .step(
            "Kenta reads his card at 三島市 again (signature PIN): his resident credential bound to his anchored key",
            resident.and_then(|claims| {
                match claims.iter().any(|c| c.get("municipality_code").is_some()) {
                    true => Ok(()),
                    false => Err(format!("no resident credential: {claims:?}")),
                }
            }),
        )
        .ok_or("no resident credential")?;
    let offer =
        serde_json::json!([{"credential": "context_pseudonym", "context": MISHIMA_POOL_COUPON}]);
    let pseudonym =
        kenta.receive_anchored_offer(&world.transport, mishima, &world.http, offer, &check, now);
    story
        .step(
            &format!("the pool's sign-up asks 三島市 to offer his pseudonym for {MISHIMA_POOL_COUPON}; his wallet redeems it with the same anchor"),
            pseudonym.map(drop),
        )
        .ok_or("no pseudonym")?;

    let book = Arc::new(RedbPassBook::open(&world.path("pool-passes.redb")).map_err(fail)?);
    let residents = || Residency::of(MISHIMA.code.parse().map_err(fail)?).map_err(fail);
    let coupon = PassId::parse(MISHIMA_POOL_COUPON).map_err(fail)?;
    let terms = PassTerms::parse("12m", "2").map_err(fail)?;
    let apply = PassApplication::new(coupon.clone(), terms, Arc::new(residents()?), book.clone())
        .map_err(fail)?;
    story.decision(
        "Kenta applies online for the pool's residents' coupon (resident of 三島市, his pseudonym): two uses within twelve months, granted to the pseudonym",
        Expect::Accept,
        Counter::open(world, POOL)?.ask(kenta, &apply),
    );
    let reception = PassGate::new(coupon.clone(), book.clone()).map_err(fail)?;
    for (visit, expect) in [
        ("first", Expect::Accept),
        ("second", Expect::Accept),
        ("third", Expect::Refuse(Reason::UsesExhausted)),
    ] {
        story.decision(
            &format!("the pool's staff mark the coupon used (消込) at Kenta's {visit} visit: they see only his coupon pseudonym"),
            expect,
            Counter::open(world, POOL)?.ask(kenta, &reception),
        );
    }

    // An offer that ended (summer 2026; the demo clock starts on 2027-04-01).
    let ended = PassTerms::parse("2026-07-01..2026-08-31", "2").map_err(fail)?;
    let apply = PassApplication::new(coupon, ended, Arc::new(residents()?), book).map_err(fail)?;
    story.decision(
        "Kenta tries the pool's summer-2026 coupon offer: it has ended",
        Expect::Refuse(Reason::PassOutsidePeriod),
        Counter::open(world, POOL)?.ask(kenta, &apply),
    );
    Ok(())
}

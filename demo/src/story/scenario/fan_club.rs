//! Scenario 3: the Izu fan club's limited bottle, one per person per sale. The club's
//! membership, the buyer's pseudonym for the sale and her age credential come from 三島市's
//! issuer, all bound to the key Hanako anchored there with her card — the sale's till accepts
//! the three together only when they share one holder key (see `specs/holder-binding.md`);
//! the partner shops share one redemption ledger, so her second try at another shop is
//! refused — the pseudonym is the same person whatever wallet, and means nothing outside
//! this sale.

use std::sync::Arc;

use myna_vc_core::time::Clock;
use myna_verifier::decision::Reason;
use myna_verifier::ledger::RedbLedger;
use myna_verifier::policy::fan_club::FanClubSale;
use serde_json::json;

use crate::story::city::MISHIMA;
use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::HANAKO;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// The club.
const CLUB: &str = "izu-fan-club";
/// The sale (also the pseudonym's context).
const SALE: &str = "izu-limited-sake-2027";
/// The sale's verifier identity, shared by every partner shop's till.
const SALE_VERIFIER: &str = "https://sale.izu-fan-club.example";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let hanako = world.resident(HANAKO)?;
    let mishima = world.city(MISHIMA).ok_or("no 三島市 service")?;
    let now = world.clock.now();
    let check = world.receipt_check();
    story.note("the Izu fan club issues through 三島市's service; its partner shops share one redemption ledger for the sale");
    let (age_offer, age_pin) = story
        .step(
            "Hanako anchors her wallet to her card at 三島市 too, and lets the city read her birth date (signature PIN)",
            hanako.anchor_with_facts_at(&world.transport, mishima, &check, now),
        )
        .ok_or("not anchored")?;
    let age = hanako.redeem_anchored(
        &world.transport,
        &age_offer,
        age_pin.as_deref(),
        &check,
        now,
    );
    story
        .step(
            "her wallet redeems 三島市's age offer with its anchor: the age credential is bound to the anchored key",
            age.and_then(|claims| match claims.as_slice() {
                [age] if age.get("age_over_20") == Some(&json!(true)) => Ok(()),
                _ => Err(format!("unexpected credentials: {claims:?}")),
            }),
        )
        .ok_or("no age credential")?;
    let offer = json!([
        {"credential": "fan_club_membership", "club_id": CLUB, "member_number": "IZU-0815", "tier": "gold"},
        {"credential": "context_pseudonym", "context": SALE},
    ]);
    let received =
        hanako.receive_anchored_offer(&world.transport, mishima, &world.http, offer, &check, now);
    let received = story
        .step(
            &format!("the club's desk offers her the membership and her pseudonym for the sale {SALE}; her wallet redeems it with its anchor credential"),
            received.and_then(|claims| match claims.as_slice() {
                [membership, pseudonym] if membership.get("club_id") == Some(&json!(CLUB))
                    && pseudonym.get("context") == Some(&json!(SALE)) => Ok(()),
                _ => Err(format!("unexpected credentials: {claims:?}")),
            }),
        );
    received.ok_or("no membership")?;

    let ledger = Arc::new(RedbLedger::open(&world.path("izu-sale-ledger.redb")).map_err(fail)?);
    for (shop, expect) in [
        ("shuzenji-sakaya", Expect::Accept),
        ("ito-station-shop", Expect::Refuse(Reason::AlreadyRedeemed)),
    ] {
        let till = Counter::open(world, SALE_VERIFIER)?;
        let sale = FanClubSale::new(CLUB, SALE, shop, ledger.clone()).map_err(fail)?;
        story.decision(
            &format!("Hanako buys the limited bottle at {shop} (member, age ≥ 20, pseudonym)"),
            expect,
            till.ask(hanako, &sale),
        );
    }
    Ok(())
}

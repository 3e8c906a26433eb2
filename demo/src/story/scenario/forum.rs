//! Scenario 4: the Maebashi citizens' forum allows one account per person. Sign-up asks for
//! nothing but the holder's pseudonym for the forum — no name, no address — and the forum
//! keeps the pseudonyms of its accounts. The sign-up page links to 前橋市's self-service
//! pseudonym offer; the wallet redeems it with its anchor. Hanako's second phone, a new
//! wallet anchored to the same card, gets the same pseudonym, so a second account is refused.

use std::sync::Arc;

use myna_vc_core::time::Clock;
use myna_verifier::decision::Reason;
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::once_per_person::{OncePerPerson, PSEUDONYM_ID};

use crate::story::city::{MAEBASHI, MAEBASHI_FORUM};
use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{Resident, HANAKO};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// The forum (the pseudonym's context).
pub const FORUM: &str = MAEBASHI_FORUM;
/// The forum's verifier identity.
const FORUM_VERIFIER: &str = "https://forum.maebashi.example";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let maebashi = world.city(MAEBASHI).ok_or("no 前橋市 service")?;
    let forum = Counter::open(world, FORUM_VERIFIER)?;
    let policy = OncePerPerson::sign_up(
        FORUM,
        "forum.maebashi.example",
        Arc::new(MemoryLedger::new()),
    )
    .map_err(fail)?;
    let hanako = world.resident(HANAKO)?;
    let first = story.step(
        "the forum's sign-up page links to 前橋市's pseudonym offer; Hanako's wallet redeems it with the anchor it already holds",
        pseudonym(world, hanako),
    );
    let first = first.ok_or("no pseudonym")?;
    let decision = story.decision(
        "Hanako signs up to the forum with her pseudonym",
        Expect::Accept,
        forum.ask(hanako, &policy),
    );
    if let Some(account) = decision
        .as_ref()
        .and_then(|d| d.credential(PSEUDONYM_ID))
        .and_then(|c| c.claims.get("pseudonym"))
        .and_then(|p| p.as_str())
    {
        world
            .forum_accounts
            .lock()
            .map_err(|_| "the forum's accounts are poisoned")?
            .push(account.to_owned());
    }

    let now = world.clock.now();
    let second_phone = hanako.new_device(now)?;
    let anchored = second_phone.anchor_at(&world.transport, maebashi, &world.receipt_check(), now);
    story
        .step(
            "Hanako sets up a second phone: a new wallet, anchored to the same card at 前橋市",
            anchored,
        )
        .ok_or("second phone not anchored")?;
    let again = pseudonym(world, &second_phone).and_then(|value| {
        if value == first {
            Ok(())
        } else {
            Err("the second phone got another pseudonym".to_owned())
        }
    });
    story.step(
        "its forum pseudonym is the same as on her first phone (one person, one value)",
        again,
    );
    story.decision(
        "Hanako tries to open a second account from the second phone",
        Expect::Refuse(Reason::AlreadyRegistered),
        forum.ask(&second_phone, &policy),
    );
    Ok(())
}

/// The resident's wallet redeems 前橋市's self-service offer of their pseudonym for the
/// forum: its value.
fn pseudonym(world: &World, resident: &Resident) -> DemoResult<String> {
    let maebashi = world.city(MAEBASHI).ok_or("no 前橋市 service")?;
    let offer = maebashi.pseudonym_offer(&world.http, FORUM)?;
    let claims = resident.redeem_anchored(
        &world.transport,
        &offer,
        None,
        &world.receipt_check(),
        world.clock.now(),
    )?;
    claims
        .first()
        .and_then(|c| c.get("pseudonym"))
        .and_then(|p| p.as_str())
        .map(str::to_owned)
        .ok_or_else(|| "no pseudonym received".to_owned())
}

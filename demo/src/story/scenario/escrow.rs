//! Scenario 10: due process. The forum reports one of its accounts to 前橋市, and a court
//! orders the person behind it identified. The link pseudonym → person was sealed to three
//! trustees when the pseudonym was issued; the operator alone cannot read it, one trustee's
//! share does not open it, and two shares do (every step in the audit log).

use serde_json::Value;

use crate::story::city::{City, MAEBASHI, TRUSTEES};
use crate::story::narrative::Narrative;
use crate::story::scenario::forum::FORUM;
use crate::story::world::World;
use crate::story::DemoResult;

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let maebashi = world.city(MAEBASHI).ok_or("no 前橋市 service")?;
    let reported = world
        .forum_accounts
        .lock()
        .map_err(|_| "the forum's accounts are poisoned")?
        .first()
        .cloned()
        .ok_or("the forum has no account to report (scenario 4 failed)")?;
    story.note(&format!(
        "the forum reports the account {}… to 前橋市; a court orders it identified",
        reported.chars().take(8).collect::<String>()
    ));
    let id = story
        .step(
            "前橋市's operator starts an escrow opening for the pseudonym (2 of 3 trustees needed)",
            maebashi.start_opening(&world.http, FORUM, &reported),
        )
        .ok_or("no opening")?;
    let first = maebashi
        .release_share(&world.http, 0, &id)
        .and_then(|_| still_closed(world, maebashi, &id));
    story.step(
        &format!(
            "the {} releases its share: one trustee alone cannot open the link, the operator still sees no one",
            trustee(0)
        ),
        first,
    );
    let twice = match maebashi.release_share(&world.http, 0, &id) {
        Ok(_) => Err("a second share by the same trustee was accepted".to_owned()),
        Err(refusal) if refusal.starts_with("HTTP 409") => Ok(()),
        Err(other) => Err(other),
    };
    story.step(
        &format!("the {} cannot count twice (HTTP 409)", trustee(0)),
        twice,
    );
    let opened = maebashi
        .release_share(&world.http, 1, &id)
        .and_then(|_| maebashi.opening(&world.http, &id))
        .and_then(|view| person(&view));
    story.step(
        &format!(
            "the {} releases its share: two shares open the link to 前橋市's record of the person",
            trustee(1)
        ),
        opened,
    );
    Ok(())
}

/// Trustee number `n` as the story names it.
fn trustee(n: usize) -> String {
    TRUSTEES
        .get(n)
        .map_or_else(String::new, |id| id.replace('-', " "))
}

/// `Ok` while the opening is incomplete and shows no person.
fn still_closed(world: &World, city: &City, id: &str) -> DemoResult<()> {
    let view = city.opening(&world.http, id)?;
    match (view.get("completed"), view.get("person")) {
        (Some(Value::Bool(false)), Some(Value::Null) | None) => Ok(()),
        _ => Err(format!("the link opened too early: {view}")),
    }
}

/// The opened person handle, checked to be there.
fn person(view: &Value) -> DemoResult<()> {
    let complete = view.get("completed") == Some(&Value::Bool(true));
    let person = view.get("person").and_then(Value::as_str);
    match person {
        Some(handle) if complete && !handle.is_empty() => Ok(()),
        _ => Err(format!("the link did not open: {view}")),
    }
}

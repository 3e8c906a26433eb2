//! Scenario 16: a visitor who reads Vietnamese (or Chinese, Korean, Portuguese, English) is told
//! why the museum's register refused the senior discount, in Japanese and in their own language, from the one message
//! catalogue (`vocabulary/messages/reasons.json`). Omura's residents from abroad: "言語の壁が
//! 大きい" and, once served, "母国語で地域の情報が見られるようになった"
//! (`../shared/seeds/004_e867865de3ae606d.txt:75`, `:115`).

use myna_verifier::decision::{Lang, Reason};
use myna_verifier::policy::age::AgeCheck;

use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::HANAKO;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let museum = Counter::open(world, "https://museum-omura.example")?;
    let policy = AgeCheck::over_65().map_err(fail)?;
    story.note("the cashier picks the visitor's language; Japanese is always shown first");
    let hanako = world.resident(HANAKO)?;
    let decision = story.decision(
        &format!("{} asks for the senior (65+) ticket", HANAKO.label),
        Expect::Refuse(Reason::UnderAge),
        museum.ask(hanako, &policy),
    );
    let Some(reason) = decision.and_then(|d| d.reason()) else {
        return Ok(());
    };
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::Ja) {
        story.step(
            &format!(
                "told in {}: {} / {}",
                lang.native_name(),
                reason.text_ja(),
                reason.text(lang)
            ),
            translated(reason, lang),
        );
    }
    Ok(())
}

/// The reason has its own text in `lang`: not the code, not the English (unless English).
fn translated(reason: Reason, lang: Lang) -> Result<(), String> {
    let text = reason.text(lang);
    if text == reason.code() || (lang != Lang::En && text == reason.text_en()) {
        return Err(format!("no {lang} text for {}", reason.code()));
    }
    Ok(())
}

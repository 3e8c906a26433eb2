//! Scenario 9: a resident moves house. J-LIS revokes her signature certificate
//! (affiliationChanged: the address in it is no longer true); Maebashi imports the CRL, and
//! the cascade revokes every credential resting on her residence. The residents-only counter
//! refuses her resident credential from then on; her age credential rests only on the birth
//! date and still works.

use myna_jpki::crl::RevocationReason;
use myna_jpki::profile::CertificateType;
use myna_verifier::decision::Reason;
use myna_verifier::policy::age::AgeCheck;
use myna_verifier::policy::residency::Residency;

use crate::story::city::MAEBASHI;
use crate::story::counter::Counter;
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::HANAKO;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const POOL: &str = "https://pool.city.maebashi.example";
const LIQUOR_STORE: &str = "https://sakaya-takasaki.example";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let hanako = world.resident(HANAKO)?;
    let residents_only = Residency::of(MAEBASHI.code.parse().map_err(fail)?).map_err(fail)?;
    story.decision(
        "Hanako shows the Maebashi city pool she lives in Maebashi (residents' rate)",
        Expect::Accept,
        Counter::open(world, POOL)?.ask(hanako, &residents_only),
    );

    world.clock.advance(3_600);
    let serial = hanako
        .card()
        .signature_serial()
        .ok_or("Hanako's card has no signature certificate")?;
    story.step(
        "Hanako moves to Takasaki: J-LIS revokes her signature certificate (affiliationChanged), every city imports the new CRL",
        world.revoke_and_publish(
            CertificateType::Signature,
            serial,
            RevocationReason::AffiliationChanged,
        ),
    );

    // Counters fetch the status lists afresh (as they would at opening time).
    story.decision(
        "Hanako tries the residents' rate at the pool again",
        Expect::Refuse(Reason::Revoked),
        Counter::open(world, POOL)?.ask(hanako, &residents_only),
    );
    story.decision(
        "Hanako buys sake in Takasaki: her age credential still works",
        Expect::Accept,
        Counter::open(world, LIQUOR_STORE)?.ask(hanako, &AgeCheck::over_20().map_err(fail)?),
    );
    Ok(())
}

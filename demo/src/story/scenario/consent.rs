//! Scenario 7: consents (dynamic opt-in) through Maebashi's consent registry, over HTTP.
//!
//! Hanako gives a health-consultation line (a recipient with its own did:key) a **one-time**
//! consent to read her age flag: the line checks it (registry receipt, consent status list),
//! uses it once and reports the use; the registry marks it used and the next check refuses.
//! Then she gives an **ongoing** consent, pauses it — the line is refused — and resumes it —
//! the line may read again. Before every check the line fetches the consent status list;
//! the check itself is offline.

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{
    ConsentAction, ConsentId, ConsentUse, ConsentUseReport, Purpose, Recipient,
};
use myna_vc_core::crypto::{default_provider, SecretKey, Signer};
use myna_vc_core::did::DidKey;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::Clock;
use myna_verifier::consent_guard::{ConsentGuard, IntendedUse};
use myna_verifier::decision::Reason;
use myna_wallet::consent::{ConsentRegistry, ConsentRequest, StoredConsent};
use myna_wallet::http::HttpRegistry;

use crate::story::city::{City, MAEBASHI};
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::HANAKO;
use crate::story::world::World;
use crate::story::{fail, DemoResult};

const AGE_VCT: &str = "urn:myna-vc:vct:age:1";

/// The recipient: a health-consultation line with its own key.
struct Line<'w> {
    world: &'w World,
    city: &'w City,
    signer: Box<dyn Signer>,
    guard: ConsentGuard,
    intended: IntendedUse,
}

impl Line<'_> {
    /// Fetches the consent status list now and asks the guard.
    fn may_use(&self, consent: &StoredConsent) -> DemoResult<Expect> {
        let uri = self.city.service.consent_list();
        let now = self.world.clock.now();
        let token = self.world.status.token(uri).map_err(fail)?;
        self.guard
            .store_status_list(uri, &token, now)
            .map_err(fail)?;
        Ok(
            match self
                .guard
                .may_use(&consent.record, &consent.receipt, &self.intended, now)
            {
                Ok(_) => Expect::Accept,
                Err(rejection) => Expect::Refuse(rejection.reason),
            },
        )
    }

    /// Reports the single use of a one-time consent to the registry.
    fn report_use(&self, registry: &HttpRegistry, consent: &StoredConsent) -> DemoResult<()> {
        let id = ConsentId::parse(&consent.id).map_err(fail)?;
        let report = ConsentUseReport {
            consent: id,
            iat: self.world.clock.now(),
        }
        .sign(&*self.signer)
        .map_err(fail)?;
        registry.report_use(&id, &report).map_err(fail)
    }
}

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let city = world.city(MAEBASHI).ok_or("Maebashi is not running")?;
    let hanako = world.resident(HANAKO)?;
    let registry = HttpRegistry::new(MAEBASHI.iss, city.service.issuer_key().clone())
        .map_err(fail)?
        .with_loopback_route(city.route()?);
    let key = SecretKey::generate_p256().map_err(fail)?;
    let did = DidKey::from_public_key(&key.public_key()).map_err(fail)?;
    let recipient = Recipient::parse(did.did().as_str()).map_err(fail)?;
    let vct = Vct::parse(AGE_VCT).map_err(fail)?;
    let claims = vec![ClaimPath::key("age_over_20")];
    let line = Line {
        world,
        city,
        signer: default_provider().signer(&key).map_err(fail)?,
        guard: ConsentGuard::new(city.service.issuer_key().clone(), recipient.clone(), 3_600),
        intended: IntendedUse {
            vct: vct.clone(),
            claims: claims.clone(),
        },
    };
    let give = |usage: ConsentUse| -> DemoResult<StoredConsent> {
        let now = world.clock.now();
        let request = ConsentRequest {
            recipient: recipient.clone(),
            purpose: Purpose::new("health consultation line").map_err(fail)?,
            vct: vct.clone(),
            claims: claims.clone(),
            not_before: now,
            not_after: None,
            usage,
        };
        hanako
            .wallet
            .give_consent(&registry, request, now)
            .map_err(fail)
    };
    let change = |consent: &StoredConsent, action: ConsentAction| -> DemoResult<()> {
        hanako
            .wallet
            .change_consent(&registry, &consent.id, action, world.clock.now())
            .map(drop)
            .map_err(fail)
    };

    let Some(once) = story.step(
        "Hanako gives the consultation line a one-time consent (age_over_20), registered at 前橋市's consent registry",
        give(ConsentUse::OneTime),
    ) else {
        return Ok(());
    };
    story.outcome(
        "the line checks the consent before reading",
        Expect::Accept,
        line.may_use(&once),
    );
    story.step(
        "the line reads once and reports the use to the registry",
        line.report_use(&registry, &once),
    );
    story.outcome(
        "the line checks the one-time consent again",
        Expect::Refuse(Reason::ConsentUsed),
        line.may_use(&once),
    );

    let Some(ongoing) = story.step(
        "Hanako gives the line an ongoing consent",
        give(ConsentUse::Ongoing),
    ) else {
        return Ok(());
    };
    story.step(
        "Hanako pauses it from her wallet",
        change(&ongoing, ConsentAction::Pause),
    );
    story.outcome(
        "the line checks the paused consent",
        Expect::Refuse(Reason::ConsentPaused),
        line.may_use(&ongoing),
    );
    story.step("Hanako resumes it", change(&ongoing, ConsentAction::Resume));
    story.outcome(
        "the line checks the resumed consent",
        Expect::Accept,
        line.may_use(&ongoing),
    );
    Ok(())
}

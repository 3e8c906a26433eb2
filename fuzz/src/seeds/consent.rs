//! Consent messages made by the crate (tagged with the `consent` target's selector byte),
//! each signed by its fixture key: the record, the action requests, the use report, the
//! receipt, and a consent identifier.

use super::{Seed, SeedError, Shared};
use crate::input::tagged;
use crate::{consent, credential};

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let provider = credential::provider();
    let record = consent::record()?;
    let holder = provider.signer(consent::holder_secret())?;
    let recipient = provider.signer(consent::recipient_secret())?;
    let registry = provider.signer(consent::registry_secret())?;
    let mut seeds = vec![
        Seed::new("record", tagged(0, record.as_str().as_bytes())),
        Seed::new(
            "use_report",
            tagged(2, consent::use_report().sign(&*recipient)?.as_bytes()),
        ),
        Seed::new(
            "receipt",
            tagged(3, consent::receipt()?.sign(&*registry)?.as_bytes()),
        ),
        Seed::new("id", tagged(4, record.terms().id.to_string().as_bytes())),
    ];
    for (i, action) in consent::actions().iter().enumerate() {
        seeds.push(Seed::new(
            format!("action_{i}"),
            tagged(1, action.sign(&*holder)?.as_bytes()),
        ));
    }
    Ok(seeds)
}

//! Trust lists made by the crate (tagged with the `trust_list` target's selector byte): the
//! fixture list signed by the fixture authority, its JSON, and a self-signed issuer entry.

use myna_vc_core::trust_entry;

use super::{Seed, SeedError, Shared};
use crate::input::tagged;
use crate::{credential, trust};

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let list = trust::list()?;
    let authority = credential::provider().signer(trust::authority_secret())?;
    let jwt = list.sign(&*authority)?;
    let entry_signer = credential::provider().signer(trust::entry_secret())?;
    let entry = trust_entry::sign(&trust::entry(), &*entry_signer, credential::now())?;
    Ok(vec![
        Seed::new("signed", tagged(0, jwt.as_bytes())),
        Seed::new(
            "json",
            tagged(1, serde_json::to_vec(&list.to_claims())?.as_slice()),
        ),
        Seed::new("entry", tagged(2, entry.as_bytes())),
    ])
}

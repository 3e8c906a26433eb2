//! The CRLs the fixed test CA signed (`jpki_world`): the current one of each type, an empty
//! one and one of 40 entries with every reason and serial size.

use super::{Seed, SeedError, Shared};
use crate::jpki_world::world;

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    Ok(world()
        .crls
        .iter()
        .enumerate()
        .map(|(i, crl)| {
            Seed::new(
                format!("{}_{i}_{}_entries", crl.certificate_type, crl.entries.len()),
                crl.der.clone(),
            )
        })
        .collect())
}

//! DCQL queries: the fixture verifier's, one with numbers of every JSON kind among its
//! values (the issue's `4493193e-48`), and the specification's query examples.

use myna_vc_core::dcql::DcqlQuery;

use super::{Seed, SeedError, Shared};
use crate::request;

/// A query with numbers of every kind: integers in `values`, and in the `meta` of a format
/// this crate keeps untouched, fractions and exponents too (the issue's `4493193e-48`).
pub const NUMBERS: &str = r#"{"credentials":[{"id":"n","format":"dc+sd-jwt","meta":{"vct_values":["urn:x"]},"claims":[{"path":["n"],"values":[-7,18446744073709551615,true,"x"]}]},{"id":"m","format":"mso_mdoc","meta":{"doctype_value":"org.iso.18013.5.1.mDL","n":[4493193e-48,0.1,1e300,-0.0,5e-324]}}]}"#;

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let mut seeds = Vec::new();
    for (name, json) in [("fixture", request::QUERY), ("numbers", NUMBERS)] {
        // Through the parser and back out, so the seed is the crate's own form.
        seeds.push(Seed::new(
            name,
            DcqlQuery::from_json(json.as_bytes())?.to_json(),
        ));
    }
    seeds.extend(shared.files(
        "specs/openid4vp/examples/query_lang",
        &[".json"],
        b"",
        64 * 1024,
    ));
    Ok(seeds)
}

//! Presentations of the fixture credential (each disclosure set, with a KB-JWT for the
//! verifier), the 79-byte RSA `jwk` input, and the SD-JWT vectors' presentations.

use super::{Seed, SeedError, Shared};
use crate::credential;

/// The presentation with an RSA `jwk` of empty modulus that panicked the verifier (issue 17).
pub const EMPTY_RSA_MODULUS: &str =
    "eyJhbGciOiJSUzI1NiIsImp3ayI6eyJrdHkiOiJSU0EiLCJuIjoiIiwiZSI6IkFRQUIifX0.e30.AA~";

pub(super) fn seeds(shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let mut seeds: Vec<Seed> = credential::presentations()?
        .into_iter()
        .enumerate()
        .map(|(i, p)| Seed::new(format!("fixture_{i}"), p))
        .collect();
    seeds.push(Seed::new("issue17_empty_rsa_modulus", EMPTY_RSA_MODULUS));
    seeds.extend(shared.files(
        "vectors/sd-jwt/generated",
        &["sd_jwt_presentation.txt"],
        b"",
        64 * 1024,
    ));
    seeds.extend(shared.files(
        "specs/sd-jwt-vc/examples",
        &["sd_jwt_presentation.txt"],
        b"",
        64 * 1024,
    ));
    Ok(seeds)
}

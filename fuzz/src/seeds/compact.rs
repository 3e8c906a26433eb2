//! Compact (`MV1:`) forms of the fixture presentations, `MVC1:` challenges and a gate nonce.

use myna_vc_core::compact::{self, GateId, GateKey, GateNonce, InPersonChallenge};
use myna_vc_core::oid4vp::Nonce;

use super::{Seed, SeedError, Shared};
use crate::credential;

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let mut seeds = Vec::new();
    for (i, presentation) in credential::presentations()?.iter().enumerate() {
        seeds.push(Seed::new(
            format!("fixture_{i}"),
            compact::encode(presentation)?,
        ));
    }
    let challenge = InPersonChallenge::new(credential::AUDIENCE, Nonce::parse(credential::NONCE)?)?;
    seeds.push(Seed::new("challenge", challenge.to_string()));
    let gate = GateId::parse("gate-1")?;
    let nonce = GateNonce::current(&GateKey::from_bytes([9; 32]), &gate, credential::now())?;
    seeds.push(Seed::new(
        "gate_challenge",
        nonce.challenge(&gate).to_string(),
    ));
    seeds.push(Seed::new("gate_nonce", nonce.as_nonce().to_string()));
    Ok(seeds)
}

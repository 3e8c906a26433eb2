//! Test credentials made in the test itself: issued by a key the test wrote into the trust
//! list, presented with a key binding, as a wallet would hand them to `myna verify check`.

use myna_verifier::core::claim_path::ClaimPath;
use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::sdjwt::KeyBinding;
use myna_verifier::core::sdjwt_vc::{
    CredentialType, DisclosureRule, SdJwtVcIssuer, VcRequest, Vct,
};
use myna_verifier::core::time::NumericDate;
use serde_json::Value;

/// Who signs a test credential (its key, under `kid` `k1`, and `iss`) and whose key it binds.
pub struct Parties<'a> {
    /// The issuer's signing key.
    pub issuer_key: &'a SecretKey,
    /// The issuer's id, as in the trust list.
    pub iss: &'a str,
    /// The holder, who signs the key binding.
    pub holder: &'a SecretKey,
}

/// Where and when a test credential is presented.
pub struct Binding<'a> {
    /// The verifier's audience.
    pub audience: &'a str,
    /// The request's nonce.
    pub nonce: &'a str,
    /// When it is issued (valid 24 hours) and presented.
    pub at: NumericDate,
}

/// A credential type `vct` in which every claim of `claims` is selectively disclosable and
/// mandatory, and the paths of those claims (to disclose them all).
pub fn every_claim(vct: &str, claims: &Value) -> (CredentialType, Vec<ClaimPath>) {
    let paths: Vec<ClaimPath> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(ClaimPath::key)
        .collect();
    let ctype = paths.iter().fold(
        CredentialType::new(Vct::parse(vct).unwrap()),
        |ctype, path| ctype.claim(path.clone(), DisclosureRule::Selective, true),
    );
    (ctype, paths)
}

/// `claims` issued as a credential of `ctype` by `parties` (no status entry), presented
/// disclosing `disclose` with a key binding for `binding`.
pub fn present(
    parties: &Parties,
    ctype: &CredentialType,
    claims: &Value,
    disclose: &[ClaimPath],
    binding: &Binding,
) -> String {
    let p = default_provider();
    let at = binding.at;
    SdJwtVcIssuer::new(&*p.signer(parties.issuer_key).unwrap(), parties.iss)
        .with_kid("k1")
        .issue(&VcRequest {
            credential_type: ctype,
            claims: claims.as_object().unwrap(),
            holder_key: &parties.holder.public_key(),
            issued_at: at,
            expires_at: Some(at.plus_seconds(86_400)),
            status: None,
        })
        .unwrap()
        .select(disclose)
        .unwrap()
        .bind(&KeyBinding {
            audience: binding.audience,
            nonce: binding.nonce,
            issued_at: at,
            signer: &*p.signer(parties.holder).unwrap(),
        })
        .unwrap()
        .to_string()
}

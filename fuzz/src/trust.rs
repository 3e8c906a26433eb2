//! The one trust list the `trust_list` target knows, signed (in the seeds) by a fixed
//! authority key: an accepted list must be exactly this one.

use std::sync::OnceLock;

use myna_vc_core::crypto::{PublicKey, SecretKey};
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use myna_vc_core::Result;

use crate::{credential, keys};

/// The authority's signing key.
pub fn authority_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x71))
}

/// Its public key, which the verifier pins.
pub fn authority_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| authority_secret().public_key())
}

/// The list: the fixture credential's issuer (a municipality) and an operator.
pub fn list() -> Result<TrustList> {
    let issued = credential::now().minus_seconds(3600);
    let city = TrustedIssuer::municipality(credential::ISSUER, "神戸市", "281000".parse()?)
        .with_key("k1", credential::issuer_key().clone())
        .allowing(credential::vct().clone());
    let operator = TrustedIssuer::operator("https://shelter.example.jp", "避難所")
        .with_key("s1", keys::fixed(0x72).public_key())
        .allowing(credential::vct().clone())
        .valid_between(Some(issued), Some(issued.plus_seconds(30 * 86_400)));
    Ok(TrustList::new(
        "https://trust.example.jp/list",
        7,
        issued,
        issued.plus_seconds(7 * 86_400),
    )
    .with_issuer(city)
    .with_issuer(operator))
}

/// An operator's self-signed entry (for `trust_entry::verify`): its own key.
pub fn entry_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x73))
}

/// The entry that key signs.
pub fn entry() -> TrustedIssuer {
    TrustedIssuer::operator("https://dmo.example.jp", "観光協会")
        .with_key("e1", entry_secret().public_key())
        .allowing(credential::vct().clone())
}

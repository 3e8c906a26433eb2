//! The one Status List Token the `status_list` target knows, signed (in the seeds) by a fixed
//! status issuer key: an accepted token must be exactly this one.

use std::sync::OnceLock;

use myna_vc_core::crypto::{PublicKey, SecretKey};
use myna_vc_core::status_list::{
    Status, StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri,
};
use myna_vc_core::Result;

use crate::{credential, keys};

/// The list's URI (`sub`), which the verifier expects.
pub const URI: &str = "https://city.example.jp/status/1";

/// The status issuer's signing key.
pub fn status_secret() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| keys::fixed(0x51))
}

/// Its public key, which the target verifies tokens with.
pub fn status_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| status_secret().public_key())
}

/// The expected URI.
pub fn uri() -> Result<StatusListUri> {
    StatusListUri::new(URI)
}

/// The token: a 2-bit list of 4,096 entries with a few set, issued an hour before
/// [`credential::NOW`], valid a day.
pub fn token() -> Result<StatusListToken> {
    let mut list = StatusList::new(StatusBits::Two, 4096)?;
    list.set(StatusIndex::new(1993), Status::INVALID)?;
    list.set(StatusIndex::new(7), Status::SUSPENDED)?;
    let issued = credential::now().minus_seconds(3600);
    Ok(StatusListToken::new(uri()?, issued, list).with_expiry(issued.plus_seconds(86_400)))
}

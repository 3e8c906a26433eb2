//! Fixed Ed25519 keys for the fixtures: a target trusts a public key; only the seed generator
//! signs with the secret, so the fuzzer cannot forge what it signs.

use myna_vc_core::crypto::SecretKey;

/// An Ed25519 key from a seed of 32 `byte`s.
pub fn fixed(byte: u8) -> SecretKey {
    match SecretKey::ed25519_from_seed(&[byte; 32]) {
        Ok(key) => key,
        Err(e) => panic!("a fixed 32-byte Ed25519 seed is a key: {e}"),
    }
}

//! JSON files of the test tooling that hold secrets (a test CA's state, a virtual card): keys
//! as base64 text wiped when dropped, and JSON written into buffers wiped when dropped.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Text that is secret (a base64 key): wiped when dropped, also after a failed load.
pub(crate) struct SecretText(pub(crate) Zeroizing<String>);

impl Serialize for SecretText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| SecretText(Zeroizing::new(text)))
    }
}

/// Standard base64 of key bytes, as wiped text.
pub(crate) fn encode_secret(bytes: &[u8]) -> SecretText {
    let mut text = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(3) * 4));
    base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut text);
    SecretText(text)
}

/// The bytes of standard base64 `text`; `field` names it in the error.
pub(crate) fn decode(text: &str, field: &str) -> core::result::Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| format!("{field} is not standard base64"))
}

/// The bytes of secret base64 `text`, wiped when dropped.
pub(crate) fn decode_secret(
    text: &SecretText,
    field: &str,
) -> core::result::Result<Zeroizing<Vec<u8>>, String> {
    decode(&text.0, field).map(Zeroizing::new)
}

/// Serialises `value` into a buffer that is wiped when dropped (large enough up front that
/// growing it does not leave copies behind).
pub(crate) fn to_secret_json<T: Serialize>(
    value: &T,
    capacity: usize,
    what: &'static str,
) -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Error::TestFile {
        what,
        detail: e.to_string(),
    })?;
    out.push(b'\n');
    let text = String::from_utf8(core::mem::take(&mut *out)).map_err(|_| Error::TestFile {
        what,
        detail: "not UTF-8".into(),
    })?;
    Ok(Zeroizing::new(text))
}

//! base64url without padding (RFC 7515 §2), the only base64 JOSE and SD-JWT use.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, InputError, Result};

/// Encodes bytes as unpadded base64url.
///
/// ```
/// assert_eq!(myna_vc_core::b64::encode(b"\xfb\xff"), "-_8");
/// ```
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url; padding, `+`, `/` and white space are refused.
///
/// ```
/// use myna_vc_core::b64;
/// assert_eq!(b64::decode("-_8", "example")?, b"\xfb\xff");
/// assert!(b64::decode("+/8=", "example").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn decode(text: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::Input(InputError::Base64 { what }))
}

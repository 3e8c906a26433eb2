//! Encrypted responses (OpenID4VP 1.0 §8.3): what a request's `client_metadata` says about the
//! keys and content encryption, and the `client_metadata` a verifier sends for them.

use serde_json::{json, Map, Value};

use crate::error::{Error, Oid4vpError, Result};
use crate::jwe::{ContentEncryption, EncryptionKey, RecipientKey};

/// The `client_metadata` member listing the content encryption algorithms (§5.1, §8.3).
pub const ENC_VALUES_SUPPORTED: &str = "encrypted_response_enc_values_supported";

/// What a request's `client_metadata` says about encrypting the response (§8.3): the keys of
/// `jwks` and the supported `enc` values of `encrypted_response_enc_values_supported` (only
/// those this crate implements are kept; an absent list means `A128GCM`).
///
/// ```
/// use myna_vc_core::jwe::{ContentEncryption, EncryptionKey};
/// use myna_vc_core::oid4vp::{client_metadata_for, ResponseEncryption};
/// let key = EncryptionKey::generate()?;
/// let metadata = client_metadata_for(&key, &[ContentEncryption::A256Gcm]);
/// let encryption = ResponseEncryption::from_client_metadata(&metadata)?.expect("jwks is there");
/// let (recipient, enc) = encryption.select()?;
/// assert_eq!(recipient.kid(), Some(key.kid()));
/// assert_eq!(enc, ContentEncryption::A256Gcm);
/// assert!(ResponseEncryption::from_client_metadata(&serde_json::Map::new())?.is_none());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEncryption {
    /// The keys of `client_metadata.jwks`, in order.
    pub keys: Vec<RecipientKey>,
    /// The supported `enc` values, in the verifier's order.
    pub enc_values: Vec<ContentEncryption>,
}

fn invalid(detail: &str) -> Error {
    Error::Oid4vp(Oid4vpError::InvalidParameter {
        name: "client_metadata",
        detail: detail.into(),
    })
}

impl ResponseEncryption {
    /// Reads `jwks` (`None` when absent) and `encrypted_response_enc_values_supported`.
    pub fn from_client_metadata(meta: &Map<String, Value>) -> Result<Option<Self>> {
        let Some(jwks) = meta.get("jwks") else {
            return Ok(None);
        };
        let keys = jwks
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("`jwks` must be an object with a `keys` array"))?;
        let keys = keys
            .iter()
            .map(RecipientKey::from_jwk)
            .collect::<Result<Vec<_>>>()?;
        let enc_values = match meta.get(ENC_VALUES_SUPPORTED) {
            None => vec![ContentEncryption::A128Gcm],
            Some(Value::Array(values)) => {
                let mut supported = Vec::new();
                for value in values {
                    let name = value
                        .as_str()
                        .ok_or_else(|| invalid("`enc` values must be strings"))?;
                    if let Ok(enc) = ContentEncryption::parse(name) {
                        supported.push(enc);
                    }
                }
                supported
            }
            Some(_) => {
                return Err(invalid(
                    "`encrypted_response_enc_values_supported` must be an array",
                ))
            }
        };
        Ok(Some(ResponseEncryption { keys, enc_values }))
    }

    /// The first ECDH-ES P-256 key whose `use` is absent or `enc`, and the first `enc` this
    /// crate supports; [`Oid4vpError::NoUsableEncryptionKey`] when either is missing.
    pub fn select(&self) -> Result<(&RecipientKey, ContentEncryption)> {
        let key = self.keys.iter().find(|k| k.is_usable());
        match (key, self.enc_values.first()) {
            (Some(key), Some(enc)) => Ok((key, *enc)),
            _ => Err(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey)),
        }
    }
}

/// That a request asking for an encrypted response names a key the wallet can encrypt to
/// (one [`ResponseEncryption::select`] picks): [`Oid4vpError::NoUsableEncryptionKey`] when
/// `client_metadata` is absent or has none. One rule for `direct_post.jwt` and `dc_api.jwt`.
pub(crate) fn require_usable_key(client_metadata: Option<&Map<String, Value>>) -> Result<()> {
    let encryption = match client_metadata {
        Some(metadata) => ResponseEncryption::from_client_metadata(metadata)?,
        None => None,
    };
    encryption
        .ok_or(Error::Oid4vp(Oid4vpError::NoUsableEncryptionKey))?
        .select()
        .map(|_| ())
}

/// `client_metadata` for an encrypted response: `jwks` with `key`'s public JWK,
/// `encrypted_response_enc_values_supported` (`enc`, or `A128GCM` when empty), and
/// `vp_formats_supported` for `dc+sd-jwt` with ES256.
///
/// ```
/// use myna_vc_core::jwe::{ContentEncryption, EncryptionKey};
/// let key = EncryptionKey::generate()?;
/// let metadata = myna_vc_core::oid4vp::client_metadata_for(&key, &[ContentEncryption::A128Gcm]);
/// assert_eq!(metadata["jwks"]["keys"][0]["kid"], key.kid());
/// assert_eq!(metadata["encrypted_response_enc_values_supported"][0], "A128GCM");
/// assert!(metadata["vp_formats_supported"]["dc+sd-jwt"].is_object());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn client_metadata_for(key: &EncryptionKey, enc: &[ContentEncryption]) -> Map<String, Value> {
    let enc: Vec<&str> = if enc.is_empty() {
        vec![ContentEncryption::A128Gcm.as_str()]
    } else {
        enc.iter().map(|e| e.as_str()).collect()
    };
    let mut metadata = Map::new();
    metadata.insert("jwks".into(), json!({ "keys": [key.public_jwk()] }));
    metadata.insert(ENC_VALUES_SUPPORTED.into(), json!(enc));
    metadata.insert(
        "vp_formats_supported".into(),
        json!({"dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}}),
    );
    metadata
}

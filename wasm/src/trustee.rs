//! An escrow trustee's key for JS (feature `trustee`; npm `myna-vc/trustee`): the staff
//! console opens the trustee's key file with its passphrase and releases the trustee's share
//! of a sealed link, with the code `myna trustee release` runs ([`myna_escrow`]).
//!
//! The key file and the passphrase stay in the page: only the released share leaves it, in
//! the body the page posts to `POST /admin/escrow/openings/{id}/shares`.

use myna_escrow::{SealedLink, TrusteeId, TrusteeKeyFile, TrusteeSecret};
use myna_vc_core::b64;
use wasm_bindgen::prelude::*;

use crate::js_error::Failure;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The `code` of an `Error` thrown by `TrusteeKey`. */
export type TrusteeErrorCode =
  | "wrong_passphrase" | "malformed" | "not_a_trustee" | "decryption_failed" | "invalid_argument";
"#;

/// A trustee's key, opened from its key file for one trustee name. (Its `Debug` shows the
/// name only: the secret's is redacted.)
#[wasm_bindgen]
#[derive(Debug)]
pub struct TrusteeKey {
    secret: TrusteeSecret,
    trustee: TrusteeId,
}

#[wasm_bindgen]
impl TrusteeKey {
    /// Opens a trustee key file (its JSON text, as `myna trustee keygen` wrote it) with the
    /// passphrase, for trustee `trusteeId` (the name the issuer's configuration gives this
    /// key). Throws `wrong_passphrase` if the passphrase does not open it, `malformed` if it
    /// is not a key file (or was altered), `invalid_argument` for an empty or overlong id.
    pub fn open(
        #[wasm_bindgen(js_name = keyFileJson)] key_file_json: &str,
        passphrase: &str,
        #[wasm_bindgen(js_name = trusteeId)] trustee_id: &str,
    ) -> Result<TrusteeKey, JsValue> {
        Self::open_native(key_file_json, passphrase, trustee_id).map_err(Failure::into_js)
    }

    /// The public key (base64url), to compare with the issuer's configuration.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        b64::encode(self.secret.public_key())
    }

    /// Releases this trustee's share of a sealed link (base64url, as `GET
    /// /admin/escrow/openings/{id}` gives it in `sealed_link`): returns the JSON body to POST
    /// to `…/{id}/shares` (`{"share": …}`, exactly what `myna trustee release` posts).
    /// Throws `not_a_trustee` (the link names no such trustee, or this is another trustee's
    /// key), `malformed` (not a sealed link), `decryption_failed` (the share does not open
    /// with this key).
    pub fn release(
        &self,
        #[wasm_bindgen(js_name = sealedLink)] sealed_link: &str,
    ) -> Result<String, JsValue> {
        self.release_native(sealed_link).map_err(Failure::into_js)
    }
}

impl TrusteeKey {
    /// [`TrusteeKey::open`] with a Rust error.
    pub fn open_native(
        key_file_json: &str,
        passphrase: &str,
        trustee_id: &str,
    ) -> Result<TrusteeKey, Failure> {
        let file = TrusteeKeyFile::parse(key_file_json).map_err(escrow_error)?;
        let trustee = TrusteeId::new(trustee_id).map_err(|_| {
            Failure::Argument("`trusteeId` must be 1 to 128 printable bytes".into())
        })?;
        let secret = file.unseal(passphrase).map_err(escrow_error)?;
        Ok(TrusteeKey { secret, trustee })
    }

    /// [`TrusteeKey::release`] with a Rust error. The body is secret until the opening
    /// completes; JS strings cannot be wiped, so the copy handed to JS is the page's to drop.
    pub fn release_native(&self, sealed_link: &str) -> Result<String, Failure> {
        let bytes = b64::decode(sealed_link.trim(), "sealed link")
            .map_err(|_| Failure::Coded("malformed", "the sealed link is not base64url".into()))?;
        let sealed = SealedLink::from_bytes(&bytes).map_err(escrow_error)?;
        let share = self
            .secret
            .release_as(self.trustee.as_str(), &sealed)
            .map_err(escrow_error)?;
        Ok(share.post_body().as_str().to_owned())
    }
}

/// An escrow error with its own stable code (`myna_escrow::Error::code`).
fn escrow_error(error: myna_escrow::Error) -> Failure {
    Failure::Coded(error.code(), error.to_string())
}

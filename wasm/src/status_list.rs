//! Token Status Lists for JS: verify a `statuslist+jwt` and read its entries.
//!
//! Herd privacy holds in the browser too: the page fetches whole lists (with `fetch`, outside
//! this package) and asks about its entry locally; the issuer never learns which one.

use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::json;
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::status_list::{
    StatusIndex, StatusListToken, StatusListUri, StatusReference, VerifiedStatusList,
};
use wasm_bindgen::prelude::*;

use crate::js_error::{unix_time, whole_number, Failure};

/// A verified Token Status List.
#[wasm_bindgen]
pub struct StatusList {
    verified: VerifiedStatusList,
}

#[wasm_bindgen]
impl StatusList {
    /// Verifies a Status List Token (`typ` `statuslist+jwt`) with the issuer's public key
    /// (a JWK as a JSON string), checks that its `sub` is `uri` and that it is not expired at
    /// `nowUnix` (seconds since 1970), and returns the list.
    ///
    /// Throws an `Error` whose `code` says why: `signature_invalid`, `wrong_type`,
    /// `status_list_uri_mismatch`, `expired`, `input_too_large`, `invalid_argument`, …
    ///
    /// ```js
    /// const list = StatusList.verify(token, JSON.stringify(issuerJwk),
    ///                                "https://city.example/status/1", Date.now() / 1000);
    /// list.status(42); // 0 valid, 1 revoked, 2 suspended
    /// ```
    pub fn verify(
        token: &str,
        #[wasm_bindgen(js_name = issuerJwk)] issuer_jwk: &str,
        uri: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<StatusList, JsValue> {
        Self::verify_native(token, issuer_jwk, uri, now_unix).map_err(Failure::into_js)
    }

    /// The number of bits per entry (1, 2, 4 or 8).
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u8 {
        self.verified.list().bits().get()
    }

    /// The number of entries.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> f64 {
        self.verified.list().len() as f64
    }

    /// The token's `iat`, in seconds since 1970.
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.verified.token().issued_at.as_unix() as f64
    }

    /// The token's `ttl` in seconds (how long a copy may be cached), if it has one.
    #[wasm_bindgen(getter)]
    pub fn ttl(&self) -> Option<f64> {
        self.verified.token().ttl.map(|t| t.get() as f64)
    }

    /// The status value of entry `index`: 0 valid, 1 invalid (revoked), 2 suspended, 3
    /// application-specific. Throws `status_index_out_of_range` past the end.
    pub fn status(&self, index: f64) -> Result<u8, JsValue> {
        self.status_native(index).map_err(Failure::into_js)
    }
}

impl StatusList {
    /// [`StatusList::verify`] with a Rust error, for native callers and tests.
    pub fn verify_native(
        token: &str,
        issuer_jwk: &str,
        uri: &str,
        now_unix: f64,
    ) -> Result<StatusList, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let key = PublicKey::from_jwk(&json::parse(issuer_jwk.as_bytes(), "issuer JWK")?)?;
        let uri = StatusListUri::new(uri)?;
        let rules = TimeRules::at(now);
        let verified = StatusListToken::verify(token, default_provider(), &key, &rules, &uri)?;
        Ok(StatusList { verified })
    }

    /// [`StatusList::status`] with a Rust error.
    pub fn status_native(&self, index: f64) -> Result<u8, Failure> {
        let index = StatusIndex::new(whole_number(index, "index")?);
        let reference = StatusReference::new(index, self.verified.token().uri.clone());
        Ok(self.verified.status_of(&reference)?.value())
    }
}

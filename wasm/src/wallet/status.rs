//! The status of the credentials held: which lists to fetch, and each batch's state checked
//! against them and kept in the wallet (shown offline with when it was checked).

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{wallet_error, wallet_trust, Wallet};
use crate::js_error::{unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `Wallet.applyStatus` checked (and recorded) and which lists could not be used. */
export interface StatusReport {
  checked: { batch: string; state: "valid" | "suspended" | "revoked" }[];
  failed: { uri: string; code: string; message: string }[];
}
"#;

#[wasm_bindgen]
impl Wallet {
    /// The status lists the held credentials point to, each once: the URIs to fetch before
    /// [`applyStatus`](Self::apply_status).
    #[wasm_bindgen(js_name = statusUris)]
    pub fn status_uris(&self) -> Result<Vec<String>, JsValue> {
        self.status_uris_native().map_err(Failure::into_js)
    }

    /// Verifies each status list token of `trust` (a `WalletTrust` JSON string, as `keep`
    /// takes) with the issuer key from the verified trust list, and records each batch's
    /// state and the time of the check in the wallet. Returns a `StatusReport`.
    #[wasm_bindgen(js_name = applyStatus, unchecked_return_type = "StatusReport")]
    pub fn apply_status(
        &self,
        trust: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.apply_status_native(trust, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::status_uris`] with a Rust error.
    pub fn status_uris_native(&self) -> Result<Vec<String>, Failure> {
        Ok(self
            .inner
            .status_uris()
            .map_err(wallet_error)?
            .into_iter()
            .map(|uri| uri.as_str().to_owned())
            .collect())
    }

    /// [`Wallet::apply_status`] as JSON.
    pub fn apply_status_native(&self, trust: &str, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let (list, tokens) = wallet_trust(trust, now)?;
        let check = self
            .inner
            .check_status(&list, &tokens, now)
            .map_err(wallet_error)?;
        let checked: Vec<Value> = check
            .checked
            .iter()
            .map(|s| json!({ "batch": s.batch, "state": s.state.as_str() }))
            .collect();
        let failed: Vec<Value> = check
            .failed
            .into_iter()
            .map(|f| {
                let failure = wallet_error(f.error);
                json!({ "uri": f.uri, "code": failure.code(), "message": failure.message() })
            })
            .collect();
        Ok(json!({ "checked": checked, "failed": failed }))
    }
}

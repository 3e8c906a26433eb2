//! Answering over the W3C Digital Credentials API (OpenID4VP Annex A): what a wallet gets from
//! the platform — the request's `protocol` and `data`, and the origin of the page that asked,
//! as the browser authenticated it — previewed, then answered with the `data` of the
//! DigitalCredential: `{ "response": "<JWE>" }` encrypted to the verifier's key for
//! `dc_api.jwt`, `{ "vp_token": … }` for `dc_api`. The key binding names `origin:<origin>`, so
//! an answer relayed to another site is refused there.
//!
//! A signed request (`openid4vp-v1-signed`) is accepted only from a certificate chain ending
//! at one of the caller's trust anchors, and only for a page whose origin the request lists in
//! `expected_origins`.

use myna_vc_core::b64;
use myna_vc_core::oid4vp::{DcApiRequest, Origin, ReceivedDcApiRequest, RequestTrust};
use myna_wallet::present::PresentationRequest;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{wallet_error, Wallet};
use crate::js_error::{js_json, unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `wallet.answerDcApi` returns: hand it back to the platform as the DigitalCredential
 *  (`protocol`, and `data` = `{ response: "<JWE>" }` or `{ vp_token }`). */
export interface DcApiAnswer { protocol: string; data: Record<string, unknown> }
"#;

#[wasm_bindgen]
impl Wallet {
    /// What would be disclosed to the page at `origin` for a DC API request (`protocol`,
    /// `data` as the platform delivered them), before anything is signed: the same
    /// `PreviewItem[]` as `preview`. `trustAnchorsDerB64`: the certificates (DER, base64) a
    /// signed request's chain must end at; without them every signed request is refused
    /// (`untrusted_request_signer`). Throws with the request's flaw as code
    /// (`unsupported_protocol`, `origin_not_expected`, `invalid_origin`, …).
    #[wasm_bindgen(js_name = previewDcApi, unchecked_return_type = "PreviewItem[]")]
    pub fn preview_dc_api(
        &self,
        protocol: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] data: JsValue,
        origin: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
        #[wasm_bindgen(js_name = trustAnchorsDerB64)] trust_anchors_der_b64: Option<Vec<String>>,
    ) -> Result<JsValue, JsValue> {
        let data = js_json(&data, "data").map_err(Failure::into_js)?;
        self.preview_dc_api_native(
            protocol,
            &data,
            origin,
            now_unix,
            trust_anchors_der_b64.as_deref(),
        )
        .map(|v| to_js(&v))
        .map_err(Failure::into_js)
    }

    /// Signs the answer to a DC API request (the smallest disclosure, bound to the verifier's
    /// nonce and to `origin:<origin>`), encrypts it when the request asks (`dc_api.jwt`), and
    /// marks the credentials used, as `present` does: `{ protocol, data }` for the platform.
    /// The arguments are `previewDcApi`'s.
    #[wasm_bindgen(js_name = answerDcApi, unchecked_return_type = "DcApiAnswer")]
    pub fn answer_dc_api(
        &self,
        protocol: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] data: JsValue,
        origin: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
        #[wasm_bindgen(js_name = trustAnchorsDerB64)] trust_anchors_der_b64: Option<Vec<String>>,
    ) -> Result<JsValue, JsValue> {
        let data = js_json(&data, "data").map_err(Failure::into_js)?;
        self.answer_dc_api_native(
            protocol,
            &data,
            origin,
            now_unix,
            trust_anchors_der_b64.as_deref(),
        )
        .map(|v| to_js(&v))
        .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::preview_dc_api`] with a Rust error.
    pub fn preview_dc_api_native(
        &self,
        protocol: &str,
        data: &Value,
        origin: &str,
        now_unix: f64,
        anchors: Option<&[String]>,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let received = received(protocol, data, origin, now_unix, anchors)?;
        let request = PresentationRequest::dc_api(&received).map_err(wallet_error)?;
        let preview = self.inner.prepare(request, now).map_err(wallet_error)?;
        Ok(Value::Array(self.preview_items_json(preview.items())?))
    }

    /// [`Wallet::answer_dc_api`] with a Rust error.
    pub fn answer_dc_api_native(
        &self,
        protocol: &str,
        data: &Value,
        origin: &str,
        now_unix: f64,
        anchors: Option<&[String]>,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let received = received(protocol, data, origin, now_unix, anchors)?;
        let request = PresentationRequest::dc_api(&received).map_err(wallet_error)?;
        let presentation = self
            .inner
            .prepare(request, now)
            .and_then(|preview| preview.confirm())
            .map_err(wallet_error)?;
        let data = presentation
            .to_dc_api_data(&received.request)
            .map_err(wallet_error)?;
        Ok(json!({ "protocol": protocol, "data": data }))
    }
}

/// The request as the platform delivered it, checked for `origin` at `now_unix`.
fn received(
    protocol: &str,
    data: &Value,
    origin: &str,
    now_unix: f64,
    anchors: Option<&[String]>,
) -> Result<ReceivedDcApiRequest, Failure> {
    let now = unix_time(now_unix, "nowUnix")?;
    let origin = Origin::parse(origin)?;
    let trust = request_trust(anchors)?;
    Ok(DcApiRequest::from_api(
        protocol, data, &origin, &trust, now,
    )?)
}

/// The anchors for signed requests: none refuses every signed request.
///
/// ```
/// use myna_wasm::wallet::dc_api::request_trust;
/// assert!(request_trust(None).is_ok());
/// assert_eq!(request_trust(Some(&["%%%".to_owned()])).err().map(|f| f.code()), Some("invalid_argument"));
/// ```
pub fn request_trust(anchors: Option<&[String]>) -> Result<RequestTrust, Failure> {
    let Some(anchors) = anchors else {
        return Ok(RequestTrust::none());
    };
    let ders = anchors
        .iter()
        .map(|text| der_from_base64(text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RequestTrust::anchors(ders)?)
}

/// DER bytes from base64, standard (as in `x5c`) or URL-safe, padded or not.
fn der_from_base64(text: &str) -> Result<Vec<u8>, Failure> {
    let url_safe: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    b64::decode(&url_safe, "trust anchor").map_err(|_| {
        Failure::Argument("each of `trustAnchorsDerB64` must be a certificate in base64".into())
    })
}

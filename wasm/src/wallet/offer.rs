//! Receiving, step 1: the credential offer a resident scans (or opens as a link), and the
//! token request that redeems its pre-authorized code with the PIN from the letter.

use myna_vc_core::oid4vci::{
    CredentialOffer, InputMode, Message, OfferLink, PreAuthorizedCode, TokenRequest, TxCodeValue,
    OFFER_SCHEME,
};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use super::Wallet;
use crate::js_error::{js_json, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What the resident must type to redeem an offer (its PIN), as the issuer describes it. */
export interface TxCodeInfo { length?: number; inputMode?: "numeric" | "text"; description?: string }
/** What `Wallet.parseOffer` returns. By reference, only `offerUri` is set: fetch it and call
 *  `parseOffer` again with the JSON. */
export interface OfferInfo {
  issuer: string;
  configurationIds: string[];
  preAuthorizedCode: string;
  txCode: TxCodeInfo | null;
  offerUri?: string;
}
"#;

/// The longest PIN accepted (the issuer's are 6 digits; a text code may be longer).
const MAX_PIN_CHARS: usize = 64;

#[wasm_bindgen]
impl Wallet {
    /// Reads a scanned or opened credential offer: an `openid-credential-offer://` link (or a
    /// wallet's `https://…?credential_offer=…` link) by value or by reference, or the offer
    /// JSON itself. Returns `OfferInfo`; by reference only `{ offerUri }`. Anything else
    /// throws `not_an_offer`.
    #[wasm_bindgen(js_name = parseOffer, unchecked_return_type = "OfferInfo")]
    pub fn parse_offer(text: &str) -> Result<JsValue, JsValue> {
        parse_offer_native(text)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// The form-encoded body of the token request for `offer` (what `parseOffer` returned)
    /// with the resident's `pin` (`null` when the offer asks for none). A PIN of the wrong
    /// length or kind, or a missing or unexpected one, throws `invalid_pin` before anything is
    /// sent. POST it to the issuer's `tokenEndpoint` as `application/x-www-form-urlencoded`.
    #[wasm_bindgen(js_name = tokenRequestBody)]
    pub fn token_request_body(
        #[wasm_bindgen(unchecked_param_type = "OfferInfo")] offer: JsValue,
        pin: Option<String>,
    ) -> Result<String, JsValue> {
        let offer = js_json(&offer, "offer").map_err(Failure::into_js)?;
        token_request_body_native(&offer, pin.as_deref()).map_err(Failure::into_js)
    }
}

/// [`Wallet::parse_offer`] in Rust.
///
/// ```
/// use myna_wasm::wallet::offer::parse_offer_native;
/// let link = "openid-credential-offer://?credential_offer=%7B%22credential_issuer%22%3A%22https%3A%2F%2Fcity.example%22%2C%22credential_configuration_ids%22%3A%5B%22age%22%5D%2C%22grants%22%3A%7B%22urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code%22%3A%7B%22pre-authorized_code%22%3A%22c0de%22%2C%22tx_code%22%3A%7B%22length%22%3A6%7D%7D%7D%7D";
/// let info = parse_offer_native(link).map_err(|f| f.message())?;
/// assert_eq!(info["issuer"], "https://city.example");
/// assert_eq!(info["txCode"]["length"], 6);
/// assert_eq!(parse_offer_native("MVC1:n:shop").unwrap_err().code(), "not_an_offer");
/// # Ok::<(), String>(())
/// ```
pub fn parse_offer_native(text: &str) -> Result<Value, Failure> {
    let text = text.trim();
    if text.starts_with('{') {
        let offer = CredentialOffer::from_json(text.as_bytes()).map_err(|e| not_an_offer(&e))?;
        return offer_info(&offer);
    }
    let link_like = text.starts_with(OFFER_SCHEME)
        || (text.starts_with("https://") && text.contains("credential_offer"));
    if !link_like {
        return Err(not_an_offer(&"it is neither an offer link nor an offer"));
    }
    match OfferLink::parse(text).map_err(|e| not_an_offer(&e))? {
        OfferLink::ByValue(offer) => offer_info(&offer),
        OfferLink::ByReference(uri) => Ok(json!({ "offerUri": uri })),
    }
}

fn not_an_offer(detail: &dyn std::fmt::Display) -> Failure {
    Failure::Coded(
        "not_an_offer",
        format!("this QR code is not a credential offer ({detail})"),
    )
}

fn offer_info(offer: &CredentialOffer) -> Result<Value, Failure> {
    let Some(grant) = &offer.grants.pre_authorized_code else {
        return Err(Failure::Coded(
            "not_an_offer",
            "this credential offer has no pre-authorized code, which this wallet needs".into(),
        ));
    };
    let tx_code = grant.tx_code.as_ref().map(|tx| {
        let mut info = Map::new();
        if let Some(length) = tx.length {
            info.insert("length".into(), length.into());
        }
        if let Some(mode) = tx.input_mode {
            let mode = match mode {
                InputMode::Numeric => "numeric",
                InputMode::Text => "text",
            };
            info.insert("inputMode".into(), mode.into());
        }
        if let Some(description) = &tx.description {
            info.insert("description".into(), description.clone().into());
        }
        Value::Object(info)
    });
    Ok(json!({
        "issuer": offer.credential_issuer.as_str(),
        "configurationIds": offer.credential_configuration_ids,
        "preAuthorizedCode": grant.pre_authorized_code.as_str(),
        "txCode": tx_code,
    }))
}

/// [`Wallet::token_request_body`] in Rust, `offer` being what `parseOffer` returned.
///
/// ```
/// use myna_wasm::wallet::offer::token_request_body_native;
/// let offer = serde_json::json!({"issuer": "https://city.example", "configurationIds": ["age"],
///     "preAuthorizedCode": "c0de", "txCode": {"length": 6}});
/// let body = token_request_body_native(&offer, Some("123456")).map_err(|f| f.message())?;
/// assert!(body.contains("pre-authorized_code=c0de") && body.contains("tx_code=123456"));
/// assert_eq!(token_request_body_native(&offer, Some("12345")).unwrap_err().code(), "invalid_pin");
/// assert_eq!(token_request_body_native(&offer, None).unwrap_err().code(), "invalid_pin");
/// # Ok::<(), String>(())
/// ```
pub fn token_request_body_native(offer: &Value, pin: Option<&str>) -> Result<String, Failure> {
    let code = offer
        .get("preAuthorizedCode")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            Failure::Argument("`offer.preAuthorizedCode` must be a non-empty string".into())
        })?;
    let tx_code = match offer.get("txCode") {
        None | Some(Value::Null) => None,
        Some(Value::Object(tx)) => Some(tx),
        Some(_) => {
            return Err(Failure::Argument(
                "`offer.txCode` must be an object or null".into(),
            ))
        }
    };
    let pin = match (tx_code, pin) {
        (None, None) => None,
        (None, Some(_)) => return Err(invalid_pin("this offer asks for no PIN".into())),
        (Some(_), None) => {
            return Err(invalid_pin(
                "this offer needs the PIN from your letter".into(),
            ))
        }
        (Some(tx), Some(pin)) => Some(checked_pin(tx, pin)?),
    };
    let request = TokenRequest {
        pre_authorized_code: PreAuthorizedCode::new(code),
        tx_code: pin.map(TxCodeValue::new),
        authorization_details: None,
        client_id: None,
    };
    Ok(request.to_form()?)
}

/// The PIN as typed, if it has the offer's length and kind (digits unless `text`).
fn checked_pin(tx: &Map<String, Value>, pin: &str) -> Result<String, Failure> {
    let chars = pin.chars().count();
    if chars == 0 || chars > MAX_PIN_CHARS {
        return Err(invalid_pin(format!(
            "the PIN must be 1 to {MAX_PIN_CHARS} characters"
        )));
    }
    if let Some(length) = tx.get("length").and_then(Value::as_u64) {
        if chars as u64 != length {
            return Err(invalid_pin(format!("the PIN has {length} characters")));
        }
    }
    let text_mode = tx.get("inputMode").and_then(Value::as_str) == Some("text");
    if !text_mode && !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_pin("the PIN is digits only".into()));
    }
    if pin.chars().any(char::is_control) {
        return Err(invalid_pin("the PIN has a control character".into()));
    }
    Ok(pin.to_owned())
}

fn invalid_pin(message: String) -> Failure {
    Failure::Coded("invalid_pin", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(tx: Value) -> Value {
        json!({"issuer": "https://city.example", "configurationIds": ["age"],
               "preAuthorizedCode": "c0de", "txCode": tx})
    }

    #[test]
    fn offers_in_every_form_and_not_offers() {
        let bare = r#"{"credential_issuer": "https://city.example",
            "credential_configuration_ids": ["resident", "age"],
            "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":
              {"pre-authorized_code": "c0de", "tx_code": {"length": 6, "input_mode": "numeric",
               "description": "封書のPIN"}}}}"#;
        let info = parse_offer_native(bare).unwrap();
        assert_eq!(info["configurationIds"], json!(["resident", "age"]));
        assert_eq!(
            info["txCode"],
            json!({"length": 6, "inputMode": "numeric", "description": "封書のPIN"})
        );
        let by_ref = parse_offer_native(
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fcity.example%2Fo%2F1",
        )
        .unwrap();
        assert_eq!(by_ref, json!({"offerUri": "https://city.example/o/1"}));
        for text in [
            "",
            "hello",
            "MV1:ABC",
            "openid4vp://?client_id=x",
            "openid-credential-offer://?nothing=1",
            "{\"credential_issuer\": 5}",
            "https://example.com/",
        ] {
            assert_eq!(
                parse_offer_native(text).unwrap_err().code(),
                "not_an_offer",
                "{text}"
            );
        }
        let no_grant = r#"{"credential_issuer": "https://city.example",
            "credential_configuration_ids": ["age"]}"#;
        assert_eq!(
            parse_offer_native(no_grant).unwrap_err().code(),
            "not_an_offer"
        );
    }

    #[test]
    fn pins_are_checked_before_any_request() {
        let six = offer(json!({"length": 6}));
        assert!(token_request_body_native(&six, Some("012345")).is_ok());
        for bad in ["01234", "0123456", "01234a", "", "１２３４５６"] {
            let error = token_request_body_native(&six, Some(bad)).unwrap_err();
            assert_eq!(error.code(), "invalid_pin", "{bad}");
        }
        let text = offer(json!({"inputMode": "text"}));
        assert!(token_request_body_native(&text, Some("abc-12")).is_ok());
        let none = offer(Value::Null);
        let body = token_request_body_native(&none, None).unwrap();
        assert!(!body.contains("tx_code"), "{body}");
        assert_eq!(
            token_request_body_native(&none, Some("1"))
                .unwrap_err()
                .code(),
            "invalid_pin"
        );
        let broken = json!({"txCode": null});
        assert_eq!(
            token_request_body_native(&broken, None).unwrap_err().code(),
            "invalid_argument"
        );
    }
}

//! Presenting in person: the shop's challenge QR (`MVC1:…`), with the policy it names turned
//! into the DCQL query the wallet answers (the verifier's own policy catalog).

use myna_vc_core::compact::InPersonChallenge;
use myna_verifier::policy::catalog::{description, query_for_spec};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::set;
use super::Wallet;
use crate::js_error::Failure;
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `Wallet.parseChallenge` returns. Pass `{ challenge, dcqlQuery }` (as JSON) to
 *  `wallet.preview` and `wallet.present`. */
export interface ChallengeInfo {
  /** The scanned text. */
  challenge: string;
  /** Who asks (the key binding's audience). */
  audience: string;
  nonce: string;
  /** The verifier's policy spec, e.g. `age-over-20`; null for a challenge without one (ask the
   *  resident what is asked). */
  policy: string | null;
  /** The policy's DCQL query; null without a policy or for a policy this wallet does not know. */
  dcqlQuery: { credentials: object[] } | null;
  descriptionJa?: string;
  descriptionEn?: string;
}
"#;

#[wasm_bindgen]
impl Wallet {
    /// Reads a shop's in-person challenge: `MVC1:<nonce>:<audience>`, or
    /// `MVC1:<nonce>:<audience> <policy spec>` which says what is asked. Returns
    /// `ChallengeInfo`; anything else throws `not_a_challenge`.
    #[wasm_bindgen(js_name = parseChallenge, unchecked_return_type = "ChallengeInfo")]
    pub fn parse_challenge(text: &str) -> Result<JsValue, JsValue> {
        parse_challenge_native(text)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

/// [`Wallet::parse_challenge`] in Rust.
///
/// ```
/// use myna_wasm::wallet::challenge::parse_challenge_native;
/// let info = parse_challenge_native("MVC1:n0nce:x509_san_dns:shop.example age-over-20")
///     .map_err(|f| f.message())?;
/// assert_eq!(info["audience"], "x509_san_dns:shop.example");
/// assert_eq!(info["dcqlQuery"]["credentials"][0]["id"], "age");
/// let old = parse_challenge_native("MVC1:n0nce:x509_san_dns:shop.example").map_err(|f| f.message())?;
/// assert!(old["policy"].is_null() && old["dcqlQuery"].is_null());
/// assert_eq!(parse_challenge_native("MV1:ABC").unwrap_err().code(), "not_a_challenge");
/// # Ok::<(), String>(())
/// ```
pub fn parse_challenge_native(text: &str) -> Result<Value, Failure> {
    let text = text.trim();
    let challenge = InPersonChallenge::parse(text).map_err(|error| {
        Failure::Coded(
            "not_a_challenge",
            format!("this QR code is not a shop's challenge ({error})"),
        )
    })?;
    let spec = challenge.policy().map(|p| p.as_str().to_owned());
    let query = spec
        .as_deref()
        .and_then(|spec| query_for_spec(spec).ok())
        .map(|query| query.to_value());
    let mut info = json!({
        "challenge": challenge.to_string(),
        "audience": challenge.audience(),
        "nonce": challenge.nonce().as_str(),
        "policy": spec,
        "dcqlQuery": query,
    });
    if let Some((ja, en)) = spec.as_deref().and_then(description) {
        set(&mut info, "descriptionJa", ja);
        set(&mut info, "descriptionEn", en);
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_with_and_without_policy_and_not_challenges() {
        let info =
            parse_challenge_native(" MVC1:n0nce:did:web:shop.example resident:281000\n").unwrap();
        assert_eq!(
            info["challenge"],
            "MVC1:n0nce:did:web:shop.example resident:281000"
        );
        assert_eq!(info["policy"], "resident:281000");
        assert_eq!(info["dcqlQuery"]["credentials"][0]["id"], "resident");
        assert!(info["descriptionJa"].as_str().unwrap().contains("住民"));
        // A well-formed policy this wallet does not know: kept, with no query.
        let unknown = parse_challenge_native("MVC1:n0nce:shop future-policy:1").unwrap();
        assert_eq!(unknown["policy"], "future-policy:1");
        assert!(unknown["dcqlQuery"].is_null());
        assert!(unknown.get("descriptionEn").is_none());
        for text in [
            "",
            "MVC1:",
            "MVC1:nonce-only",
            "MVC1:n:shop a b",
            "openid4vp://?x=1",
        ] {
            let error = parse_challenge_native(text).unwrap_err();
            assert_eq!(error.code(), "not_a_challenge", "{text}");
        }
    }
}

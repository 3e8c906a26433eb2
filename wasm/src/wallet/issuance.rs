//! Receiving, steps 2 to 5: the issuer's metadata, its token, nonce and credential answers
//! (each OAuth error answer as a typed code a page can explain), and the preview of what was
//! issued before the resident accepts it ([`Wallet::inspect`]; `keep` then stores).

use myna_vc_core::oid4vci::{
    CredentialIssuerMetadata, CredentialRequest, CredentialResponse, ErrorCode, ErrorResponse,
    Message, NonceResponse, TokenResponse,
};
use myna_vc_core::sdjwt::SdJwt;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use super::held::{card_kind, HolderView};
use super::set;
use super::{with_receipt_check, Wallet};
use crate::js_error::Failure;
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `Wallet.parseMetadata` returns. */
export interface IssuerInfo {
  issuer: string;
  tokenEndpoint: string;
  nonceEndpoint: string | null;
  credentialEndpoint: string;
  nameJa?: string;
  nameEn?: string;
  /** By configuration id: its vct and how many copies one request may ask for. */
  configurations: Record<string, { vct: string | null; batchSize: number }>;
}
/** What `Wallet.parseTokenResponse` returns. */
export interface TokenInfo { accessToken: string; cNonce?: string }
/** What `wallet.inspect` returns: the card the resident sees before accepting. */
export interface PreviewCard {
  vct: string;
  kind: CardKind;
  titleJa: string;
  titleEn: string;
  issuer: string;
  issuerNameJa?: string;
  issuerNameEn?: string;
  /** Every claim of the credential (the first copy; all copies carry the same). */
  claims: Record<string, unknown>;
  claimLabels: Record<string, Label>;
  expiresAt: number | null;
  /** How many copies were issued. */
  count: number;
}
"#;

#[wasm_bindgen]
impl Wallet {
    /// Reads the issuer's metadata (`/.well-known/openid-credential-issuer`, as text) for the
    /// offer's `issuer`: its endpoints, display name and configurations. Metadata of another
    /// issuer throws `wrong_issuer`.
    #[wasm_bindgen(js_name = parseMetadata, unchecked_return_type = "IssuerInfo")]
    pub fn parse_metadata(json: &str, issuer: &str) -> Result<JsValue, JsValue> {
        parse_metadata_native(json, issuer)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Reads the token endpoint's answer (HTTP `status` and body text): `{ accessToken,
    /// cNonce? }`. An error answer throws `wrong_pin` (wrong or missing PIN),
    /// `offer_locked` (too many wrong PINs: the offer is withdrawn), `offer_expired`,
    /// `offer_used` (already redeemed, or unknown), or `issuer_refused` with the issuer's text.
    #[wasm_bindgen(js_name = parseTokenResponse, unchecked_return_type = "TokenInfo")]
    pub fn parse_token_response(status: u16, json: &str) -> Result<JsValue, JsValue> {
        parse_token_response_native(status, json)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// The `c_nonce` of the nonce endpoint's answer.
    #[wasm_bindgen(js_name = parseNonceResponse)]
    pub fn parse_nonce_response(json: &str) -> Result<String, JsValue> {
        NonceResponse::from_json(json.as_bytes())
            .map(|answer| answer.c_nonce.as_str().to_owned())
            .map_err(|e| Failure::Core(e).into_js())
    }

    /// The JSON body of a credential request for `configurationId` with the key `proofs`
    /// (from `keyProofs`). POST it with `Authorization: Bearer <accessToken>`.
    #[wasm_bindgen(js_name = credentialRequestBody)]
    pub fn credential_request_body(
        #[wasm_bindgen(js_name = configurationId)] configuration_id: &str,
        proofs: Vec<String>,
    ) -> Result<String, JsValue> {
        credential_request_body_native(configuration_id, proofs).map_err(Failure::into_js)
    }

    /// The credentials of the credential endpoint's answer (HTTP `status` and body text). An
    /// error answer throws `issuer_refused` with the issuer's text; a deferred answer throws
    /// `unsupported`.
    #[wasm_bindgen(js_name = parseCredentialResponse)]
    pub fn parse_credential_response(status: u16, json: &str) -> Result<Vec<String>, JsValue> {
        parse_credential_response_native(status, json).map_err(Failure::into_js)
    }

    /// The checks of `keep` for credentials issued for `batch` — trusted issuer for the type,
    /// signature, bound to the batch's keys, valid status, the type's schema — storing
    /// **nothing**: the card to show before the resident accepts. `trust` is the JSON
    /// `keep` takes. Returns `PreviewCard`.
    #[wasm_bindgen(unchecked_return_type = "PreviewCard")]
    pub fn inspect(
        &self,
        batch: &str,
        size: u32,
        #[wasm_bindgen(js_name = configurationId)] configuration_id: &str,
        credentials: Vec<String>,
        trust: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.inspect_native(batch, size, configuration_id, &credentials, trust, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::inspect`] with a Rust error.
    pub fn inspect_native(
        &self,
        batch: &str,
        size: u32,
        configuration_id: &str,
        credentials: &[String],
        trust: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let (received, issuer_name) = with_receipt_check(trust, now_unix, |check, list, now| {
            let received =
                self.inner
                    .inspect(batch, size, configuration_id, credentials, check, now)?;
            let name = received
                .credentials
                .first()
                .and_then(|first| list.issuer(&first.issuer).ok())
                .map(|entry| entry.name.as_str().to_owned());
            Ok((received, name))
        })?;
        let first = received
            .credentials
            .first()
            .ok_or_else(|| Failure::Argument("`credentials` must not be empty".into()))?;
        let all_claims = SdJwt::parse(&first.sd_jwt)?.unverified_claims()?;
        let view = HolderView::of(&first.vct, &all_claims);
        let mut card = json!({
            "vct": first.vct,
            "kind": card_kind(view.kind),
            "titleJa": view.title_ja,
            "titleEn": view.title_en,
            "issuer": first.issuer,
            "claims": view.claims,
            "claimLabels": view.labels,
            "expiresAt": first.expires_at,
            "count": received.credentials.len(),
        });
        if let Some(name) = issuer_name {
            set(&mut card, "issuerNameJa", &name);
        }
        Ok(card)
    }
}

/// [`Wallet::parse_metadata`] in Rust.
///
/// ```
/// use myna_wasm::wallet::issuance::parse_metadata_native;
/// let metadata = r#"{"credential_issuer": "https://city.example",
///   "credential_endpoint": "https://city.example/credential",
///   "nonce_endpoint": "https://city.example/nonce",
///   "token_endpoint": "https://city.example/token",
///   "display": [{"name": "前橋市", "locale": "ja"}],
///   "credential_configurations_supported": {"age": {"format": "dc+sd-jwt", "vct": "urn:myna-vc:vct:age:1"}}}"#;
/// let info = parse_metadata_native(metadata, "https://city.example").map_err(|f| f.message())?;
/// assert_eq!(info["tokenEndpoint"], "https://city.example/token");
/// assert_eq!(info["nameJa"], "前橋市");
/// assert_eq!(info["configurations"]["age"]["batchSize"], 1);
/// assert_eq!(parse_metadata_native(metadata, "https://other.example").unwrap_err().code(), "wrong_issuer");
/// # Ok::<(), String>(())
/// ```
pub fn parse_metadata_native(json: &str, issuer: &str) -> Result<Value, Failure> {
    let metadata = CredentialIssuerMetadata::from_json(json.as_bytes())?;
    if metadata.credential_issuer.as_str() != issuer {
        return Err(Failure::Coded(
            "wrong_issuer",
            format!(
                "the metadata is of the issuer `{}`, not of `{}` that made the offer",
                metadata
                    .credential_issuer
                    .as_str()
                    .chars()
                    .take(100)
                    .collect::<String>(),
                issuer.chars().take(100).collect::<String>()
            ),
        ));
    }
    let base = metadata
        .authorization_servers
        .as_ref()
        .and_then(|servers| servers.first())
        .map_or(issuer, String::as_str)
        .trim_end_matches('/');
    let token_endpoint = metadata
        .other
        .get("token_endpoint")
        .and_then(Value::as_str)
        .map_or_else(|| format!("{base}/token"), str::to_owned);
    let batch_size = metadata.batch_size();
    let configurations: Map<String, Value> = metadata
        .credential_configurations_supported
        .iter()
        .map(|(id, config)| {
            (
                id.clone(),
                json!({ "vct": config.vct, "batchSize": batch_size }),
            )
        })
        .collect();
    let mut info = json!({
        "issuer": metadata.credential_issuer.as_str(),
        "tokenEndpoint": token_endpoint,
        "nonceEndpoint": metadata.nonce_endpoint,
        "credentialEndpoint": metadata.credential_endpoint,
        "configurations": configurations,
    });
    for entry in metadata
        .display
        .iter()
        .flat_map(|d| d.as_array().into_iter().flatten())
    {
        let name = entry.get("name").and_then(Value::as_str);
        let locale = entry.get("locale").and_then(Value::as_str).unwrap_or("");
        let key = match locale.split('-').next() {
            Some("ja") => "nameJa",
            Some("en") => "nameEn",
            _ => continue,
        };
        if let (Some(name), None) = (name, info.get(key)) {
            set(&mut info, key, name);
        }
    }
    Ok(info)
}

/// [`Wallet::parse_token_response`] in Rust.
///
/// ```
/// use myna_wasm::wallet::issuance::parse_token_response_native;
/// let ok = parse_token_response_native(200, r#"{"access_token": "t0k", "token_type": "Bearer"}"#)
///     .map_err(|f| f.message())?;
/// assert_eq!(ok["accessToken"], "t0k");
/// let wrong = r#"{"error": "invalid_grant", "error_description": "wrong or missing tx_code"}"#;
/// assert_eq!(parse_token_response_native(400, wrong).unwrap_err().code(), "wrong_pin");
/// # Ok::<(), String>(())
/// ```
pub fn parse_token_response_native(status: u16, json: &str) -> Result<Value, Failure> {
    if !(200..300).contains(&status) {
        return Err(token_refusal(status, json));
    }
    let answer = TokenResponse::from_json(json.as_bytes())?;
    let mut info = json!({ "accessToken": answer.access_token.as_str() });
    if let Some(nonce) = answer.other.get("c_nonce").and_then(Value::as_str) {
        set(&mut info, "cNonce", nonce);
    }
    Ok(info)
}

/// The typed code of a token endpoint's error answer. The issuer's `error_description`
/// tells the `invalid_grant` cases apart (see `issuer/src/endpoint/token.rs`): the PIN,
/// the PIN's last attempt (the offer withdrawn), an expired code, a used or unknown code.
fn token_refusal(status: u16, json: &str) -> Failure {
    let Some(answer) = error_answer(json) else {
        return issuer_refused(status, None);
    };
    let description = answer.error_description.as_deref().unwrap_or("");
    if answer.error != ErrorCode::InvalidGrant {
        return issuer_refused(status, Some(&answer));
    }
    let (code, message) = if description.contains("tx_code") && description.contains("withdrawn") {
        (
            "offer_locked",
            "the PIN was wrong too many times: this offer is withdrawn; ask the issuer for a new one",
        )
    } else if description.contains("tx_code") {
        ("wrong_pin", "the PIN is wrong")
    } else if description.contains("expired") {
        (
            "offer_expired",
            "this offer has expired; ask the issuer for a new one",
        )
    } else if description.contains("already used") {
        (
            "offer_used",
            "this offer was already used (or is unknown to the issuer)",
        )
    } else {
        return issuer_refused(status, Some(&answer));
    };
    Failure::Coded(code, format!("{message} (the issuer said: {description})"))
}

fn error_answer(json: &str) -> Option<ErrorResponse> {
    ErrorResponse::from_json(json.as_bytes()).ok()
}

fn issuer_refused(status: u16, answer: Option<&ErrorResponse>) -> Failure {
    let said = match answer {
        Some(answer) => format!(
            "{}{}",
            answer.error.as_str(),
            answer
                .error_description
                .as_deref()
                .map(|d| format!(": {}", d.chars().take(300).collect::<String>()))
                .unwrap_or_default()
        ),
        None => "no OAuth error answer".into(),
    };
    Failure::Coded(
        "issuer_refused",
        format!("the issuer refused (HTTP {status}, {said})"),
    )
}

/// [`Wallet::credential_request_body`] in Rust.
///
/// ```
/// use myna_wasm::wallet::issuance::credential_request_body_native;
/// let body = credential_request_body_native("age", vec!["eyJ.a.b".into()]).map_err(|f| f.message())?;
/// let body: serde_json::Value = serde_json::from_str(&body).unwrap();
/// assert_eq!(body["credential_configuration_id"], "age");
/// assert_eq!(body["proofs"]["jwt"][0], "eyJ.a.b");
/// assert!(credential_request_body_native("age", vec![]).is_err());
/// # Ok::<(), String>(())
/// ```
pub fn credential_request_body_native(
    configuration_id: &str,
    proofs: Vec<String>,
) -> Result<String, Failure> {
    if configuration_id.is_empty() || proofs.is_empty() {
        return Err(Failure::Argument(
            "a credential request needs a configuration id and at least one proof".into(),
        ));
    }
    Ok(CredentialRequest::for_configuration(configuration_id, proofs).to_json()?)
}

/// [`Wallet::parse_credential_response`] in Rust.
///
/// ```
/// use myna_wasm::wallet::issuance::parse_credential_response_native;
/// let ok = parse_credential_response_native(200, r#"{"credentials": [{"credential": "a~"}]}"#)
///     .map_err(|f| f.message())?;
/// assert_eq!(ok, ["a~"]);
/// let refused = r#"{"error": "invalid_proof", "error_description": "stale"}"#;
/// assert_eq!(parse_credential_response_native(400, refused).unwrap_err().code(), "issuer_refused");
/// # Ok::<(), String>(())
/// ```
pub fn parse_credential_response_native(status: u16, json: &str) -> Result<Vec<String>, Failure> {
    if !(200..300).contains(&status) {
        return Err(issuer_refused(status, error_answer(json).as_ref()));
    }
    let answer = CredentialResponse::from_json(json.as_bytes())?;
    if answer.credentials.is_none() {
        return Err(Failure::Coded(
            "unsupported",
            "the issuer deferred issuance, which this wallet does not support".into(),
        ));
    }
    let issued: Vec<String> = answer
        .credential_strings()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if issued.is_empty() {
        return Err(Failure::Coded(
            "issuer_refused",
            "the issuer's answer holds no SD-JWT credential".into(),
        ));
    }
    Ok(issued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, error: &str, description: &str) -> &'static str {
        let body = json!({"error": error, "error_description": description}).to_string();
        match parse_token_response_native(status, &body) {
            Err(Failure::Coded(code, _)) => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn token_error_answers_become_typed_codes() {
        assert_eq!(
            refused(400, "invalid_grant", "wrong or missing tx_code"),
            "wrong_pin"
        );
        assert_eq!(
            refused(
                400,
                "invalid_grant",
                "wrong or missing tx_code; too many wrong codes: the offer is withdrawn"
            ),
            "offer_locked"
        );
        assert_eq!(
            refused(400, "invalid_grant", "the pre-authorized code expired"),
            "offer_expired"
        );
        assert_eq!(
            refused(
                400,
                "invalid_grant",
                "unknown or already used pre-authorized code"
            ),
            "offer_used"
        );
        assert_eq!(
            refused(400, "invalid_request", "bad form"),
            "issuer_refused"
        );
        assert_eq!(
            refused(400, "invalid_grant", "something else"),
            "issuer_refused"
        );
        match parse_token_response_native(502, "<html>") {
            Err(Failure::Coded(code, message)) => {
                assert_eq!(code, "issuer_refused");
                assert!(message.contains("HTTP 502"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // A success status with a body that is not a token answer: the parser's code.
        assert!(parse_token_response_native(200, "{}").is_err());
    }

    #[test]
    fn deferred_and_empty_credential_answers_are_refused() {
        let failed = parse_credential_response_native(500, "oops");
        assert_eq!(failed.unwrap_err().code(), "issuer_refused");
        // A deferred answer is never taken for credentials.
        let deferred =
            parse_credential_response_native(200, r#"{"transaction_id": "t", "interval": 5}"#);
        assert!(deferred.is_err());
        assert!(parse_credential_response_native(200, "not json").is_err());
    }
}

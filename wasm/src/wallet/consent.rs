//! Consents from the page: Rust signs and checks, JS does the HTTP to the registry (the
//! issuer service's `/consents` routes). A registration or an action is signed first
//! (`consentRegistration`, `consentAction`: the `{ url, body }` to POST), kept here until the
//! registry's answer comes back (`keepConsent`, `applyConsentAction`), which is checked before
//! anything is stored. A pending step lives as long as this `Wallet` object.

use std::cell::RefCell;
use std::collections::HashMap;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{ConsentAction, ConsentUse, Purpose, Recipient};
use myna_vc_core::crypto::PublicKey;
use myna_vc_core::json;
use myna_vc_core::sdjwt_vc::Vct;
use myna_vc_core::time::NumericDate;
use myna_wallet::consent::{ConsentRequest, StoredConsent};
use myna_wallet::consent_steps::{PendingConsent, PendingConsentChange};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{status_tokens, wallet_error, Wallet};
use crate::js_error::{js_json, member, text, unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What the holder agrees to give. `claims` are claim names (`"age_over_20"`) or JSON claim
 * paths (`'["address","locality"]'`); `until` ends the consent (Unix seconds); `oneTime`
 * makes it end with its first use. */
export interface ConsentRequestJs {
  recipient: string; purpose: string; vct: string; claims: string[];
  until?: number; oneTime?: boolean;
}
/** A request to POST: `body` is JSON text (`content-type: application/json`). `pendingId`
 * names the step for the call that takes the answer. */
export interface RegistryPost { url: string; body: string; pendingId: string }
/** A consent as the wallet keeps it. `state` is the holder's last action or what the
 * registry's list said (`used` for a one-time consent used); `expired` once past `until`. */
export interface StoredConsentJs {
  id: string; recipient: string; purpose: string; vct: string; claims: string[];
  since: number; until: number | null; oneTime: boolean;
  state: "active" | "paused" | "withdrawn" | "used" | "expired";
  registry: string | null; givenAt: number; checkedAt: number | null;
  /** The holder-signed record and the registry's receipt, to hand to the recipient. */
  record: string; receipt: string;
}
/** What `Wallet.applyConsentStatus` read (and recorded). */
export interface ConsentStatusReport {
  checked: { id: string; state: "active" | "paused" | "withdrawn" | "used" }[];
  failed: { uri: string; code: string; message: string }[];
}
"#;

/// Registrations and actions signed, awaiting the registry's answer.
#[derive(Debug, Default)]
pub(crate) struct PendingSteps {
    registrations: RefCell<HashMap<String, PendingConsent>>,
    actions: RefCell<HashMap<String, PendingConsentChange>>,
}

#[wasm_bindgen]
impl Wallet {
    /// Signs a consent (`request`: `ConsentRequestJs`) and the proof that the registry at
    /// `registry` (its issuer id) knows the holder: the `{ url, body, pendingId }` to POST.
    #[wasm_bindgen(js_name = consentRegistration, unchecked_return_type = "RegistryPost")]
    pub fn consent_registration(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsentRequestJs")] request: JsValue,
        registry: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        let request = js_json(&request, "consent request").map_err(Failure::into_js)?;
        self.consent_registration_native(&request, registry, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Checks the registry's `answer` (its JSON text, `{ receipt, … }`) to the registration
    /// `pendingId` against `registryJwk` (JSON text) and stores the consent.
    #[wasm_bindgen(js_name = keepConsent, unchecked_return_type = "StoredConsentJs")]
    pub fn keep_consent(
        &self,
        #[wasm_bindgen(js_name = pendingId)] pending_id: &str,
        answer: &str,
        #[wasm_bindgen(js_name = registryJwk)] registry_jwk: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.keep_consent_native(pending_id, answer, registry_jwk, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Signs `action` (`withdraw`, `pause` or `resume`) on consent `id`: the `{ url, body,
    /// pendingId }` to POST. A move the consent's state does not allow is refused here.
    #[wasm_bindgen(js_name = consentAction, unchecked_return_type = "RegistryPost")]
    pub fn consent_action(
        &self,
        id: &str,
        action: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.consent_action_native(id, action, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Records `action` on consent `id` once the registry's `answer` (JSON text, `{
    /// consent_id, state }`) confirms it.
    #[wasm_bindgen(js_name = applyConsentAction, unchecked_return_type = "StoredConsentJs")]
    pub fn apply_consent_action(
        &self,
        id: &str,
        action: &str,
        answer: &str,
        #[wasm_bindgen(js_name = registryJwk)] registry_jwk: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.apply_consent_action_native(id, action, answer, registry_jwk, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Every consent given (`StoredConsentJs[]`), oldest first, as of `nowUnix`.
    #[wasm_bindgen(unchecked_return_type = "StoredConsentJs[]")]
    pub fn consents(
        &self,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.consents_native(now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// The consent status lists the consents' receipts name, each once.
    #[wasm_bindgen(js_name = consentStatusUris)]
    pub fn consent_status_uris(&self) -> Result<Vec<String>, JsValue> {
        self.consent_status_uris_native().map_err(Failure::into_js)
    }

    /// Reads each consent's state from the registry's lists (`tokens`: JSON text `[{ uri,
    /// token }]`, verified with `registryJwk`) and records it: a `ConsentStatusReport`.
    #[wasm_bindgen(js_name = applyConsentStatus, unchecked_return_type = "ConsentStatusReport")]
    pub fn apply_consent_status(
        &self,
        tokens: &str,
        #[wasm_bindgen(js_name = registryJwk)] registry_jwk: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.apply_consent_status_native(tokens, registry_jwk, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::consent_registration`] with the request as JSON.
    pub fn consent_registration_native(
        &self,
        request: &Value,
        registry: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let request = consent_request(request, now)?;
        let registry = myna_vc_core::oid4vci::IssuerId::new(registry)?;
        let pending = self
            .inner
            .prepare_consent(request, registry.as_str(), now)
            .map_err(wallet_error)?;
        let post = json!({ "url": pending.url(), "body": pending.body().to_string(),
                           "pendingId": pending.id });
        self.pending
            .registrations
            .borrow_mut()
            .insert(pending.id.clone(), pending);
        Ok(post)
    }

    /// [`Wallet::keep_consent`] as JSON.
    pub fn keep_consent_native(
        &self,
        pending_id: &str,
        answer: &str,
        registry_jwk: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let key = registry_key(registry_jwk)?;
        let answer = json::parse_object(answer.as_bytes(), "registry answer")?;
        let receipt = text(&answer, "receipt")?;
        let pending = self
            .pending
            .registrations
            .borrow()
            .get(pending_id)
            .cloned()
            .ok_or_else(|| not_pending("registration", pending_id))?;
        let stored = self
            .inner
            .keep_consent(&pending, receipt, &key, now)
            .map_err(wallet_error)?;
        self.pending.registrations.borrow_mut().remove(pending_id);
        Ok(consent_json(&stored, now))
    }

    /// [`Wallet::consent_action`] as JSON.
    pub fn consent_action_native(
        &self,
        id: &str,
        action: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let action = holder_action(action)?;
        let pending = self
            .inner
            .prepare_consent_change(id, action, now)
            .map_err(wallet_error)?;
        let post = json!({ "url": pending.url(), "body": pending.body().to_string(),
                           "pendingId": pending.id });
        self.pending
            .actions
            .borrow_mut()
            .insert(pending.id.clone(), pending);
        Ok(post)
    }

    /// [`Wallet::apply_consent_action`] as JSON.
    pub fn apply_consent_action_native(
        &self,
        id: &str,
        action: &str,
        answer: &str,
        registry_jwk: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        // The answer is not signed; the key is checked for its form so a page that passes the
        // wrong value learns it here, as with the other registry calls.
        registry_key(registry_jwk)?;
        let action = holder_action(action)?;
        let answer = json::parse_object(answer.as_bytes(), "registry answer")?;
        let pending = self
            .pending
            .actions
            .borrow()
            .get(id)
            .filter(|p| p.action == action.as_str())
            .cloned()
            .ok_or_else(|| not_pending("action", id))?;
        if text(&answer, "consent_id")? != pending.id {
            return Err(wallet_error(myna_wallet::Error::Remote {
                party: "consent registry",
                detail: "the answer names another consent".into(),
            }));
        }
        let stored = self
            .inner
            .apply_consent_change(&pending, text(&answer, "state")?, now)
            .map_err(wallet_error)?;
        self.pending.actions.borrow_mut().remove(id);
        Ok(consent_json(&stored, now))
    }

    /// [`Wallet::consents`] as JSON (unreadable consent records are left out here; `held`
    /// names them).
    pub fn consents_native(&self, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let mut consents = self.inner.consents_readable().map_err(wallet_error)?.items;
        consents.sort_by_key(|c| (c.given_at, c.id.clone()));
        Ok(Value::Array(
            consents.iter().map(|c| consent_json(c, now)).collect(),
        ))
    }

    /// [`Wallet::consent_status_uris`] with a Rust error.
    pub fn consent_status_uris_native(&self) -> Result<Vec<String>, Failure> {
        Ok(self
            .inner
            .consent_status_uris()
            .map_err(wallet_error)?
            .into_iter()
            .map(|u| u.as_str().to_owned())
            .collect())
    }

    /// [`Wallet::apply_consent_status`] as JSON.
    pub fn apply_consent_status_native(
        &self,
        tokens: &str,
        registry_jwk: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let key = registry_key(registry_jwk)?;
        let tokens = status_tokens(&json::parse(tokens.as_bytes(), "consent status lists")?)?;
        let check = self
            .inner
            .check_consent_states(&tokens, &key, now)
            .map_err(wallet_error)?;
        let checked: Vec<Value> = check
            .checked
            .iter()
            .map(|c| json!({ "id": c.id, "state": c.state }))
            .collect();
        let failed: Vec<Value> = check
            .failed
            .into_iter()
            .map(|(uri, error)| {
                let failure = wallet_error(error);
                json!({ "uri": uri, "code": failure.code(), "message": failure.message() })
            })
            .collect();
        Ok(json!({ "checked": checked, "failed": failed }))
    }
}

/// A `ConsentRequestJs`, starting at `now`.
fn consent_request(request: &Value, now: NumericDate) -> Result<ConsentRequest, Failure> {
    let request = request
        .as_object()
        .ok_or_else(|| Failure::Argument("the consent request must be an object".into()))?;
    let claims = member(request, "claims")?
        .as_array()
        .ok_or_else(|| Failure::Argument("`claims` must be an array of strings".into()))?
        .iter()
        .map(|claim| {
            let name = claim
                .as_str()
                .ok_or_else(|| Failure::Argument("`claims` must be an array of strings".into()))?;
            if name.starts_with('[') {
                Ok(ClaimPath::parse_json(&json::parse(
                    name.as_bytes(),
                    "claim path",
                )?)?)
            } else {
                Ok(ClaimPath::key(name))
            }
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let until = match request.get("until") {
        None | Some(Value::Null) => None,
        Some(value) => Some(unix_time(value.as_f64().unwrap_or(f64::NAN), "until")?),
    };
    let one_time = match request.get("oneTime") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Failure::Argument("`oneTime` must be a boolean".into())),
    };
    Ok(ConsentRequest {
        recipient: Recipient::parse(text(request, "recipient")?)?,
        purpose: Purpose::new(text(request, "purpose")?)?,
        vct: Vct::parse(text(request, "vct")?)?,
        claims,
        not_before: now,
        not_after: until,
        usage: if one_time {
            ConsentUse::OneTime
        } else {
            ConsentUse::Ongoing
        },
    })
}

fn registry_key(jwk: &str) -> Result<PublicKey, Failure> {
    Ok(PublicKey::from_jwk(&json::parse(
        jwk.as_bytes(),
        "registry key",
    )?)?)
}

/// A holder's action: `withdraw`, `pause` or `resume` (`use` is the recipient's).
fn holder_action(action: &str) -> Result<ConsentAction, Failure> {
    match action {
        "withdraw" => Ok(ConsentAction::Withdraw),
        "pause" => Ok(ConsentAction::Pause),
        "resume" => Ok(ConsentAction::Resume),
        _ => Err(Failure::Argument(
            "`action` must be \"withdraw\", \"pause\" or \"resume\"".into(),
        )),
    }
}

fn not_pending(what: &str, id: &str) -> Failure {
    Failure::Wallet(myna_wallet::Error::NotFound {
        what: if what == "action" {
            "pending consent action"
        } else {
            "pending consent registration"
        },
        id: id.chars().take(32).collect(),
    })
}

/// A `StoredConsentJs`.
fn consent_json(consent: &StoredConsent, now: NumericDate) -> Value {
    let ended = consent
        .not_after
        .is_some_and(|until| until <= now.as_unix());
    let state = if ended && (consent.state == "active" || consent.state == "paused") {
        "expired"
    } else {
        consent.state.as_str()
    };
    json!({
        "id": consent.id,
        "recipient": consent.recipient,
        "purpose": consent.purpose,
        "vct": consent.vct,
        "claims": consent.claims,
        "since": consent.not_before,
        "until": consent.not_after,
        "oneTime": consent.usage == ConsentUse::OneTime.as_str(),
        "state": state,
        "registry": consent.registry,
        "givenAt": consent.given_at,
        "checkedAt": consent.checked_at,
        "record": consent.record,
        "receipt": consent.receipt,
    })
}

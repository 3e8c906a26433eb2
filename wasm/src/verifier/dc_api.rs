//! Presentations over the W3C Digital Credentials API (OpenID4VP Annex A) for a shop's backend:
//! `Verifier.dcApiRequest` starts a [`DcApiSession`] (the `{ protocol, data }` the page passes
//! to `navigator.credentials.get`, and the session the server keeps), and
//! `Verifier.decideDcApi` decides the DigitalCredential's answer with the Rust verifier's
//! [`myna_verifier::dc_api::DcApiSession`]: the response decrypted with the session's
//! ephemeral key (`dc_api.jwt`, the default), a plain answer to an encrypted request refused
//! (`response_mode_downgrade`), the key binding checked against `origin:<the page's origin>`,
//! the nonce used once.
//!
//! Decide on the server: a decision made in the customer's browser is worth nothing, since the
//! customer controls that browser.

use std::sync::Arc;

use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::oid4vp::{ClientId, Origin};
use myna_verifier::core::x509::CertificateChain;
use myna_verifier::dc_api::{DcApiOptions, DcApiSession as Session, RequestSigning};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{argument, Verifier};
use crate::js_error::{js_json, unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What a page passes to `navigator.credentials.get({ digital: { requests: [request] } })`. */
export interface DcApiRequest {
  /** `openid4vp-v1-unsigned`, or `openid4vp-v1-signed` with `options.signing`. */
  protocol: string;
  /** Unsigned: the OpenID4VP request — `response_type`, `response_mode` (`dc_api.jwt`, or
   *  `dc_api` unencrypted), `nonce`, `dcql_query`, `client_metadata` (the ephemeral encryption
   *  key). Signed: `{ request: "<JWS>" }` carrying those and `client_id`, `expected_origins`. */
  data: Record<string, unknown>;
}
/** What the browser's DigitalCredential carries back: give it (or just its `data`) to `decideDcApi`. */
export interface DcApiResponse { protocol?: string; data: Record<string, unknown> }
/** Options of `Verifier.dcApiRequest`. */
export interface DcApiOptions {
  /** Encrypt the response to a fresh key of this session (`dc_api.jwt`, HAIP). Default true;
   *  false asks for a plain `dc_api` answer, which only a test should do. */
  encrypt?: boolean;
  /** Sign the request (`openid4vp-v1-signed`, JWS with `x5c`), so a wallet that trusts the
   *  shop's certificate authority knows who asks, beyond the origin the browser reports. */
  signing?: DcApiSigning;
}
/** The shop's request-signing certificate and key (`options.signing` of `dcApiRequest`). */
export interface DcApiSigning {
  /** The leaf certificate's P-256 private key as a JWK (`kty` EC, `crv` P-256, `x`, `y`, `d`). */
  privateJwk: JsonWebKey;
  /** The certificate chain, leaf first, each standard base64 of DER (as in a JWS `x5c`). */
  x5c: string[];
  /** `x509_san_dns:<a DNS name of the leaf>` or `x509_hash:<base64url SHA-256 of the leaf>`. */
  clientId: string;
  /** The origins the request may be used from (the wallet refuses any other); by default the
   *  origin the request is made for. */
  expectedOrigins?: string[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `DcApiOptions` as JS passes it (an optional argument in the declarations).
    #[wasm_bindgen(typescript_type = "DcApiOptions")]
    pub type DcApiOptionsJs;
}

/// One pending DC API presentation: the request the page passes to the browser, and what the
/// server needs to decide the answer (policy, nonce, origin, response mode, the ephemeral
/// private key, expiry — 5 minutes). Keep it on the server: `toState()` is the text to store
/// between two HTTP requests, and it holds the private key.
#[wasm_bindgen]
pub struct DcApiSession {
    inner: Session,
    /// The policy as `Verifier` names it (its spec; for a restored session the policy's name,
    /// which is its spec for every policy without parameters).
    spec: String,
    /// `{ protocol, data }`, or null for a session restored from its state.
    request: Value,
}

#[wasm_bindgen]
impl DcApiSession {
    /// The `{ protocol, data }` to pass to `navigator.credentials.get({ digital: { requests:
    /// [request] } })`; `null` for a session restored with `fromState` (send the request when
    /// the session starts).
    #[wasm_bindgen(getter, unchecked_return_type = "DcApiRequest | null")]
    pub fn request(&self) -> JsValue {
        to_js(&self.request)
    }

    /// The policy this session asks for.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> String {
        self.inner.policy().to_owned()
    }

    /// When the session expires (seconds since 1970): an answer after it is refused
    /// (`session_expired`).
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.inner.expires_at().as_unix() as f64
    }

    /// The session as text, to keep between two HTTP requests of the shop's backend (JSON
    /// with the session's private key: keep it on the server, never log it). The same text
    /// `myna verify check --dc-api-session` reads.
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self) -> String {
        self.inner.to_state().to_string()
    }

    /// A session from `toState()`'s text. Throws with a code (`malformed`, `invalid_argument`,
    /// …) when the text is not a session.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(text: &str) -> Result<DcApiSession, JsValue> {
        Self::from_state_native(text).map_err(Failure::into_js)
    }
}

impl DcApiSession {
    /// [`DcApiSession::request`] as JSON (`null` for a restored session).
    pub fn request_native(&self) -> &Value {
        &self.request
    }

    /// [`DcApiSession::from_state`] with a Rust error.
    pub fn from_state_native(text: &str) -> Result<DcApiSession, Failure> {
        let inner = Session::from_state(text)?;
        Ok(DcApiSession {
            spec: inner.policy().to_owned(),
            inner,
            request: Value::Null,
        })
    }

    /// A copy of the Rust session (deciding consumes one; the JS object stays usable, and a
    /// second answer to it meets the verifier's replay guard).
    fn copy(&self) -> Result<Session, Failure> {
        Ok(Session::from_state(&self.inner.to_state())?)
    }
}

#[wasm_bindgen]
impl Verifier {
    /// Starts a presentation over the Digital Credentials API for `policy`, answered by the
    /// wallet to the page at `origin` (the page's `location.origin`: `https://host[:port]`,
    /// or http on localhost / 127.0.0.1 for development), at `nowUnix`. The answer is
    /// encrypted to a fresh key of the session unless `options.encrypt` is false, and the
    /// request signed with the shop's certificate when `options.signing` is given. Give
    /// `session.request` to the page; keep the session (or its `toState()`) on the server.
    #[wasm_bindgen(js_name = dcApiRequest)]
    pub fn dc_api_request(
        &self,
        policy: &str,
        origin: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
        options: Option<DcApiOptionsJs>,
    ) -> Result<DcApiSession, JsValue> {
        let options = match options.map(JsValue::from) {
            Some(given) if !given.is_undefined() && !given.is_null() => {
                js_json(&given, "options").map_err(Failure::into_js)?
            }
            _ => Value::Null,
        };
        self.dc_api_request_native(policy, origin, now_unix, &options)
            .map_err(Failure::into_js)
    }

    /// Decides the wallet's answer to `session` at `nowUnix`: `response` is what the browser's
    /// DigitalCredential carried (`{ protocol, data }`, or just `data`). Returns the decision
    /// (as `verify` does). A response the session cannot read is a rejected decision with its
    /// reason (`response_undecryptable`, `response_mode_downgrade`, `session_expired`,
    /// `wrong_audience`, `replayed`, …), never an exception; only bad arguments throw.
    #[wasm_bindgen(js_name = decideDcApi, unchecked_return_type = "Decision")]
    pub fn decide_dc_api(
        &self,
        session: &DcApiSession,
        #[wasm_bindgen(unchecked_param_type = "DcApiResponse | Record<string, unknown>")]
        response: JsValue,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        let response = js_json(&response, "response").map_err(Failure::into_js)?;
        self.decide_dc_api_native(session, &response, now_unix)
            .map(|decision| to_js(&decision))
            .map_err(Failure::into_js)
    }
}

impl Verifier {
    /// [`Verifier::dc_api_request`] with a Rust error; `options` is `null` or `{ encrypt,
    /// signing }`.
    pub fn dc_api_request_native(
        &self,
        policy: &str,
        origin: &str,
        now_unix: f64,
        options: &Value,
    ) -> Result<DcApiSession, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let spec = policy.to_owned();
        let policy = self.policy(policy)?;
        let origin = Origin::parse(origin)?;
        let options = DcApiOptions {
            encrypt: encrypt_option(options)?,
            signing: signing_option(options, &origin)?,
        };
        let (request, inner) = Session::start(&*policy, origin, &options, now)?;
        Ok(DcApiSession {
            inner,
            spec,
            request,
        })
    }

    /// [`Verifier::decide_dc_api`] with a Rust error: the decision as JSON.
    pub fn decide_dc_api_native(
        &self,
        session: &DcApiSession,
        response: &Value,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let policy = self.policy(&session.spec)?;
        self.clock.set(now_unix)?;
        let decision = session.copy()?.decide(&self.core, &*policy, response);
        Ok(decision.to_json())
    }
}

/// `encrypt` of `{ encrypt }` (default true).
fn encrypt_option(options: &Value) -> Result<bool, Failure> {
    match options {
        Value::Null => Ok(true),
        Value::Object(members) => match members.get("encrypt") {
            None | Some(Value::Null) => Ok(true),
            Some(Value::Bool(encrypt)) => Ok(*encrypt),
            Some(_) => Err(argument("`options.encrypt` must be a boolean")),
        },
        _ => Err(argument("`options` must be an object")),
    }
}

/// `signing` of `{ signing: { privateJwk, x5c, clientId, expectedOrigins? } }` (default: none).
fn signing_option(options: &Value, origin: &Origin) -> Result<Option<RequestSigning>, Failure> {
    let Some(signing) = options.get("signing").filter(|s| !s.is_null()) else {
        return Ok(None);
    };
    let member = |name: &str| {
        signing
            .get(name)
            .ok_or_else(|| argument(&format!("`options.signing.{name}` is missing")))
    };
    let strings = |name: &str, value: &Value| -> Result<Vec<String>, Failure> {
        value
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .ok_or_else(|| {
                argument(&format!(
                    "`options.signing.{name}` must be an array of strings"
                ))
            })
    };
    let secret = SecretKey::from_jwk(member("privateJwk")?)?;
    let chain = CertificateChain::from_x5c(&strings("x5c", member("x5c")?)?)?.to_der();
    let client_id = member("clientId")?
        .as_str()
        .ok_or_else(|| argument("`options.signing.clientId` must be a string"))?;
    let expected_origins = match signing.get("expectedOrigins") {
        None | Some(Value::Null) => vec![origin.clone()],
        Some(list) => strings("expectedOrigins", list)?
            .iter()
            .map(String::as_str)
            .map(Origin::parse)
            .collect::<Result<_, _>>()?,
    };
    Ok(Some(RequestSigning {
        signer: Arc::from(default_provider().signer(&secret)?),
        chain,
        client_id: ClientId::parse(client_id)?,
        expected_origins,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_encrypt_option_defaults_to_true_and_takes_only_booleans() {
        assert!(encrypt_option(&Value::Null).unwrap());
        assert!(encrypt_option(&json!({})).unwrap());
        assert!(!encrypt_option(&json!({ "encrypt": false })).unwrap());
        assert_eq!(
            encrypt_option(&json!({ "encrypt": "no" }))
                .unwrap_err()
                .code(),
            "invalid_argument"
        );
        assert_eq!(
            encrypt_option(&json!(3)).unwrap_err().code(),
            "invalid_argument"
        );
    }
}

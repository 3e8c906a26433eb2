//! Presentations cross-device for a shop's backend, the fallback where the browser offers no
//! Digital Credentials API: `Verifier.crossDeviceRequest` makes an OpenID4VP request by value
//! (an `openid4vp://` link for a QR code) answered by `direct_post.jwt` — the wallet encrypts
//! its answer to a fresh key of this [`CrossDeviceSession`] (HAIP) and posts it to the
//! `response_uri` — and `Verifier.decideDirectPost` decides the posted body: decrypted with the
//! session's key, a plain `vp_token` refused (`response_mode_downgrade`), `state` echoed, the
//! key binding checked against the request's `client_id`, the nonce used once.

use myna_verifier::core::jwe::EncryptionKey;
use myna_verifier::core::oid4vp::{ClientId, Nonce, State};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::{json, Error, Oid4vpError};
use myna_verifier::decision::{Decision, Reason, Rejection};
use myna_verifier::submission::Challenge;
use myna_verifier::transport::{encrypted_authorization_request, submission_from_direct_post_jwt};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{argument, Verifier};
use crate::js_error::{member, text, unix_time, Failure};
use crate::to_js;

/// How long a cross-device session waits for the wallet, as the DC API sessions do.
const SESSION_SECS: i64 = 300;
/// The version of [`CrossDeviceSession::to_state`]'s text.
const STATE_VERSION: u64 = 1;

/// One pending cross-device presentation: the `openid4vp://` link to show as a QR code, and
/// what the server needs to decide the wallet's `direct_post.jwt` answer (policy, client_id,
/// nonce, state, the ephemeral private key, expiry). `toState()` is the text to keep between
/// two HTTP requests: it holds the private key, so keep it on the server and never log it.
#[wasm_bindgen]
pub struct CrossDeviceSession {
    spec: String,
    client_id: ClientId,
    nonce: Nonce,
    state: Option<State>,
    key: EncryptionKey,
    expires_at: NumericDate,
    link: String,
}

#[wasm_bindgen]
impl CrossDeviceSession {
    /// The request by value, `openid4vp://?client_id=…&response_mode=direct_post.jwt&…`: show
    /// it as a QR code (`qrMatrix`) or as a link for a wallet on the same device.
    #[wasm_bindgen(getter)]
    pub fn link(&self) -> String {
        self.link.clone()
    }

    /// The policy (its spec) this session asks for.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> String {
        self.spec.clone()
    }

    /// The request's `state`, which the wallet's answer must echo.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Option<String> {
        self.state.as_ref().map(|s| s.as_str().to_owned())
    }

    /// When the session expires (seconds since 1970): an answer after it is refused
    /// (`session_expired`).
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.expires_at.as_unix() as f64
    }

    /// The session as JSON text (`{"v":1,"policy","client_id","nonce","state","key",
    /// "expires_at","link"}`, `key` the private JWK): keep it on the server, never log it.
    #[wasm_bindgen(js_name = toState)]
    pub fn to_state(&self) -> String {
        self.to_state_native().to_string()
    }

    /// A session from `toState()`'s text; throws with a code when it is not one.
    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(text: &str) -> Result<CrossDeviceSession, JsValue> {
        Self::from_state_native(text).map_err(Failure::into_js)
    }
}

impl CrossDeviceSession {
    /// [`CrossDeviceSession::to_state`] in Rust.
    pub fn to_state_native(&self) -> Zeroizing<String> {
        let key = self.key.to_private_jwk();
        // The private JWK is JSON text written by vc-core, which always parses.
        let key: Value = serde_json::from_str(&key).unwrap_or(Value::Null);
        Zeroizing::new(
            json!({
                "v": STATE_VERSION,
                "policy": self.spec,
                "client_id": self.client_id.as_str(),
                "nonce": self.nonce.as_str(),
                "state": self.state.as_ref().map(|s| s.as_str()),
                "key": key,
                "expires_at": self.expires_at.as_unix(),
                "link": self.link,
            })
            .to_string(),
        )
    }

    /// [`CrossDeviceSession::from_state`] with a Rust error.
    pub fn from_state_native(saved: &str) -> Result<CrossDeviceSession, Failure> {
        let state = json::parse_object(saved.as_bytes(), "cross-device session")?;
        if state.get("v").and_then(Value::as_u64) != Some(STATE_VERSION) {
            return Err(argument("not a cross-device session of this version (`v`)"));
        }
        let expires_at = member(&state, "expires_at")?
            .as_i64()
            .ok_or_else(|| argument("`expires_at` must be a whole number"))?;
        Ok(CrossDeviceSession {
            spec: text(&state, "policy")?.to_owned(),
            client_id: ClientId::parse(text(&state, "client_id")?)?,
            nonce: Nonce::parse(text(&state, "nonce")?)?,
            state: optional_state(&state)?,
            key: EncryptionKey::from_jwk(member(&state, "key")?)?,
            expires_at: NumericDate::from_unix(expires_at),
            link: text(&state, "link")?.to_owned(),
        })
    }
}

fn optional_state(state: &Map<String, Value>) -> Result<Option<State>, Failure> {
    match state.get("state") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(State::parse(value)?)),
        Some(_) => Err(argument("`state` must be a string or null")),
    }
}

#[wasm_bindgen]
impl Verifier {
    /// Starts a cross-device presentation for `policy`: an OpenID4VP request by value for
    /// `clientId` (its KB-JWT audience; e.g. `redirect_uri:<responseUri>`, or
    /// `x509_san_dns:shop.example` for a shop with a certificate), answered by
    /// `direct_post.jwt` to `responseUri`, expiring 5 minutes after `nowUnix`. Show
    /// `session.link` as a QR code; keep the session (or its `toState()`) on the server.
    #[wasm_bindgen(js_name = crossDeviceRequest)]
    pub fn cross_device_request(
        &self,
        policy: &str,
        #[wasm_bindgen(js_name = clientId)] client_id: &str,
        #[wasm_bindgen(js_name = responseUri)] response_uri: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<CrossDeviceSession, JsValue> {
        self.cross_device_request_native(policy, client_id, response_uri, now_unix)
            .map_err(Failure::into_js)
    }

    /// Decides the body the wallet posted to the session's `response_uri`
    /// (`application/x-www-form-urlencoded`, `response=<JWE>`) at `nowUnix`. Returns the
    /// decision (as `verify` does); an unreadable, downgraded (plain `vp_token`), foreign or
    /// late answer is a rejected decision with its reason, never an exception.
    #[wasm_bindgen(js_name = decideDirectPost, unchecked_return_type = "Decision")]
    pub fn decide_direct_post(
        &self,
        session: &CrossDeviceSession,
        body: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.decide_direct_post_native(session, body, now_unix)
            .map(|decision| to_js(&decision.to_json()))
            .map_err(Failure::into_js)
    }
}

impl Verifier {
    /// [`Verifier::cross_device_request`] with a Rust error.
    pub fn cross_device_request_native(
        &self,
        policy: &str,
        client_id: &str,
        response_uri: &str,
        now_unix: f64,
    ) -> Result<CrossDeviceSession, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let found = self.policy(policy)?;
        let client_id = ClientId::parse(client_id)?;
        let (request, key) =
            encrypted_authorization_request(&*found, client_id.clone(), response_uri)?;
        Ok(CrossDeviceSession {
            spec: policy.to_owned(),
            client_id,
            link: request.to_url()?,
            nonce: request.nonce,
            state: request.state,
            key,
            expires_at: NumericDate::from_unix(now.as_unix().saturating_add(SESSION_SECS)),
        })
    }

    /// [`Verifier::decide_direct_post`] with a Rust error.
    pub fn decide_direct_post_native(
        &self,
        session: &CrossDeviceSession,
        body: &str,
        now_unix: f64,
    ) -> Result<Decision, Failure> {
        let policy = self.policy(&session.spec)?;
        let now = self.clock.set(now_unix)?;
        if now >= session.expires_at {
            return Ok(self
                .core
                .reject(&*policy, Rejection::new(Reason::SessionExpired)));
        }
        let (submission, state) = match submission_from_direct_post_jwt(body, &session.key) {
            Ok(read) => read,
            Err(error) => return Ok(self.core.reject(&*policy, Rejection::from_error(error))),
        };
        if state != session.state {
            let error = Error::Oid4vp(Oid4vpError::InvalidParameter {
                name: "state",
                detail: "the answer does not echo this request's state".into(),
            });
            return Ok(self.core.reject(&*policy, Rejection::from_error(error)));
        }
        let challenge =
            Challenge::single_use(session.nonce.as_str()).for_audience(session.client_id.as_str());
        Ok(self.core.verify(&*policy, &submission, &challenge))
    }
}

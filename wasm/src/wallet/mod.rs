//! The wallet for JS: credentials held in memory, presentations built for a verifier's
//! request. It is sans-I/O like the rest of the package: the page runs the OpenID4VCI
//! exchange with `fetch`, asks the wallet for the key proofs, and hands it the credentials.

pub mod challenge;
pub mod dc_api;
pub mod issuance;
pub mod offer;
pub mod remote;

use myna_vc_core::compact::InPersonChallenge;
use myna_vc_core::crypto::{default_provider, fill_random, PublicKey};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::oid4vci::{CNonce, IssuerId};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::TrustList;
use myna_vc_core::trust_list::VerifiedTrustList;
use myna_vc_core::{b64, json};
use myna_wallet::keys::MasterSecret;
use myna_wallet::present::PresentationRequest;
use myna_wallet::receipt::{ReceiptCheck, StatusTokens};
use myna_wallet::sealed::KdfParams;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use crate::js_error::{member, text, unix_time, Failure};
use crate::to_js;

mod backup;
mod consent;
mod held;
mod history;
mod open;
mod preview;
mod status;
pub mod store;

use self::consent::PendingSteps;
use self::store::JournalStore;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What `Wallet.keep` stored. */
export interface KeptBatch { batch: string; count: number }
/** One credential of a preview: what the verifier will see of it. */
export interface PreviewItem {
  query: string;
  vct: string;
  issuer: string;
  /** Each disclosed claim (its JSON claim path) and its value. */
  disclosed: Record<string, unknown>;
  /** The claims every presentation of this credential shows (not selectively disclosable),
   *  by name, with their values; the envelope (issuer, type, dates, status, holder key) left out. */
  alwaysShown: Record<string, unknown>;
}
/** What `Wallet.present` returns. */
export interface WalletPresentation {
  /** The QR text (`MV1:…`) of a one-credential answer; null when the answer carries several
   *  credentials (show `compacts` instead, one code after another). */
  compact: string | null;
  /** The QR texts (`MV1:…`), one per credential in the order the query asks for them: what a
   *  counter scans for a policy asking for several credentials (one text for one credential). */
  compacts: string[];
  /** The OpenID4VP `vp_token`: presentations by credential query id. */
  vpToken: Record<string, string[]>;
}
"#;

/// A holder's wallet: its records in memory, every write journaled for the page to persist
/// ([`Wallet::take_changes`](Wallet::take_changes_native)).
#[wasm_bindgen]
pub struct Wallet {
    pub(crate) inner: myna_wallet::Wallet<JournalStore>,
    /// Consent registrations and actions signed and sent, awaiting the registry's answer.
    pub(crate) pending: PendingSteps,
}

impl Wallet {
    /// Wraps a Rust wallet over a journaled store.
    pub(crate) fn wrap(inner: myna_wallet::Wallet<JournalStore>) -> Self {
        Wallet {
            inner,
            pending: PendingSteps::default(),
        }
    }
}

#[wasm_bindgen]
impl Wallet {
    /// A wallet restored from its 32-byte master secret (base64url): every holder key is
    /// derived from it, so the same secret gives the same keys on any device.
    pub fn restore(
        secret: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<Wallet, JsValue> {
        Self::restore_native(secret, now_unix).map_err(Failure::into_js)
    }

    /// OpenID4VCI `jwt` key proofs for a new batch of `size` credentials, one fresh key each
    /// (the credentials cannot be linked by their keys). Send them in the Credential Request,
    /// then give the issued credentials to [`keep`](Self::keep) with the same `batch`. Use one
    /// `batch` for every configuration of one offer (resident and age): copy `i` of each is
    /// then bound to the same key, which verifiers require of credentials shown together.
    #[wasm_bindgen(js_name = keyProofs)]
    pub fn key_proofs(
        &self,
        batch: &str,
        size: u32,
        issuer: &str,
        #[wasm_bindgen(js_name = cNonce)] c_nonce: Option<String>,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<Vec<String>, JsValue> {
        self.key_proofs_native(batch, size, issuer, c_nonce.as_deref(), now_unix)
            .map_err(Failure::into_js)
    }

    /// Checks and keeps credentials issued for `batch`. `trust` is a JSON string
    /// `{ authorityJwk, trustList, statusLists: [{ uri, token }] }`: each credential must be
    /// signed by an issuer the trust list allows for its type, bound to one of the batch's
    /// keys, and valid on its status list. Returns `{ batch, count }`.
    #[wasm_bindgen(unchecked_return_type = "KeptBatch")]
    pub fn keep(
        &self,
        batch: &str,
        size: u32,
        #[wasm_bindgen(js_name = configurationId)] configuration_id: &str,
        credentials: Vec<String>,
        trust: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.keep_native(batch, size, configuration_id, &credentials, trust, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// What would be disclosed for `request` (the object `Verifier.request` returns, as a JSON
    /// string: `{ challenge, dcqlQuery }`), before anything is signed:
    /// `[{ query, vct, issuer, disclosed: { claim: value }, alwaysShown: { claim: value } }]`.
    #[wasm_bindgen(unchecked_return_type = "PreviewItem[]")]
    pub fn preview(
        &self,
        request: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.preview_native(request, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Signs the presentation for `request` with the smallest disclosure that answers it,
    /// bound to the verifier's nonce and audience, with a credential never shown to another
    /// verifier: `{ compact, compacts, vpToken }` (`compacts` are the QR texts, `MV1:…`, one
    /// per credential in the query's order; `compact` the one text of a one-credential answer,
    /// else null).
    #[wasm_bindgen(unchecked_return_type = "WalletPresentation")]
    pub fn present(
        &self,
        request: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.present_native(request, now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::restore`] with a Rust error.
    pub fn restore_native(secret: &str, now_unix: f64) -> Result<Wallet, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let secret = MasterSecret::from_slice(&b64::decode(secret, "master secret")?)
            .map_err(wallet_error)?;
        // The sealed copy of the secret never leaves this memory store, so a random
        // passphrase and the lightest Argon2 setting protect nothing less than before.
        let mut passphrase = [0u8; 32];
        fill_random(&mut passphrase)?;
        let params = KdfParams::new(64, 1, 1).map_err(|e| wallet_error(e.into()))?;
        let inner = myna_wallet::Wallet::restore(
            JournalStore::new(),
            secret,
            &b64::encode(passphrase),
            params,
            now,
        )
        .map_err(wallet_error)?;
        Ok(Wallet::wrap(inner))
    }

    /// [`Wallet::key_proofs`] with a Rust error.
    pub fn key_proofs_native(
        &self,
        batch: &str,
        size: u32,
        issuer: &str,
        c_nonce: Option<&str>,
        now_unix: f64,
    ) -> Result<Vec<String>, Failure> {
        let issuer = IssuerId::new(issuer)?;
        let c_nonce = c_nonce.map(CNonce::new);
        self.inner
            .key_proofs(
                batch,
                size,
                &issuer,
                c_nonce.as_ref(),
                unix_time(now_unix, "nowUnix")?,
            )
            .map_err(wallet_error)
    }

    /// [`Wallet::keep`] with a Rust error.
    pub fn keep_native(
        &self,
        batch: &str,
        size: u32,
        configuration_id: &str,
        credentials: &[String],
        trust: &str,
        now_unix: f64,
    ) -> Result<Value, Failure> {
        let received = with_receipt_check(trust, now_unix, |check, _, now| {
            self.inner
                .keep(batch, size, configuration_id, credentials, check, now)
        })?;
        Ok(json!({ "batch": received.batch, "count": received.credentials.len() }))
    }

    /// [`Wallet::preview`] with a Rust error.
    pub fn preview_native(&self, request: &str, now_unix: f64) -> Result<Value, Failure> {
        let preview = self
            .inner
            .prepare(
                presentation_request(request)?,
                unix_time(now_unix, "nowUnix")?,
            )
            .map_err(wallet_error)?;
        Ok(Value::Array(self.preview_items_json(preview.items())?))
    }

    /// [`Wallet::present`] with a Rust error.
    pub fn present_native(&self, request: &str, now_unix: f64) -> Result<Value, Failure> {
        let presentation = self
            .inner
            .prepare(
                presentation_request(request)?,
                unix_time(now_unix, "nowUnix")?,
            )
            .and_then(|preview| preview.confirm())
            .map_err(wallet_error)?;
        let compacts = presentation.compacts().map_err(wallet_error)?;
        let compact = match compacts.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        let vp_token: Map<String, Value> = presentation
            .response
            .vp_token
            .iter()
            .map(|(id, list)| (id.to_owned(), json!(list)))
            .collect();
        Ok(json!({ "compact": compact, "compacts": compacts, "vpToken": vp_token }))
    }
}

/// The trust of a `WalletTrust` JSON string `{ authorityJwk, trustList, statusLists: [{ uri,
/// token }] }`: the trust list verified with the pinned authority key at `now`, and the
/// status list tokens (verified when used, with the issuer's key from that list).
pub(crate) fn wallet_trust(
    trust: &str,
    now: myna_vc_core::time::NumericDate,
) -> Result<(VerifiedTrustList, StatusTokens), Failure> {
    let trust = json::parse_object(trust.as_bytes(), "wallet trust")?;
    let authority = PublicKey::from_jwk(member(&trust, "authorityJwk")?)?;
    let list = TrustList::verify(
        text(&trust, "trustList")?,
        default_provider(),
        &authority,
        now,
    )?;
    Ok((list, status_tokens(member(&trust, "statusLists")?)?))
}

/// `[{ uri, token }]` as status list tokens by URI.
pub(crate) fn status_tokens(entries: &Value) -> Result<StatusTokens, Failure> {
    let entries = entries
        .as_array()
        .ok_or_else(|| Failure::Argument("`statusLists` must be an array".into()))?;
    let mut status = StatusTokens::new();
    for entry in entries {
        let entry = entry
            .as_object()
            .ok_or_else(|| Failure::Argument("a `statusLists` entry must be an object".into()))?;
        status = status.with(
            &StatusListUri::new(text(entry, "uri")?)?,
            text(entry, "token")?,
        );
    }
    Ok(status)
}

/// A verifier's request object (`Verifier.request`): its challenge text and DCQL query.
fn presentation_request(request: &str) -> Result<PresentationRequest, Failure> {
    let request = json::parse_object(request.as_bytes(), "presentation request")?;
    let challenge = InPersonChallenge::parse(text(&request, "challenge")?)?;
    let query = DcqlQuery::from_value(member(&request, "dcqlQuery")?)?;
    PresentationRequest::in_person(&challenge, query).map_err(wallet_error)
}

/// Runs a receipt step (`keep`, `inspect`) at `now_unix` with the checks of a `WalletTrust`
/// JSON string: the issuer in the verified trust list, its signature, the status list, the
/// type's declaration and JSON Schema.
pub(crate) fn with_receipt_check<T>(
    trust: &str,
    now_unix: f64,
    step: impl FnOnce(&ReceiptCheck<'_>, &VerifiedTrustList, NumericDate) -> myna_wallet::Result<T>,
) -> Result<T, Failure> {
    let now = unix_time(now_unix, "nowUnix")?;
    let (list, status) = wallet_trust(trust, now)?;
    step(&ReceiptCheck::new(&list, &status), &list, now).map_err(wallet_error)
}

pub(crate) fn wallet_error(error: myna_wallet::Error) -> Failure {
    match error {
        myna_wallet::Error::Core(core) => Failure::Core(core),
        other => Failure::Wallet(other),
    }
}

/// Sets `key` of a JSON object built here (a no-op on anything else, which cannot happen).
fn set(object: &mut Value, key: &str, value: &str) {
    if let Some(object) = object.as_object_mut() {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

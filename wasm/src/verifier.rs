//! The verifier for JS: built from a shop's configuration (trust list, pinned authority key,
//! cached status lists), it makes requests for the ready policies and turns a presentation
//! into a decision object. Verification never touches the network.
//!
//! What a counter needs around a decision comes from the same Rust as the service's: the
//! presentation is read by [`submission_from_text`] (one `MV1:` line per credential, a
//! `vp_token` object or one SD-JWT), a clinic's billing record by
//! [`BillingRecord::for_spec`], a shelter's roster entry by [`RosterEntry::for_spec`], and
//! `freshness` reports the trust list's and the status cache's own dates. A decision handed
//! back from JS is the plain object `verify` returned, read with [`Decision::from_json`].
//!
//! For an online shop's backend, two more ways a presentation arrives, each with a session
//! the server keeps between two HTTP requests: over the browser's Digital Credentials API
//! ([`dc_api`]: `dcApiRequest` / `decideDcApi`) and cross-device by an `openid4vp://` QR code
//! answered with `direct_post.jwt` ([`cross_device`]: `crossDeviceRequest` /
//! `decideDirectPost`). Both encrypt the wallet's answer to a fresh key of the session.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use myna_verifier::billing::BillingRecord;
use myna_verifier::core::compact::{InPersonChallenge, PolicySpec};
use myna_verifier::core::crypto::{default_provider, PublicKey};
use myna_verifier::core::json;
use myna_verifier::core::oid4vp::Nonce;
use myna_verifier::core::status_list::StatusListUri;
use myna_verifier::core::time::{Clock, NumericDate};
use myna_verifier::decision::{Decision, Rejection};
use myna_verifier::ledger::MemoryLedger;
use myna_verifier::policy::catalog::{policy_from_spec, SPECS};
use myna_verifier::policy::query::dcql_query;
use myna_verifier::policy::Policy;
use myna_verifier::roster::RosterEntry;
use myna_verifier::submission::{submission_from_text, Challenge};
use myna_verifier::trust::Trust;
use myna_verifier::verifier::{Verifier as Core, VerifierConfig};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::js_error::{js_json, member, text, unix_time, Failure};
use crate::to_js;

pub mod cross_device;
pub mod dc_api;

pub use cross_device::CrossDeviceSession;
pub use dc_api::DcApiSession;

/// The time the page says it is: set before each call, so decisions follow the caller's
/// clock (a test can fix it; a page uses `Date.now()`).
#[derive(Debug, Default)]
struct CallerClock(AtomicI64);

impl CallerClock {
    fn set(&self, now_unix: f64) -> Result<NumericDate, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        self.0.store(now.as_unix(), Ordering::SeqCst);
        Ok(now)
    }
}

impl Clock for CallerClock {
    fn now(&self) -> NumericDate {
        NumericDate::from_unix(self.0.load(Ordering::SeqCst))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A shop's configuration for `Verifier.create` (pass it as a JSON string). */
export interface VerifierConfig {
  /** This verifier's id: the audience every key binding must name. */
  audience: string;
  /** The trust authority's public key (JWK), pinned. */
  authorityJwk: JsonWebKey;
  /** The signed trust list (`myna-trust-list+jwt`). */
  trustList: string;
  /** Status lists fetched ahead of time, one per issuer list. */
  statusLists?: { issuer: string; uri: string; token: string }[];
  /** How far past fresh the status data may be, in seconds (default 86400). */
  maxStatusStalenessSecs?: number;
}

/** One ready policy. */
export interface PolicyInfo { spec: string; description: string }

/** What `Verifier.request` returns. */
export interface PresentationRequest {
  /** The policy's stable name. */
  policy: string;
  /** The OpenID4VP DCQL query. */
  dcqlQuery: { credentials: object[] };
  /** A fresh random nonce; pass it back to `verify`. */
  nonce: string;
  /** The audience the key binding must name. */
  audience: string;
  /** The text the screen shows for the wallet to scan: `MVC1:<nonce>:<audience> <policy spec>`
   *  (the spec tells the wallet what is asked). */
  challenge: string;
}

/** One verified credential in a decision. */
export interface DisclosedCredential {
  id: string;
  vct: string;
  issuer: string;
  issuer_name: string;
  /** Only the disclosed claims. */
  claims: Record<string, unknown>;
  /** RFC 7638 thumbprint of the holder key. */
  holder: string;
  /** Seconds the revocation data was past fresh (0 when fresh); null without a status entry. */
  status_staleness_secs: number | null;
}

/** The outcome of `Verifier.verify`. */
export interface Decision {
  accepted: boolean;
  policy: string;
  /** When it was decided (seconds since 1970). */
  at: number;
  /** Set when rejected: a stable code such as "revoked", "under_age", "expired", "replayed". */
  reason?: string;
  /** The reason in English, for the cashier. */
  message_en?: string;
  /** The reason in Japanese, for the cashier. */
  message_ja?: string;
  credentials: DisclosedCredential[];
}

/** A clinic's billing record for its billing system (レセコン), from `Verifier.billingRecord`. */
export interface BillingRecord {
  /** The record as JSON. */
  json: {
    clinic_id: string;
    /** The visit day (JST), YYYY-MM-DD. */
    visit_date: string;
    care: "outpatient" | "inpatient";
    /** 公費負担者番号 (8 digits). */
    payer_number: string;
    /** 受給者番号 (7 digits). */
    recipient_number: string;
    municipality_code: string;
    child_name: string;
    child_birthdate: string;
    copay_per_visit_yen: number;
    monthly_cap_yen: number | null;
    covered_until: string;
    issuer: string;
    /** When the subsidy was verified (seconds since 1970). */
    verified_at: number;
  };
  /** The same record as XML (`<billingRecord version="1">`), every value escaped. */
  xml: string;
}

/** A shelter check-in for the disaster HQ, from `Verifier.rosterEntry`: send it (in
 *  `{"entries": [...]}`) to `POST /roster` of `myna verify serve --roster`. */
export interface RosterEntry {
  /** Stable id from the shelter, the issuer and the holder key: the same check-in twice has
   *  the same id, and the HQ stores it once. */
  entry_id: string;
  shelter_id: string;
  municipality_code: string;
  name: string | null;
  birthdate: string | null;
  /** The resident credential's issuer. */
  issuer: string;
  /** RFC 7638 thumbprint of the holder key. */
  holder: string;
  /** When the desk checked the person in (seconds since 1970). */
  checked_in_at: number;
}

/** How old the verifier's trust data is at `nowUnix`, from `Verifier.freshness`. */
export interface Freshness {
  trustList: {
    /** The trust list's `iat` (seconds since 1970). */
    issuedAt: number;
    /** Its `exp`. */
    expiresAt: number;
    /** Seconds since it was issued. */
    ageSecs: number;
    /** Seconds past `exp` (0 while in force). */
    staleSecs: number;
  };
  /** Each cached status list, by URI. */
  statusLists: {
    issuer: string;
    uri: string;
    /** When it was stored (`create` or `storeStatusList`). */
    fetchedAt: number;
    /** When it stops being fresh (its `exp`, or fetch time plus its `ttl`). */
    freshUntil: number;
    /** Seconds past fresh (0 while fresh): what decisions compare with the tolerance. */
    staleSecs: number;
    /** Whether the list's own `exp` has passed. */
    expired: boolean;
    /** Whether `staleSecs` exceeds this verifier's `maxStalenessSecs`: decisions that need
     *  this list are then refused (`status_too_stale`) unless the policy allows more. */
    tooStale: boolean;
  }[];
  /** The tolerance this verifier was created with (`maxStatusStalenessSecs`, default 86400);
   *  the shelter policy allows 7 days whatever this is. */
  maxStalenessSecs: number;
}
"#;

/// A verifier for one shop, gate or desk.
#[wasm_bindgen]
pub struct Verifier {
    core: Core,
    clock: Arc<CallerClock>,
    ledger: Arc<MemoryLedger>,
}

#[wasm_bindgen]
impl Verifier {
    /// Builds a verifier from the shop's configuration, a JSON string:
    ///
    /// ```json
    /// { "audience": "x509_san_dns:shop.example",
    ///   "authorityJwk": { "kty": "EC", "crv": "P-256", "x": "…", "y": "…" },
    ///   "trustList": "<myna-trust-list+jwt>",
    ///   "statusLists": [ { "issuer": "did:web:city.kobe.example",
    ///                      "uri": "https://city.kobe.example/status/1", "token": "<statuslist+jwt>" } ],
    ///   "maxStatusStalenessSecs": 86400 }
    /// ```
    ///
    /// The trust list must verify with the pinned authority key and each status list with
    /// its issuer's key from the trust list, at `nowUnix`. Throws an `Error` with a `code`
    /// (`signature_invalid`, `malformed`, `invalid_argument`, …) otherwise.
    pub fn create(
        config: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<Verifier, JsValue> {
        Self::create_native(config, now_unix).map_err(Failure::into_js)
    }

    /// The ready policies: `[{ spec, description }]`. A spec such as `age-over-20` or
    /// `resident:281000` names the policy in [`request`](Self::request) and
    /// [`verify`](Self::verify).
    #[wasm_bindgen(unchecked_return_type = "PolicyInfo[]")]
    pub fn policies() -> JsValue {
        let list: Vec<Value> = SPECS
            .iter()
            .map(|(spec, description)| json!({ "spec": spec, "description": description }))
            .collect();
        to_js(&Value::Array(list))
    }

    /// A request for `policy` with a fresh random nonce:
    /// `{ policy, dcqlQuery, nonce, audience, challenge }`, where `challenge` is the text
    /// the screen shows for the wallet to scan, `MVC1:<nonce>:<audience> <policy spec>`.
    #[wasm_bindgen(unchecked_return_type = "PresentationRequest")]
    pub fn request(&self, policy: &str) -> Result<JsValue, JsValue> {
        self.request_native(policy)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Verifies a presentation for `policy`, bound to `nonce`, at `nowUnix`, and returns the
    /// decision: `{ accepted, policy, at, reason?, message_en?, message_ja?, credentials }`.
    ///
    /// `presentation` is the compact QR text (`MV1:…`; a policy that asks for several
    /// credentials takes one line per credential, in the order of its DCQL query, joined with
    /// `\n`), a plain SD-JWT with key binding, or an OpenID4VP `vp_token` JSON object.
    /// Unreadable or forged input is a rejected decision, not an exception; only bad arguments
    /// (unknown policy, bad time) throw.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn verify(
        &self,
        policy: &str,
        presentation: &str,
        nonce: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.verify_native(policy, presentation, nonce, now_unix)
            .map(|decision| to_js(&decision.to_json()))
            .map_err(Failure::into_js)
    }

    /// The billing record of a clinic decision: `decision` is the object `verify` returned
    /// for `policy` (`clinic:<clinic-id>:<outpatient|inpatient>`). Returns
    /// `{ json, xml }`, or `null` when the decision was rejected or `policy` is not a clinic
    /// (or not the policy that decided). A `decision` that is not a decision object throws
    /// `invalid_argument` or the JSON member's code.
    #[wasm_bindgen(js_name = billingRecord, unchecked_return_type = "BillingRecord | null")]
    pub fn billing_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Decision")] decision: JsValue,
        policy: &str,
    ) -> Result<JsValue, JsValue> {
        let decision = js_json(&decision, "decision").map_err(Failure::into_js)?;
        billing_record_native(&decision, policy)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// The roster entry of a shelter check-in: `decision` is the object `verify` returned for
    /// `policy` (`shelter:<shelter-id>`). Returns the entry (with its stable `entry_id`), or
    /// `null` when the decision was rejected or `policy` is not a shelter desk (or not the
    /// policy that decided).
    #[wasm_bindgen(js_name = rosterEntry, unchecked_return_type = "RosterEntry | null")]
    pub fn roster_entry(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Decision")] decision: JsValue,
        policy: &str,
    ) -> Result<JsValue, JsValue> {
        let decision = js_json(&decision, "decision").map_err(Failure::into_js)?;
        roster_entry_native(&decision, policy)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// How old the trust list and each cached status list are at `nowUnix`, for a counter's
    /// "data from … ago" line: `{ trustList: { issuedAt, expiresAt, ageSecs, staleSecs },
    /// statusLists: [{ issuer, uri, fetchedAt, freshUntil, staleSecs, expired, tooStale }],
    /// maxStalenessSecs }`.
    #[wasm_bindgen(unchecked_return_type = "Freshness")]
    pub fn freshness(
        &self,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.freshness_native(now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }

    /// Replaces the cached status list of `issuer` at `uri` with a newly fetched `token`.
    #[wasm_bindgen(js_name = storeStatusList)]
    pub fn store_status_list(
        &self,
        issuer: &str,
        uri: &str,
        token: &str,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<(), JsValue> {
        self.store_native(issuer, uri, token, now_unix)
            .map_err(Failure::into_js)
    }
}

impl Verifier {
    /// [`Verifier::create`] with a Rust error.
    pub fn create_native(config: &str, now_unix: f64) -> Result<Verifier, Failure> {
        let clock = Arc::new(CallerClock::default());
        let now = clock.set(now_unix)?;
        let config = json::parse_object(config.as_bytes(), "verifier configuration")?;
        let audience = text(&config, "audience")?;
        let authority = PublicKey::from_jwk(member(&config, "authorityJwk")?)?;
        let trust = Trust::new(
            authority,
            text(&config, "trustList")?,
            default_provider(),
            now,
        )?;
        let mut settings = VerifierConfig::new(audience);
        if let Some(secs) = config.get("maxStatusStalenessSecs") {
            settings.max_status_staleness_secs = seconds(secs, "maxStatusStalenessSecs")?;
        }
        let verifier = Verifier {
            core: Core::new(settings, trust, clock.clone()),
            clock,
            ledger: Arc::new(MemoryLedger::new()),
        };
        let lists = match config.get("statusLists") {
            None => &[][..],
            Some(Value::Array(lists)) => lists.as_slice(),
            Some(_) => return Err(argument("`statusLists` must be an array")),
        };
        for entry in lists {
            let entry = entry
                .as_object()
                .ok_or_else(|| argument("each `statusLists` entry must be an object"))?;
            verifier.store_native(
                text(entry, "issuer")?,
                text(entry, "uri")?,
                text(entry, "token")?,
                now_unix,
            )?;
        }
        Ok(verifier)
    }

    /// [`Verifier::request`] with a Rust error.
    pub fn request_native(&self, policy: &str) -> Result<Value, Failure> {
        let policy = self.policy(policy)?;
        let nonce = Nonce::random()?;
        let audience = self.core.config().audience.clone();
        let mut challenge = InPersonChallenge::new(&audience, nonce.clone())?;
        if let Some(spec) = policy.spec() {
            challenge = challenge.with_policy(PolicySpec::parse(spec)?);
        }
        Ok(json!({
            "policy": policy.name(),
            "dcqlQuery": dcql_query(policy.requirements()),
            "nonce": nonce.as_str(),
            "audience": audience,
            "challenge": challenge.to_string(),
        }))
    }

    /// [`Verifier::verify`] with a Rust error.
    pub fn verify_native(
        &self,
        policy: &str,
        presentation: &str,
        nonce: &str,
        now_unix: f64,
    ) -> Result<Decision, Failure> {
        let policy = self.policy(policy)?;
        self.clock.set(now_unix)?;
        let challenge = Challenge::single_use(nonce);
        let decision = match submission_from_text(&*policy, presentation) {
            Ok(submission) => self.core.verify(&*policy, &submission, &challenge),
            Err(error) => self.core.reject(&*policy, Rejection::from_error(error)),
        };
        Ok(decision)
    }

    /// [`Verifier::freshness`] with a Rust error.
    pub fn freshness_native(&self, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let trust = self.core.trust().list();
        let (issued_at, expires_at) = (trust.list().issued_at, trust.list().expires_at);
        let max = self.core.config().max_status_staleness_secs;
        let lists: Vec<Value> = self
            .core
            .status_cache()
            .freshness(now)
            .into_iter()
            .map(|list| {
                json!({
                    "issuer": list.issuer,
                    "uri": list.uri.as_str(),
                    "fetchedAt": list.fetched_at.as_unix(),
                    "freshUntil": list.fresh_until.as_unix(),
                    "staleSecs": list.staleness_secs,
                    "expired": list.expired_at(now),
                    "tooStale": list.staleness_secs > max,
                })
            })
            .collect();
        Ok(json!({
            "trustList": {
                "issuedAt": issued_at.as_unix(),
                "expiresAt": expires_at.as_unix(),
                "ageSecs": seconds_since(issued_at, now),
                "staleSecs": seconds_since(expires_at, now),
            },
            "statusLists": lists,
            "maxStalenessSecs": max,
        }))
    }

    /// [`Verifier::store_status_list`] with a Rust error.
    pub fn store_native(
        &self,
        issuer: &str,
        uri: &str,
        token: &str,
        now_unix: f64,
    ) -> Result<(), Failure> {
        self.clock.set(now_unix)?;
        let uri = StatusListUri::new(uri)?;
        Ok(self.core.store_status_list(issuer, &uri, token)?)
    }

    fn policy(&self, spec: &str) -> Result<Arc<dyn Policy>, Failure> {
        policy_from_spec(spec, self.ledger.clone()).map_err(|_| {
            argument(&format!(
                "unknown policy `{}`",
                spec.chars().take(64).collect::<String>()
            ))
        })
    }
}

/// [`Verifier::billing_record`] with a Rust error: `{ json, xml }` or `null`.
///
/// ```
/// use myna_wasm::verifier::billing_record_native;
/// let refused = serde_json::json!({ "accepted": false, "policy": "clinic-c-1-outpatient",
///     "at": 0, "reason": "not_covered", "credentials": [] });
/// assert!(billing_record_native(&refused, "clinic:c-1:outpatient").map_err(|f| f.message())?.is_null());
/// assert!(billing_record_native(&serde_json::json!("x"), "clinic:c-1:outpatient").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn billing_record_native(decision: &Value, policy: &str) -> Result<Value, Failure> {
    let decision = Decision::from_json(decision)?;
    Ok(BillingRecord::for_spec(policy, &decision).map_or(
        Value::Null,
        |record| json!({ "json": record.to_json(), "xml": record.to_xml() }),
    ))
}

/// [`Verifier::roster_entry`] with a Rust error: the entry or `null`.
///
/// ```
/// use myna_wasm::verifier::roster_entry_native;
/// let refused = serde_json::json!({ "accepted": false, "policy": "shelter-s-1",
///     "at": 0, "reason": "revoked", "credentials": [] });
/// assert!(roster_entry_native(&refused, "shelter:s-1").map_err(|f| f.message())?.is_null());
/// # Ok::<(), String>(())
/// ```
pub fn roster_entry_native(decision: &Value, policy: &str) -> Result<Value, Failure> {
    let decision = Decision::from_json(decision)?;
    Ok(
        RosterEntry::for_spec(policy, &decision).map_or(Value::Null, |entry| {
            serde_json::to_value(entry).unwrap_or(Value::Null)
        }),
    )
}

/// Seconds from `then` to `now` (0 when `now` is earlier).
fn seconds_since(then: NumericDate, now: NumericDate) -> u64 {
    u64::try_from(now.as_unix().saturating_sub(then.as_unix())).unwrap_or(0)
}

fn argument(message: &str) -> Failure {
    Failure::Argument(message.to_owned())
}

fn seconds(value: &Value, name: &str) -> Result<u64, Failure> {
    value
        .as_u64()
        .ok_or_else(|| argument(&format!("`{name}` must be a whole number of seconds")))
}

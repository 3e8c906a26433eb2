//! The credentials held, as cards: one per batch and configuration (the copies of one
//! credential configuration from one offer; the configurations of an offer share its batch,
//! keys and status), with every claim for the holder's own screen, labels and titles in
//! Japanese and English from `myna-vocabulary`, the copies left and the last known status.
//! A record that cannot be read is listed, never dropped.

use std::collections::BTreeMap;

use myna_vc_core::sdjwt::SdJwt;
use myna_vc_core::status_list::StatusReference;
use myna_vc_core::time::NumericDate;
use myna_vocabulary::{claim_label, Kind};
use myna_wallet::batch_status::BatchStatus;
use myna_wallet::credentials::StoredCredential;
use myna_wallet::readable::UnreadableRecord;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use super::{wallet_error, Wallet};
use crate::js_error::{unix_time, Failure};
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A label in Japanese and English. */
export interface Label { ja: string; en: string }
/** What a card's kind is, from its `vct`. */
export type CardKind = "resident" | "age" | "child_medical_subsidy" | "fan_club" | "shelter"
  | "pseudonym" | "anchor" | "other";
/** A batch's last known status; `checkedAt` is when it was checked (null: never). */
export interface CardStatus {
  state: "valid" | "suspended" | "revoked" | "unknown";
  checkedAt: number | null;
}
/** One credential held: the copies of one configuration from one offer. */
export interface HeldCard {
  batch: string;
  configurationId: string;
  vct: string;
  kind: CardKind;
  titleJa: string;
  titleEn: string;
  issuer: string;
  issuerNameJa?: string;
  issuerNameEn?: string;
  /** Every claim the holder holds, for the holder's own screen. */
  claims: Record<string, unknown>;
  claimLabels: Record<string, Label>;
  issuedAt: number | null;
  expiresAt: number | null;
  /** Copies never shown and unexpired. */
  copiesLeft: number;
  copiesTotal: number;
  status: CardStatus;
  statusUri: string | null;
}
/** A stored record that could not be decrypted or parsed; it is kept as it is. */
export interface UnreadableRecord { table: string; key: string; code: string; message: string }
/** What `Wallet.held` returns. */
export interface HeldCredentials { cards: HeldCard[]; unreadable: UnreadableRecord[] }
"#;

/// Claims the issuer sets around the type's own claims: not shown as the card's claims.
pub(crate) const ENVELOPE: [&str; 8] = [
    "iss",
    "vct",
    "vct#integrity",
    "iat",
    "exp",
    "nbf",
    "cnf",
    "status",
];

#[wasm_bindgen]
impl Wallet {
    /// The cards (`HeldCredentials`): one per batch and configuration, and every record that
    /// cannot be read.
    #[wasm_bindgen(unchecked_return_type = "HeldCredentials")]
    pub fn held(
        &self,
        #[wasm_bindgen(js_name = nowUnix)] now_unix: f64,
    ) -> Result<JsValue, JsValue> {
        self.held_native(now_unix)
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::held`] as JSON.
    pub fn held_native(&self, now_unix: f64) -> Result<Value, Failure> {
        let now = unix_time(now_unix, "nowUnix")?;
        let credentials = self.inner.credentials_readable().map_err(wallet_error)?;
        let statuses = self.inner.batch_statuses().map_err(wallet_error)?;
        let mut unreadable: Vec<Value> = credentials
            .unreadable
            .iter()
            .chain(&statuses.unreadable)
            .map(unreadable_json)
            .collect();
        let statuses: BTreeMap<&str, &BatchStatus> = statuses
            .items
            .iter()
            .map(|s| (s.batch.as_str(), s))
            .collect();
        // One card per configuration of a batch: the configurations of one offer share the
        // batch's keys (copy i of each bound to key i, so they can be shown together), yet
        // are different credentials to the resident.
        let mut batches: BTreeMap<(&str, &str), Vec<&StoredCredential>> = BTreeMap::new();
        for credential in &credentials.items {
            batches
                .entry((&credential.batch, &credential.configuration_id))
                .or_default()
                .push(credential);
        }
        let mut cards = Vec::new();
        for ((batch, _), copies) in batches {
            match card(&copies, statuses.get(batch).copied(), now) {
                Ok(card) => cards.push(card),
                Err((key, failure)) => unreadable.push(json!({
                    "table": "credentials", "key": key,
                    "code": failure.code(), "message": failure.message(),
                })),
            }
        }
        // Oldest first, as received.
        cards.sort_by_key(|(received, _)| *received);
        let cards: Vec<Value> = cards.into_iter().map(|(_, card)| card).collect();
        Ok(json!({ "cards": cards, "unreadable": unreadable }))
    }
}

fn unreadable_json(record: &UnreadableRecord) -> Value {
    json!({
        "table": record.table.name(),
        "key": record.key,
        "code": record.error.code(),
        "message": record.error.to_string(),
    })
}

/// What the holder's own screen shows of a credential: its kind and titles, and every claim
/// about the person (not the envelope: issuer, type, dates, status, holder key, digests) with
/// its label in Japanese and English (the claim's name where the vocabulary has none).
pub(crate) struct HolderView {
    pub(crate) kind: Option<Kind>,
    pub(crate) title_ja: String,
    pub(crate) title_en: String,
    pub(crate) claims: Map<String, Value>,
    pub(crate) labels: Map<String, Value>,
}

impl HolderView {
    pub(crate) fn of(vct: &str, all_claims: &Map<String, Value>) -> Self {
        let kind = Kind::from_vct(vct);
        let mut claims = Map::new();
        let mut labels = Map::new();
        for (name, value) in all_claims {
            if ENVELOPE.contains(&name.as_str()) || name.starts_with('_') {
                continue;
            }
            let label = kind.and_then(|k| claim_label(k, name));
            let (ja, en) = label.map_or((name.as_str(), name.as_str()), |l| (l.ja, l.en));
            labels.insert(name.clone(), json!({ "ja": ja, "en": en }));
            claims.insert(name.clone(), value.clone());
        }
        let (title_ja, title_en) = kind.map_or((vct, vct), |k| (k.title_ja(), k.title_en()));
        HolderView {
            kind,
            title_ja: title_ja.to_owned(),
            title_en: title_en.to_owned(),
            claims,
            labels,
        }
    }
}

/// The card kind of a `vct` (the names the app uses).
pub(crate) fn card_kind(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Resident) => "resident",
        Some(Kind::Age) => "age",
        Some(Kind::ChildMedicalSubsidy) => "child_medical_subsidy",
        Some(Kind::FanClubMembership) => "fan_club",
        Some(Kind::ShelterRegistration) => "shelter",
        Some(Kind::ContextPseudonym) => "pseudonym",
        Some(Kind::Anchor) => "anchor",
        _ => "other",
    }
}

/// The card of one batch (its copies, the first by index shown), with when it was received;
/// or the key of the copy whose credential does not parse.
fn card(
    copies: &[&StoredCredential],
    status: Option<&BatchStatus>,
    now: NumericDate,
) -> Result<(i64, Value), (String, Failure)> {
    let first = copies
        .iter()
        .min_by_key(|c| c.index)
        .copied()
        .ok_or_else(|| (String::new(), Failure::Argument("an empty batch".into())))?;
    let all_claims = SdJwt::parse(&first.sd_jwt)
        .and_then(|sd| sd.unverified_claims())
        .map_err(|e| (first.id.clone(), Failure::Core(e)))?;
    let view = HolderView::of(&first.vct, &all_claims);
    let left = copies
        .iter()
        .filter(|c| c.shown_to.is_none() && !c.is_expired(now))
        .count();
    let status_uri = StatusReference::from_claims(&all_claims)
        .ok()
        .map(|r| r.uri.as_str().to_owned());
    let status = match status {
        Some(s) => json!({ "state": s.state.as_str(), "checkedAt": s.checked_at }),
        None => json!({ "state": "unknown", "checkedAt": null }),
    };
    let card = json!({
        "batch": first.batch,
        "configurationId": first.configuration_id,
        "vct": first.vct,
        "kind": card_kind(view.kind),
        "titleJa": view.title_ja,
        "titleEn": view.title_en,
        "issuer": first.issuer,
        "claims": view.claims,
        "claimLabels": view.labels,
        "issuedAt": all_claims.get("iat").and_then(Value::as_i64),
        "expiresAt": first.expires_at,
        "copiesLeft": left,
        "copiesTotal": copies.len(),
        "status": status,
        "statusUri": status_uri,
    });
    Ok((first.received_at, card))
}

//! The wallet's history for the holder: every event, oldest first, after the hash chain is
//! verified (a broken chain is `history_tampered`).

use myna_wallet::history::{Event, HistoryEntry};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::{wallet_error, Wallet};
use crate::js_error::Failure;
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One event of the wallet's history. `kind` is `presented`, `received`, `anchored`,
 * `consent_given`, `consent_changed` or `note`; `detail` holds the event's own fields
 * (e.g. `{ verifier, credentials, claims }` for `presented`); `text` is a short English
 * summary (the page shows its own words from `kind` and `detail`). */
export interface HistoryItem { at: number; kind: string; text: string; detail: Record<string, unknown> }
"#;

#[wasm_bindgen]
impl Wallet {
    /// The history (`HistoryItem[]`), oldest first, its hash chain verified.
    #[wasm_bindgen(unchecked_return_type = "HistoryItem[]")]
    pub fn history(&self) -> Result<JsValue, JsValue> {
        self.history_native()
            .map(|v| to_js(&v))
            .map_err(Failure::into_js)
    }
}

impl Wallet {
    /// [`Wallet::history`] as JSON.
    pub fn history_native(&self) -> Result<Value, Failure> {
        let entries = self.inner.verify_history().map_err(wallet_error)?;
        Ok(Value::Array(entries.iter().map(item).collect()))
    }
}

fn item(entry: &HistoryEntry) -> Value {
    let mut detail = serde_json::to_value(&entry.event).unwrap_or(Value::Null);
    let kind = detail
        .as_object_mut()
        .and_then(|d| d.remove("type"))
        .and_then(|t| t.as_str().map(str::to_owned))
        .unwrap_or_else(|| "note".into());
    json!({ "at": entry.at, "kind": kind, "text": summary(&entry.event), "detail": detail })
}

fn summary(event: &Event) -> String {
    match event {
        Event::Presented { verifier, .. } => format!("presented to {verifier}"),
        Event::Received { issuer, count, .. } => format!("received {count} from {issuer}"),
        Event::Anchored { issuer } => format!("anchored at {issuer}"),
        Event::ConsentGiven { recipient, .. } => format!("consent given to {recipient}"),
        Event::ConsentChanged { action, .. } => format!("consent changed: {action}"),
        Event::Note { text } => text.clone(),
        _ => "event".into(),
    }
}

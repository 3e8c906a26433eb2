//! A presentation's preview as the page shows it: per credential, the selectively disclosed
//! claims the request asks for, and the claims every presentation of that credential shows
//! with their values (a resident credential's municipality code, say), so that the resident
//! sees everything the verifier will see before confirming.

use std::collections::BTreeMap;

use myna_vc_core::sdjwt::SdJwt;
use myna_wallet::present::PreviewItem;
use serde_json::{json, Map, Value};

use super::held::ENVELOPE;
use super::{wallet_error, Wallet};
use crate::js_error::Failure;

impl Wallet {
    /// The JSON of each preview item: `{ query, vct, issuer, disclosed, alwaysShown }`.
    /// `alwaysShown` holds the claims of the credential that are not selectively disclosable
    /// (besides the envelope every credential has: issuer, type, dates, status, holder key).
    pub(crate) fn preview_items_json(&self, items: &[PreviewItem]) -> Result<Vec<Value>, Failure> {
        let held = self.inner.credentials_readable().map_err(wallet_error)?;
        let by_id: BTreeMap<&str, &str> = held
            .items
            .iter()
            .map(|c| (c.id.as_str(), c.sd_jwt.as_str()))
            .collect();
        items
            .iter()
            .map(|item| {
                let disclosed: Map<String, Value> = item
                    .disclosed
                    .iter()
                    .map(|(path, value)| (path.to_string(), value.clone()))
                    .collect();
                let claims = match by_id.get(item.credential.as_str()) {
                    Some(sd_jwt) => SdJwt::parse(sd_jwt)?.unverified_claims()?,
                    None => Map::new(),
                };
                let always_shown: Map<String, Value> = item
                    .always_shown
                    .iter()
                    .filter(|name| !ENVELOPE.contains(&name.as_str()))
                    .map(|name| {
                        (
                            name.clone(),
                            claims.get(name).cloned().unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                Ok(
                    json!({ "query": item.query, "vct": item.vct, "issuer": item.issuer,
                           "disclosed": disclosed, "alwaysShown": always_shown }),
                )
            })
            .collect()
    }
}

//! City-scale offers from a resident file: `myna issuer batch --input FILE --output FILE`.
//!
//! **Input** — JSON Lines, one resident per line (blank lines and lines starting with `#`
//! are skipped):
//!
//! ```json
//! {"row_id": "2027-000001", "tx_code": true, "credentials": [
//!   {"credential": "resident", "name": "前橋　花子", "address": "群馬県前橋市大手町二丁目１２番１号", "birthdate": "1990-05-05"},
//!   {"credential": "age", "birthdate": "1990-05-05"}]}
//! ```
//!
//! `row_id` is the municipality's own reference (unique in the file, 1–64 characters of
//! `A-Z a-z 0-9 - _ .`); `credentials` are [`OfferedFacts`]; `tx_code` (default `true`) asks
//! for a PIN to print separately. Optional `subject` is a base64url subject handle.
//!
//! **Output** — JSON Lines appended to the output file, one per row:
//! `{"row_id", "credential_offer_uri", "tx_code"}` — what goes on the letter (QR code + PIN).
//! The output holds bearer secrets: keep it like the letters themselves.
//!
//! **Resuming** — rows are done in chunks: the chunk's output lines are written and synced,
//! then its offers and "row done" markers are committed in one store transaction. A re-run
//! with the same input skips the rows marked done (progress lives in the store, keyed by the
//! file's SHA-256 and the row id). A crash between the two steps leaves output lines for
//! rows that are not marked done; the re-run writes those rows again, and the *last* line for
//! a row id is the valid one (the earlier offer was never stored).

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Service, ServiceError};
use crate::audit::{ActorRole, AuditAction, AuditSubject};
use crate::endpoint::offer::{prepare_offer, OfferedFacts, PreparedOffer};
use crate::endpoint::state_table::{self, Namespace};
use crate::record::SubjectHandle;
use crate::store::Store;
use crate::tables::Backend;

/// Rows committed per store transaction.
pub const CHUNK_ROWS: usize = 256;

/// One input row.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    row_id: String,
    credentials: Vec<OfferedFacts>,
    #[serde(default = "yes")]
    tx_code: bool,
    #[serde(default)]
    subject: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a batch run did.
/// ```
/// use myna_issuer::service::batch::BatchSummary;
/// let summary = BatchSummary { rows: 3, offered: 2, already_done: 0, failed: vec![(3, "bad".into())] };
/// assert_eq!(summary.rows, summary.offered + summary.already_done + summary.failed.len());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Rows in the file.
    pub rows: usize,
    /// Offers made in this run.
    pub offered: usize,
    /// Rows skipped because an earlier run did them.
    pub already_done: usize,
    /// Rows refused: 1-based line number and why (no personal data).
    pub failed: Vec<(usize, String)>,
}

/// Makes an offer for every row of `input` not done before, appending the offers to
/// `output`; `progress(done, total)` is called after each chunk. See the [module docs](self).
///
/// ```
/// use std::sync::Arc;
/// use myna_issuer::service::{batch, config::ServiceConfig, Service, ServiceOptions};
/// use myna_vc_core::time::{FixedClock, NumericDate};
/// let dir = tempfile::tempdir()?;
/// let mut config = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
/// config.rules.status_list_capacity = 1024;
/// let service = Service::open(ServiceOptions { config, data_dir: dir.path().into(),
///     passphrase: zeroize::Zeroizing::new("a test passphrase".into()),
///     clock: Arc::new(FixedClock(NumericDate::from_unix(1_800_000_000))), jpki: None })?;
/// let input = dir.path().join("residents.jsonl");
/// std::fs::write(&input, r#"{"row_id": "r1", "credentials": [{"credential": "age", "birthdate": "1990-05-05"}]}"#)?;
/// let output = dir.path().join("offers.jsonl");
/// let first = batch::run(&service, &input, &output, &mut |_, _| {})?;
/// let again = batch::run(&service, &input, &output, &mut |_, _| {})?;
/// assert_eq!((first.offered, again.offered, again.already_done), (1, 0, 1));
/// assert!(std::fs::read_to_string(&output)?.contains("openid-credential-offer://"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    service: &Service,
    input: &Path,
    output: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchSummary, ServiceError> {
    let bytes = std::fs::read(input)?;
    let batch_id = myna_vc_core::b64::encode(Sha256::digest(&bytes).get(..16).unwrap_or_default());
    let rows = parse_rows(&bytes)?;
    let shared = service.shared();
    let mut summary = BatchSummary {
        rows: rows.len(),
        ..BatchSummary::default()
    };
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(output)?;
    let mut done = 0;
    for chunk in rows.chunks(CHUNK_ROWS) {
        let mut lines = Vec::new();
        let mut stored = Vec::new();
        for (line, row) in chunk {
            let marker = marker(&batch_id, &row.row_id);
            let seen = shared
                .store()
                .read(|tx| state_table::get(tx, Namespace::Batch, &marker))?;
            if seen.is_some() {
                summary.already_done += 1;
                continue;
            }
            match offer_row(service, row) {
                Ok(prepared) => {
                    let text = serde_json::json!({
                        "row_id": row.row_id,
                        "credential_offer_uri": prepared.offer.credential_offer_uri,
                        "tx_code": prepared.offer.tx_code,
                    });
                    lines.push(text.to_string());
                    stored.push((marker, prepared.id, prepared.sealed));
                }
                Err(err) => summary.failed.push((*line, err.to_string())),
            }
        }
        if !stored.is_empty() {
            for text in &lines {
                writeln!(out, "{text}")?;
            }
            out.sync_all()?;
            let now = shared.now();
            let count = stored.len();
            shared.store().write(|tx| {
                for (marker, id, sealed) in &stored {
                    state_table::put(tx, Namespace::Offer, id, sealed)?;
                    state_table::put(tx, Namespace::Batch, marker, &now.as_unix().to_be_bytes())?;
                }
                Ok(())
            })?;
            summary.offered += count;
            let audited = AuditSubject::object("batch", &format!("{batch_id}+{count}"));
            shared.store().append_audit(
                now,
                ActorRole::Operator,
                AuditAction::OfferCreated,
                audited,
            )?;
        }
        done += chunk.len();
        progress(done, summary.rows);
    }
    Ok(summary)
}

fn marker(batch_id: &str, row_id: &str) -> Vec<u8> {
    format!("{batch_id}/{row_id}").into_bytes()
}

fn offer_row(service: &Service, row: &Row) -> Result<PreparedOffer, ServiceError> {
    let shared = service.shared();
    let subject = match &row.subject {
        Some(text) => {
            super::admin::parse_subject(text).map_err(|e| ServiceError::config(e.body()))?
        }
        None => SubjectHandle::random()?,
    };
    Ok(prepare_offer(
        &shared.endpoints,
        &subject,
        row.credentials.clone(),
        row.tx_code,
        shared.now(),
    )?)
}

/// Parses every row, refusing the whole file on a malformed line or a repeated row id (a
/// file that cannot be resumed reliably is not started).
fn parse_rows(bytes: &[u8]) -> Result<Vec<(usize, Row)>, ServiceError> {
    let mut rows = Vec::new();
    let mut ids = HashSet::new();
    for (index, line) in bytes.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|_| ServiceError::BatchInput {
            line: number,
            detail: "not UTF-8".into(),
        })?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |detail: String| ServiceError::BatchInput {
            line: number,
            detail,
        };
        let value = myna_vc_core::json::parse(trimmed.as_bytes(), "batch row")
            .map_err(|e| bad(e.to_string()))?;
        let row: Row = serde_json::from_value(value).map_err(|e| bad(redacted(&e)))?;
        let valid_id = (1..=64).contains(&row.row_id.len())
            && row
                .row_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_id {
            return Err(bad(
                "row_id must be 1-64 characters of A-Z a-z 0-9 - _ .".into()
            ));
        }
        if !ids.insert(row.row_id.clone()) {
            return Err(bad(format!("row_id {} repeats", row.row_id)));
        }
        rows.push((number, row));
    }
    Ok(rows)
}

/// A serde error without the offending value (it could be a name or an address).
fn redacted(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.find(": ") {
        Some(_) if text.contains("unknown variant") => "unknown credential type".into(),
        _ => text
            .split(" at line")
            .next()
            .unwrap_or("malformed row")
            .chars()
            .take(120)
            .collect(),
    }
}

//! City-scale offers from a resident file, for mailed letters: `myna issuer batch --input FILE
//! --output FILE`.
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
//! `A-Z a-z 0-9 - _ .`); `credentials` are [`OfferedFacts`], checked as every offer is
//! ([`OfferedFacts::plausible`]: an address in the municipality, a plausible birth date, …);
//! `tx_code` (default `true`) asks for a PIN to print separately. Optional `subject` is a
//! base64url subject handle (to offer to a person anchored here).
//!
//! **Output** — JSON Lines appended to the output file, one per row:
//! `{"row_id", "credential_offer_uri", "tx_code"}` — what goes on the letter (QR code + PIN).
//! The output holds bearer secrets: keep it like the letters themselves. A letter's offer is
//! redeemable for `rules.letter_offer_lifetime_secs` (30 days by default), not the desk's
//! minutes ([`Delivery::Letter`]).
//!
//! **Bad lines** — a line that is not JSON, has an unknown field, a malformed or repeated
//! `row_id`, or facts that do not check does not stop the file: the good lines are offered and
//! every bad one is written to the report file (JSON Lines `{"line", "row_id", "reason"}`,
//! the line number counting every line of the file; `row_id` when it could be read; a reason
//! that never repeats a fact's value), and [`BatchSummary::rejected`] lists them. A **dry
//! run** checks every line the same way — facts included — and reports, but makes no offer and
//! writes no output.
//!
//! **Resuming** — rows are done in chunks: the chunk's output lines are written and synced,
//! then its offers and "row done" markers are committed in one store transaction. A re-run
//! skips the rows marked done; rejected rows were never marked, so they are tried again (fix
//! them in the file and run it again: the rows already offered are not offered twice). A row
//! is known by its content (row id and facts), so a row whose facts were changed is offered
//! anew. A crash between the two steps leaves output lines for rows that are not marked done;
//! the re-run writes those rows again, and the *last* line for a row id is the valid one (the
//! earlier offer was never stored).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Service, ServiceError};
use crate::audit::{ActorRole, AuditAction, AuditSubject};
use crate::endpoint::offer::{prepare_offer, Delivery, OfferedFacts, PreparedOffer};
use crate::endpoint::state_table::{self, Namespace};
use crate::record::SubjectHandle;
use crate::store::Store;
use crate::tables::Backend;

/// Rows committed per store transaction.
pub const CHUNK_ROWS: usize = 256;

/// One input row.
#[derive(Debug, Serialize, Deserialize)]
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

/// What to run: the files and whether to make offers at all.
///
/// ```
/// use myna_issuer::service::batch::BatchRun;
/// let run = BatchRun::new("residents.jsonl", "offers.jsonl");
/// assert_eq!(run.report.as_deref(), Some(std::path::Path::new("offers.jsonl.rejected.jsonl")));
/// assert!(!run.dry_run);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRun {
    /// The resident file.
    pub input: PathBuf,
    /// Where the offers are appended (not touched by a dry run).
    pub output: PathBuf,
    /// Where the rejected lines are written (replaced on every run); `None` for none.
    pub report: Option<PathBuf>,
    /// Check every line, make no offer, write no output.
    pub dry_run: bool,
    /// Who runs it, named in the audit log (an admin token's name; `None` for the command
    /// line's operator).
    pub by: Option<String>,
}

impl BatchRun {
    /// A real run of `input` into `output`, with the report beside the output
    /// ([`default_report`](Self::default_report)).
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        let output = output.into();
        BatchRun {
            input: input.into(),
            report: Some(Self::default_report(&output)),
            output,
            dry_run: false,
            by: None,
        }
    }

    /// The report file beside `output`: `<output>.rejected.jsonl`.
    ///
    /// ```
    /// use myna_issuer::service::batch::BatchRun;
    /// use std::path::Path;
    /// assert_eq!(BatchRun::default_report(Path::new("/srv/offers.jsonl")),
    ///     Path::new("/srv/offers.jsonl.rejected.jsonl"));
    /// ```
    pub fn default_report(output: &Path) -> PathBuf {
        let mut name = output.as_os_str().to_owned();
        name.push(".rejected.jsonl");
        PathBuf::from(name)
    }
}

/// A line that was not offered, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// 1-based line number in the file (comments and blank lines count).
    pub line: usize,
    /// The row id, when the line had a readable one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_id: Option<String>,
    /// Why (names fields and rules, never a fact's value).
    pub reason: String,
}

/// What a batch run did.
/// ```
/// use myna_issuer::service::batch::{BatchSummary, Rejection};
/// let bad = Rejection { line: 3, row_id: None, reason: "not JSON".into() };
/// let summary = BatchSummary { rows: 3, offered: 2, rejected: vec![bad], ..Default::default() };
/// assert_eq!(summary.rows, summary.offered + summary.already_done + summary.checked
///     + summary.rejected.len());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Rows in the file (lines that are neither blank nor comments).
    pub rows: usize,
    /// Offers made in this run.
    pub offered: usize,
    /// Rows skipped because an earlier run did them.
    pub already_done: usize,
    /// Dry run: rows that check and would be offered.
    pub checked: usize,
    /// Lines refused, in line order.
    pub rejected: Vec<Rejection>,
}

/// Makes an offer (a mailed letter's, [`Delivery::Letter`]) for every good row of
/// `run.input` not done before, appending the offers to `run.output` and the rejected lines
/// to `run.report`; `progress(done, total)` is called after each chunk. With `run.dry_run` it
/// only checks and reports. See the [module docs](self).
///
/// Only the input, the output, the report and the store failing stop a run; a bad line does
/// not.
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
/// std::fs::write(&input, concat!(
///     r#"{"row_id": "r1", "credentials": [{"credential": "age", "birthdate": "1990-05-05"}]}"#, "\n",
///     r#"{"row_id": "r2", "credentials": [{"credential": "age", "birthdate": "2990-01-01"}]}"#, "\n"))?;
/// let run = batch::BatchRun::new(&input, dir.path().join("offers.jsonl"));
/// let first = batch::run(&service, &run, &mut |_, _| {})?;
/// assert_eq!((first.offered, first.rejected[0].line), (1, 2));
/// let again = batch::run(&service, &run, &mut |_, _| {})?;
/// assert_eq!((again.offered, again.already_done, again.rejected.len()), (0, 1, 1));
/// assert!(std::fs::read_to_string(&run.output)?.contains("openid-credential-offer://"));
/// assert!(std::fs::read_to_string(run.report.unwrap())?.contains(r#""row_id":"r2""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    service: &Service,
    run: &BatchRun,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchSummary, ServiceError> {
    let bytes = std::fs::read(&run.input)?;
    run_input(service, &bytes, run, progress)
}

/// Checks every line of `input` (a resident file's contents) as a dry run does: no offer is
/// made and nothing is written. What the staff console's dry run of an uploaded CSV calls.
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
/// let input = concat!(
///     r#"{"row_id": "r1", "credentials": [{"credential": "age", "birthdate": "1990-05-05"}]}"#, "\n",
///     r#"{"row_id": "r2", "credentials": [{"credential": "age", "birthdate": "2990-01-01"}]}"#, "\n");
/// let summary = batch::check(&service, input.as_bytes())?;
/// assert_eq!((summary.rows, summary.checked, summary.rejected[0].line), (2, 1, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check(service: &Service, input: &[u8]) -> Result<BatchSummary, ServiceError> {
    let run = BatchRun {
        input: PathBuf::new(),
        output: PathBuf::new(),
        report: None,
        dry_run: true,
        by: None,
    };
    run_input(service, input, &run, &mut |_, _| {})
}

/// [`run`] on the contents of the input file.
fn run_input(
    service: &Service,
    bytes: &[u8],
    run: &BatchRun,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BatchSummary, ServiceError> {
    let file_id = myna_vc_core::b64::encode(Sha256::digest(bytes).get(..16).unwrap_or_default());
    let (rows, mut rejected) = parse_rows(bytes);
    let mut summary = BatchSummary {
        rows: rows.len() + rejected.len(),
        ..BatchSummary::default()
    };
    let mut out = if run.dry_run {
        None
    } else {
        Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&run.output)?,
        )
    };
    let mut done = rejected.len();
    for chunk in rows.chunks(CHUNK_ROWS) {
        let chunk_rejected = match out.as_mut() {
            Some(out) => offer_chunk(service, &file_id, chunk, out, run, &mut summary)?,
            None => check_chunk(service, &file_id, chunk, &mut summary)?,
        };
        rejected.extend(chunk_rejected);
        done += chunk.len();
        progress(done, summary.rows);
    }
    if rows.is_empty() {
        progress(done, summary.rows);
    }
    rejected.sort_by_key(|r| r.line);
    if let Some(report) = &run.report {
        write_report(report, &rejected)?;
    }
    summary.rejected = rejected;
    Ok(summary)
}

/// A parsed row with its line number and its "done" marker.
struct Parsed {
    line: usize,
    row: Row,
    marker: Vec<u8>,
}

/// Whether an earlier run did this row: its content marker, or the marker earlier versions
/// wrote (input file hash ‖ row id).
fn seen(service: &Service, file_id: &str, parsed: &Parsed) -> Result<bool, ServiceError> {
    let legacy = format!("{file_id}/{}", parsed.row.row_id).into_bytes();
    Ok(service.shared().store().read(|tx| {
        Ok(
            state_table::get(tx, Namespace::Batch, &parsed.marker)?.is_some()
                || state_table::get(tx, Namespace::Batch, &legacy)?.is_some(),
        )
    })?)
}

/// Offers the rows of one chunk: output lines written and synced, then offers and markers
/// committed together, then one audit entry. Returns the rows refused.
fn offer_chunk(
    service: &Service,
    file_id: &str,
    chunk: &[Parsed],
    out: &mut std::fs::File,
    run: &BatchRun,
    summary: &mut BatchSummary,
) -> Result<Vec<Rejection>, ServiceError> {
    let shared = service.shared();
    let mut rejected = Vec::new();
    let mut lines = Vec::new();
    let mut stored = Vec::new();
    for parsed in chunk {
        if seen(service, file_id, parsed)? {
            summary.already_done += 1;
            continue;
        }
        match offer_row(service, &parsed.row)? {
            Ok(prepared) => {
                let text = serde_json::json!({
                    "row_id": parsed.row.row_id,
                    "credential_offer_uri": prepared.offer.credential_offer_uri,
                    "tx_code": prepared.offer.tx_code,
                });
                lines.push(text.to_string());
                stored.push((&parsed.marker, prepared.id, prepared.sealed));
            }
            Err(reason) => rejected.push(rejection(parsed, reason)),
        }
    }
    if stored.is_empty() {
        return Ok(rejected);
    }
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
    let mut audited = AuditSubject::object("batch", &format!("{file_id}+{count}"));
    if let Some(by) = &run.by {
        audited = audited.by(by);
    }
    shared
        .store()
        .append_audit(now, ActorRole::Operator, AuditAction::OfferCreated, audited)?;
    Ok(rejected)
}

/// A dry run of one chunk: every row not done before is checked as its offer would be.
fn check_chunk(
    service: &Service,
    file_id: &str,
    chunk: &[Parsed],
    summary: &mut BatchSummary,
) -> Result<Vec<Rejection>, ServiceError> {
    let shared = service.shared();
    let mut rejected = Vec::new();
    for parsed in chunk {
        if seen(service, file_id, parsed)? {
            summary.already_done += 1;
            continue;
        }
        let checked = match subject_of(&parsed.row)? {
            Ok(_) => refused(
                shared
                    .endpoints
                    .check_offer(&parsed.row.credentials, shared.now()),
            )?,
            Err(reason) => Err(reason),
        };
        match checked {
            Ok(()) => summary.checked += 1,
            Err(reason) => rejected.push(rejection(parsed, reason)),
        }
    }
    Ok(rejected)
}

fn rejection(parsed: &Parsed, reason: String) -> Rejection {
    Rejection {
        line: parsed.line,
        row_id: Some(parsed.row.row_id.clone()),
        reason,
    }
}

/// Splits the issuer's answer for a row: refused (the row's fault: `Ok(Err(why))`) or an
/// issuer failure (storage, randomness: not the row's fault, it stops the run).
fn refused<T>(result: crate::Result<T>) -> Result<Result<T, String>, ServiceError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(
            err @ (crate::Error::Storage(_)
            | crate::Error::Corrupt { .. }
            | crate::Error::Randomness),
        ) => Err(ServiceError::Issuer(err)),
        Err(err) => Ok(Err(err.to_string())),
    }
}

/// The row's subject handle (given, or fresh), or why the given one is refused.
fn subject_of(row: &Row) -> Result<Result<SubjectHandle, String>, ServiceError> {
    let Some(text) = &row.subject else {
        return Ok(Ok(SubjectHandle::random()?));
    };
    let parsed = myna_vc_core::b64::decode(text, "subject handle")
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(SubjectHandle::from_bytes);
    Ok(parsed.ok_or_else(|| "subject: not a base64url subject handle of 32 bytes".to_owned()))
}

fn offer_row(service: &Service, row: &Row) -> Result<Result<PreparedOffer, String>, ServiceError> {
    let shared = service.shared();
    let subject = match subject_of(row)? {
        Ok(subject) => subject,
        Err(reason) => return Ok(Err(reason)),
    };
    refused(prepare_offer(
        &shared.endpoints,
        &subject,
        row.credentials.clone(),
        row.tx_code,
        Delivery::Letter,
        shared.now(),
    ))
}

/// Replaces the report with one JSON line per rejected line.
fn write_report(path: &Path, rejected: &[Rejection]) -> Result<(), ServiceError> {
    let mut text = String::new();
    for rejection in rejected {
        let line = serde_json::to_string(rejection)
            .map_err(|e| ServiceError::Issuer(crate::Error::encode(e)))?;
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(path, text)?;
    Ok(())
}

/// Parses every line: the rows that parse (with their content marker) and the lines refused
/// (not UTF-8, not JSON, an unknown field or credential type, a malformed or repeated row id).
fn parse_rows(bytes: &[u8]) -> (Vec<Parsed>, Vec<Rejection>) {
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = index + 1;
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text.trim(),
            Err(_) => {
                rejected.push(Rejection {
                    line,
                    row_id: None,
                    reason: "not UTF-8".into(),
                });
                continue;
            }
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        match parse_row(text) {
            Ok(row) => {
                if let Some(first) = first_line_of.get(&row.row_id) {
                    rejected.push(Rejection {
                        line,
                        reason: format!("row_id repeats line {first}"),
                        row_id: Some(row.row_id),
                    });
                    continue;
                }
                first_line_of.insert(row.row_id.clone(), line);
                let marker = marker(&row);
                rows.push(Parsed { line, row, marker });
            }
            Err((row_id, reason)) => rejected.push(Rejection {
                line,
                row_id,
                reason,
            }),
        }
    }
    (rows, rejected)
}

/// One row, or why not (with its row id when the line has a readable, valid one).
fn parse_row(text: &str) -> Result<Row, (Option<String>, String)> {
    let value = myna_vc_core::json::parse(text.as_bytes(), "batch row")
        .map_err(|e| (None, e.to_string()))?;
    let row_id = value
        .get("row_id")
        .and_then(serde_json::Value::as_str)
        .filter(|id| valid_row_id(id))
        .map(str::to_owned);
    let row: Row = serde_json::from_value(value).map_err(|e| (row_id.clone(), redacted(&e)))?;
    if !valid_row_id(&row.row_id) {
        return Err((
            None,
            "row_id must be 1-64 characters of A-Z a-z 0-9 - _ .".into(),
        ));
    }
    Ok(row)
}

fn valid_row_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A row's "done" marker: its row id and a digest of its content as parsed (so the key order
/// and spacing of the line do not matter, and changed facts make a new row).
fn marker(row: &Row) -> Vec<u8> {
    let canonical = serde_json::to_vec(row).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    let mut marker = format!("rows/{}/", row.row_id).into_bytes();
    marker.extend_from_slice(digest.get(..16).unwrap_or_default());
    marker
}

/// A serde error without the offending value (it could be a name or an address): quoted
/// values are elided, and the position in the line is dropped.
fn redacted(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = text.split(" at line").next().unwrap_or("malformed row");
    if text.contains("unknown variant") {
        return "unknown credential type".into();
    }
    let mut out = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match (c, quoted) {
            ('"', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out.chars().take(200).collect()
}

//! Batch letters over HTTP, for the staff console: a resident CSV uploaded, checked, run in
//! the background, watched, and its letters downloaded. Every route is the operator's.
//!
//! | route | what |
//! |---|---|
//! | `POST /admin/batches?dry_run=true` (`text/csv`) | `200 {"rows", "valid", "already_done", "rejected": [{"line", "row_id"?, "reason"}]}`: every row checked, nothing made |
//! | `POST /admin/batches` (`text/csv`) | `202 {"id", "state": "running", "rows"}`; `409 batch_running` while another batch runs |
//! | `GET /admin/batches` | `[{"id", "state", "rows", "done", "offered", "rejected", "started_at", "finished_at"?}]`, newest first (`rejected`: how many) |
//! | `GET /admin/batches/{id}` | `{"id", "state": "running" \| "done" \| "failed", "rows", "done", "offered", "rejected": [...], "started_at", "finished_at"?, "error"?}` |
//! | `GET /admin/batches/{id}/letters` | the printable letters ([`letters`]), `text/html`, as an attachment `letters-<id>.html` |
//! | `GET /admin/batches/{id}/letters.jsonl` | the offers as [`batch`] writes them (JSON Lines `{"row_id", "credential_offer_uri", "tx_code"}`) |
//!
//! **The CSV** — UTF-8 (a byte-order mark is allowed), a header row naming the columns
//! `row_id,name,address,birthdate,credentials` and optionally `tx_code` (in any order), one
//! resident per row. `credentials` is `resident`, `age` or both (`resident age`);
//! `birthdate` is `YYYY-MM-DD`; `tx_code` is `true` or `false` (empty: `true`). A row maps
//! onto the resident file's row of [`batch`] — `resident` takes name, address
//! and birth date, `age` the birth date — and runs through the same engine: the same checks,
//! chunks, resume and report. A row's `line` is the line of the CSV it starts on. A row
//! the CSV itself makes unreadable (a wrong number of fields, an unknown credential, a
//! `tx_code` other than `true`/`false`) is rejected with its line like any other bad row;
//! a header without the required columns refuses the whole upload (400). At most
//! [`MAX_BATCH_CSV_BYTES`].
//!
//! **Running** — one batch at a time (`409 batch_running` for a second). The upload, the
//! resident rows derived from it, the offers and the report are kept under the data
//! directory in `batches/<id>/` (files mode 0600: they hold personal data and bearer
//! secrets), with the job's state in `status.json`, so the list survives a restart (a batch
//! the issuer stopped in the middle of is `failed`; uploading the same CSV again resumes it:
//! rows already offered are skipped, as `myna issuer batch` skips them). Progress (`done`)
//! moves after every chunk of [`batch::CHUNK_ROWS`] rows.
//! [`Service::pause_batches`] holds batches at their next chunk (e.g. during a backup).
//!
//! The letters are only those of rows offered by this batch (rows an earlier batch offered
//! are skipped by the engine and are in that batch's letters).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockWriteGuard};

use axum::extract::{FromRequest, Path as UrlPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::oid4vci::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::admin::{Operators, Staff};
use super::batch::{self, BatchRun, Rejection};
use super::http::{json_no_store, ApiError};
use super::letters::{self, Letter, LetterHead};
use super::{Service, ServiceError};

/// The largest CSV accepted: 16 MiB (over a hundred thousand residents).
pub const MAX_BATCH_CSV_BYTES: usize = 16 << 20;
/// How many batches the list keeps (the oldest are dropped from it; their files stay).
pub const MAX_LISTED_BATCHES: usize = 100;
/// The columns a CSV must have (besides the optional `tx_code`).
pub const CSV_COLUMNS: [&str; 5] = ["row_id", "name", "address", "birthdate", "credentials"];

const JOBS_DIR: &str = "batches";
const STATUS_FILE: &str = "status.json";
const INPUT_CSV: &str = "input.csv";
const ROWS_FILE: &str = "rows.jsonl";
const OFFERS_FILE: &str = "offers.jsonl";
const REPORT_FILE: &str = "rejected.jsonl";

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/admin/batches", post(start).get(list))
        .route("/admin/batches/{id}", get(status))
        .route("/admin/batches/{id}/letters", get(letters_html))
        .route("/admin/batches/{id}/letters.jsonl", get(letters_jsonl))
}

/// Where a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum JobState {
    Running,
    Done,
    Failed,
}

/// A batch job, as listed and as kept in its `status.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Job {
    id: String,
    state: JobState,
    rows: usize,
    done: usize,
    offered: usize,
    rejected: Vec<Rejection>,
    started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finished_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Job {
    fn summary(&self) -> Value {
        let mut value = json!({
            "id": self.id,
            "state": self.state,
            "rows": self.rows,
            "done": self.done,
            "offered": self.offered,
            "rejected": self.rejected.len(),
            "started_at": self.started_at,
        });
        if let (Some(at), Some(fields)) = (self.finished_at, value.as_object_mut()) {
            fields.insert("finished_at".into(), at.into());
        }
        value
    }
}

/// The batch jobs of a service: the list, the one running, and the pause switch.
pub(crate) struct Jobs {
    dir: PathBuf,
    list: Mutex<Vec<Job>>,
    pause: RwLock<()>,
}

/// Batches held at their next chunk until this is dropped (see [`Service::pause_batches`]).
pub struct BatchPause<'a>(#[allow(dead_code, reason = "held, not read")] RwLockWriteGuard<'a, ()>);

impl core::fmt::Debug for BatchPause<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BatchPause")
    }
}

impl Service {
    /// Holds every batch started over HTTP before its next chunk of rows (a batch started
    /// meanwhile is accepted and waits too) until the returned guard is dropped: for a backup
    /// of the data directory, or a test that must see a batch running. Waits for a chunk in
    /// progress to be committed.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use myna_issuer::service::{config::ServiceConfig, Service, ServiceOptions};
    /// use myna_vc_core::time::{FixedClock, NumericDate};
    /// let dir = tempfile::tempdir()?;
    /// let mut config = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// config.rules.status_list_capacity = 1024;
    /// let service = Service::open(ServiceOptions { config, data_dir: dir.path().into(),
    ///     passphrase: zeroize::Zeroizing::new("a test passphrase".into()),
    ///     clock: Arc::new(FixedClock(NumericDate::from_unix(1_800_000_000))), jpki: None })?;
    /// let pause = service.pause_batches();
    /// // … copy the data directory …
    /// drop(pause);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pause_batches(&self) -> BatchPause<'_> {
        let guard = match self.shared().batches.pause.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        BatchPause(guard)
    }
}

impl Jobs {
    /// The jobs kept under `data_dir` (a job the last run left `running` is `failed` now).
    pub(crate) fn load(data_dir: &Path) -> Result<Jobs, ServiceError> {
        let dir = data_dir.join(JOBS_DIR);
        let mut list = Vec::new();
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path().join(STATUS_FILE);
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let Ok(mut job) = serde_json::from_slice::<Job>(&bytes) else {
                    tracing::warn!(path = %path.display(), "unreadable batch status, not listed");
                    continue;
                };
                if job.state == JobState::Running {
                    job.state = JobState::Failed;
                    job.error = Some(
                        "the issuer stopped while this batch ran: upload the same CSV again to \
                         resume (rows already offered are skipped)"
                            .into(),
                    );
                }
                list.push(job);
            }
        }
        list.sort_by_key(|job| std::cmp::Reverse(job.started_at));
        list.truncate(MAX_LISTED_BATCHES);
        Ok(Jobs {
            dir,
            list: Mutex::new(list),
            pause: RwLock::new(()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Job>> {
        match self.list.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn job_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Waits while batches are paused.
    fn wait_if_paused(&self) {
        drop(self.pause.read());
    }

    /// Registers `job` as running, unless another is (409).
    fn try_start(&self, job: Job) -> Result<(), ApiError> {
        let mut list = self.lock();
        if list.iter().any(|j| j.state == JobState::Running) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::Other("batch_running".into()),
                "another batch is running: wait until it is done (GET /admin/batches)",
            ));
        }
        list.insert(0, job);
        list.truncate(MAX_LISTED_BATCHES);
        Ok(())
    }

    fn get(&self, id: &str) -> Result<Job, ApiError> {
        self.lock()
            .iter()
            .find(|j| j.id == id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("batch"))
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut Job)) -> Option<Job> {
        let mut list = self.lock();
        let job = list.iter_mut().find(|j| j.id == id)?;
        change(job);
        Some(job.clone())
    }

    /// Writes the job's `status.json` (mode 0600).
    fn save(&self, job: &Job) -> Result<(), ServiceError> {
        let bytes = serde_json::to_vec(job).map_err(crate::Error::encode)?;
        write_private(&self.job_dir(&job.id).join(STATUS_FILE), &bytes)
    }
}

/// Writes `bytes` to `path`, readable by the issuer's user only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// A CSV body (`text/csv`), at most [`MAX_BATCH_CSV_BYTES`].
struct CsvBody(Vec<u8>);

impl FromRequest<Service> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, service: &Service) -> Result<Self, ApiError> {
        super::http::read_body_limited(request, service, "text/csv", MAX_BATCH_CSV_BYTES)
            .await
            .map(CsvBody)
    }
}

/// One row of the CSV, as read.
#[derive(Debug, Clone)]
struct CsvRow {
    row_id: String,
    name: String,
    address: String,
}

/// The CSV converted into the resident file of [`batch`]: its text (line N of it is the row
/// that starts on line N of the CSV; other lines are comments), the rows read and the rows
/// the CSV itself made unreadable.
struct Converted {
    jsonl: String,
    rows: Vec<CsvRow>,
    records: usize,
    rejected: Vec<Rejection>,
}

/// The column indexes of a header row, or why the header is refused.
fn columns(header: &csv::ByteRecord) -> Result<HashMap<&'static str, usize>, ApiError> {
    let mut found = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name).unwrap_or("").trim();
        let name = name.trim_start_matches('\u{feff}');
        if let Some(known) = CSV_COLUMNS
            .iter()
            .chain(["tx_code"].iter())
            .find(|known| **known == name)
        {
            if found.insert(*known, index).is_some() {
                return Err(ApiError::bad_request(format!(
                    "the CSV header names column {known} twice"
                )));
            }
        }
    }
    if CSV_COLUMNS.iter().all(|c| found.contains_key(c)) {
        Ok(found)
    } else {
        Err(ApiError::bad_request(
            "the CSV's first row must name the columns row_id,name,address,birthdate,\
             credentials[,tx_code]",
        ))
    }
}

/// Reads the CSV. A header without the required columns refuses the upload; a bad row is
/// rejected with its line.
fn convert(bytes: &[u8]) -> Result<Converted, ApiError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|_| ApiError::bad_request("the CSV has no readable header row"))?
        .clone();
    let columns = columns(&header)?;
    let mut converted = Converted {
        jsonl: String::new(),
        rows: Vec::new(),
        records: 0,
        rejected: Vec::new(),
    };
    let mut lines_written = 0usize;
    for record in reader.byte_records() {
        let record = record.map_err(|e| ApiError::bad_request(format!("the CSV: {e}")))?;
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(lines_written + 1);
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        converted.records += 1;
        // Comments up to the row's own line keep the line numbers of the CSV.
        while lines_written + 1 < line {
            converted.jsonl.push_str("#\n");
            lines_written += 1;
        }
        match row_of(&record, &columns, header.len()) {
            Ok((row, text)) => {
                converted.jsonl.push_str(&text);
                converted.rows.push(row);
            }
            Err((row_id, reason)) => {
                converted.jsonl.push('#');
                converted.rejected.push(Rejection {
                    line,
                    row_id,
                    reason,
                });
            }
        }
        converted.jsonl.push('\n');
        lines_written += 1;
    }
    Ok(converted)
}

/// One CSV record as a resident-file row (its JSON text), or why not (with its row id when
/// readable). Reasons name columns, never values.
fn row_of(
    record: &csv::ByteRecord,
    columns: &HashMap<&'static str, usize>,
    width: usize,
) -> Result<(CsvRow, String), (Option<String>, String)> {
    let field = |name: &str| -> Result<String, String> {
        let Some(index) = columns.get(name) else {
            return Ok(String::new());
        };
        let bytes = record.get(*index).unwrap_or_default();
        std::str::from_utf8(bytes)
            .map(|text| text.trim().to_owned())
            .map_err(|_| format!("{name}: not UTF-8"))
    };
    let row_id = field("row_id").map_err(|why| (None, why))?;
    let readable_id = (!row_id.is_empty()).then(|| row_id.clone());
    let fail = |why: String| (readable_id.clone(), why);
    if record.len() != width {
        return Err(fail(format!(
            "the row has {} fields, the header {width}",
            record.len()
        )));
    }
    let name = field("name").map_err(fail)?;
    let address = field("address").map_err(fail)?;
    let birthdate = field("birthdate").map_err(fail)?;
    let tx_code = match field("tx_code").map_err(fail)?.as_str() {
        "" | "true" => true,
        "false" => false,
        _ => return Err(fail("tx_code must be true or false".into())),
    };
    let wanted = field("credentials").map_err(fail)?;
    let mut credentials = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for kind in wanted.split_whitespace() {
        if kinds.contains(&kind) {
            return Err(fail(format!("credentials: {kind} is listed twice")));
        }
        match kind {
            "resident" => credentials.push(json!({
                "credential": "resident", "name": name, "address": address,
                "birthdate": birthdate,
            })),
            "age" => credentials.push(json!({"credential": "age", "birthdate": birthdate})),
            _ => {
                return Err(fail(
                    "credentials must be resident, age or both (resident age)".into(),
                ))
            }
        }
        kinds.push(if kind == "resident" {
            "resident"
        } else {
            "age"
        });
    }
    if credentials.is_empty() {
        return Err(fail(
            "credentials is empty: give resident, age or both".into(),
        ));
    }
    let text = json!({"row_id": row_id, "tx_code": tx_code, "credentials": credentials});
    Ok((
        CsvRow {
            row_id,
            name,
            address,
        },
        text.to_string(),
    ))
}

/// Whether the query string asks for a dry run (`dry_run=true`); anything else is 400.
pub(crate) fn dry_run(uri: &Uri) -> Result<bool, ApiError> {
    let mut dry = false;
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        dry = match pair {
            "dry_run=true" => true,
            "dry_run=false" => false,
            _ => {
                return Err(ApiError::bad_request(
                    "the only query parameter is dry_run=true or dry_run=false",
                ))
            }
        };
    }
    Ok(dry)
}

fn merged(mut first: Vec<Rejection>, second: Vec<Rejection>) -> Vec<Rejection> {
    first.extend(second);
    first.sort_by_key(|r| r.line);
    first
}

async fn start(
    State(service): State<Service>,
    Staff(admin, _): Staff<Operators>,
    uri: Uri,
    body: CsvBody,
) -> Result<Response, ApiError> {
    let dry = dry_run(&uri)?;
    let converted = convert(&body.0)?;
    if dry {
        let checking = service.clone();
        let answer = service
            .blocking(move |_| {
                let summary = batch::check(&checking, converted.jsonl.as_bytes())
                    .map_err(|e| ApiError::internal(&e.to_string()))?;
                let rejected = merged(converted.rejected, summary.rejected);
                Ok(json!({
                    "rows": converted.records,
                    "valid": converted.records.saturating_sub(rejected.len()),
                    "already_done": summary.already_done,
                    "rejected": rejected,
                }))
            })
            .await?;
        return Ok(json_no_store(StatusCode::OK, answer.to_string()));
    }
    let mut id_bytes = [0u8; 8];
    myna_vc_core::crypto::fill_random(&mut id_bytes)?;
    let id: String = id_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let shared = service.shared();
    let job = Job {
        id: id.clone(),
        state: JobState::Running,
        rows: converted.records,
        done: converted.rejected.len(),
        offered: 0,
        rejected: Vec::new(),
        started_at: shared.now().as_unix(),
        finished_at: None,
        error: None,
    };
    shared.batches.try_start(job.clone())?;
    let rows = converted.records;
    let worker = service.clone();
    let input = body.0;
    tokio::task::spawn_blocking(move || run_job(&worker, job, &input, converted, &admin.name));
    Ok(json_no_store(
        StatusCode::ACCEPTED,
        json!({"id": id, "state": "running", "rows": rows}).to_string(),
    ))
}

/// Runs a started job to its end (on the blocking pool): its files written, the engine run,
/// the outcome recorded. Whatever happens — an error, even a panic — the job ends `done` or
/// `failed`, so the next batch may start.
fn run_job(service: &Service, job: Job, input: &[u8], converted: Converted, by: &str) {
    let jobs = &service.shared().batches;
    let id = job.id.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_files(service, &job, input, &converted, by)
    }));
    let now = service.shared().now().as_unix();
    let finished = jobs.update(&id, |job| {
        job.finished_at = Some(now);
        match outcome {
            Ok(Ok(summary)) => {
                job.state = JobState::Done;
                job.done = job.rows;
                job.offered = summary.offered;
                job.rejected = merged(converted.rejected.clone(), summary.rejected);
            }
            Ok(Err(err)) => {
                tracing::error!(batch = %job.id, error = %err, "batch failed");
                job.state = JobState::Failed;
                job.error = Some(format!("the batch stopped: {err}"));
            }
            Err(_) => {
                tracing::error!(batch = %job.id, "batch worker panicked");
                job.state = JobState::Failed;
                job.error = Some("the batch stopped on an internal error".into());
            }
        }
    });
    if let Some(job) = finished {
        let report: String = job
            .rejected
            .iter()
            .filter_map(|r| serde_json::to_string(r).ok())
            .map(|line| line + "\n")
            .collect();
        let saved = write_private(&jobs.job_dir(&id).join(REPORT_FILE), report.as_bytes())
            .and_then(|()| jobs.save(&job));
        if let Err(err) = saved {
            tracing::error!(batch = %id, error = %err, "batch status not saved");
        }
    }
}

/// Writes the job's files and runs the engine on them.
fn run_files(
    service: &Service,
    job: &Job,
    input: &[u8],
    converted: &Converted,
    by: &str,
) -> Result<batch::BatchSummary, ServiceError> {
    let jobs = &service.shared().batches;
    let dir = jobs.job_dir(&job.id);
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    write_private(&dir.join(INPUT_CSV), input)?;
    write_private(&dir.join(ROWS_FILE), converted.jsonl.as_bytes())?;
    write_private(&dir.join(OFFERS_FILE), b"")?;
    jobs.save(job)?;
    let run = BatchRun {
        report: None,
        by: Some(by.to_owned()),
        ..BatchRun::new(dir.join(ROWS_FILE), dir.join(OFFERS_FILE))
    };
    let before = converted.rejected.len();
    jobs.wait_if_paused();
    batch::run(service, &run, &mut |done, _| {
        jobs.update(&job.id, |job| job.done = before + done);
        jobs.wait_if_paused();
    })
}

async fn list(
    State(service): State<Service>,
    _staff: Staff<Operators>,
) -> Result<Response, ApiError> {
    let list: Vec<Value> = service
        .shared()
        .batches
        .lock()
        .iter()
        .map(Job::summary)
        .collect();
    Ok(json_no_store(
        StatusCode::OK,
        Value::Array(list).to_string(),
    ))
}

async fn status(
    State(service): State<Service>,
    _staff: Staff<Operators>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let job = service.shared().batches.get(&id)?;
    let body = serde_json::to_string(&job).map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(json_no_store(StatusCode::OK, body))
}

/// The job, if it is done (its letters are ready); 409 otherwise.
fn finished_job(service: &Service, id: &str) -> Result<Job, ApiError> {
    let job = service.shared().batches.get(id)?;
    match job.state {
        JobState::Done => Ok(job),
        JobState::Running => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Other("batch_running".into()),
            "the letters are ready when the batch is done",
        )),
        JobState::Failed => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Other("batch_failed".into()),
            "this batch failed: upload the same CSV again to resume it, then take that \
             batch's letters",
        )),
    }
}

/// The offers of a job's output, the last line of each row id winning (see
/// [`batch`]: an earlier line of a row whose chunk was not committed is void).
fn offers(path: &Path) -> Result<HashMap<String, (String, Option<String>)>, ApiError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ApiError::internal(&format!("batch offers: {e}")))?;
    let mut offers = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: Value =
            serde_json::from_str(line).map_err(|e| ApiError::internal(&e.to_string()))?;
        let (Some(row_id), Some(uri)) = (
            value.get("row_id").and_then(Value::as_str),
            value.get("credential_offer_uri").and_then(Value::as_str),
        ) else {
            return Err(ApiError::internal(
                "batch offers: a line without its fields",
            ));
        };
        let pin = value
            .get("tx_code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        offers.insert(row_id.to_owned(), (uri.to_owned(), pin));
    }
    Ok(offers)
}

fn attachment(content_type: &'static str, file_name: &str, body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn letters_html(
    State(service): State<Service>,
    _staff: Staff<Operators>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let job = finished_job(&service, &id)?;
    let html = service
        .blocking(move |shared| {
            let dir = shared.batches.job_dir(&job.id);
            let offers = offers(&dir.join(OFFERS_FILE))?;
            let input = std::fs::read(dir.join(INPUT_CSV))
                .map_err(|e| ApiError::internal(&format!("batch input: {e}")))?;
            // A repeated row id was offered at its first row only (the engine rejects the
            // repeat): one letter per row id.
            let mut seen = std::collections::HashSet::new();
            let letters: Vec<Letter> = convert(&input)?
                .rows
                .into_iter()
                .filter(|row| seen.insert(row.row_id.clone()))
                .filter_map(|row| {
                    let (uri, pin) = offers.get(&row.row_id)?.clone();
                    Some(Letter {
                        row_id: row.row_id,
                        name: row.name,
                        address: row.address,
                        offer_uri: uri,
                        pin,
                    })
                })
                .collect();
            let lifetime = shared.config.rules.letter_offer_lifetime_secs;
            let expires = myna_vc_core::time::NumericDate::from_unix(job.started_at)
                .plus_seconds(lifetime.saturating_sub(1));
            let head = LetterHead {
                issuer_name: shared.config.name.clone(),
                valid_until: CalendarDate::from_numeric_date_jst(expires).ok(),
            };
            Ok(letters::html(&head, &letters)?)
        })
        .await?;
    let mut response = attachment(
        "text/html; charset=utf-8",
        &format!("letters-{id}.html"),
        html,
    );
    if let Ok(csp) = HeaderValue::from_str(&letters::content_security_policy()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

async fn letters_jsonl(
    State(service): State<Service>,
    _staff: Staff<Operators>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let job = finished_job(&service, &id)?;
    let text = service
        .blocking(move |shared| {
            std::fs::read_to_string(shared.batches.job_dir(&job.id).join(OFFERS_FILE))
                .map_err(|e| ApiError::internal(&format!("batch offers: {e}")))
        })
        .await?;
    Ok(attachment(
        "application/jsonl; charset=utf-8",
        &format!("letters-{id}.jsonl"),
        text,
    ))
}

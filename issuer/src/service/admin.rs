//! The admin API: bearer tokens per role, compared in constant time against the SHA-256
//! hashes in the configuration. No token (or an unknown one) is 401 before any body is read
//! (the `Staff` extractor runs first), a token of another role 403 — also before the body; every action lands in the
//! audit log with the acting token's name (reads append nothing). The staff console
//! ([`console`](super::console)) is a client of these routes; they answer no CORS headers and
//! set no cookie.
//!
//! | route | role |
//! |---|---|
//! | `GET /admin/session` — `{"name", "role", "issuer": {"id", "name", "name_en"?, "municipality_code"?, "credentials"}, "escrow": {"threshold", "trustees"} \| null}` | any |
//! | `POST /admin/offers` — an offer with facts supplied by staff: `201` with the offer, `"subject"` (base64url handle) and `"qr_svg"` | operator |
//! | `POST /admin/offers?dry_run=true` — the same body checked, nothing made: `{"valid": true}` or `{"valid": false, "problems": […]}` ([`offer_check`](super::offer_check)) | operator |
//! | `POST /admin/batches[?dry_run=true]`, `GET /admin/batches[/{id}[/letters[.jsonl]]]` — batch letters from a CSV ([`batch_jobs`](super::batch_jobs)) | operator |
//! | `POST /admin/credentials/{revoke,suspend,resume}` — one credential, by `credential_id` or `status` entry | revocation officer |
//! | `POST /admin/subjects/{revoke,suspend,resume}` — every credential of a person | revocation officer |
//! | `POST /admin/crl` — import a CRL (`application/pkix-crl`), the cascade's effect: `{"certificate_type", "entries", "certificates_checked", "certificates_revoked", "revoked_serials", "subjects", "successors_linked", "successor_conflicts", "anchors_revoked", "residence_revoked", "credentials_revoked"}` ([`CrlImport::to_json`](super::crl_import::CrlImport::to_json)) | revocation officer |
//! | `POST /admin/escrow/openings` — start an opening | operator |
//! | `GET /admin/escrow/openings` — every opening, newest first: `[{"id", "context", "pseudonym", "state": "waiting" \| "opened", "threshold", "released_by", "started_at"}]` | operator, trustee |
//! | `GET /admin/escrow/openings/{id}` — the sealed link to release a share for, `threshold`, `released_by`, `state` | operator, trustee |
//! | `POST /admin/escrow/openings/{id}/shares` — a trustee's released share | trustee |
//! | `GET /admin/audit?from=&limit=&action=&actor=` — the audit log (reading it appends nothing) | operator |
//! | `GET /admin/audit/verify` — the hash chain checked: `{"intact", "entries", "head"}` | operator |
//! | `GET /admin/consents/summary` — `{"recipients": [{"recipient", "given", "paused", "withdrawn", "used"}], "total"}` (counts only) | operator |
//!
//! **By person.** `POST /admin/subjects/revoke` (`suspend`, `resume`) takes
//! `{"subject": "<base64url 32-byte subject handle>"}` or `{"card_serial": "<hex>"}` — exactly
//! one — and an optional `"reason"` (`holder_request`, `key_compromise`, `issued_in_error`,
//! `superseded`, `other`; default `other`), and changes every credential of that person:
//! every copy of every batch, every type, the anchor credential too
//! ([`Store::change_subject_status`]), with ONE audit entry (the subject handle, the action,
//! the count and the acting token's name). `card_serial` is the serial number of the card's
//! authentication certificate in hexadecimal, as `myna_jpki`'s `SerialNumber` prints it
//! (upper case, no leading zero octets, e.g. `067C6A21`); lower case, leading zeros and a
//! `0x` prefix are accepted too. The answer is `200 {"subject", "changed", "unchanged"}`
//! (`unchanged`: credentials the transition does not apply to, e.g. already revoked); an
//! unknown subject or card is `404 not_found`.
//!
//! **The audit log.** Reading it (`GET /admin/audit`) does not append to it. `action` keeps
//! the entries of one action (its name as listed, e.g. `escrow.share_received`), `actor`
//! those of one role (`operator`, `revocation_officer`, `trustee`, `holder`, …) or one admin
//! token's name (the `by:` of the entry); a filtered request looks at most at
//! [`MAX_AUDIT_SCAN`] entries from `from`, and `next_from` (or `null` at the end) says where
//! the next page starts. `GET
//! /admin/audit/verify` walks the whole chain: `200 {"intact": true, "entries": N, "head":
//! "<base64url SHA-256 of the last entry>"}`, or `409 {"error": "audit_chain_broken",
//! "error_description": "audit log broken at entry 3: …"}` naming the first entry that fails.
//!
//! An opening completes when a quorum of trustees has released shares: the link is opened
//! through [`Store::open_sealed_link`] (audited), the shares are deleted and the person handle
//! kept on the opening for the operator.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use myna_jpki::crl::Crl;
use myna_jpki::linking::CertificateRef;
use myna_jpki::profile::CertificateType;
use myna_vc_core::b64;
use myna_vc_core::oid4vci::ErrorCode;
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use serde::{Deserialize, Serialize};
use serde_json::json;
use subtle::ConstantTimeEq;

use super::config::{AdminRole, AdminTokenEntry};
use super::http::{json_no_store, ApiError, Bearer, DerBody, JsonBody};
use super::qr;
use super::{JpkiSetup, Service, ServiceError, Shared};
use crate::audit::{ActorRole, AuditAction, AuditSubject};
use crate::endpoint::offer::OfferedFacts;
use crate::endpoint::state_table::{self, Namespace};
use crate::escrow::ReleasedShare;
use crate::pseudonym::{ContextId, Pseudonym};
use crate::record::{CredentialId, SubjectHandle};
use crate::revocation::{RevocationReason, Transition};
use crate::store::{AnyStore, Store};
use crate::tables::Backend;

/// Most audit entries one request returns.
pub const MAX_AUDIT_PAGE: u64 = 1000;

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/admin/session", get(session))
        .route("/admin/offers", post(create_offer))
        .route("/admin/credentials/{action}", post(change_status))
        .route("/admin/subjects/{action}", post(change_subject))
        .route("/admin/crl", post(import_crl))
        .route("/admin/escrow/openings", post(start_opening).get(openings))
        .route("/admin/escrow/openings/{id}", get(opening))
        .route("/admin/escrow/openings/{id}/shares", post(submit_share))
        .route("/admin/audit", get(audit_log))
        .route("/admin/audit/verify", get(verify_audit))
        .route("/admin/consents/summary", get(consent_summary))
}

/// A caller whose bearer token is one of the configured admin tokens (every entry compared, in
/// constant time) and whose role is one of `R`'s. An extractor from the request's headers: axum
/// runs it before the body extractor, so a request without a known token (401) or with the
/// token of another role (403) is refused before its body is read.
pub(crate) struct Staff<R>(
    pub(crate) AdminTokenEntry,
    pub(crate) PhantomData<fn() -> R>,
);

/// The roles a route admits, as a type, so that [`Staff`] checks them with the token.
pub(crate) trait Roles {
    const ALLOWED: &'static [AdminRole];
}

/// Municipal staff only.
pub(crate) struct Operators;
/// Revocation officers only.
pub(crate) struct RevocationOfficers;
/// Escrow trustees only.
pub(crate) struct Trustees;
/// Operators and trustees (escrow openings).
pub(crate) struct OperatorsAndTrustees;
/// Every role (who am I).
pub(crate) struct AnyRole;

impl Roles for Operators {
    const ALLOWED: &'static [AdminRole] = &[AdminRole::Operator];
}
impl Roles for RevocationOfficers {
    const ALLOWED: &'static [AdminRole] = &[AdminRole::RevocationOfficer];
}
impl Roles for Trustees {
    const ALLOWED: &'static [AdminRole] = &[AdminRole::Trustee];
}
impl Roles for OperatorsAndTrustees {
    const ALLOWED: &'static [AdminRole] = &[AdminRole::Operator, AdminRole::Trustee];
}
impl Roles for AnyRole {
    const ALLOWED: &'static [AdminRole] = &[
        AdminRole::Operator,
        AdminRole::RevocationOfficer,
        AdminRole::Trustee,
    ];
}

impl<R: Roles> FromRequestParts<Service> for Staff<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, ApiError> {
        let Bearer(token) = Bearer::from_request_parts(parts, service).await?;
        let entry = known_token(service, &token).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidToken,
                "unknown admin token",
            )
        })?;
        if !R::ALLOWED.contains(&entry.role) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::InsufficientScope,
                format!("the {} role may not use this route", entry.role.as_str()),
            ));
        }
        Ok(Staff(entry, PhantomData))
    }
}

/// The configured entry of `token`: every entry is compared, in constant time.
fn known_token(service: &Service, token: &str) -> Option<AdminTokenEntry> {
    let presented = AdminTokenEntry::hash(token);
    let mut found: Option<&AdminTokenEntry> = None;
    for entry in &service.shared().config.admin_tokens {
        let same = presented.len() == entry.sha256.len()
            && bool::from(presented.as_bytes().ct_eq(entry.sha256.as_bytes()));
        if same {
            found = Some(entry);
        }
    }
    found.cloned()
}

fn actor(role: AdminRole) -> ActorRole {
    match role {
        AdminRole::Operator => ActorRole::Operator,
        AdminRole::RevocationOfficer => ActorRole::RevocationOfficer,
        AdminRole::Trustee => ActorRole::Trustee,
    }
}

fn ok_json(value: &serde_json::Value) -> Response {
    json_no_store(StatusCode::OK, value.to_string())
}

/// `POST /admin/offers` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferRequest {
    /// base64url subject handle; a fresh one when absent.
    #[serde(default)]
    subject: Option<String>,
    credentials: Vec<OfferedFacts>,
    #[serde(default = "yes")]
    tx_code: bool,
}

fn yes() -> bool {
    true
}

/// The title of an offer's QR code (read by screen readers).
const OFFER_QR_TITLE: &str = "証明書受け取り用QRコード / QR code to receive the credential";

async fn create_offer(
    State(service): State<Service>,
    Staff(admin, _): Staff<Operators>,
    uri: Uri,
    body: JsonBody,
) -> Result<Response, ApiError> {
    if super::batch_jobs::dry_run(&uri)? {
        return check_offer(&service, &body).await;
    }
    let request: OfferRequest = body.parse("offer request")?;
    let offer = service
        .blocking(move |shared| {
            let subject = match &request.subject {
                Some(text) => parse_subject(text)?,
                None => SubjectHandle::random()?,
            };
            let now = shared.now();
            let offer =
                shared
                    .endpoints
                    .offer(&subject, request.credentials, request.tx_code, now)?;
            let audited = AuditSubject::subject(&subject).by(&admin.name);
            shared.store().append_audit(
                now,
                actor(admin.role),
                AuditAction::OfferCreated,
                audited,
            )?;
            let mut answer =
                serde_json::to_value(&offer).map_err(|e| ApiError::internal(&e.to_string()))?;
            let svg = qr::svg(&offer.credential_offer_uri, OFFER_QR_TITLE)?;
            if let Some(fields) = answer.as_object_mut() {
                fields.insert("subject".into(), subject.to_string().into());
                fields.insert("qr_svg".into(), svg.into());
            }
            Ok(answer)
        })
        .await?;
    Ok(json_no_store(StatusCode::CREATED, offer.to_string()))
}

/// `POST /admin/offers?dry_run=true`: the problems of the offer, nothing made (see
/// [`offer_check`]).
async fn check_offer(service: &Service, body: &JsonBody) -> Result<Response, ApiError> {
    let object = myna_vc_core::json::parse_object(&body.0, "offer request")
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let problems = service
        .blocking(move |shared| super::offer_check::check(&shared.endpoints, &object, shared.now()))
        .await?;
    let answer = if problems.is_empty() {
        json!({"valid": true})
    } else {
        json!({"valid": false, "problems": problems})
    };
    Ok(ok_json(&answer))
}

/// `GET /admin/session`: who the token is and what the issuer is (the console shows only
/// what the role may use).
async fn session(
    State(service): State<Service>,
    Staff(admin, _): Staff<AnyRole>,
) -> Result<Response, ApiError> {
    let shared = service.shared();
    let config = &shared.config;
    let credentials: Vec<&str> = config
        .offered()
        .map_err(|e| ApiError::internal(&e.to_string()))?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut issuer = json!({
        "id": shared.endpoints.issuer_id().as_str(),
        "name": config.name,
        "credentials": credentials,
    });
    if let Some(fields) = issuer.as_object_mut() {
        if let Some(name_en) = &config.name_en {
            fields.insert("name_en".into(), name_en.as_str().into());
        }
        if let Some(code) = &config.municipality_code {
            fields.insert("municipality_code".into(), code.as_str().into());
        }
    }
    let escrow = config.escrow.as_ref().map(|escrow| {
        json!({
            "threshold": escrow.threshold,
            "trustees": escrow.trustees.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        })
    });
    Ok(ok_json(&json!({
        "name": admin.name,
        "role": admin.role.as_str(),
        "issuer": issuer,
        "escrow": escrow,
    })))
}

pub(crate) fn parse_subject(text: &str) -> Result<SubjectHandle, ApiError> {
    let bytes = b64::decode(text, "subject handle")?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| ApiError::bad_request("a subject handle is 32 bytes"))?;
    Ok(SubjectHandle::from_bytes(bytes))
}

/// Which credential a status change is about: its id, or its status entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChangeRequest {
    #[serde(default)]
    credential_id: Option<String>,
    #[serde(default)]
    status: Option<StatusEntry>,
    #[serde(default)]
    reason: Option<String>,
}

/// A status entry as in a credential's `status.status_list` claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusEntry {
    uri: String,
    idx: u64,
}

fn reason(name: Option<&str>) -> Result<RevocationReason, ApiError> {
    Ok(match name.unwrap_or("other") {
        "holder_request" => RevocationReason::HolderRequest,
        "key_compromise" => RevocationReason::KeyCompromise,
        "issued_in_error" => RevocationReason::IssuedInError,
        "superseded" => RevocationReason::Superseded,
        "other" => RevocationReason::Other,
        _ => return Err(ApiError::bad_request(
            "reason must be holder_request, key_compromise, issued_in_error, superseded or other",
        )),
    })
}

/// The status change a route's last segment names (`revoke`, `suspend`, `resume`).
fn transition(action: &str) -> Result<Transition, ApiError> {
    match action {
        "revoke" => Ok(Transition::Revoke),
        "suspend" => Ok(Transition::Suspend),
        "resume" => Ok(Transition::Resume),
        _ => Err(ApiError::not_found("route")),
    }
}

async fn change_status(
    State(service): State<Service>,
    Path(action): Path<String>,
    Staff(admin, _): Staff<RevocationOfficers>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let transition = transition(&action)?;
    let request: StatusChangeRequest = body.parse("status change request")?;
    let why = reason(request.reason.as_deref())?;
    let record = service
        .blocking(move |shared| {
            let id = credential_of(shared, &request)?;
            Ok(shared.store().change_status(
                &id,
                transition,
                why,
                actor(admin.role),
                shared.now(),
            )?)
        })
        .await?;
    Ok(ok_json(&json!({
        "credential_id": record.id.to_string(),
        "status": transition.target().value(),
        "reason": why.as_str(),
    })))
}

fn credential_of(shared: &Shared, request: &StatusChangeRequest) -> Result<CredentialId, ApiError> {
    match (&request.credential_id, &request.status) {
        (Some(id), None) => Ok(CredentialId::parse(id)?),
        (None, Some(entry)) => {
            let reference = StatusReference::new(
                StatusIndex::new(entry.idx),
                StatusListUri::new(entry.uri.as_str())?,
            );
            shared
                .store()
                .all_records()?
                .into_iter()
                .find(|r| r.status == reference)
                .map(|r| r.id)
                .ok_or_else(|| ApiError::not_found("credential"))
        }
        _ => Err(ApiError::bad_request(
            "name the credential by exactly one of credential_id and status",
        )),
    }
}

/// `POST /admin/subjects/{revoke,suspend,resume}` body: the person, by exactly one of its
/// subject handle and its card's authentication certificate serial.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectChangeRequest {
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    card_serial: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn change_subject(
    State(service): State<Service>,
    Path(action): Path<String>,
    Staff(admin, _): Staff<RevocationOfficers>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let transition = transition(&action)?;
    let request: SubjectChangeRequest = body.parse("subject status change request")?;
    let why = reason(request.reason.as_deref())?;
    let change = service
        .blocking(move |shared| {
            let subject = subject_of(shared, &request)?;
            shared
                .store()
                .change_subject_status(
                    &subject,
                    transition,
                    why,
                    actor(admin.role),
                    Some(&admin.name),
                    shared.now(),
                )
                .map_err(|err| match err {
                    crate::Error::UnknownSubject => ApiError::not_found("subject"),
                    other => ApiError::from(other),
                })
        })
        .await?;
    Ok(ok_json(&json!({
        "subject": change.subject.to_string(),
        "changed": change.changed.len(),
        "unchanged": change.unchanged.len(),
        "status": transition.target().value(),
        "reason": why.as_str(),
    })))
}

/// The person a subject status change names: its handle, or the person anchored with the
/// card whose authentication certificate has this serial (a revoked card still names its
/// person).
fn subject_of(shared: &Shared, request: &SubjectChangeRequest) -> Result<SubjectHandle, ApiError> {
    match (&request.subject, &request.card_serial) {
        (Some(subject), None) => parse_subject(subject),
        (None, Some(serial)) => {
            let serial = super::linking_file::serial_from_hex(serial)
                .map_err(|why| ApiError::bad_request(format!("card_serial: {why}")))?;
            let certificate = CertificateRef {
                certificate_type: CertificateType::Authentication,
                serial,
            };
            shared
                .store()
                .certificate_subject(&certificate)?
                .map(|known| known.subject)
                .ok_or_else(|| ApiError::not_found("card (no person anchored with it)"))
        }
        _ => Err(ApiError::bad_request(
            "name the person by exactly one of subject and card_serial",
        )),
    }
}

async fn import_crl(
    State(service): State<Service>,
    Staff(admin, _): Staff<RevocationOfficers>,
    body: DerBody,
) -> Result<Response, ApiError> {
    let summary = service
        .blocking(move |shared| {
            let jpki = shared
                .endpoints
                .jpki()
                .ok_or_else(|| ApiError::unavailable("no JPKI roots configured"))?;
            let import =
                super::crl_import::import(shared, jpki, &body.0, actor(admin.role), &admin.name)?;
            Ok(import.to_json())
        })
        .await?;
    Ok(ok_json(&summary))
}

/// The CRLs imported earlier, re-verified against the configured roots.
pub(crate) fn stored_crls(store: &AnyStore, jpki: &JpkiSetup) -> Result<Vec<Crl>, ServiceError> {
    let rows = store.read(|tx| state_table::scan(tx, Namespace::Crl))?;
    rows.iter()
        .map(|(_, der)| {
            Crl::parse(der, jpki.validator.roots(), jpki.validator.provider())
                .map_err(|e| ServiceError::Issuer(e.into()))
        })
        .collect()
}

/// An escrow opening as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opening {
    context: String,
    pseudonym: String,
    /// Released shares (base64url), deleted when the opening completes.
    shares: Vec<String>,
    /// Trustees who released, in order.
    trustees: Vec<String>,
    /// The person handle, once opened.
    person: Option<String>,
    /// When the opening was started (Unix seconds; absent in openings of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<i64>,
}

impl Opening {
    fn state(&self) -> &'static str {
        if self.person.is_some() {
            "opened"
        } else {
            "waiting"
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartOpening {
    context: String,
    pseudonym: String,
}

fn escrow_unconfigured() -> ApiError {
    ApiError::unavailable("no escrow trustees configured")
}

async fn start_opening(
    State(service): State<Service>,
    Staff(admin, _): Staff<Operators>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: StartOpening = body.parse("escrow opening")?;
    let answer = service
        .blocking(move |shared| {
            let policy = shared
                .endpoints
                .escrow
                .as_ref()
                .ok_or_else(escrow_unconfigured)?;
            let context = ContextId::parse(&request.context)?;
            let pseudonym = Pseudonym::parse(&request.pseudonym)?;
            let sealed = shared
                .store()
                .sealed_link(&context, &pseudonym)?
                .ok_or_else(|| ApiError::not_found("sealed link"))?;
            let id = state_table::new_secret()?;
            let opening = Opening {
                context: request.context,
                pseudonym: request.pseudonym,
                shares: Vec::new(),
                trustees: Vec::new(),
                person: None,
                started_at: Some(shared.now().as_unix()),
            };
            put_opening(shared, &id, &opening)?;
            let audited = AuditSubject::object("escrow_opening", &id).by(&admin.name);
            shared.store().append_audit(
                shared.now(),
                actor(admin.role),
                AuditAction::EscrowOpeningStarted,
                audited,
            )?;
            Ok(json!({
                "id": id,
                "sealed_link": b64::encode(sealed.to_bytes()),
                "threshold": policy.threshold(),
            }))
        })
        .await?;
    Ok(json_no_store(StatusCode::CREATED, answer.to_string()))
}

fn put_opening(shared: &Shared, id: &str, opening: &Opening) -> Result<(), ApiError> {
    let bytes = serde_json::to_vec(opening).map_err(|e| ApiError::internal(&e.to_string()))?;
    shared
        .store()
        .write(|tx| state_table::put(tx, Namespace::Opening, id.as_bytes(), &bytes))?;
    Ok(())
}

fn get_opening(shared: &Shared, id: &str) -> Result<Opening, ApiError> {
    let bytes = shared
        .store()
        .read(|tx| state_table::get(tx, Namespace::Opening, id.as_bytes()))?
        .ok_or_else(|| ApiError::not_found("escrow opening"))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::internal(&e.to_string()))
}

/// What a caller sees of an opening; the person handle only the operator, once complete.
fn opening_view(
    shared: &Shared,
    id: &str,
    opening: &Opening,
    role: AdminRole,
) -> Result<serde_json::Value, ApiError> {
    let context = ContextId::parse(&opening.context)?;
    let pseudonym = Pseudonym::parse(&opening.pseudonym)?;
    let sealed = shared
        .store()
        .sealed_link(&context, &pseudonym)?
        .ok_or_else(|| ApiError::not_found("sealed link"))?;
    Ok(json!({
        "id": id,
        "sealed_link": b64::encode(sealed.to_bytes()),
        "threshold": sealed.threshold(),
        "released_by": opening.trustees,
        "state": opening.state(),
        "started_at": opening.started_at,
        "completed": opening.person.is_some(),
        "person": if role == AdminRole::Operator { opening.person.clone() } else { None },
    }))
}

/// `GET /admin/escrow/openings`: every opening, newest first, without sealed links or
/// persons: `[{"id", "context", "pseudonym", "state", "threshold", "released_by",
/// "started_at"}]`.
async fn openings(
    State(service): State<Service>,
    _staff: Staff<OperatorsAndTrustees>,
) -> Result<Response, ApiError> {
    let list = service
        .blocking(|shared| {
            let rows = shared
                .store()
                .read(|tx| state_table::scan(tx, Namespace::Opening))?;
            let configured = shared.endpoints.escrow.as_ref().map(|p| p.threshold());
            let mut list = Vec::new();
            for (id, bytes) in rows {
                let id = String::from_utf8_lossy(&id).into_owned();
                let opening: Opening = serde_json::from_slice(&bytes)
                    .map_err(|e| ApiError::internal(&e.to_string()))?;
                let threshold = sealed_threshold(shared, &opening)?.or(configured);
                list.push(json!({
                    "id": id,
                    "context": opening.context,
                    "pseudonym": opening.pseudonym,
                    "state": opening.state(),
                    "threshold": threshold,
                    "released_by": opening.trustees,
                    "started_at": opening.started_at,
                }));
            }
            list.sort_by_key(|o| {
                std::cmp::Reverse(o.get("started_at").and_then(serde_json::Value::as_i64))
            });
            Ok(list)
        })
        .await?;
    Ok(ok_json(&serde_json::Value::Array(list)))
}

/// The threshold of the sealed link an opening is about, if the link is still stored.
fn sealed_threshold(shared: &Shared, opening: &Opening) -> Result<Option<u8>, ApiError> {
    let context = ContextId::parse(&opening.context)?;
    let pseudonym = Pseudonym::parse(&opening.pseudonym)?;
    Ok(shared
        .store()
        .sealed_link(&context, &pseudonym)?
        .map(|sealed| sealed.threshold()))
}

async fn opening(
    State(service): State<Service>,
    Staff(admin, _): Staff<OperatorsAndTrustees>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = service
        .blocking(move |shared| opening_view(shared, &id, &get_opening(shared, &id)?, admin.role))
        .await?;
    Ok(ok_json(&view))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareRequest {
    /// base64url of [`ReleasedShare::to_bytes`].
    share: String,
}

async fn submit_share(
    State(service): State<Service>,
    Staff(admin, _): Staff<Trustees>,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: ShareRequest = body.parse("released share")?;
    let view = service
        .blocking(move |shared| {
            shared
                .endpoints
                .escrow
                .as_ref()
                .ok_or_else(escrow_unconfigured)?;
            let bytes = zeroize::Zeroizing::new(b64::decode(&request.share, "released share")?);
            let share = ReleasedShare::from_bytes(&bytes)?;
            if share.trustee().as_str() != admin.name {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::InsufficientScope,
                    "a trustee submits its own share only",
                ));
            }
            let mut opening = get_opening(shared, &id)?;
            if opening.person.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::InvalidRequest,
                    "this opening is already complete",
                ));
            }
            if opening.trustees.contains(&admin.name) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::InvalidRequest,
                    "this trustee already released its share",
                ));
            }
            let now = shared.now();
            opening.shares.push(request.share.clone());
            opening.trustees.push(admin.name.clone());
            let audited = AuditSubject::object("escrow_opening", &id).by(&admin.name);
            shared.store().append_audit(
                now,
                actor(admin.role),
                AuditAction::EscrowShareReceived,
                audited,
            )?;
            let context = ContextId::parse(&opening.context)?;
            let pseudonym = Pseudonym::parse(&opening.pseudonym)?;
            let sealed = shared
                .store()
                .sealed_link(&context, &pseudonym)?
                .ok_or_else(|| ApiError::not_found("sealed link"))?;
            if opening.shares.len() >= usize::from(sealed.threshold()) {
                let releases = opening
                    .shares
                    .iter()
                    .map(|s| {
                        let bytes = zeroize::Zeroizing::new(b64::decode(s, "released share")?);
                        Ok(ReleasedShare::from_bytes(&bytes)?)
                    })
                    .collect::<Result<Vec<_>, ApiError>>()?;
                let opened = shared
                    .store()
                    .open_sealed_link(&context, &pseudonym, &releases, now)?;
                opening.person = Some(opened.link.person.to_string());
                opening.shares.clear();
            }
            put_opening(shared, &id, &opening)?;
            opening_view(shared, &id, &opening, admin.role)
        })
        .await?;
    Ok(ok_json(&view))
}

/// Most audit entries one filtered request looks at (from `from` on); the answer's
/// `next_from` says where to go on.
pub const MAX_AUDIT_SCAN: u64 = 10_000;

/// The audit query: `from`, `limit` and the optional `action` and `actor` filters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AuditQuery {
    from: u64,
    limit: u64,
    action: Option<AuditAction>,
    actor: Option<String>,
}

impl AuditQuery {
    fn parse(uri: &Uri) -> Result<AuditQuery, ApiError> {
        let mut query = AuditQuery {
            from: 0,
            limit: 100,
            action: None,
            actor: None,
        };
        for pair in uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| ApiError::bad_request(format!("`{name}` must be a number")))
            };
            match name {
                "from" => query.from = number()?,
                "limit" => query.limit = number()?.clamp(1, MAX_AUDIT_PAGE),
                "action" => {
                    query.action = Some(AuditAction::parse(value).map_err(|_| {
                        ApiError::bad_request("`action` is not an audit action name")
                    })?)
                }
                "actor" if valid_actor(value) => query.actor = Some(value.to_owned()),
                "actor" => {
                    return Err(ApiError::bad_request(
                        "`actor` is a role or a token name (A-Z a-z 0-9 - _ .)",
                    ))
                }
                _ => {
                    return Err(ApiError::bad_request(
                        "the audit query takes `from`, `limit`, `action` and `actor`",
                    ))
                }
            }
        }
        Ok(query)
    }

    /// Whether `entry` passes the filters: its action, and its actor's role or the admin
    /// token named in its subject (`… by:<name>`).
    fn admits(&self, entry: &crate::audit::AuditEntry) -> bool {
        let action = self.action.is_none_or(|a| a == entry.action);
        let actor = self.actor.as_deref().is_none_or(|who| {
            entry.actor.as_str() == who
                || entry
                    .subject
                    .as_str()
                    .rsplit_once(" by:")
                    .is_some_and(|(_, name)| name == who)
        });
        action && actor
    }

    fn filtered(&self) -> bool {
        self.action.is_some() || self.actor.is_some()
    }
}

fn valid_actor(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

async fn audit_log(
    State(service): State<Service>,
    _staff: Staff<Operators>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = AuditQuery::parse(&uri)?;
    // Reading the log leaves it as it is: an entry per read would make every check of the
    // log change the log it checks.
    let page = service
        .blocking(move |shared| {
            let (from, limit) = (query.from, query.limit);
            let window = if query.filtered() {
                MAX_AUDIT_SCAN
            } else {
                limit
            };
            let scanned = shared
                .store()
                .audit_entries(from..from.saturating_add(window))?;
            let mut next_from = None;
            let mut entries = Vec::new();
            for entry in &scanned {
                if u64::try_from(entries.len()).unwrap_or(u64::MAX) == limit {
                    next_from = Some(entry.seq);
                    break;
                }
                if query.admits(entry) {
                    entries.push(entry);
                }
            }
            let last_scanned = scanned.last().map(|e| e.seq);
            if next_from.is_none() {
                if let Some(last) = last_scanned {
                    if u64::try_from(scanned.len()).unwrap_or(0) == window {
                        next_from = Some(last.saturating_add(1));
                    }
                }
            }
            let entries: Vec<_> = entries
                .iter()
                .map(|e| {
                    json!({
                        "seq": e.seq,
                        "time": e.time.as_unix(),
                        "actor": e.actor.as_str(),
                        "action": e.action.as_str(),
                        "subject": e.subject.as_str(),
                        "hash": b64::encode(e.hash),
                    })
                })
                .collect();
            Ok(json!({
                "entries": entries,
                "chain_length": shared.store().verify_audit_chain()?,
                "next_from": next_from,
            }))
        })
        .await?;
    Ok(ok_json(&page))
}

/// `GET /admin/consents/summary`: the consent registry in numbers.
async fn consent_summary(
    State(service): State<Service>,
    _staff: Staff<Operators>,
) -> Result<Response, ApiError> {
    let summary = service.blocking(super::consent_registry::summary).await?;
    Ok(ok_json(&summary))
}

/// `GET /admin/audit/verify`: the whole chain checked, read-only.
async fn verify_audit(
    State(service): State<Service>,
    _staff: Staff<Operators>,
) -> Result<Response, ApiError> {
    let head = service
        .blocking(|shared| match shared.store().verify_audit_head() {
            Ok(head) => Ok(head),
            Err(err @ crate::Error::AuditChainBroken { .. }) => Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::Other("audit_chain_broken".into()),
                err.to_string(),
            )),
            Err(other) => Err(ApiError::from(other)),
        })
        .await?;
    Ok(ok_json(&json!({
        "intact": true,
        "entries": head.entries,
        "head": b64::encode(head.head),
    })))
}

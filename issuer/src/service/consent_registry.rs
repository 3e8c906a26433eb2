//! The consent registry: holders register consent records and flip their status with their
//! own key (no account); recipients end one-time consents by reporting the use, and read the
//! consent status list (`GET /consent-status/1`, served by
//! [`publication`](super::publication) with the same `ETag`/304 treatment).
//!
//! | route | body (JSON) | answer |
//! |---|---|---|
//! | `POST /consents` | `{"record": <myna-consent+jwt>}` | 201 `{"consent_id", "receipt", "status"}` |
//! | `POST /consents/actions` | `{"action": <myna-consent-action+jwt>}` | `{"consent_id", "state"}` |
//! | `POST /consents/use` | `{"report": <myna-consent-use+jwt>}` | `{"consent_id", "state"}` |
//!
//! Each consent gets a random entry of the 2-bit consent status list (0 active, 1
//! withdrawn, 2 paused, 3 used). An action is verified with the key of the stored record and
//! must carry a `seq` above the last applied one; the check, the status change, the new `seq`
//! and the audit entry are one transaction. The registry keeps the record (the holder's own
//! signed statement, which names a recipient and a purpose but no personal data of the holder).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentId, ConsentReceipt, ConsentRecord, ConsentState,
    ConsentUseReport,
};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::jws::Jws;
use myna_vc_core::oid4vci::ErrorCode;
use myna_vc_core::status_list::{StatusIndex, StatusReference};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::http::{json_no_store, ApiError, JsonBody};
use super::{Service, Shared};
use crate::audit::{self, ActorRole, AuditAction, AuditSubject};
use crate::endpoint::state_table::{self, Namespace};
use crate::status_lists;
use crate::tables::{Backend, ReadTables, WriteTables};

pub(crate) fn routes() -> Router<Service> {
    Router::new()
        .route("/consents", post(register))
        .route("/consents/actions", post(act))
        .route("/consents/use", post(report_use))
}

/// A consent as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentRow {
    /// The holder-signed record (compact JWT).
    record: String,
    /// Its entry in the consent status list.
    idx: u64,
    /// The last applied action's `seq`.
    last_seq: Option<u64>,
}

fn load_row(tx: &dyn ReadTables, id: &ConsentId) -> crate::Result<Option<ConsentRow>> {
    state_table::get(tx, Namespace::Consent, id.as_bytes())?
        .map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|e| crate::Error::corrupt("consent row", e))
        })
        .transpose()
}

fn store_row(tx: &mut dyn WriteTables, id: &ConsentId, row: &ConsentRow) -> crate::Result<()> {
    let bytes = serde_json::to_vec(row).map_err(crate::Error::encode)?;
    state_table::put(tx, Namespace::Consent, id.as_bytes(), &bytes)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    record: String,
}

async fn register(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: RegisterRequest = body.parse("consent registration")?;
    let answer = service
        .blocking(move |shared| register_blocking(shared, &request.record))
        .await?;
    Ok(json_no_store(StatusCode::CREATED, answer.to_string()))
}

fn register_blocking(shared: &Shared, compact: &str) -> Result<Value, ApiError> {
    let now = shared.now();
    let record = ConsentRecord::verify(compact, default_provider())?;
    if record.terms().not_after.is_some_and(|end| end <= now) {
        return Err(ApiError::bad_request("the consent has already expired"));
    }
    let id = record.terms().id;
    let uri = shared.consent_list.clone();
    let index = shared.store().write(|tx| {
        if load_row(tx.as_read(), &id)?.is_some() {
            return Ok(None);
        }
        let index = status_lists::allocate(tx, &uri, 1)?
            .pop()
            .ok_or_else(|| crate::Error::invariant("no consent entry allocated"))?;
        let row = ConsentRow {
            record: compact.to_owned(),
            idx: index.get(),
            last_seq: None,
        };
        store_row(tx, &id, &row)?;
        let audited = AuditSubject::object("consent", &id.to_string());
        audit::append(
            tx,
            now,
            ActorRole::Holder,
            AuditAction::ConsentRegistered,
            audited,
        )?;
        Ok(Some(index))
    })?;
    let index = index.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::InvalidRequest,
            "a consent with this id is already registered",
        )
    })?;
    let status = StatusReference::new(index, uri);
    let receipt =
        ConsentReceipt::for_record(&record, status.clone(), now).sign(&*shared.endpoints.signer)?;
    Ok(json!({
        "consent_id": id.to_string(),
        "receipt": receipt,
        "status": status.to_status_claim(),
    }))
}

/// The `consent_id` claim of a compact JWT, unverified: it selects the stored record whose
/// key then verifies the JWT.
fn claimed_consent(compact: &str) -> Result<ConsentId, ApiError> {
    let claims = Jws::parse(compact)?.payload_object("consent message")?;
    let id = claims
        .get("consent_id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("the message names no consent_id"))?;
    Ok(ConsentId::parse(id)?)
}

fn unknown_consent() -> ApiError {
    ApiError::not_found("consent")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    action: String,
}

async fn act(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: ActionRequest = body.parse("consent action")?;
    let answer = service
        .blocking(move |shared| {
            let id = claimed_consent(&request.action)?;
            let record = stored_record(shared, &id)?;
            let action = ConsentActionRequest::verify(
                &request.action,
                default_provider(),
                record.holder_key(),
            )?;
            apply(shared, &id, &record, action.action, Some(action))
        })
        .await?;
    Ok(json_no_store(StatusCode::OK, answer.to_string()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UseRequest {
    report: String,
}

async fn report_use(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: UseRequest = body.parse("consent use report")?;
    let answer = service
        .blocking(move |shared| {
            let id = claimed_consent(&request.report)?;
            let record = stored_record(shared, &id)?;
            let report = ConsentUseReport::verify(
                &request.report,
                default_provider(),
                &record.terms().recipient,
            )?;
            if report.consent != id {
                return Err(ApiError::bad_request("the report names another consent"));
            }
            apply(shared, &id, &record, ConsentAction::Use, None)
        })
        .await?;
    Ok(json_no_store(StatusCode::OK, answer.to_string()))
}

fn stored_record(shared: &Shared, id: &ConsentId) -> Result<ConsentRecord, ApiError> {
    let row = shared
        .store()
        .read(|tx| load_row(tx, id))?
        .ok_or_else(unknown_consent)?;
    Ok(ConsentRecord::verify(&row.record, default_provider())?)
}

/// Applies `action` (with the holder's request for its `seq`) in one transaction.
fn apply(
    shared: &Shared,
    id: &ConsentId,
    record: &ConsentRecord,
    action: ConsentAction,
    request: Option<ConsentActionRequest>,
) -> Result<Value, ApiError> {
    if request.as_ref().is_some_and(|r| r.consent != *id) {
        return Err(ApiError::bad_request("the action names another consent"));
    }
    let now = shared.now();
    let uri = shared.consent_list.clone();
    let usage = record.terms().usage;
    let state = shared.store().write(|tx| {
        let mut row = load_row(tx.as_read(), id)?.ok_or(crate::Error::Invalid {
            what: "consent",
            detail: "not registered".into(),
        })?;
        if let Some(request) = &request {
            request.check_seq(row.last_seq)?;
            row.last_seq = Some(request.seq);
        }
        let reference = StatusReference::new(StatusIndex::new(row.idx), uri.clone());
        let current = ConsentState::from_status(status_lists::status(tx.as_read(), &reference)?)?;
        let next = current.apply(action, usage)?;
        status_lists::set_status(tx, &reference, next.to_status())?;
        store_row(tx, id, &row)?;
        let audited = AuditSubject::object("consent", &id.to_string());
        let actor = if request.is_some() {
            ActorRole::Holder
        } else {
            ActorRole::System
        };
        audit::append(tx, now, actor, AuditAction::ConsentChanged, audited)?;
        Ok(next)
    });
    let state = state.map_err(|err| match err {
        crate::Error::Core(
            core @ (myna_vc_core::Error::Consent(myna_vc_core::ConsentError::ActionReplayed {
                ..
            })
            | myna_vc_core::Error::Consent(myna_vc_core::ConsentError::Transition { .. })),
        ) => ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::InvalidRequest,
            core.to_string(),
        ),
        other => ApiError::from(other),
    })?;
    Ok(json!({"consent_id": id.to_string(), "state": state.as_str()}))
}

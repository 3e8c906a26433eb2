//! The consent registry: holders register consent records and flip their status with their
//! own key (no account); recipients end one-time consents by reporting the use, and read the
//! consent status list (`GET /consent-status/1`, served by
//! [`publication`](super::publication) with the same `ETag`/304 treatment).
//!
//! | route | body (JSON) | answer |
//! |---|---|---|
//! | `POST /consents` | `{"record": <myna-consent+jwt>, "holder_proof": <myna-consent-holder+jwt>}` | 201 `{"consent_id", "receipt", "status"}` |
//! | `POST /consents/actions` | `{"action": <myna-consent-action+jwt>}` | `{"consent_id", "state"}` |
//! | `POST /consents/use` | `{"report": <myna-consent-use+jwt>}` | `{"consent_id", "state"}` |
//!
//! The registry keeps the consents of its own holders only, so that strangers cannot fill the
//! consent status list: a registration carries a
//! [`ConsentHolderProof`] over the record, signed
//! by the key of a credential this issuer issued and that is still valid (the anchored key,
//! the key of a resident or age credential, …; [`Store::known_holder`]). Without one, or
//! signed by a key the issuer does not know, the answer is 403 `unknown_holder` and nothing is
//! written. The record itself stays signed by the holder's own key for this consent, which the
//! recipient sees; the proof is the registry's only. One holder (one person here) may have
//! [`MAX_ACTIVE_CONSENTS_PER_HOLDER`] consents active or paused at once; one more is 409
//! `consent_quota` (withdrawn and used ones do not count), and may register at most
//! [`MAX_CONSENTS_PER_HOLDER_EVER`] in all (also 409 `consent_quota`), because ended consents
//! keep their entry.
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
    ConsentAction, ConsentActionRequest, ConsentHolderProof, ConsentId, ConsentReceipt,
    ConsentRecord, ConsentState, ConsentUseReport,
};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::jws::Jws;
use myna_vc_core::oid4vci::ErrorCode;
use myna_vc_core::status_list::{StatusIndex, StatusListUri, StatusReference};
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::http::{json_no_store, ApiError, JsonBody};
use super::{Service, Shared};
use crate::audit::{self, ActorRole, AuditAction, AuditSubject};
use crate::endpoint::state_table::{self, Namespace};
use crate::record::SubjectHandle;
use crate::status_lists;
use crate::store::Store;
use crate::tables::{Backend, ReadTables, WriteTables};

/// The most consents one holder (one person at this issuer) may have active or paused at
/// once; withdrawn and used ones do not count. Past it a registration is 409
/// `consent_quota`.
pub const MAX_ACTIVE_CONSENTS_PER_HOLDER: usize = 64;

/// The most consents one holder may ever register here. A withdrawn or used consent keeps
/// its status-list entry for good (recipients must still see it ended), so without this a
/// holder looping register → withdraw would use the list up for everyone. Past it a
/// registration is 409 `consent_quota`.
pub const MAX_CONSENTS_PER_HOLDER_EVER: u64 = 1024;

/// The holder's routes (layered with CORS for a wallet web app, see [`Service::router`]).
pub(crate) fn holder_routes() -> Router<Service> {
    Router::new()
        .route("/consents", post(register))
        .route("/consents/actions", post(act))
}

/// The recipients' route: their servers report uses (no CORS).
pub(crate) fn recipient_routes() -> Router<Service> {
    Router::new().route("/consents/use", post(report_use))
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
    /// A [`ConsentHolderProof`] by a key this issuer knows; without one the holder is a
    /// stranger.
    #[serde(default)]
    holder_proof: Option<String>,
}

async fn register(State(service): State<Service>, body: JsonBody) -> Result<Response, ApiError> {
    let request: RegisterRequest = body.parse("consent registration")?;
    let answer = service
        .blocking(move |shared| register_blocking(shared, &request))
        .await?;
    Ok(json_no_store(StatusCode::CREATED, answer.to_string()))
}

/// 403 `unknown_holder`: the registry keeps consents of its own holders only.
fn unknown_holder(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Other("unknown_holder".into()),
        format!(
            "{why}: this registry keeps the consents of holders of its credentials only; send \
             `holder_proof`, signed by the key of a valid credential of this issuer (the \
             anchored key, for instance)"
        ),
    )
}

/// 409 `consent_quota`.
fn over_quota() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::Other("consent_quota".into()),
        format!(
            "this holder has {MAX_ACTIVE_CONSENTS_PER_HOLDER} active or paused consents, the \
             most one holder may have: withdraw one first"
        ),
    )
}

/// 409 `consent_quota`, for a holder who has registered as many consents as one may.
fn over_lifetime_quota() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::Other("consent_quota".into()),
        format!(
            "this holder has registered {MAX_CONSENTS_PER_HOLDER_EVER} consents here, the most \
             one holder may register: ask the registry's operator"
        ),
    )
}

/// How many consents `holder` has registered so far.
fn registered_ever(tx: &dyn ReadTables, holder: &SubjectHandle) -> crate::Result<u64> {
    let Some(bytes) = state_table::get(tx, Namespace::ConsentCount, holder.as_bytes())? else {
        return Ok(0);
    };
    <[u8; 8]>::try_from(bytes.as_slice())
        .map(u64::from_be_bytes)
        .map_err(|_| crate::Error::corrupt("consent count", "not 8 bytes"))
}

/// The person behind a registration: the subject of a valid credential of this issuer bound
/// to the key that signed the holder proof.
fn registering_holder(
    shared: &Shared,
    request: &RegisterRequest,
    record: &ConsentRecord,
    now: NumericDate,
) -> Result<SubjectHandle, ApiError> {
    let proof = request
        .holder_proof
        .as_deref()
        .ok_or_else(|| unknown_holder("the registration carries no holder proof"))?;
    let key = ConsentHolderProof::verify(
        proof,
        default_provider(),
        record,
        shared.endpoints.issuer_id().as_str(),
        now,
        shared.config.rules.nonce_lifetime_secs,
    )?;
    shared
        .store()
        .known_holder(&key.thumbprint(), now)?
        .ok_or_else(|| {
            unknown_holder("the holder proof's key is bound to no valid credential of this issuer")
        })
}

fn register_blocking(shared: &Shared, request: &RegisterRequest) -> Result<Value, ApiError> {
    let now = shared.now();
    let compact = request.record.as_str();
    let record = ConsentRecord::verify(compact, default_provider())?;
    if record.terms().not_after.is_some_and(|end| end <= now) {
        return Err(ApiError::bad_request("the consent has already expired"));
    }
    // Who registers is settled before anything is written: a stranger allocates no entry.
    let holder = registering_holder(shared, request, &record, now)?;
    let id = record.terms().id;
    let uri = shared.consent_list.clone();
    let index = shared.store().write(|tx| {
        if load_row(tx.as_read(), &id)?.is_some() {
            return Ok(Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::InvalidRequest,
                "a consent with this id is already registered",
            )));
        }
        if open_consents(tx, &holder, &uri)? >= MAX_ACTIVE_CONSENTS_PER_HOLDER {
            return Ok(Err(over_quota()));
        }
        let ever = registered_ever(tx.as_read(), &holder)?;
        if ever >= MAX_CONSENTS_PER_HOLDER_EVER {
            return Ok(Err(over_lifetime_quota()));
        }
        let count = (ever + 1).to_be_bytes();
        state_table::put(tx, Namespace::ConsentCount, holder.as_bytes(), &count)?;
        let index = status_lists::allocate(tx, &uri, 1)?
            .pop()
            .ok_or_else(|| crate::Error::invariant("no consent entry allocated"))?;
        let row = ConsentRow {
            record: compact.to_owned(),
            idx: index.get(),
            last_seq: None,
        };
        store_row(tx, &id, &row)?;
        state_table::put(tx, Namespace::ConsentHolder, &holder_key(&holder, &id), &[])?;
        let audited = AuditSubject::object("consent", &id.to_string());
        audit::append(
            tx,
            now,
            ActorRole::Holder,
            AuditAction::ConsentRegistered,
            audited,
        )?;
        Ok(Ok(index))
    })??;
    let status = StatusReference::new(index, uri);
    let receipt =
        ConsentReceipt::for_record(&record, status.clone(), now).sign(&*shared.endpoints.signer)?;
    Ok(json!({
        "consent_id": id.to_string(),
        "receipt": receipt,
        "status": status.to_status_claim(),
    }))
}

/// The row id of a holder's consent in [`Namespace::ConsentHolder`]: subject ‖ consent id.
/// The registry in numbers, for the staff console (`GET /admin/consents/summary`): per
/// recipient, how many consents are given (active), paused, withdrawn and used, and the
/// total. Counts only: no holder, no purpose, no consent id.
pub(crate) fn summary(shared: &Shared) -> Result<Value, ApiError> {
    let uri = shared.consent_list.clone();
    let counts = shared.store().read(|tx| {
        let mut counts: std::collections::BTreeMap<String, [u64; 4]> = Default::default();
        for (_, bytes) in state_table::scan(tx, Namespace::Consent)? {
            let row: ConsentRow = serde_json::from_slice(&bytes)
                .map_err(|e| crate::Error::corrupt("consent row", e))?;
            let record = ConsentRecord::verify(&row.record, default_provider())?;
            let reference = StatusReference::new(StatusIndex::new(row.idx), uri.clone());
            let state = ConsentState::from_status(status_lists::status(tx, &reference)?)?;
            let slot = match state {
                ConsentState::Active => 0,
                ConsentState::Paused => 1,
                ConsentState::Withdrawn => 2,
                ConsentState::Used => 3,
            };
            let recipient = record.terms().recipient.did().as_str().to_owned();
            if let Some(count) = counts.entry(recipient).or_default().get_mut(slot) {
                *count += 1;
            }
        }
        Ok(counts)
    })?;
    let mut total = 0u64;
    let recipients: Vec<Value> = counts
        .into_iter()
        .map(|(recipient, [given, paused, withdrawn, used])| {
            total += given + paused + withdrawn + used;
            json!({
                "recipient": recipient,
                "given": given,
                "paused": paused,
                "withdrawn": withdrawn,
                "used": used,
            })
        })
        .collect();
    Ok(json!({"recipients": recipients, "total": total}))
}

fn holder_key(holder: &SubjectHandle, id: &ConsentId) -> Vec<u8> {
    let mut key = holder.as_bytes().to_vec();
    key.extend_from_slice(id.as_bytes());
    key
}

/// How many of `holder`'s consents are active or paused; the entries of withdrawn and used
/// ones (final states) are dropped from the holder's index on the way, so it stays as small
/// as the quota.
fn open_consents(
    tx: &mut dyn WriteTables,
    holder: &SubjectHandle,
    uri: &StatusListUri,
) -> crate::Result<usize> {
    let prefix = holder.as_bytes();
    let mut open = 0;
    let mut ended = Vec::new();
    for (key, _) in state_table::scan_prefix(tx.as_read(), Namespace::ConsentHolder, prefix)? {
        let id = key
            .get(prefix.len()..)
            .and_then(|rest| <[u8; 16]>::try_from(rest).ok())
            .map(ConsentId::from_bytes)
            .ok_or_else(|| crate::Error::corrupt("consent holder index", "not subject ‖ id"))?;
        let state = match load_row(tx.as_read(), &id)? {
            Some(row) => {
                let reference = StatusReference::new(StatusIndex::new(row.idx), uri.clone());
                Some(ConsentState::from_status(status_lists::status(
                    tx.as_read(),
                    &reference,
                )?)?)
            }
            None => None,
        };
        match state {
            Some(ConsentState::Active | ConsentState::Paused) => open += 1,
            _ => ended.push(key),
        }
    }
    for key in ended {
        state_table::remove(tx, Namespace::ConsentHolder, &key)?;
    }
    Ok(open)
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

//! Consents in steps, for a caller that does the HTTP itself (the web app: JS sends, Rust
//! builds and checks): [`Wallet::prepare_consent`] signs the record and the holder proof and
//! gives the body to POST to the registry; [`Wallet::keep_consent`] checks the registry's
//! receipt and stores the consent. Withdraw / pause / resume go the same way
//! ([`Wallet::prepare_consent_change`], [`Wallet::apply_consent_change`]), and the state the
//! registry publishes (a one-time consent used by its recipient) is read back with
//! [`Wallet::check_consent_states`].
//!
//! The wire format is the issuer service's registry (`POST /consents` with
//! `{"record", "holder_proof"}`, answered by `{"consent_id", "receipt", "status"}`;
//! `POST /consents/actions` with `{"action"}`, answered by `{"consent_id", "state"}`).
//!
//! ```
//! use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
//! use myna_wallet::consent::{ConsentRegistry, ConsentRequest, MemoryRegistry};
//! use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey};
//! use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::{FixedClock, NumericDate}};
//! let now = NumericDate::from_unix(1_800_000_000);
//! let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
//! let registry_key = SecretKey::generate_p256()?;
//! let registry = MemoryRegistry::new(default_provider().signer(&registry_key)?,
//!     StatusListUri::new("https://city.example/consent-status/1")?, Box::new(FixedClock(now)))?;
//! let clinic = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
//! let pending = wallet.prepare_consent(ConsentRequest {
//!     recipient: Recipient::parse(clinic.did().as_str())?,
//!     purpose: Purpose::new("health consultation")?,
//!     vct: Vct::parse("urn:myna-vc:vct:age:1")?,
//!     claims: vec![ClaimPath::key("age_over_20")],
//!     not_before: now, not_after: None, usage: ConsentUse::Ongoing,
//! }, "https://city.example", now)?;
//! assert_eq!(pending.url(), "https://city.example/consents");
//! // (JS POSTs pending.body(); here the registry is called directly.)
//! let receipt = registry.register(&pending.record, pending.holder_proof.as_deref())?;
//! let kept = wallet.keep_consent(&pending, &receipt, &registry_key.public_key(), now)?;
//! assert_eq!(kept.state, "active");
//! let change = wallet.prepare_consent_change(&kept.id, ConsentAction::Pause, now)?;
//! assert_eq!(change.url(), "https://city.example/consents/actions");
//! registry.act(&ConsentId::parse(&kept.id)?, &change.request)?;
//! assert_eq!(wallet.apply_consent_change(&change, "paused", now)?.state, "paused");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentHolderProof, ConsentReceipt, ConsentRecord,
    ConsentState,
};
use myna_vc_core::crypto::{default_provider, PublicKey};
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::consent::{consent_key, stored_consent, ConsentRequest, StateName, StoredConsent};
use crate::credentials::ANCHOR_CONFIGURATION;
use crate::error::{Error, Result};
use crate::history::Event;
use crate::receipt::StatusSource;
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

/// A consent signed and ready to register, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingConsent {
    /// The consent id.
    pub id: String,
    /// The holder-signed record.
    pub record: String,
    /// The holder's proof that the registry knows them (`None`: the wallet holds no
    /// unexpired credential of the registry's issuer; the issuer service then refuses).
    pub holder_proof: Option<String>,
    /// The registry's base URL (its issuer id).
    pub registry: String,
}

impl PendingConsent {
    /// Where to POST [`body`](Self::body).
    pub fn url(&self) -> String {
        format!("{}/consents", self.registry.trim_end_matches('/'))
    }

    /// The JSON body of the registration.
    pub fn body(&self) -> Value {
        match &self.holder_proof {
            Some(proof) => json!({ "record": self.record, "holder_proof": proof }),
            None => json!({ "record": self.record }),
        }
    }
}

/// A withdraw / pause / resume signed and ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingConsentChange {
    /// The consent id.
    pub id: String,
    /// The action (`withdraw`, `pause`, `resume`).
    pub action: String,
    /// The holder-signed action request.
    pub request: String,
    /// The state the consent is in once the registry applied it.
    pub next_state: String,
    /// The registry's base URL.
    pub registry: String,
}

impl PendingConsentChange {
    /// Where to POST [`body`](Self::body).
    pub fn url(&self) -> String {
        format!("{}/consents/actions", self.registry.trim_end_matches('/'))
    }

    /// The JSON body of the action.
    pub fn body(&self) -> Value {
        json!({ "action": self.request })
    }
}

/// The registry's state of one consent, as read from its consent status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentStateSeen {
    /// The consent id.
    pub id: String,
    /// `active`, `withdrawn`, `paused` or `used`.
    pub state: String,
}

/// What [`Wallet::check_consent_states`] found (and recorded).
#[derive(Debug, Default)]
pub struct ConsentStateCheck {
    /// The consents whose state was read.
    pub checked: Vec<ConsentStateSeen>,
    /// The lists (or receipts) that could not be used, by status list URI.
    pub failed: Vec<(String, Error)>,
}

impl<S: WalletStore> Wallet<S> {
    /// Signs a consent for `request` and the holder proof for the registry at `registry`
    /// (the issuer id whose credential proves the holder: the anchor credential first). Stores
    /// nothing: [`keep_consent`](Self::keep_consent) does, with the registry's receipt.
    pub fn prepare_consent(
        &self,
        request: ConsentRequest,
        registry: &str,
        now: NumericDate,
    ) -> Result<PendingConsent> {
        let record = self.sign_consent(request, now)?;
        let mut credentials: Vec<_> = self
            .credentials_readable()?
            .items
            .into_iter()
            .filter(|c| !c.is_expired(now) && c.issuer == registry)
            .collect();
        credentials.sort_by_key(|c| c.configuration_id != ANCHOR_CONFIGURATION);
        let holder_proof = match credentials.first() {
            Some(credential) => {
                let signer = self.keys.signer(&credential.key)?;
                let proof = ConsentHolderProof::for_record(&record, &credential.issuer, now);
                Some(proof.sign(&*signer)?)
            }
            None => None,
        };
        Ok(PendingConsent {
            id: record.terms().id.to_string(),
            record: record.as_str().to_owned(),
            holder_proof,
            registry: registry.to_owned(),
        })
    }

    /// Checks the registry's `receipt` for `pending` (signed by `registry_key`, for exactly
    /// this record) and stores the consent with a history entry.
    pub fn keep_consent(
        &self,
        pending: &PendingConsent,
        receipt: &str,
        registry_key: &PublicKey,
        now: NumericDate,
    ) -> Result<StoredConsent> {
        let record = ConsentRecord::verify(&pending.record, default_provider())?;
        let checked = ConsentReceipt::verify(receipt, default_provider(), registry_key)?;
        checked.check_record(&record)?;
        if self
            .get::<StoredConsent>(Table::Consents, &pending.id)?
            .is_some()
        {
            return Err(Error::invalid("consent", "this consent is already kept"));
        }
        let stored = stored_consent(
            &record,
            receipt.to_owned(),
            &checked,
            Some(pending.registry.clone()),
            now,
        );
        self.store_given(&stored, now)?;
        Ok(stored)
    }

    /// Signs `action` on consent `id` for its registry. The action's `seq` is reserved in
    /// the wallet at once (the registry refuses a `seq` it has seen, so a request sent whose
    /// answer was lost must not be signed again with the same one); the state changes only
    /// with [`apply_consent_change`](Self::apply_consent_change).
    pub fn prepare_consent_change(
        &self,
        id: &str,
        action: ConsentAction,
        now: NumericDate,
    ) -> Result<PendingConsentChange> {
        let mut stored = self.stored_consent(id)?;
        let registry = stored.registry.clone().ok_or_else(|| {
            Error::invalid(
                "consent",
                "it was not registered in steps, so its registry is not known",
            )
        })?;
        let record = ConsentRecord::verify(&stored.record, default_provider())?;
        let next = ConsentState::parse_name(&stored.state)?.apply(action, record.terms().usage)?;
        let request = ConsentActionRequest {
            consent: record.terms().id,
            action,
            seq: stored.seq.saturating_add(1),
            iat: now,
        };
        let signer = self.keys.signer(&consent_key(&record.terms().recipient)?)?;
        let signed = request.sign(&*signer)?;
        stored.seq = request.seq;
        self.store
            .write(vec![self.put_op(Table::Consents, &stored.id, &stored)?])?;
        Ok(PendingConsentChange {
            id: stored.id,
            action: action.as_str().to_owned(),
            request: signed,
            next_state: next.as_str().to_owned(),
            registry,
        })
    }

    /// Records `pending` as applied, once the registry answered with `registry_state` (which
    /// must be the state the action leads to), with a history entry.
    pub fn apply_consent_change(
        &self,
        pending: &PendingConsentChange,
        registry_state: &str,
        now: NumericDate,
    ) -> Result<StoredConsent> {
        if registry_state != pending.next_state {
            return Err(Error::Remote {
                party: "consent registry",
                detail: format!(
                    "the registry says the consent is {}, not {}",
                    registry_state.chars().take(32).collect::<String>(),
                    pending.next_state
                ),
            });
        }
        let mut stored = self.stored_consent(&pending.id)?;
        stored.state = pending.next_state.clone();
        let mut ops = vec![self.put_op(Table::Consents, &stored.id, &stored)?];
        ops.extend(self.history_ops(
            now,
            Event::ConsentChanged {
                consent: stored.id.clone(),
                action: pending.action.clone(),
            },
        )?);
        self.store.write(ops)?;
        Ok(stored)
    }

    /// The consent status lists the stored consents' receipts name, each once.
    pub fn consent_status_uris(&self) -> Result<Vec<StatusListUri>> {
        let mut uris: Vec<String> = self
            .consents_readable()?
            .items
            .into_iter()
            .filter_map(|c| c.status_uri)
            .collect();
        uris.sort();
        uris.dedup();
        uris.into_iter()
            .map(|u| Ok(StatusListUri::new(u)?))
            .collect()
    }

    /// Reads each consent's state from the registry's consent status lists (`lists`,
    /// verified with `registry_key` at `now`) and records it with the time of the check —
    /// how the wallet learns that the recipient used a one-time consent.
    pub fn check_consent_states(
        &self,
        lists: &dyn StatusSource,
        registry_key: &PublicKey,
        now: NumericDate,
    ) -> Result<ConsentStateCheck> {
        let mut check = ConsentStateCheck::default();
        let mut ops = Vec::new();
        for mut stored in self.consents_readable()?.items {
            let state = ConsentReceipt::verify(&stored.receipt, default_provider(), registry_key)
                .map_err(Error::from)
                .and_then(|receipt| {
                    let list = lists.status_list(&receipt.status.uri, registry_key, now)?;
                    Ok(ConsentState::from_status(list.status_of(&receipt.status)?)?)
                });
            match state {
                Ok(state) => {
                    stored.state = state.as_str().to_owned();
                    stored.checked_at = Some(now.as_unix());
                    ops.push(self.put_op(Table::Consents, &stored.id, &stored)?);
                    check.checked.push(ConsentStateSeen {
                        id: stored.id,
                        state: stored.state,
                    });
                }
                Err(error) => {
                    let uri = stored.status_uri.unwrap_or_default();
                    if !check.failed.iter().any(|(u, _)| *u == uri) {
                        check.failed.push((uri, error));
                    }
                }
            }
        }
        if !ops.is_empty() {
            self.store.write(ops)?;
        }
        Ok(check)
    }

    fn stored_consent(&self, id: &str) -> Result<StoredConsent> {
        self.get(Table::Consents, id)?
            .ok_or_else(|| Error::NotFound {
                what: "consent",
                id: id.chars().take(32).collect(),
            })
    }
}

//! Dynamic opt-in from the wallet: consent records signed by the holder (vc-core
//! [`consent`](myna_vc_core::consent)), registered with a [`ConsentRegistry`], withdrawn,
//! paused and resumed at any time, and a view of which recipient holds which data since when.
//!
//! Each consent is signed with the holder's pairwise key for its recipient
//! ([`KeyLabel::verifier`]), so two recipients cannot link the holder through the consent key.
//! The registry keeps only the consents of holders it knows, so the registration also carries
//! a [`ConsentHolderProof`] over the record, signed by the key of an unexpired credential the
//! registry's key signed (the anchor credential first): the registry sees that key, the
//! recipient never does.
//! The registry answers a registration with a signed receipt naming the consent's entry in a
//! 2-bit status list; the recipient gets the record and the receipt, and reads the list before
//! each use ([`check_access`]).
//!
//! [`MemoryRegistry`] is a complete registry in memory (tests, demos);
//! `http::HttpRegistry` talks to the issuer service's (feature `http`).
//!
//! ```
//! use myna_wallet::consent::{ConsentRegistry, MemoryRegistry};
//! use myna_vc_core::{crypto::{default_provider, SecretKey}, status_list::StatusListUri};
//! use myna_vc_core::time::{FixedClock, NumericDate};
//! let key = SecretKey::generate_p256()?;
//! let registry = MemoryRegistry::new(default_provider().signer(&key)?,
//!     StatusListUri::new("https://city.example/consents/1")?,
//!     Box::new(FixedClock(NumericDate::from_unix(1_800_000_000))))?;
//! assert_eq!(registry.registry_key(), &key.public_key());
//! # Ok::<(), myna_wallet::Error>(())
//! ```

use std::collections::HashMap;
use std::sync::Mutex;

use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::consent::{
    ConsentAction, ConsentActionRequest, ConsentHolderProof, ConsentId, ConsentReceipt,
    ConsentRecord, ConsentState, ConsentTerms, ConsentUse, ConsentUseReport, Purpose, Recipient,
};
use myna_vc_core::crypto::{default_provider, fill_random, PublicKey, Signer};
use myna_vc_core::jwt::TimeRules;
use myna_vc_core::sdjwt::KeyBindingRule;
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, Vct};
use myna_vc_core::status_list::{
    StatusBits, StatusIndex, StatusList, StatusListToken, StatusListUri, StatusReference,
};
use myna_vc_core::time::{Clock, NumericDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::history::Event;
use crate::keys::{KeyLabel, VerifierId};
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

/// A consent registry, as the holder and the recipient use it. Every message is a compact
/// JWT signed by its author; the registry checks them.
pub trait ConsentRegistry {
    /// The registry's key (pinned by the wallet), which signs receipts and status lists.
    fn registry_key(&self) -> &PublicKey;
    /// Stores a holder-signed consent record, with the holder's proof that the registry knows
    /// them ([`ConsentHolderProof`], `None` when the wallet holds no credential of the
    /// registry's issuer); answers with the signed receipt.
    fn register(&self, record: &str, holder_proof: Option<&str>) -> Result<String>;
    /// Applies a holder-signed withdraw / pause / resume.
    fn act(&self, consent: &ConsentId, request: &str) -> Result<()>;
    /// Takes the recipient's signed report that it used a one-time consent.
    fn report_use(&self, consent: &ConsentId, report: &str) -> Result<()>;
    /// The signed consent status list at `uri` (a `statuslist+jwt`).
    fn status_list(&self, uri: &StatusListUri) -> Result<String>;
}

/// What the holder agrees to (the id, holder key and signature are the wallet's part).
#[derive(Debug, Clone)]
pub struct ConsentRequest {
    /// Who receives the data (did:key or did:jwk).
    pub recipient: Recipient,
    /// Why.
    pub purpose: Purpose,
    /// From which credential type.
    pub vct: Vct,
    /// Which claims.
    pub claims: Vec<ClaimPath>,
    /// From when.
    pub not_before: NumericDate,
    /// Until when (`None`: until withdrawn).
    pub not_after: Option<NumericDate>,
    /// Once or ongoing.
    pub usage: ConsentUse,
}

/// A consent as the wallet keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConsent {
    /// The consent id.
    pub id: String,
    /// The holder-signed record (hand it to the recipient with the receipt).
    pub record: String,
    /// The registry's receipt.
    pub receipt: String,
    /// The recipient's DID.
    pub recipient: String,
    /// The purpose.
    pub purpose: String,
    /// The credential type.
    pub vct: String,
    /// The claims covered (JSON path arrays as text).
    pub claims: Vec<String>,
    /// Start of the period (Unix seconds).
    pub not_before: i64,
    /// End of the period, if any.
    pub not_after: Option<i64>,
    /// `one_time` or `ongoing`.
    pub usage: String,
    /// When it was given.
    pub given_at: i64,
    /// The state the holder last set: `active`, `paused` or `withdrawn`.
    pub state: String,
    /// The last action `seq` sent.
    pub seq: u64,
    /// The registry's base URL (its issuer id), when the wallet registered it in steps
    /// ([`Wallet::prepare_consent`]); the actions go there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The consent status list the receipt names (where the registry publishes the state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_uri: Option<String>,
    /// When the state was last read from the registry's status list (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<i64>,
}

/// One line of "who holds what since when".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentHolding {
    /// The consent id.
    pub consent: String,
    /// The recipient's DID.
    pub recipient: String,
    /// The credential type.
    pub vct: String,
    /// The claims.
    pub claims: Vec<String>,
    /// Since when the recipient may hold them.
    pub since: NumericDate,
    /// Until when, if bounded.
    pub until: Option<NumericDate>,
    /// The state the holder set.
    pub state: String,
    /// Once or ongoing.
    pub usage: String,
}

impl<S: WalletStore> Wallet<S> {
    /// Signs a consent for `request` with the pairwise key for its recipient, registers it,
    /// checks the receipt and stores both.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// use myna_wallet::consent::{check_access, ConsentRegistry, ConsentRequest, MemoryRegistry};
    /// use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey};
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::FixedClock};
    /// let registry_key = SecretKey::generate_p256()?;
    /// let registry = MemoryRegistry::new(default_provider().signer(&registry_key)?,
    ///     StatusListUri::new("https://city.example/consents/1")?, Box::new(FixedClock(now)))?;
    /// let clinic = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    /// let consent = wallet.give_consent(&registry, ConsentRequest {
    ///     recipient: Recipient::parse(clinic.did().as_str())?,
    ///     purpose: Purpose::new("health consultation")?,
    ///     vct: Vct::parse("urn:myna-vc:vct:age:1")?,
    ///     claims: vec![ClaimPath::key("age_over_20")],
    ///     not_before: now, not_after: None, usage: ConsentUse::Ongoing,
    /// }, now)?;
    /// let list = |r: &MemoryRegistry| r.status_list(&StatusListUri::new("https://city.example/consents/1")?);
    /// // The recipient checks before each use.
    /// check_access(&consent.record, &consent.receipt, &registry_key.public_key(), &list(&registry)?, now)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn give_consent(
        &self,
        registry: &dyn ConsentRegistry,
        request: ConsentRequest,
        now: NumericDate,
    ) -> Result<StoredConsent> {
        let record = self.sign_consent(request, now)?;
        let proof = self.holder_proof(registry, &record, now)?;
        let receipt = registry.register(record.as_str(), proof.as_deref())?;
        let checked =
            ConsentReceipt::verify(&receipt, default_provider(), registry.registry_key())?;
        checked.check_record(&record)?;
        let stored = stored_consent(&record, receipt, &checked, None, now);
        self.store_given(&stored, now)?;
        Ok(stored)
    }

    /// The record for `request`, with a fresh id, signed with the pairwise key for its
    /// recipient.
    pub(crate) fn sign_consent(
        &self,
        request: ConsentRequest,
        now: NumericDate,
    ) -> Result<ConsentRecord> {
        let terms = ConsentTerms {
            id: ConsentId::random()?,
            recipient: request.recipient,
            purpose: request.purpose,
            vct: request.vct,
            claims: request.claims,
            not_before: request.not_before,
            not_after: request.not_after,
            usage: request.usage,
        };
        let signer = self.keys.signer(&consent_key(&terms.recipient)?)?;
        Ok(ConsentRecord::sign(terms, &*signer, now)?)
    }

    /// Writes a consent just given, with its history entry.
    pub(crate) fn store_given(&self, stored: &StoredConsent, now: NumericDate) -> Result<()> {
        let mut ops = vec![self.put_op(Table::Consents, &stored.id, stored)?];
        ops.extend(self.history_ops(
            now,
            Event::ConsentGiven {
                consent: stored.id.clone(),
                recipient: stored.recipient.clone(),
                purpose: stored.purpose.clone(),
                claims: stored.claims.clone(),
            },
        )?);
        self.store.write(ops)
    }

    /// The proof for registering `record` at `registry`: signed by the key of an unexpired
    /// credential that the registry's key signed — the anchor credential first, the key the
    /// issuer knows longest — for the audience of that credential's issuer. `None` when the
    /// wallet holds no such credential (a registry that checks its holders then refuses).
    fn holder_proof(
        &self,
        registry: &dyn ConsentRegistry,
        record: &ConsentRecord,
        now: NumericDate,
    ) -> Result<Option<String>> {
        let mut credentials: Vec<_> = self
            .credentials()?
            .into_iter()
            .filter(|c| !c.is_expired(now))
            .collect();
        credentials.sort_by_key(|c| c.configuration_id != crate::credentials::ANCHOR_CONFIGURATION);
        let options = VcVerifyOptions::at(now, KeyBindingRule::Optional);
        let registry_key = registry.registry_key();
        let Some(credential) = credentials.iter().find(|c| {
            sdjwt_vc::verify(&c.sd_jwt, default_provider(), registry_key, &options).is_ok()
        }) else {
            return Ok(None);
        };
        let signer = self.keys.signer(&credential.key)?;
        let proof = ConsentHolderProof::for_record(record, &credential.issuer, now);
        Ok(Some(proof.sign(&*signer)?))
    }

    /// Withdraws, pauses or resumes consent `id` at the registry, then records it.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::time::NumericDate;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// use myna_wallet::consent::{check_access, ConsentRegistry, ConsentRequest, MemoryRegistry};
    /// use myna_vc_core::{claim_path::ClaimPath, consent::*, crypto::*, did::DidKey};
    /// use myna_vc_core::{sdjwt_vc::Vct, status_list::StatusListUri, time::FixedClock};
    /// let registry_key = SecretKey::generate_p256()?;
    /// let registry = MemoryRegistry::new(default_provider().signer(&registry_key)?,
    ///     StatusListUri::new("https://city.example/consents/1")?, Box::new(FixedClock(now)))?;
    /// let clinic = DidKey::from_public_key(&SecretKey::generate_p256()?.public_key())?;
    /// let consent = wallet.give_consent(&registry, ConsentRequest {
    ///     recipient: Recipient::parse(clinic.did().as_str())?,
    ///     purpose: Purpose::new("health consultation")?,
    ///     vct: Vct::parse("urn:myna-vc:vct:age:1")?,
    ///     claims: vec![ClaimPath::key("age_over_20")],
    ///     not_before: now, not_after: None, usage: ConsentUse::Ongoing,
    /// }, now)?;
    /// let list = |r: &MemoryRegistry| r.status_list(&StatusListUri::new("https://city.example/consents/1")?);
    /// wallet.change_consent(&registry, &consent.id, ConsentAction::Withdraw, now)?;
    /// let seen = check_access(&consent.record, &consent.receipt, &registry_key.public_key(),
    ///     &list(&registry)?, now);
    /// assert!(matches!(seen, Err(myna_wallet::Error::Core(myna_vc_core::Error::Consent(myna_vc_core::ConsentError::Withdrawn)))));
    /// assert_eq!(wallet.consent_holdings()?[0].state, "withdrawn");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn change_consent(
        &self,
        registry: &dyn ConsentRegistry,
        id: &str,
        action: ConsentAction,
        now: NumericDate,
    ) -> Result<StoredConsent> {
        let mut stored: StoredConsent =
            self.get(Table::Consents, id)?
                .ok_or_else(|| Error::NotFound {
                    what: "consent",
                    id: id.chars().take(32).collect(),
                })?;
        let record = ConsentRecord::verify(&stored.record, default_provider())?;
        let state = ConsentState::parse_name(&stored.state)?;
        let next = state.apply(action, record.terms().usage)?;
        let request = ConsentActionRequest {
            consent: record.terms().id,
            action,
            seq: stored.seq.saturating_add(1),
            iat: now,
        };
        let signer = self.keys.signer(&consent_key(&record.terms().recipient)?)?;
        registry.act(&record.terms().id, &request.sign(&*signer)?)?;
        stored.seq = request.seq;
        stored.state = next.as_str().to_owned();
        let mut ops = vec![self.put_op(Table::Consents, &stored.id, &stored)?];
        ops.extend(self.history_ops(
            now,
            Event::ConsentChanged {
                consent: stored.id.clone(),
                action: action.as_str().to_owned(),
            },
        )?);
        self.store.write(ops)?;
        Ok(stored)
    }

    /// Every consent given (see [`give_consent`](Self::give_consent) for an example).
    pub fn consents(&self) -> Result<Vec<StoredConsent>> {
        self.all(Table::Consents)
    }

    /// Which recipient holds (or may receive) which data, since when — withdrawn consents
    /// included, with their state (see [`change_consent`](Self::change_consent) for an
    /// example).
    pub fn consent_holdings(&self) -> Result<Vec<ConsentHolding>> {
        let mut holdings: Vec<ConsentHolding> = self
            .consents()?
            .into_iter()
            .map(|c| ConsentHolding {
                consent: c.id,
                recipient: c.recipient,
                vct: c.vct,
                claims: c.claims,
                since: NumericDate::from_unix(c.not_before),
                until: c.not_after.map(NumericDate::from_unix),
                state: c.state,
                usage: c.usage,
            })
            .collect();
        holdings.sort_by(|a, b| (a.since, &a.recipient).cmp(&(b.since, &b.recipient)));
        Ok(holdings)
    }
}

/// The consent as the wallet keeps it, from the record and the registry's checked receipt.
pub(crate) fn stored_consent(
    record: &ConsentRecord,
    receipt: String,
    checked: &ConsentReceipt,
    registry: Option<String>,
    now: NumericDate,
) -> StoredConsent {
    let terms = record.terms();
    StoredConsent {
        id: terms.id.to_string(),
        record: record.as_str().to_owned(),
        receipt,
        recipient: terms.recipient.did().as_str().to_owned(),
        purpose: terms.purpose.as_str().to_owned(),
        vct: terms.vct.as_str().to_owned(),
        claims: terms.claims.iter().map(ToString::to_string).collect(),
        not_before: terms.not_before.as_unix(),
        not_after: terms.not_after.map(NumericDate::as_unix),
        usage: terms.usage.as_str().to_owned(),
        given_at: now.as_unix(),
        state: ConsentState::Active.as_str().to_owned(),
        seq: 0,
        registry,
        status_uri: Some(checked.status.uri.as_str().to_owned()),
        checked_at: None,
    }
}

/// The pairwise key label for a consent's recipient.
pub(crate) fn consent_key(recipient: &Recipient) -> Result<KeyLabel> {
    Ok(KeyLabel::verifier(&VerifierId::new(
        recipient.did().as_str(),
    )?))
}

/// A consent state by its name (the wallet stores the names vc-core gives).
pub(crate) trait StateName: Sized {
    fn parse_name(name: &str) -> Result<Self>;
}

impl StateName for ConsentState {
    fn parse_name(name: &str) -> Result<Self> {
        [
            ConsentState::Active,
            ConsentState::Withdrawn,
            ConsentState::Paused,
            ConsentState::Used,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
        .ok_or_else(|| Error::corrupt("consent", "unknown state"))
    }
}

/// The recipient's check before each use: the record verifies, the receipt is the registry's
/// and is for this record, and the consent is active and inside its period according to the
/// registry's status list `status_token` at `now`. Example: [`Wallet::give_consent`].
pub fn check_access(
    record: &str,
    receipt: &str,
    registry_key: &PublicKey,
    status_token: &str,
    now: NumericDate,
) -> Result<ConsentRecord> {
    let provider = default_provider();
    let record = ConsentRecord::verify(record, provider)?;
    let receipt = ConsentReceipt::verify(receipt, provider, registry_key)?;
    receipt.check_record(&record)?;
    let list = StatusListToken::verify(
        status_token,
        provider,
        registry_key,
        &TimeRules::at(now),
        &receipt.status.uri,
    )?;
    let state = ConsentState::from_status(list.status_of(&receipt.status)?)?;
    record.check_usable(state, now)?;
    Ok(record)
}

/// The consent registry in memory: a 2-bit status list with random entries, the records and
/// the last action `seq` of each.
pub struct MemoryRegistry {
    signer: Box<dyn Signer>,
    key: PublicKey,
    uri: StatusListUri,
    clock: Box<dyn Clock>,
    state: Mutex<RegistryState>,
}

struct RegistryState {
    list: StatusList,
    entries: HashMap<ConsentId, Entry>,
}

struct Entry {
    record: ConsentRecord,
    index: StatusIndex,
    last_seq: Option<u64>,
    state: ConsentState,
}

/// Entries in the registry's list (random positions among them, for herd privacy).
const REGISTRY_CAPACITY: usize = 4096;

impl core::fmt::Debug for MemoryRegistry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryRegistry")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

impl MemoryRegistry {
    /// A registry signing with `signer`, publishing its list at `uri`, telling time by `clock`.
    pub fn new(signer: Box<dyn Signer>, uri: StatusListUri, clock: Box<dyn Clock>) -> Result<Self> {
        let key = signer.public_key();
        Ok(MemoryRegistry {
            signer,
            key,
            uri,
            clock,
            state: Mutex::new(RegistryState {
                list: StatusList::new(StatusBits::Two, REGISTRY_CAPACITY)?,
                entries: HashMap::new(),
            }),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, RegistryState>> {
        self.state.lock().map_err(|_| Error::Poisoned {
            what: "the consent registry",
        })
    }

    fn free_index(state: &RegistryState) -> Result<StatusIndex> {
        if state.entries.len() >= REGISTRY_CAPACITY {
            return Err(registry_error("the status list is full"));
        }
        loop {
            let mut bytes = [0u8; 8];
            fill_random(&mut bytes)?;
            let capacity = u64::try_from(REGISTRY_CAPACITY).unwrap_or(u64::MAX);
            let index = StatusIndex::new(u64::from_be_bytes(bytes) % capacity);
            if !state.entries.values().any(|e| e.index == index) {
                return Ok(index);
            }
        }
    }

    fn apply(&self, consent: &ConsentId, action: ConsentAction, seq: Option<u64>) -> Result<()> {
        let mut state = self.lock()?;
        let RegistryState { list, entries } = &mut *state;
        let entry = entries
            .get_mut(consent)
            .ok_or_else(|| registry_error("unknown consent"))?;
        let next = entry.state.apply(action, entry.record.terms().usage)?;
        list.set(entry.index, next.to_status())?;
        entry.state = next;
        if seq.is_some() {
            entry.last_seq = seq;
        }
        Ok(())
    }
}

/// A [`MemoryRegistry`]'s state, to keep it between runs (the command line's demo registry).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RegistrySnapshot {
    entries: Vec<SnapshotEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SnapshotEntry {
    record: String,
    index: u64,
    last_seq: Option<u64>,
    state: String,
}

impl MemoryRegistry {
    /// The registry's state (records, entries, last `seq`s, states).
    pub fn snapshot(&self) -> Result<RegistrySnapshot> {
        let state = self.lock()?;
        Ok(RegistrySnapshot {
            entries: state
                .entries
                .values()
                .map(|e| SnapshotEntry {
                    record: e.record.as_str().to_owned(),
                    index: e.index.get(),
                    last_seq: e.last_seq,
                    state: e.state.as_str().to_owned(),
                })
                .collect(),
        })
    }

    /// A registry restored from `snapshot` (each record is verified again).
    pub fn restore(
        signer: Box<dyn Signer>,
        uri: StatusListUri,
        clock: Box<dyn Clock>,
        snapshot: &RegistrySnapshot,
    ) -> Result<Self> {
        let registry = Self::new(signer, uri, clock)?;
        {
            let mut state = registry.lock()?;
            for saved in &snapshot.entries {
                let record = ConsentRecord::verify(&saved.record, default_provider())?;
                let index = StatusIndex::new(saved.index);
                let consent_state = ConsentState::parse_name(&saved.state)?;
                state.list.set(index, consent_state.to_status())?;
                state.entries.insert(
                    record.terms().id,
                    Entry {
                        record,
                        index,
                        last_seq: saved.last_seq,
                        state: consent_state,
                    },
                );
            }
        }
        Ok(registry)
    }
}

fn registry_error(detail: &str) -> Error {
    Error::Remote {
        party: "consent registry",
        detail: detail.to_owned(),
    }
}

impl ConsentRegistry for MemoryRegistry {
    fn registry_key(&self) -> &PublicKey {
        &self.key
    }

    /// Registers any well-signed record: this stand-in keeps no list of holders, so it does
    /// not look at `holder_proof` (the issuer service's registry does, and refuses strangers).
    fn register(&self, record: &str, _holder_proof: Option<&str>) -> Result<String> {
        let record = ConsentRecord::verify(record, default_provider())?;
        let mut state = self.lock()?;
        if state.entries.contains_key(&record.terms().id) {
            return Err(registry_error("this consent id is already registered"));
        }
        let index = Self::free_index(&state)?;
        state.list.set(index, ConsentState::Active.to_status())?;
        let receipt = ConsentReceipt::for_record(
            &record,
            StatusReference::new(index, self.uri.clone()),
            self.clock.now(),
        )
        .sign(&*self.signer)?;
        state.entries.insert(
            record.terms().id,
            Entry {
                record,
                index,
                last_seq: None,
                state: ConsentState::Active,
            },
        );
        Ok(receipt)
    }

    fn act(&self, consent: &ConsentId, request: &str) -> Result<()> {
        let (holder, last) = {
            let state = self.lock()?;
            let entry = state
                .entries
                .get(consent)
                .ok_or_else(|| registry_error("unknown consent"))?;
            (entry.record.holder_key().clone(), entry.last_seq)
        };
        let request = ConsentActionRequest::verify(request, default_provider(), &holder)?;
        if &request.consent != consent {
            return Err(registry_error("the request names another consent"));
        }
        request.check_seq(last)?;
        self.apply(consent, request.action, Some(request.seq))
    }

    fn report_use(&self, consent: &ConsentId, report: &str) -> Result<()> {
        let recipient = {
            let state = self.lock()?;
            let entry = state
                .entries
                .get(consent)
                .ok_or_else(|| registry_error("unknown consent"))?;
            entry.record.terms().recipient.clone()
        };
        let report = ConsentUseReport::verify(report, default_provider(), &recipient)?;
        if &report.consent != consent {
            return Err(registry_error("the report names another consent"));
        }
        self.apply(consent, ConsentAction::Use, None)
    }

    fn status_list(&self, uri: &StatusListUri) -> Result<String> {
        if uri != &self.uri {
            return Err(registry_error("no such status list"));
        }
        let list = self.lock()?.list.clone();
        Ok(
            StatusListToken::new(self.uri.clone(), self.clock.now(), list)
                .sign(&*self.signer, None)?,
        )
    }
}

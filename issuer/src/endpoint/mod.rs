//! The issuer's protocol endpoints without HTTP (sans-I/O): OpenID4VCI offers, token, nonce
//! and credential, card anchoring (challenge and anchor), self-service pseudonym and refresh
//! offers. A typed request and the time go in; a typed response or an [`EndpointError`]
//! (an OAuth / OpenID4VCI [`ErrorCode`] with a description) comes out. There is no async
//! runtime and no HTTP here: the `service` feature's axum routes are a thin adapter over
//! [`Endpoints`], and a wallet's tests or a demo call it in-process.
//!
//! One module per endpoint concept:
//!
//! * [`offer`]: the facts an offer carries, operator offers (at the desk or by letter),
//!   pruning;
//! * [`plausibility`]: the rules offered facts meet when the offer is made;
//! * [`token`]: the token endpoint (pre-authorized code → access token) and the claim of a
//!   configuration by the credential endpoint;
//! * [`nonce`]: the nonce endpoint;
//! * [`anchoring`]: the anchoring challenge and the anchoring itself (with the card's facts);
//! * [`binding`]: holder keys bound to one person at this issuer;
//! * [`credential`]: the credential endpoint (key proofs, issuance per configuration);
//! * [`pseudonym_offer`]: self-service offers of a context pseudonym;
//! * [`refresh`]: self-service refresh of stale age credentials;
//! * [`self_service`]: the codes and tokens of self-service offers, which carry their
//!   entitlement instead of naming a row;
//! * [`metadata`]: the Credential Issuer Metadata document;
//! * [`rules`]: lifetimes and sizes.
//!
//! ```
//! use myna_issuer::endpoint::{Endpoints, Setup};
//! use myna_issuer::store::MemoryStore;
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::municipality::Municipality;
//! use myna_vc_core::oid4vci::IssuerId;
//! use myna_vc_core::time::NumericDate;
//! let key = SecretKey::generate_p256()?;
//! let maebashi = Municipality::new("102016".parse()?, "群馬県", "前橋市")?;
//! let setup = Setup::new(MemoryStore::new(), default_provider().signer(&key)?,
//!     IssuerId::new("https://city.maebashi.example")?, Some(maebashi))?;
//! let city = Endpoints::new(setup)?;
//! let now = NumericDate::from_unix(1_800_000_000);
//! let nonce = city.nonce(now)?;
//! assert!(!nonce.c_nonce.as_str().is_empty());
//! assert_eq!(city.metadata().credential_issuer.as_str(), "https://city.maebashi.example");
//! // Anchoring needs JPKI roots (`Setup::jpki`): without them it is temporarily unavailable.
//! let err = city.anchor_challenge(now).unwrap_err();
//! assert_eq!(err.code().code(), "temporarily_unavailable");
//! // …and the answer says how the operator configures them.
//! assert!(err.description().contains("--jpki-test-ca DIR"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod anchoring;
pub mod binding;
pub mod credential;
mod error;
pub mod metadata;
pub mod nonce;
pub mod offer;
pub mod plausibility;
pub mod pseudonym_offer;
pub mod refresh;
pub mod rules;
pub mod self_service;
pub(crate) mod state_table;
pub mod token;

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use myna_jpki::crl::Crl;
use myna_jpki::linking::LinkingInformation;
use myna_jpki::validate::Validator;
use myna_vc_core::crypto::{PublicKey, Signer};
use myna_vc_core::municipality::Municipality;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::sdjwt_vc::CredentialType;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::NumericDate;

pub use self::error::{EndpointError, ErrorCode, Refusal};
pub use self::rules::Rules;
use crate::challenge::ChallengeKey;
use crate::credential_types::{declaration, Kind};
use crate::escrow::EscrowPolicy;
use crate::issuance::{CredentialIssuer, IssuerProfile};
use crate::lapse::lapse_due;
use crate::pseudonym::PseudonymKey;
use crate::publication::{publish, PublishOptions};
use crate::store::Store;

/// Card anchoring's trust setup: the JPKI validator (pinned roots) and J-LIS linking
/// information (which signature certificate belongs to which authentication certificate).
pub struct JpkiSetup {
    /// Validates card certificates against the pinned roots.
    pub validator: Validator,
    /// Links signature certificates to authentication certificates and successors.
    pub linking: Arc<dyn LinkingInformation + Send + Sync>,
}

/// Everything an issuer's endpoints are built from. [`Setup::new`] fills in defaults; the
/// fields are public so a caller changes what it needs.
pub struct Setup<S: Store> {
    /// The issuer's store (records, status lists, challenges, offers and tokens).
    pub store: S,
    /// The issuer's signing key (credentials, status lists).
    pub signer: Box<dyn Signer>,
    /// The credential issuer identifier (`iss` of every credential).
    pub issuer_id: IssuerId,
    /// The display name in the metadata.
    pub name: String,
    /// The municipality; `None` for a non-municipal operator.
    pub municipality: Option<Municipality>,
    /// The credential configurations offered, as `(id, kind)` (see
    /// [`offer::CONFIGURATIONS`]).
    pub offered: Vec<(&'static str, Kind)>,
    /// Lifetimes and sizes.
    pub rules: Rules,
    /// The credential status list (created with `rules.status_list_capacity` if missing).
    pub status_list: StatusListUri,
    /// The due-process escrow; without it context pseudonyms are refused.
    pub escrow: Option<EscrowPolicy>,
    /// The key context pseudonyms are derived with.
    pub pseudonym_key: PseudonymKey,
    /// The MAC key of `c_nonce`s and anchoring challenges, which are stateless
    /// ([`crate::challenge`]).
    pub challenge_key: ChallengeKey,
    /// Contexts in which holders may ask for their own pseudonym.
    pub pseudonym_contexts: Vec<String>,
    /// JPKI roots and linking; without them anchoring is `temporarily_unavailable`.
    pub jpki: Option<JpkiSetup>,
    /// The CRLs anchoring checks certificates against.
    pub crls: Vec<Crl>,
}

impl<S: Store> Setup<S> {
    /// A setup with defaults: the name is the municipality's (or the identifier), every
    /// configuration the issuer may offer is offered (a non-municipal operator: those that
    /// need no municipality), the default [`Rules`], the status list `{issuer_id}/status/1`,
    /// a fresh pseudonym key and challenge key, no escrow, no pseudonym contexts, no JPKI.
    pub fn new(
        store: S,
        signer: Box<dyn Signer>,
        issuer_id: IssuerId,
        municipality: Option<Municipality>,
    ) -> crate::Result<Self> {
        let status_list = StatusListUri::new(format!("{}/status/1", issuer_id.as_str()))?;
        let offered = offer::CONFIGURATIONS
            .iter()
            .filter(|(_, kind)| municipality.is_some() || kind.municipal_only().is_none())
            .copied()
            .collect();
        Ok(Setup {
            store,
            signer,
            name: municipality
                .as_ref()
                .map_or_else(|| issuer_id.as_str().to_owned(), ToString::to_string),
            issuer_id,
            municipality,
            offered,
            rules: Rules::default(),
            status_list,
            escrow: None,
            pseudonym_key: PseudonymKey::generate()?,
            challenge_key: ChallengeKey::generate()?,
            pseudonym_contexts: Vec::new(),
            jpki: None,
            crls: Vec::new(),
        })
    }
}

/// One issuer's endpoints over its store and keys. Every method takes the time it runs at;
/// none blocks on anything but the store. `Send + Sync` when the store is, so a server calls
/// it from its blocking pool.
pub struct Endpoints<S: Store> {
    pub(crate) store: S,
    pub(crate) signer: Box<dyn Signer>,
    pub(crate) issuer_public: PublicKey,
    pub(crate) issuer_id: IssuerId,
    pub(crate) name: String,
    pub(crate) municipality: Option<Municipality>,
    pub(crate) offered: Vec<(&'static str, Kind)>,
    pub(crate) rules: Rules,
    pub(crate) status_list: StatusListUri,
    pub(crate) escrow: Option<EscrowPolicy>,
    pub(crate) pseudonym_key: PseudonymKey,
    pub(crate) challenge_key: ChallengeKey,
    pub(crate) pseudonym_contexts: Vec<String>,
    pub(crate) jpki: Option<JpkiSetup>,
    crls: RwLock<Vec<Crl>>,
    types: HashMap<Kind, CredentialType>,
}

impl<S: Store> core::fmt::Debug for Endpoints<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Endpoints")
            .field("issuer", &self.issuer_id.as_str())
            .finish_non_exhaustive()
    }
}

impl<S: Store> Endpoints<S> {
    /// The endpoints of `setup`: loads the credential type declarations and creates the
    /// status list if the store has none yet.
    pub fn new(setup: Setup<S>) -> crate::Result<Self> {
        let Setup {
            store,
            signer,
            issuer_id,
            name,
            municipality,
            offered,
            rules,
            status_list,
            escrow,
            pseudonym_key,
            challenge_key,
            pseudonym_contexts,
            jpki,
            crls,
        } = setup;
        let capacity = usize::try_from(rules.status_list_capacity).unwrap_or(usize::MAX);
        store.ensure_status_list(&status_list, capacity)?;
        let types = Kind::ALL
            .iter()
            .map(|kind| Ok((*kind, declaration(*kind)?)))
            .collect::<crate::Result<_>>()?;
        Ok(Endpoints {
            issuer_public: signer.public_key(),
            store,
            signer,
            issuer_id,
            name,
            municipality,
            offered,
            rules,
            status_list,
            escrow,
            pseudonym_key,
            challenge_key,
            pseudonym_contexts,
            jpki,
            crls: RwLock::new(crls),
            types,
        })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The credential issuer identifier.
    pub fn issuer_id(&self) -> &IssuerId {
        &self.issuer_id
    }

    /// The issuer's public signing key.
    pub fn issuer_key(&self) -> &PublicKey {
        &self.issuer_public
    }

    /// The credential status list's URI.
    pub fn status_list(&self) -> &StatusListUri {
        &self.status_list
    }

    /// The configured municipality.
    pub fn municipality(&self) -> Option<&Municipality> {
        self.municipality.as_ref()
    }

    /// The rules.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The JPKI setup, if anchoring is configured.
    pub fn jpki(&self) -> Option<&JpkiSetup> {
        self.jpki.as_ref()
    }

    /// Whether the configuration offers the credential configuration `id`.
    pub fn offers(&self, id: &str) -> bool {
        self.offered.iter().any(|(known, _)| *known == id)
    }

    /// The `kid` of the issuer key: its RFC 7638 thumbprint.
    pub fn kid(&self) -> String {
        self.issuer_public.thumbprint().to_string()
    }

    /// The CRLs anchoring checks against.
    pub(crate) fn crls(&self) -> Result<RwLockReadGuard<'_, Vec<Crl>>, EndpointError> {
        self.crls
            .read()
            .map_err(|_| EndpointError::internal(poisoned()))
    }

    /// Replaces the CRL of `crl`'s certificate type (after an import).
    pub fn replace_crl(&self, crl: Crl) -> Result<(), EndpointError> {
        let mut crls = self
            .crls
            .write()
            .map_err(|_| EndpointError::internal(poisoned()))?;
        crls.retain(|c| c.certificate_type() != crl.certificate_type());
        crls.push(crl);
        Ok(())
    }

    /// The issuance library on this issuer's store, key, status list and lifetimes.
    pub fn credential_issuer(&self) -> CredentialIssuer<'_, S> {
        let iss = self.issuer_id.as_str();
        let list = self.status_list.clone();
        let profile = IssuerProfile {
            kid: Some(self.kid()),
            ..match &self.municipality {
                Some(municipality) => IssuerProfile::municipality(iss, municipality.clone(), list),
                None => IssuerProfile::operator(iss, list),
            }
        };
        CredentialIssuer::with_types(&self.store, &*self.signer, profile, self.types.clone())
            .with_lifetime_days(self.rules.resident_lifetime_days)
    }

    /// The credential status list signed now, after ending the credentials whose personal
    /// limit has passed ([`crate::lapse`]); valid for `rules.status_token_lifetime_secs`.
    pub fn status_list_token(&self, now: NumericDate) -> crate::Result<String> {
        lapse_due(&self.store, now)?;
        let options = self.status_list_options(now);
        Ok(publish(&self.store, &self.status_list, &*self.signer, &options)?.token)
    }

    /// How this issuer signs a status list at `at` (`iat`): valid for
    /// `rules.status_token_lifetime_secs`, `ttl` = `rules.status_max_age_secs` (the cache age
    /// the service answers with, so a verifier refetches no later than an HTTP cache), `kid` =
    /// [`kid`](Self::kid). The service's routes and its static files sign with these.
    pub fn status_list_options(&self, at: NumericDate) -> PublishOptions {
        PublishOptions {
            lifetime_secs: self.rules.status_token_lifetime_secs,
            ttl_secs: core::num::NonZeroU64::new(self.rules.status_max_age_secs),
            kid: Some(self.kid()),
            ..PublishOptions::at(at)
        }
    }

    /// Deletes what expired by `now`: offers and access tokens (with the facts sealed in them),
    /// and the redeemed anchoring challenges and `c_nonce`s kept against replays; returns how
    /// many rows went.
    pub fn prune(&self, now: NumericDate) -> crate::Result<usize> {
        Ok(offer::prune(&self.store, now)? + self.store.prune_challenges(now)?)
    }

    /// The declaration of `kind`.
    pub(crate) fn credential_type(&self, kind: Kind) -> Result<&CredentialType, EndpointError> {
        self.types.get(&kind).ok_or_else(|| {
            EndpointError::internal(crate::Error::Invalid {
                what: "credential type",
                detail: "not loaded".into(),
            })
        })
    }
}

fn poisoned() -> crate::Error {
    crate::Error::Invalid {
        what: "CRL list",
        detail: "its lock was poisoned by a panic".into(),
    }
}

//! The issuer as an HTTP service (feature `service`): what `myna issuer serve` runs.
//!
//! One [`Service`] owns the store (the data directory's redb file, or the PostgreSQL database
//! of issuer.toml's `[database]`, which several instances may share), the decrypted signing keys, the
//! configuration and an injected [`Clock`]; [`Service::router`] is the axum router and
//! [`Service::serve`] runs it on a listener until a shutdown signal, letting in-flight
//! requests (and so their store writes) finish.
//!
//! The routes, by concept:
//!
//! * [`oid4vci`]: OpenID4VCI 1.0 — issuer metadata, card anchoring that ends in a credential
//!   offer, the token, nonce and credential endpoints (batch issuance with distinct holder
//!   keys);
//! * [`publication`]: `/.well-known/did.json`, `/.well-known/jwt-vc-issuer`, status list
//!   tokens with `ETag`/`Cache-Control`/304, and the signed trust list;
//! * [`consent_registry`]: holder-signed consent records, actions and recipient use reports,
//!   and the consent status lists;
//! * [`admin`]: bearer-token, role-checked operations (offers with facts, revocation of one
//!   credential or of everything a person holds, CRL import, escrow openings, the audit log
//!   and its verification), every change audited;
//! * [`batch`]: offers for a whole resident file, as mailed letters redeemable for days;
//!   bad lines reported, not fatal; resumable;
//! * [`batch_jobs`]: the same batches over HTTP for the staff console — a CSV uploaded,
//!   checked (dry run), run in the background one at a time, its progress and its
//!   [`letters`] (printable HTML, one QR code and PIN per letter);
//! * [`offer_check`]: an offer's facts checked as staff type them (`?dry_run=true`): which
//!   field of which credential breaks which rule, in Japanese and English, never the value;
//! * [`console`]: the staff console's static files (built in) at `/console`, under a strict
//!   Content-Security-Policy, and the trustee's wasm package from a directory;
//! * [`static_publication`]: what [`publication`] serves, written as static files for a CDN
//!   (`myna issuer publish`);
//! * [`qr`]: QR codes as SVG (offers on screen, letters on paper);
//! * [`crl_import`]: a CRL verified, cascaded, stored and audited (from the admin API or
//!   [`Service::import_crl`]);
//! * [`http`]: the request edge — body limits, content types, OAuth-style error bodies.
//!
//! The routes a wallet calls — issuer metadata, `/token`, `/nonce`, `/credential`,
//! `/pseudonym-offers`, `/refresh-offers`, everything [`publication`] serves, `/consents` and
//! `/consents/actions` — answer CORS for any origin ([`myna_edge::cors::wallet_routes`]), so a
//! wallet web app on its own origin can call them; `*` is safe because no route uses cookies
//! or other ambient credentials. Card anchoring (a CLI with a card reader), `/consents/use`
//! (recipients' servers) and the admin API get no CORS header.
//!
//! Every store call and every signature runs on the blocking pool
//! ([`tokio::task::spawn_blocking`]); handlers never block the reactor.

pub mod admin;
pub mod batch;
pub mod batch_jobs;
pub mod config;
pub mod consent_registry;
pub mod console;
pub mod crl_import;
pub mod http;
pub mod keys;
pub mod letters;
pub mod linking_file;
pub mod offer_check;
pub mod oid4vci;
pub mod publication;
pub mod qr;
pub mod refresh;
pub mod static_publication;

/// The offered facts and offers, now in the endpoint layer (kept here by their old path).
pub mod entitlement {
    pub use crate::endpoint::offer::{
        CreatedOffer, OfferedFacts, CONFIGURATIONS, MAX_TX_CODE_ATTEMPTS, TX_CODE_DIGITS,
    };
}

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use myna_vc_core::crypto::{default_provider, PublicKey, Signer};
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::status_list::StatusListUri;
use myna_vc_core::time::{Clock, NumericDate};
use tokio::net::TcpListener;

pub use crate::endpoint::JpkiSetup;
use crate::endpoint::{EndpointError, Endpoints, Setup};
use crate::store::{AnyStore, RedbStore, Store};

use self::config::ServiceConfig;
use self::http::ApiError;
use self::keys::KeyRing;

/// The configuration file's name in the data directory.
pub const CONFIG_FILE: &str = "issuer.toml";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "keys.json";
/// The store's name in the data directory.
pub const STORE_FILE: &str = "issuer.redb";
/// How often [`Service::serve`] prunes expired offers, tokens and nonces.
pub const PRUNE_INTERVAL_SECS: u64 = 60;

/// Why the service could not start or a command failed.
/// ```
/// use myna_issuer::service::ServiceError;
/// assert!(ServiceError::WrongPassphrase.to_string().contains("passphrase"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The configuration is invalid.
    #[error("configuration: {0}")]
    Config(#[source] ConfigError),

    /// The key file could not be read or written, or a key in it could not be used.
    #[error("keys: {0}")]
    Keys(#[source] KeyError),
    /// The configured municipality is invalid: its code (length, digits, check digit), its
    /// prefecture (not the code's) or its name (not one an address can contain).
    #[error("configuration: municipality: {0}")]
    Municipality(#[source] myna_vc_core::Error),
    /// A non-municipal operator (no `municipality_code`) configured to issue a credential that
    /// only a municipality may issue.
    #[error(
        "configuration: `{credential}` needs a municipality ({why}); a non-municipal operator \
         (no municipality_code) cannot issue it"
    )]
    NeedsMunicipality {
        /// The credential configuration id.
        credential: String,
        /// Why it needs a municipality.
        why: &'static str,
    },
    /// The passphrase does not open the key file.
    #[error(
        "the passphrase does not open the key file (wrong passphrase, or the file was altered)"
    )]
    WrongPassphrase,
    /// A file or socket operation failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The issuer library refused.
    #[error(transparent)]
    Issuer(#[from] crate::Error),
    /// A batch input row was invalid.
    #[error("batch input line {line}: {detail}")]
    BatchInput {
        /// 1-based line number.
        line: usize,
        /// What is wrong (no personal data).
        detail: String,
    },
}

impl From<crate::IdentifierError> for ServiceError {
    fn from(err: crate::IdentifierError) -> Self {
        ServiceError::Issuer(err.into())
    }
}

/// What is wrong with the configuration.
/// ```
/// use myna_issuer::service::{config::ServiceConfig, ConfigError, ServiceError};
/// let err = ServiceConfig::from_toml("name = ").unwrap_err();
/// assert!(matches!(err, ServiceError::Config(ConfigError::Syntax(_))));
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A value is refused (a field's format, a combination of fields).
    #[error("{0}")]
    Invalid(String),
    /// The file is not TOML of the configuration's fields (an unknown field, a wrong type, an
    /// unknown `jpki.environment`).
    #[error("the file does not parse")]
    Syntax(#[source] toml::de::Error),
    /// The configuration could not be written as TOML.
    #[error("it cannot be written as TOML")]
    Write(#[source] toml::ser::Error),
}

impl ServiceError {
    /// A refused configuration value.
    pub(crate) fn config(why: impl Into<String>) -> Self {
        ServiceError::Config(ConfigError::Invalid(why.into()))
    }
}

/// What is wrong with the key file or a key in it.
/// ```
/// use myna_issuer::service::KeyError;
/// assert_eq!(KeyError::Refused("the key passphrase is empty".into()).to_string(),
///     "the key passphrase is empty");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file or a passphrase was refused (an empty passphrase, an unsupported version,
    /// a missing key).
    #[error("{0}")]
    Refused(String),
    /// The key file is not JSON of the key file's fields.
    #[error("the key file does not parse")]
    File(#[source] serde_json::Error),
    /// A key could not be read or used (its encoding, its algorithm).
    #[error("a key could not be read or used")]
    Key(#[source] myna_vc_core::Error),
    /// Generating a key failed.
    #[error("a key could not be generated")]
    Generate(#[source] crate::Error),
}

impl ServiceError {
    /// A refused key file or passphrase.
    pub(crate) fn keys(why: impl Into<String>) -> Self {
        ServiceError::Keys(KeyError::Refused(why.into()))
    }
}

/// What a service is opened with besides its data directory.
pub struct ServiceOptions {
    /// The configuration (already merged with flags and environment).
    pub config: ServiceConfig,
    /// The data directory (created if missing).
    pub data_dir: PathBuf,
    /// The key file passphrase.
    pub passphrase: zeroize::Zeroizing<String>,
    /// The time source (tests inject a controllable clock).
    pub clock: Arc<dyn Clock>,
    /// JPKI setup; without it the anchoring endpoints answer 503.
    pub jpki: Option<JpkiSetup>,
}

/// The running issuer's shared state. Cheap to clone (one `Arc`).
///
/// ```
/// use std::sync::Arc;
/// use myna_issuer::service::{config::ServiceConfig, Service, ServiceOptions};
/// use myna_vc_core::time::{FixedClock, NumericDate};
/// let dir = tempfile::tempdir()?;
/// let mut config = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
/// config.rules.status_list_capacity = 1024;
/// let options = || ServiceOptions {
///     config: config.clone(),
///     data_dir: dir.path().to_path_buf(),
///     passphrase: zeroize::Zeroizing::new("correct horse".to_owned()),
///     clock: Arc::new(FixedClock(NumericDate::from_unix(1_800_000_000))),
///     jpki: None, // no JPKI roots: anchoring answers 503, everything else works
/// };
/// let service = Service::open(options())?;
/// assert_eq!(service.status_list().as_str(), "https://city.maebashi.example/status/1");
/// let key = service.issuer_key().clone();
/// let _router = service.router(); // serve it with `Service::serve`
/// drop((service, _router));
/// // Reopened: the same keys, unsealed with the same passphrase.
/// assert_eq!(Service::open(options())?.issuer_key(), &key);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Service(Arc<Shared>);

/// Everything the handlers share: the protocol endpoints (store, issuer key, rules, JPKI)
/// and what only the HTTP service has.
pub(crate) struct Shared {
    pub(crate) endpoints: Endpoints<AnyStore>,
    pub(crate) config: ServiceConfig,
    pub(crate) authority: Box<dyn Signer>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) consent_list: StatusListUri,
    pub(crate) cache: publication::Cache,
    /// The batch jobs started over HTTP (their files under the data directory).
    pub(crate) batches: batch_jobs::Jobs,
}

impl Shared {
    pub(crate) fn now(&self) -> NumericDate {
        self.clock.now()
    }

    /// The store.
    pub(crate) fn store(&self) -> &AnyStore {
        &self.endpoints.store
    }
}

impl core::fmt::Debug for Service {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Service")
            .field("issuer", &self.0.endpoints.issuer_id().as_str())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// Opens (or on first start creates) the service's data directory: the key file (keys
    /// generated and sealed with the passphrase on first start; a wrong passphrase is
    /// [`ServiceError::WrongPassphrase`]), the store (redb, or `[database]`) with the credential and consent
    /// status lists, and the CRLs imported earlier.
    pub fn open(options: ServiceOptions) -> Result<Self, ServiceError> {
        let ServiceOptions {
            config,
            data_dir,
            passphrase,
            clock,
            jpki,
        } = options;
        config.check()?;
        std::fs::create_dir_all(&data_dir)?;
        let keys = KeyRing::open_or_create(&data_dir.join(KEY_FILE), &passphrase)?;
        let store = open_store(&config, &data_dir)?;
        let issuer_id = config.issuer_id()?;
        let consent_list = StatusListUri::new(format!("{}/consent-status/1", issuer_id.as_str()))
            .map_err(crate::Error::from)?;
        let capacity = usize::try_from(config.rules.status_list_capacity).unwrap_or(usize::MAX);
        store.ensure_status_list(&consent_list, capacity)?;
        let provider = default_provider();
        let issuer = provider
            .signer(&keys.issuer)
            .map_err(|e| ServiceError::Keys(KeyError::Key(e)))?;
        let authority = provider
            .signer(&keys.authority)
            .map_err(|e| ServiceError::Keys(KeyError::Key(e)))?;
        let crls = match &jpki {
            Some(setup) => admin::stored_crls(&store, setup)?,
            None => Vec::new(),
        };
        let challenge_key = keys.challenge_key();
        let setup = Setup {
            name: config.name.clone(),
            municipality: config.municipality()?,
            offered: config.offered()?,
            rules: config.rules.clone(),
            escrow: config.escrow.as_ref().map(|e| e.policy()).transpose()?,
            pseudonym_key: keys.pseudonym,
            challenge_key,
            pseudonym_contexts: config.pseudonym_contexts.clone(),
            jpki,
            crls,
            ..Setup::new(store, issuer, issuer_id, None)?
        };
        let batches = batch_jobs::Jobs::load(&data_dir)?;
        let shared = Shared {
            endpoints: Endpoints::new(setup)?,
            authority,
            clock,
            consent_list,
            cache: publication::Cache::default(),
            config,
            batches,
        };
        Ok(Service(Arc::new(shared)))
    }

    /// The credential issuer identifier.
    pub fn issuer_id(&self) -> &IssuerId {
        self.0.endpoints.issuer_id()
    }

    /// The issuer's public signing key (credentials, status lists).
    pub fn issuer_key(&self) -> &PublicKey {
        self.0.endpoints.issuer_key()
    }

    /// The trust-list authority's public key (what verifiers pin).
    pub fn authority_key(&self) -> PublicKey {
        self.0.authority.public_key()
    }

    /// The credential status list's URI.
    pub fn status_list(&self) -> &StatusListUri {
        self.0.endpoints.status_list()
    }

    /// The consent status list's URI.
    pub fn consent_list(&self) -> &StatusListUri {
        &self.0.consent_list
    }

    /// The service's store, for diagnostics and tests: how many rows it holds
    /// ([`Store::row_count`]), a status list's allocation, … (its operations keep the issuer's
    /// invariants; writing through it bypasses the audit of the admin API).
    pub fn store(&self) -> &AnyStore {
        self.0.store()
    }

    /// Every route, with the body limit and the request timeout (the request log line and the
    /// limits against hostile clients are [`serve`](Self::serve)'s).
    pub fn router(&self) -> Router {
        let timeout = Duration::from_secs(self.0.config.limits.request_timeout_secs);
        // The wallet-facing routes answer CORS (see `myna_edge::cors`). Their 405 answer is
        // set before the layer, so that a preflight `OPTIONS` reaches the CORS layer instead
        // of the outer 405 fallback, which only the other routes get.
        let wallet = Router::new()
            .merge(oid4vci::wallet_routes())
            .merge(publication::routes())
            .merge(consent_registry::holder_routes())
            .method_not_allowed_fallback(http::method_not_allowed)
            .layer(myna_edge::cors::wallet_routes());
        Router::new()
            .merge(wallet)
            .merge(oid4vci::card_routes())
            .merge(consent_registry::recipient_routes())
            .merge(admin::routes())
            .merge(batch_jobs::routes())
            .merge(console::routes())
            .fallback(http::not_found)
            .method_not_allowed_fallback(http::method_not_allowed)
            .layer(axum::middleware::from_fn(move |req, next| {
                http::edge(req, next, timeout)
            }))
            .with_state(self.clone())
    }

    /// Deletes what expired by now: offers and access tokens (with the facts sealed in
    /// them) and the redeemed anchoring challenges and `c_nonce`s kept against replays. [`serve`](Self::serve) runs it every
    /// [`PRUNE_INTERVAL_SECS`]; returns how many rows went.
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
    /// assert_eq!(service.prune()?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prune(&self) -> Result<usize, ServiceError> {
        Ok(self.0.endpoints.prune(self.0.now())?)
    }

    /// Serves on `listener` until `shutdown` completes, then stops accepting and waits for
    /// the requests in flight (and their store writes) to finish — at most
    /// `edge.shutdown_grace_secs`, after which the connections still open are dropped (a store
    /// write already started on the blocking pool still completes).
    ///
    /// The server loop is [`myna_edge::serve`] with [`ServiceConfig::edge_config`]: connection
    /// caps, header, body and idle timeouts, rate limits per client and in all, a bound on the
    /// body bytes held at once, request ids and one log line per request.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServiceError> {
        let app = self.router();
        tracing::info!(
            issuer = self.issuer_id().as_str(),
            addr = %listener.local_addr()?,
            "issuer service listening"
        );
        // Pruning runs between requests; on shutdown it is told to stop and awaited, so no
        // prune is left writing after `serve` returns (the store can be reopened at once).
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let pruner = self.clone();
        let pruning = tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(PRUNE_INTERVAL_SECS));
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = interval.tick() => {}
                }
                let service = pruner.clone();
                match tokio::task::spawn_blocking(move || service.prune()).await {
                    Ok(Ok(rows)) => tracing::debug!(rows, "pruned expired state"),
                    Ok(Err(err)) => tracing::warn!(error = %err, "pruning failed"),
                    Err(_) => tracing::warn!("pruning task failed"),
                }
            }
        });
        let served = myna_edge::serve(listener, app, self.0.config.edge_config(), shutdown).await;
        let _ = stop.send(true);
        let _ = pruning.await;
        served?;
        tracing::info!("issuer service stopped");
        Ok(())
    }

    /// Runs `work` on the blocking pool with the shared state (store calls, signatures).
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Shared) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let shared = Arc::clone(&self.0);
        // The request's span (client address, request id) goes along to the blocking pool, so
        // what the work logs names them too.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| work(&shared)))
            .await
            .map_err(|_| ApiError::internal("a worker task failed"))?
    }

    /// Runs endpoint `work` on the blocking pool with the endpoints and the time now; its
    /// refusal becomes the OAuth error answer.
    pub(crate) async fn endpoint<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Endpoints<AnyStore>, NumericDate) -> Result<T, EndpointError>
            + Send
            + 'static,
    ) -> Result<T, ApiError> {
        self.blocking(move |shared| work(&shared.endpoints, shared.now()).map_err(ApiError::from))
            .await
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.0
    }
}

/// The configured store: the `[database]` PostgreSQL database (shared by every instance
/// configured with it), else the data directory's redb file (one process at a time).
fn open_store(config: &ServiceConfig, data_dir: &Path) -> Result<AnyStore, ServiceError> {
    let store = match config.database_config()? {
        Some(database) => {
            let store = crate::store::PgStore::open(&database)?;
            tracing::info!(database = %database.url, "store: PostgreSQL");
            AnyStore::from(store)
        }
        None => AnyStore::from(RedbStore::open(data_dir.join(STORE_FILE))?),
    };
    Ok(store)
}

/// The three files of a data directory.
/// ```
/// use myna_issuer::service::data_files;
/// let files = data_files(std::path::Path::new("/srv/myna"));
/// assert!(files.iter().any(|f| f.ends_with("issuer.redb")));
/// ```
pub fn data_files(data_dir: &Path) -> [PathBuf; 3] {
    [CONFIG_FILE, KEY_FILE, STORE_FILE].map(|name| data_dir.join(name))
}

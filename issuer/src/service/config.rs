//! The service's configuration: one TOML file in the data directory (`issuer.toml`), written
//! with defaults by `myna issuer init` and overridable field by field from the command line or
//! the environment (the CLI applies the overrides; this module parses and checks).
//!
//! Admin tokens are stored as SHA-256 hashes only: the plain tokens are printed once when they
//! are generated and never written anywhere.
//!
//! # Who issues
//!
//! A **municipality** — any of Japan's, no table decides — gives its code (with check digit),
//! its prefecture and its name as addresses write them; a resident credential is offered only
//! for a certified address that starts with prefecture + name. A **non-municipal operator**
//! (a DMO running a fan club, a residents' association running a shelter) gives no
//! `municipality_code` and must list the `credentials` it issues; listing one that needs a
//! municipality (`resident`, `age`, `child_medical_subsidy`: see
//! [`Kind::municipal_only`]) is [`ServiceError::NeedsMunicipality`]. The signed trust list
//! the service publishes names exactly the offered types.
//!
//! ```
//! use myna_issuer::service::{config::ServiceConfig, ServiceError};
//! let atami = ServiceConfig::from_toml(r#"
//! municipality_code = "222054"
//! prefecture = "静岡県"
//! name = "熱海市"
//! public_base_url = "https://city.atami.example"
//! "#)?;
//! assert_eq!(atami.rules.batch_size, 16);
//! assert_eq!(atami.limits.max_body_bytes, 64 * 1024);
//! assert!(atami.municipality()?.unwrap().contains_address("静岡県熱海市中央町１番１号"));
//! assert!(atami.offers("resident")?);
//!
//! let dmo = ServiceConfig::from_toml(r#"
//! name = "伊豆ファンクラブ"
//! public_base_url = "https://izu-dmo.example"
//! credentials = ["fan_club_membership"]
//! "#)?;
//! assert!(dmo.municipality()?.is_none());
//! assert!(!dmo.offers("resident")?);
//! let refused = ServiceConfig::from_toml(r#"
//! name = "伊豆ファンクラブ"
//! public_base_url = "https://izu-dmo.example"
//! credentials = ["fan_club_membership", "resident"]
//! "#);
//! assert!(matches!(refused, Err(ServiceError::NeedsMunicipality { .. })));
//! assert!(ServiceConfig::from_toml("municipality_code = 1").is_err());
//! # Ok::<(), ServiceError>(())
//! ```
//!
//! [`Kind::municipal_only`]: crate::credential_types::Kind::municipal_only

use std::net::SocketAddr;
use std::path::PathBuf;

use myna_edge::EdgeConfig;
use myna_vc_core::municipality::{Municipality, MunicipalityCode};
use myna_vc_core::{b64, oid4vci::IssuerId};
use serde::{Deserialize, Serialize};

use super::{ConfigError, ServiceError};
use crate::credential_types::Kind;
use crate::endpoint::offer::CONFIGURATIONS;
pub use crate::endpoint::Rules;
use crate::escrow::{EscrowPolicy, TrusteePublicKey};
use crate::pseudonym::ContextId;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// The municipality's six-digit code (全国地方公共団体コード with check digit); absent for
    /// a non-municipal operator (a DMO, a residents' association running a shelter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality_code: Option<String>,
    /// The municipality's prefecture as addresses write it (`静岡県`), checked against the
    /// code's first two digits; when absent, the code's prefecture. Only with
    /// `municipality_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefecture: Option<String>,
    /// A municipality's name as addresses write it after the prefecture (`熱海市`, `千代田区`,
    /// a designated city's ward as `神戸市中央区`): the residency check compares certified
    /// addresses with prefecture + name. A non-municipal operator's display name.
    pub name: String,
    /// The name in English (`Maebashi City`), shown after the Japanese one by the staff
    /// console; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// The credential configurations this issuer offers (`resident`, `age`,
    /// `child_medical_subsidy`, `fan_club_membership`, `shelter_registration`,
    /// `context_pseudonym`). A municipality offers all when absent; a non-municipal operator
    /// must list them and may not list the municipal ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<String>>,
    /// The public HTTPS base URL: the credential issuer identifier, `iss` of every credential,
    /// and the root of the status list URIs.
    pub public_base_url: String,
    /// Where to listen.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Issuance rules and lifetimes.
    #[serde(default)]
    pub rules: Rules,
    /// Request limits.
    #[serde(default)]
    pub limits: Limits,
    /// The server loop's limits against hostile clients: connection caps, header, body and
    /// idle timeouts, rate limits per client and in all, the memory for request bodies (see
    /// [`EdgeConfig`]; every key optional). The request timeout is `limits.request_timeout_secs`;
    /// an `edge.request_timeout_secs` other than the default must equal it.
    #[serde(default)]
    pub edge: EdgeConfig,
    /// JPKI trust roots for card anchoring.
    #[serde(default)]
    pub jpki: JpkiConfig,
    /// The due-process escrow: trustees and threshold.
    #[serde(default)]
    pub escrow: Option<EscrowConfig>,
    /// Contexts (a forum, a sale) in which any holder anchored here may ask for their own
    /// pseudonym, without staff: `POST /pseudonym-offers`. Needs `escrow`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pseudonym_contexts: Vec<String>,
    /// Admin tokens (hashes) with their roles.
    #[serde(default)]
    pub admin_tokens: Vec<AdminTokenEntry>,
    /// The staff console at `/console` (its files are built in; `[console] pkg_dir` adds
    /// the trustee's wasm build).
    #[serde(default, skip_serializing_if = "ConsoleConfig::is_default")]
    pub console: ConsoleConfig,
    /// The store in a PostgreSQL database instead of the data directory's redb file: what
    /// several instances behind a load balancer share. Absent: redb.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseSection>,
}

/// The `[database]` table: the issuer's store in PostgreSQL. Every instance configured with
/// the same URL and schema serves the same issuer (give them the same `keys.json` and
/// `issuer.toml`).
///
/// ```
/// use myna_issuer::service::config::ServiceConfig;
/// let c = ServiceConfig::from_toml(r#"
/// municipality_code = "102016"
/// name = "前橋市"
/// public_base_url = "https://city.maebashi.example"
/// [database]
/// url = "postgres://issuer:pw@db.internal:5432/myna"
/// schema = "maebashi"
/// pool_size = 32
/// "#)?;
/// let db = c.database_config()?.expect("configured");
/// assert_eq!((db.url.to_string().as_str(), db.pool_size), ("postgres://issuer@db.internal:5432/myna", 32));
/// // The password shows nowhere a log could take it from.
/// assert!(!format!("{c:?}").contains("pw@"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// `postgres://user:password@host:port/dbname`. `myna issuer serve --database-url` (or
    /// `MYNA_DATABASE_URL`) overrides it, which keeps the password out of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<myna_postgres::DatabaseUrl>,
    /// The schema of this issuer's tables (created if missing); default `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<myna_postgres::SchemaName>,
    /// Connections per instance; default 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_size: Option<u32>,
}

impl ServiceConfig {
    /// The PostgreSQL connection the `[database]` table describes, or `None` for the redb
    /// file. A `[database]` table without a URL is a configuration error.
    pub fn database_config(&self) -> Result<Option<myna_postgres::DatabaseConfig>, ServiceError> {
        let Some(section) = &self.database else {
            return Ok(None);
        };
        let url = section.url.clone().ok_or_else(|| {
            ServiceError::config(
                "[database] has no url: give `url`, or --database-url / MYNA_DATABASE_URL",
            )
        })?;
        let mut config = myna_postgres::DatabaseConfig::new(url);
        config.schema = section.schema.clone();
        if let Some(size) = section.pool_size {
            config.pool_size = size;
        }
        Ok(Some(config))
    }
}

/// The staff console's `[console]` table.
///
/// ```
/// use myna_issuer::service::config::ServiceConfig;
/// let c = ServiceConfig::from_toml(r#"
/// municipality_code = "102016"
/// name = "前橋市"
/// public_base_url = "https://city.maebashi.example"
/// [console]
/// pkg_dir = "/srv/myna-vc/trustee"
/// "#)?;
/// assert_eq!(c.console.pkg_dir.as_deref(), Some(std::path::Path::new("/srv/myna-vc/trustee")));
/// # Ok::<(), myna_issuer::service::ServiceError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// The directory `/console/pkg/<file>` is served from: the trustee build of the npm
    /// package (`wasm/pkg/trustee/`), which the console's escrow screen loads for a trustee
    /// to release a share in the browser. Without it `/console/pkg/*` is 404
    /// `console_pkg_missing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkg_dir: Option<PathBuf>,
}

impl ConsoleConfig {
    fn is_default(&self) -> bool {
        self == &ConsoleConfig::default()
    }
}

/// The longest a mailed letter's offer may stay redeemable: 366 days.
///
/// ```
/// use myna_issuer::service::config::{ServiceConfig, MAX_LETTER_OFFER_LIFETIME_SECS};
/// let mut c = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
/// c.rules.letter_offer_lifetime_secs = 14 * 86_400;
/// assert!(c.check().is_ok());
/// c.rules.letter_offer_lifetime_secs = MAX_LETTER_OFFER_LIFETIME_SECS + 1;
/// assert!(c.check().is_err());
/// ```
pub const MAX_LETTER_OFFER_LIFETIME_SECS: u64 = 366 * 86_400;

fn default_listen() -> String {
    "127.0.0.1:8080".to_owned()
}

/// Limits on requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body accepted; larger is 413.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            request_timeout_secs: 30,
        }
    }
}

/// Which JPKI the configured roots belong to: J-LIS's production roots, or a test CA (whose
/// certificates a production issuer must refuse). A configuration file names it as
/// `production` or `test`; anything else is refused when the file is read, never taken for
/// production.
///
/// ```
/// use myna_issuer::service::config::{JpkiEnvironment, ServiceConfig};
/// let text = |env: &str| format!(
///     "name = \"前橋市\"\nmunicipality_code = \"102016\"\n\
///      public_base_url = \"https://city.maebashi.example\"\n[jpki]\nenvironment = \"{env}\"\n");
/// let test = ServiceConfig::from_toml(&text("test"))?;
/// assert_eq!(test.jpki.environment, Some(JpkiEnvironment::Test));
/// assert!(ServiceConfig::from_toml(&text("prod")).is_err(), "a typo is refused");
/// assert_eq!("production".parse::<JpkiEnvironment>()?, JpkiEnvironment::Production);
/// assert!("Test ".parse::<JpkiEnvironment>().is_err());
/// # Ok::<(), myna_issuer::service::ServiceError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JpkiEnvironment {
    /// J-LIS's production roots.
    Production,
    /// A test CA (development, demos).
    Test,
}

impl JpkiEnvironment {
    /// The name in the configuration file.
    pub const fn as_str(self) -> &'static str {
        match self {
            JpkiEnvironment::Production => "production",
            JpkiEnvironment::Test => "test",
        }
    }
}

impl core::fmt::Display for JpkiEnvironment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for JpkiEnvironment {
    type Err = ServiceError;

    /// `production` or `test`, exactly; anything else is [`ServiceError::Config`].
    fn from_str(text: &str) -> Result<Self, ServiceError> {
        match text {
            "production" => Ok(JpkiEnvironment::Production),
            "test" => Ok(JpkiEnvironment::Test),
            other => Err(ServiceError::config(format!(
                "jpki.environment: `{}` is neither `production` nor `test`",
                other.chars().take(32).collect::<String>()
            ))),
        }
    }
}

/// JPKI roots for anchoring; without roots the anchoring endpoints answer 503.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JpkiConfig {
    /// `production` (J-LIS roots) or `test` (a test CA); production when absent.
    pub environment: Option<JpkiEnvironment>,
    /// DER files of the authentication and signature roots.
    pub roots: Vec<PathBuf>,
    /// J-LIS linking information (signature ↔ authentication serials), see
    /// [`linking_file`](super::linking_file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linking_file: Option<PathBuf>,
}

/// Trustees of the due-process escrow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscrowConfig {
    /// How many trustees must release a share to open a link.
    pub threshold: u8,
    /// The trustees' X25519 public keys.
    pub trustees: Vec<TrusteeEntry>,
}

/// One trustee's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrusteeEntry {
    /// The trustee's id (as in its admin token's name).
    pub id: String,
    /// base64url of the 32-byte X25519 public key.
    pub public_key: String,
}

impl EscrowConfig {
    /// The policy these entries describe.
    /// ```
    /// use myna_issuer::escrow::TrusteeKey;
    /// use myna_issuer::service::config::{EscrowConfig, TrusteeEntry};
    /// let entry = |id: &str| TrusteeEntry { id: id.into(),
    ///     public_key: myna_vc_core::b64::encode(TrusteeKey::generate(id).unwrap().public().key_bytes()) };
    /// let config = EscrowConfig { threshold: 2, trustees: vec![entry("court"), entry("city")] };
    /// assert_eq!(config.policy().unwrap().threshold(), 2);
    /// # Ok::<(), myna_issuer::Error>(())
    /// ```
    pub fn policy(&self) -> Result<EscrowPolicy, ServiceError> {
        let trustees = self
            .trustees
            .iter()
            .map(|t| {
                let bytes = b64::decode(&t.public_key, "trustee public key")
                    .map_err(|e| ServiceError::config(format!("trustee {}: {e}", t.id)))?;
                let key: [u8; 32] = bytes.try_into().map_err(|_| {
                    ServiceError::config(format!("trustee {}: key is not 32 bytes", t.id))
                })?;
                TrusteePublicKey::new(&t.id, key).map_err(|e| ServiceError::Issuer(e.into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        EscrowPolicy::new(trustees, self.threshold).map_err(|e| ServiceError::Issuer(e.into()))
    }
}

/// Who may call which admin route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminRole {
    /// Municipal staff: offers with facts, audit log, escrow opening start.
    Operator,
    /// Revocation officer: revoke, suspend, resume, import CRLs.
    RevocationOfficer,
    /// Escrow trustee: releases shares for an opening.
    Trustee,
}

impl AdminRole {
    /// The name used in the configuration file.
    /// ```
    /// use myna_issuer::service::config::AdminRole;
    /// assert_eq!(AdminRole::RevocationOfficer.as_str(), "revocation_officer");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            AdminRole::Operator => "operator",
            AdminRole::RevocationOfficer => "revocation_officer",
            AdminRole::Trustee => "trustee",
        }
    }
}

/// One admin token: a name (a staff or trustee handle, written to the audit log), a role and
/// the SHA-256 of the token (base64url).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminTokenEntry {
    /// Handle of the token's holder (for a trustee: its trustee id).
    pub name: String,
    /// What the token may do.
    pub role: AdminRole,
    /// base64url(SHA-256(token)).
    pub sha256: String,
}

impl AdminTokenEntry {
    /// A fresh random token (returned once, to hand to its holder) and its entry.
    /// ```
    /// use myna_issuer::service::config::{AdminRole, AdminTokenEntry};
    /// let (token, entry) = AdminTokenEntry::generate("officer-1", AdminRole::RevocationOfficer)?;
    /// assert_eq!(entry.sha256, AdminTokenEntry::hash(&token));
    /// # Ok::<(), myna_issuer::service::ServiceError>(())
    /// ```
    pub fn generate(name: &str, role: AdminRole) -> Result<(String, Self), ServiceError> {
        let mut bytes = [0u8; 32];
        myna_vc_core::crypto::fill_random(&mut bytes)
            .map_err(|e| ServiceError::Keys(super::KeyError::Key(e)))?;
        let token = b64::encode(bytes);
        let entry = AdminTokenEntry {
            name: name.to_owned(),
            role,
            sha256: Self::hash(&token),
        };
        Ok((token, entry))
    }

    /// base64url(SHA-256(token)).
    pub fn hash(token: &str) -> String {
        crate::endpoint::offer::secret_hash(token)
    }
}

impl ServiceConfig {
    /// A municipality's configuration with defaults for everything but its identity. The
    /// prefecture is left to the code (see [`prefecture`](Self::prefecture)).
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let c = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// assert_eq!(c.listen, "127.0.0.1:8080");
    /// assert_eq!(c.municipality()?.map(|m| m.to_string()).as_deref(), Some("群馬県前橋市 (102016)"));
    /// # Ok::<(), myna_issuer::service::ServiceError>(())
    /// ```
    pub fn new(code: &str, name: &str, public_base_url: &str) -> Self {
        ServiceConfig {
            municipality_code: Some(code.to_owned()),
            credentials: None,
            ..Self::operator(name, public_base_url, &[])
        }
    }

    /// A non-municipal operator's configuration (no municipality code) issuing the
    /// configurations `credentials`, with defaults for everything else.
    /// ```
    /// use myna_issuer::service::{config::ServiceConfig, ServiceError};
    /// let dmo = ServiceConfig::operator("伊豆ファンクラブ", "https://izu-dmo.example",
    ///     &["fan_club_membership"]);
    /// assert!(dmo.check().is_ok());
    /// let greedy = ServiceConfig::operator("伊豆ファンクラブ", "https://izu-dmo.example", &["age"]);
    /// assert!(matches!(greedy.check(), Err(ServiceError::NeedsMunicipality { .. })));
    /// ```
    pub fn operator(name: &str, public_base_url: &str, credentials: &[&str]) -> Self {
        ServiceConfig {
            municipality_code: None,
            prefecture: None,
            name: name.to_owned(),
            name_en: None,
            credentials: Some(credentials.iter().map(|c| (*c).to_owned()).collect()),
            public_base_url: public_base_url.to_owned(),
            listen: default_listen(),
            rules: Rules::default(),
            limits: Limits::default(),
            edge: EdgeConfig::default(),
            jpki: JpkiConfig::default(),
            escrow: None,
            pseudonym_contexts: Vec::new(),
            admin_tokens: Vec::new(),
            console: ConsoleConfig::default(),
            database: None,
        }
    }

    /// Parses and checks a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Self, ServiceError> {
        let config: ServiceConfig =
            toml::from_str(text).map_err(|e| ServiceError::Config(ConfigError::Syntax(e)))?;
        config.check()?;
        Ok(config)
    }

    /// The configuration as TOML.
    pub fn to_toml(&self) -> Result<String, ServiceError> {
        toml::to_string_pretty(self).map_err(|e| ServiceError::Config(ConfigError::Write(e)))
    }

    /// Self-service pseudonym contexts are valid context ids, and have trustees to seal to.
    ///
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let mut c = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// c.pseudonym_contexts = vec!["maebashi-forum".into()];
    /// assert!(c.check().is_err(), "no escrow trustees");
    /// ```
    fn check_pseudonym_contexts(&self) -> Result<(), ServiceError> {
        for context in &self.pseudonym_contexts {
            ContextId::parse(context)
                .map_err(|e| ServiceError::config(format!("pseudonym_contexts: {e}")))?;
        }
        if !self.pseudonym_contexts.is_empty() && !self.offers("context_pseudonym")? {
            return Err(ServiceError::config(
                "pseudonym_contexts needs `context_pseudonym` among the offered credentials",
            ));
        }
        if !self.pseudonym_contexts.is_empty() && self.escrow.is_none() {
            return Err(ServiceError::config(
                "pseudonym_contexts needs escrow trustees: a pseudonym's link is sealed to them",
            ));
        }
        Ok(())
    }

    /// Checks every field that has a format.
    pub fn check(&self) -> Result<(), ServiceError> {
        self.offered()?;
        self.issuer_id()?;
        self.listen_addr()?;
        if let Some(escrow) = &self.escrow {
            escrow.policy()?;
        }
        self.check_pseudonym_contexts()?;
        let rules = &self.rules;
        if rules.batch_size < 2 {
            return Err(ServiceError::config("rules.batch_size must be at least 2"));
        }
        if rules.offer_lifetime_secs == 0 || rules.letter_offer_lifetime_secs == 0 {
            return Err(ServiceError::config(
                "rules.offer_lifetime_secs and rules.letter_offer_lifetime_secs must be at least 1",
            ));
        }
        if rules.letter_offer_lifetime_secs > MAX_LETTER_OFFER_LIFETIME_SECS {
            return Err(ServiceError::config(
                "rules.letter_offer_lifetime_secs must be at most 366 days (31622400): a \
                 letter's facts wait sealed in the store until it is redeemed",
            ));
        }
        if rules.status_list_capacity < 8 {
            return Err(ServiceError::config(
                "rules.status_list_capacity must be at least 8",
            ));
        }
        if self.limits.max_body_bytes < 1024 || self.limits.request_timeout_secs == 0 {
            return Err(ServiceError::config(
                "limits: max_body_bytes ≥ 1024 and request_timeout_secs ≥ 1",
            ));
        }
        let edge_timeout = self.edge.request_timeout_secs;
        if edge_timeout != EdgeConfig::default().request_timeout_secs
            && edge_timeout != self.limits.request_timeout_secs
        {
            return Err(ServiceError::config(
                "edge.request_timeout_secs: the request timeout is limits.request_timeout_secs; \
                 remove it from [edge] or give both the same value",
            ));
        }
        self.edge_config()
            .check()
            .map_err(|e| ServiceError::config(e.to_string()))?;
        Ok(())
    }

    /// The configured municipality (code, prefecture and name, checked by
    /// [`Municipality::new`]), or `None` for a non-municipal operator.
    ///
    /// ```
    /// use myna_issuer::service::{config::ServiceConfig, ServiceError};
    /// let mut c = ServiceConfig::new("131016", "千代田区", "https://city.chiyoda.example");
    /// c.prefecture = Some("東京都".into());
    /// assert!(c.municipality()?.unwrap().contains_address("東京都千代田区丸の内１丁目"));
    /// c.prefecture = Some("大阪府".into());
    /// assert!(matches!(c.municipality(), Err(ServiceError::Municipality(_))));
    /// # Ok::<(), ServiceError>(())
    /// ```
    pub fn municipality(&self) -> Result<Option<Municipality>, ServiceError> {
        let Some(code) = &self.municipality_code else {
            if self.prefecture.is_some() {
                return Err(ServiceError::config(
                    "prefecture is given without municipality_code",
                ));
            }
            return Ok(None);
        };
        let code = MunicipalityCode::parse(code).map_err(ServiceError::Municipality)?;
        let prefecture = self
            .prefecture
            .as_deref()
            .unwrap_or(code.prefecture().name_ja());
        Municipality::new(code, prefecture, &self.name)
            .map(Some)
            .map_err(ServiceError::Municipality)
    }

    /// The credential configurations this issuer offers, as `(id, kind)` in the order of
    /// [`CONFIGURATIONS`]: all of them for a municipality without a `credentials` list, the
    /// listed ones otherwise. A non-municipal operator must list them, and listing one that
    /// needs a municipality is [`ServiceError::NeedsMunicipality`]; an unknown id is
    /// [`ServiceError::Config`].
    ///
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let shelter = ServiceConfig::operator("本町自治会", "https://honmachi.example",
    ///     &["shelter_registration"]);
    /// let offered = shelter.offered()?;
    /// assert_eq!(offered.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ["shelter_registration"]);
    /// # Ok::<(), myna_issuer::service::ServiceError>(())
    /// ```
    pub fn offered(&self) -> Result<Vec<(&'static str, Kind)>, ServiceError> {
        let municipality = self.municipality()?;
        let Some(listed) = &self.credentials else {
            if municipality.is_none() {
                return Err(ServiceError::config(
                    "no municipality_code: a non-municipal operator must list the `credentials` \
                     it issues (e.g. credentials = [\"fan_club_membership\"])",
                ));
            }
            return Ok(CONFIGURATIONS.to_vec());
        };
        for id in listed {
            let Some((_, kind)) = CONFIGURATIONS.iter().find(|(known, _)| known == id) else {
                let known: Vec<&str> = CONFIGURATIONS.iter().map(|(id, _)| *id).collect();
                return Err(ServiceError::config(format!(
                    "credentials: unknown credential configuration `{}` (known: {})",
                    id.chars().take(64).collect::<String>(),
                    known.join(", ")
                )));
            };
            if let (None, Some(why)) = (&municipality, kind.municipal_only()) {
                return Err(ServiceError::NeedsMunicipality {
                    credential: id.clone(),
                    why,
                });
            }
        }
        if listed.is_empty() {
            return Err(ServiceError::config(
                "credentials: list at least one credential configuration",
            ));
        }
        Ok(CONFIGURATIONS
            .iter()
            .filter(|(id, _)| listed.iter().any(|l| l == id))
            .copied()
            .collect())
    }

    /// Whether this issuer offers the credential configuration `id` (see
    /// [`offered`](Self::offered)).
    ///
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let c = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// assert!(c.offers("resident")? && !c.offers("passport")?);
    /// # Ok::<(), myna_issuer::service::ServiceError>(())
    /// ```
    pub fn offers(&self, id: &str) -> Result<bool, ServiceError> {
        Ok(self.offered()?.iter().any(|(known, _)| *known == id))
    }

    /// The credential issuer identifier (the public base URL without a trailing slash).
    pub fn issuer_id(&self) -> Result<IssuerId, ServiceError> {
        IssuerId::new(self.public_base_url.trim_end_matches('/'))
            .map_err(|e| ServiceError::config(format!("public_base_url: {e}")))
    }

    /// What the server loop runs with: `[edge]`, with the request timeout of `[limits]`.
    ///
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let c = ServiceConfig::from_toml(r#"
    /// municipality_code = "102016"
    /// name = "前橋市"
    /// public_base_url = "https://city.maebashi.example"
    /// [limits]
    /// request_timeout_secs = 12
    /// [edge]
    /// requests_per_second_per_client = 50
    /// "#)?;
    /// let edge = c.edge_config();
    /// assert_eq!((edge.requests_per_second_per_client, edge.request_timeout_secs), (50, 12));
    /// assert_eq!(edge.max_connections_per_client, 64);
    /// let refused = ServiceConfig::from_toml(r#"
    /// municipality_code = "102016"
    /// name = "前橋市"
    /// public_base_url = "https://city.maebashi.example"
    /// [edge]
    /// max_connections = 0
    /// "#);
    /// assert!(refused.unwrap_err().to_string().contains("edge.max_connections"));
    /// let conflicting = ServiceConfig::from_toml(r#"
    /// municipality_code = "102016"
    /// name = "前橋市"
    /// public_base_url = "https://city.maebashi.example"
    /// [edge]
    /// request_timeout_secs = 5
    /// "#);
    /// assert!(conflicting.is_err(), "the request timeout is set in [limits]");
    /// # Ok::<(), myna_issuer::service::ServiceError>(())
    /// ```
    pub fn edge_config(&self) -> EdgeConfig {
        EdgeConfig {
            request_timeout_secs: self.limits.request_timeout_secs,
            ..self.edge.clone()
        }
    }

    /// The listen address.
    pub fn listen_addr(&self) -> Result<SocketAddr, ServiceError> {
        self.listen
            .parse()
            .map_err(|e| ServiceError::config(format!("listen: {e}")))
    }
}

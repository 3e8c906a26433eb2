//! The service's configuration: one TOML file in the data directory (`issuer.toml`), written
//! with defaults by `myna issuer init` and overridable field by field from the command line or
//! the environment (the CLI applies the overrides; this module parses and checks).
//!
//! Admin tokens are stored as SHA-256 hashes only: the plain tokens are printed once when they
//! are generated and never written anywhere.
//!
//! ```
//! use myna_issuer::service::config::ServiceConfig;
//! let config = ServiceConfig::from_toml(r#"
//! municipality_code = "102016"
//! name = "前橋市"
//! public_base_url = "https://city.maebashi.example"
//! "#)?;
//! assert_eq!(config.rules.batch_size, 16);
//! assert_eq!(config.limits.max_body_bytes, 64 * 1024);
//! assert!(ServiceConfig::from_toml("municipality_code = 1").is_err());
//! # Ok::<(), myna_issuer::service::ServiceError>(())
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;

use myna_vc_core::{b64, municipality::MunicipalityCode, oid4vci::IssuerId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ServiceError;
use crate::escrow::{EscrowPolicy, TrusteePublicKey};
use crate::pseudonym::ContextId;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// The municipality's six-digit code (全国地方公共団体コード with check digit).
    pub municipality_code: String,
    /// The municipality's display name.
    pub name: String,
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
}

fn default_listen() -> String {
    "127.0.0.1:8080".to_owned()
}

/// Lifetimes and sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Lifetime of resident and age credentials, in days: every credential issued on one JST
    /// day gets `exp` = 00:00 JST that many days later. A card certificate that expires sooner
    /// ends the credential through the status list, not through `exp` (which would reveal the
    /// holder's birthday).
    pub resident_lifetime_days: u32,
    /// Longest lifetime of an anchor credential, in days.
    pub anchor_lifetime_days: u32,
    /// Lifetime of fan-club and shelter credentials, in days.
    pub event_lifetime_days: u32,
    /// How long a pre-authorized code may be redeemed, in seconds.
    pub offer_lifetime_secs: u64,
    /// How long an access token is accepted, in seconds.
    pub access_token_lifetime_secs: u64,
    /// How long a `c_nonce` or an anchoring challenge is accepted, in seconds.
    pub nonce_lifetime_secs: u64,
    /// How many key proofs (credentials) one credential request may carry.
    pub batch_size: u32,
    /// Entries per status list.
    pub status_list_capacity: u32,
    /// `Cache-Control: max-age` and `ttl` of published status lists and the trust list.
    pub status_max_age_secs: u64,
    /// Lifetime (`exp - iat`) of a signed status list token or trust list.
    pub status_token_lifetime_secs: u64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            resident_lifetime_days: 365,
            anchor_lifetime_days: 365,
            event_lifetime_days: 30,
            offer_lifetime_secs: 900,
            access_token_lifetime_secs: 600,
            nonce_lifetime_secs: 300,
            batch_size: 16,
            status_list_capacity: 1 << 20,
            status_max_age_secs: 300,
            status_token_lifetime_secs: 86_400,
        }
    }
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

/// JPKI roots for anchoring; without roots the anchoring endpoints answer 503.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JpkiConfig {
    /// `production` (J-LIS roots) or `test` (a test CA).
    pub environment: Option<String>,
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
                    .map_err(|e| ServiceError::Config(format!("trustee {}: {e}", t.id)))?;
                let key: [u8; 32] = bytes.try_into().map_err(|_| {
                    ServiceError::Config(format!("trustee {}: key is not 32 bytes", t.id))
                })?;
                TrusteePublicKey::new(&t.id, key).map_err(ServiceError::Issuer)
            })
            .collect::<Result<Vec<_>, _>>()?;
        EscrowPolicy::new(trustees, self.threshold).map_err(ServiceError::Issuer)
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
            .map_err(|e| ServiceError::Keys(e.to_string()))?;
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
        b64::encode(Sha256::digest(token.as_bytes()))
    }
}

impl ServiceConfig {
    /// A configuration with defaults for everything but the municipality's identity.
    /// ```
    /// use myna_issuer::service::config::ServiceConfig;
    /// let c = ServiceConfig::new("102016", "前橋市", "https://city.maebashi.example");
    /// assert_eq!(c.listen, "127.0.0.1:8080");
    /// ```
    pub fn new(code: &str, name: &str, public_base_url: &str) -> Self {
        ServiceConfig {
            municipality_code: code.to_owned(),
            name: name.to_owned(),
            public_base_url: public_base_url.to_owned(),
            listen: default_listen(),
            rules: Rules::default(),
            limits: Limits::default(),
            jpki: JpkiConfig::default(),
            escrow: None,
            pseudonym_contexts: Vec::new(),
            admin_tokens: Vec::new(),
        }
    }

    /// Parses and checks a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Self, ServiceError> {
        let config: ServiceConfig =
            toml::from_str(text).map_err(|e| ServiceError::Config(e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    /// The configuration as TOML.
    pub fn to_toml(&self) -> Result<String, ServiceError> {
        toml::to_string_pretty(self).map_err(|e| ServiceError::Config(e.to_string()))
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
                .map_err(|e| ServiceError::Config(format!("pseudonym_contexts: {e}")))?;
        }
        if !self.pseudonym_contexts.is_empty() && self.escrow.is_none() {
            return Err(ServiceError::Config(
                "pseudonym_contexts needs escrow trustees: a pseudonym's link is sealed to them"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Checks every field that has a format.
    pub fn check(&self) -> Result<(), ServiceError> {
        self.municipality()?;
        self.issuer_id()?;
        self.listen_addr()?;
        if let Some(escrow) = &self.escrow {
            escrow.policy()?;
        }
        self.check_pseudonym_contexts()?;
        let rules = &self.rules;
        if rules.batch_size < 2 {
            return Err(ServiceError::Config(
                "rules.batch_size must be at least 2".into(),
            ));
        }
        if rules.status_list_capacity < 8 {
            return Err(ServiceError::Config(
                "rules.status_list_capacity must be at least 8".into(),
            ));
        }
        if self.limits.max_body_bytes < 1024 || self.limits.request_timeout_secs == 0 {
            return Err(ServiceError::Config(
                "limits: max_body_bytes ≥ 1024 and request_timeout_secs ≥ 1".into(),
            ));
        }
        Ok(())
    }

    /// The municipality code.
    pub fn municipality(&self) -> Result<MunicipalityCode, ServiceError> {
        self.municipality_code
            .parse()
            .map_err(|e| ServiceError::Config(format!("municipality_code: {e}")))
    }

    /// The credential issuer identifier (the public base URL without a trailing slash).
    pub fn issuer_id(&self) -> Result<IssuerId, ServiceError> {
        IssuerId::new(self.public_base_url.trim_end_matches('/'))
            .map_err(|e| ServiceError::Config(format!("public_base_url: {e}")))
    }

    /// The listen address.
    pub fn listen_addr(&self) -> Result<SocketAddr, ServiceError> {
        self.listen
            .parse()
            .map_err(|e| ServiceError::Config(format!("listen: {e}")))
    }
}

//! The Credential Issuer Metadata document: one configuration per offered credential type,
//! `jwt` key proofs by ES256 or EdDSA, batch issuance.

use myna_vc_core::crypto::Algorithm;
use myna_vc_core::oid4vci::{
    BatchCredentialIssuance, CredentialConfiguration, CredentialIssuerMetadata, ProofTypeMetadata,
    SD_JWT_VC_FORMAT,
};
use serde_json::{json, Value};

use super::Endpoints;
use crate::store::Store;

/// Key proof algorithms accepted.
pub const PROOF_ALGS: [Algorithm; 2] = [Algorithm::Es256, Algorithm::EdDsa];

impl<S: Store> Endpoints<S> {
    /// `{issuer_id}{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer_id.as_str())
    }

    /// The metadata document (`/.well-known/openid-credential-issuer`).
    ///
    /// ```
    /// # use myna_issuer::endpoint::{Endpoints, Setup};
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, oid4vci::IssuerId};
    /// # let key = SecretKey::generate_p256()?;
    /// # let setup = Setup::new(myna_issuer::store::MemoryStore::new(),
    /// #     default_provider().signer(&key)?, IssuerId::new("https://dmo.example")?, None)?;
    /// let metadata = Endpoints::new(setup)?.metadata();
    /// assert!(metadata.credential_configurations_supported.contains_key("fan_club_membership"));
    /// assert!(!metadata.credential_configurations_supported.contains_key("resident"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metadata(&self) -> CredentialIssuerMetadata {
        let configurations = self
            .offered
            .iter()
            .map(|(id, kind)| {
                let mut proofs = std::collections::BTreeMap::new();
                proofs.insert(
                    "jwt".to_owned(),
                    ProofTypeMetadata {
                        proof_signing_alg_values_supported: PROOF_ALGS
                            .iter()
                            .map(|a| a.jose_name().to_owned())
                            .collect(),
                        key_attestations_required: None,
                        other: serde_json::Map::new(),
                    },
                );
                let configuration = CredentialConfiguration {
                    format: SD_JWT_VC_FORMAT.into(),
                    scope: Some((*id).to_owned()),
                    vct: Some(kind.vct().to_owned()),
                    cryptographic_binding_methods_supported: Some(vec!["jwk".into()]),
                    credential_signing_alg_values_supported: Some(vec![Value::String(
                        self.signer.algorithm().jose_name().into(),
                    )]),
                    proof_types_supported: Some(proofs),
                    credential_metadata: Some(json!({"display": [{"name": id, "locale": "en"}]})),
                    other: serde_json::Map::new(),
                };
                ((*id).to_owned(), configuration)
            })
            .collect();
        CredentialIssuerMetadata {
            credential_issuer: self.issuer_id.clone(),
            authorization_servers: None,
            credential_endpoint: self.url("/credential"),
            nonce_endpoint: Some(self.url("/nonce")),
            deferred_credential_endpoint: None,
            notification_endpoint: None,
            batch_credential_issuance: Some(BatchCredentialIssuance {
                batch_size: u64::from(self.rules.batch_size),
            }),
            display: Some(json!([{"name": self.name, "locale": "ja"}])),
            credential_configurations_supported: configurations,
            other: {
                let mut other = serde_json::Map::new();
                other.insert("token_endpoint".into(), Value::String(self.url("/token")));
                other
            },
        }
    }
}

//! A test CA saved to a file and loaded back: its two root keys and certificates, the next
//! serial and CRL number, the revocations recorded so far and the linking information.
//!
//! The file is JSON holding the roots' private keys in the clear (PKCS#8, base64): it is a
//! **test** CA's state, for test environments only, and must be kept like a key file (the
//! command line writes it with mode 0600). Key bytes are wiped from memory after use; the
//! JSON text is handed out as [`Zeroizing`] so the caller's copy is wiped too.

use base64::Engine as _;
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{key_identifier, root_name, CaRoot, CrlEntry, TestCa, TestKey};
use crate::crl::RevocationReason;
use crate::error::{Error, Result};
use crate::linking::{CertificateRef, InMemoryLinking};
use crate::profile::{CertificateType, Environment};
use crate::serial::SerialNumber;
use crate::test_file::{decode, decode_secret, encode_secret, to_secret_json, SecretText};

/// The `format` of the file; another value is refused rather than misread.
const FORMAT: &str = "myna-jpki/test-ca/1";
/// What the file says about itself, for whoever opens it.
const NOTICE: &str = "TEST JPKI CA: private keys in the clear; for test environments only";
/// The largest state file read (a CA with tens of thousands of revocations fits).
pub(crate) const MAX_STATE_BYTES: usize = 64 << 20;
const WHAT: &str = "test CA state";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    format: String,
    notice: String,
    environment: EnvironmentName,
    authentication_root: RootFile,
    signature_root: RootFile,
    next_serial: u64,
    next_crl_number: u64,
    revocations: Vec<RevocationFile>,
    linking_pairs: Vec<PairFile>,
    successions: Vec<SuccessionFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RootFile {
    /// base64 DER of the root certificate.
    certificate: String,
    /// base64 PKCS#8 DER of its private key.
    private_key: SecretText,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevocationFile {
    certificate_type: TypeName,
    serial: String,
    revoked_at: i64,
    reason: u8,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairFile {
    signature: String,
    authentication: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuccessionFile {
    certificate_type: TypeName,
    old: String,
    new: String,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EnvironmentName {
    Test,
    Production,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TypeName {
    Authentication,
    Signature,
}

impl From<CertificateType> for TypeName {
    fn from(value: CertificateType) -> Self {
        match value {
            CertificateType::Authentication => TypeName::Authentication,
            CertificateType::Signature => TypeName::Signature,
        }
    }
}

impl From<TypeName> for CertificateType {
    fn from(value: TypeName) -> Self {
        match value {
            TypeName::Authentication => CertificateType::Authentication,
            TypeName::Signature => CertificateType::Signature,
        }
    }
}

fn bad(detail: impl Into<String>) -> Error {
    Error::TestFile {
        what: WHAT,
        detail: detail.into(),
    }
}

fn serial_hex(serial: SerialNumber) -> String {
    serial.to_string()
}

fn serial(text: &str, field: &str) -> Result<SerialNumber> {
    SerialNumber::from_hex(text).map_err(|e| bad(format!("{field} {text:.42}: {e}")))
}

impl TestCa {
    /// The CA's whole state as JSON (see the module `test_ca::state`): its root keys in the
    /// clear, so keep it like a key file. [`from_state_json`](Self::from_state_json) loads
    /// it back into a CA that goes on where this one stands (serials, CRL numbers,
    /// revocations, links).
    ///
    /// ```
    /// use myna_jpki::test_ca::{TestCa, TestKey};
    /// use myna_jpki::profile::CertificateType;
    /// use myna_vc_core::time::NumericDate;
    /// let t = NumericDate::from_unix(1_700_000_000);
    /// let ca = TestCa::new(TestKey::generate()?, TestKey::generate()?, t)?;
    /// let saved = ca.to_state_json()?;
    /// let loaded = TestCa::from_state_json(saved.as_bytes())?;
    /// assert_eq!(loaded.root_certificate(CertificateType::Signature), ca.root_certificate(CertificateType::Signature));
    /// assert!(TestCa::from_state_json(b"{}").is_err());
    /// # Ok::<(), myna_jpki::Error>(())
    /// ```
    pub fn to_state_json(&self) -> Result<Zeroizing<String>> {
        let root = |root: &CaRoot| -> Result<RootFile> {
            Ok(RootFile {
                certificate: base64::engine::general_purpose::STANDARD.encode(&root.der),
                private_key: encode_secret(&root.key.to_pkcs8_der()?),
            })
        };
        let state = StateFile {
            format: FORMAT.to_owned(),
            notice: NOTICE.to_owned(),
            environment: match self.environment {
                Environment::Test => EnvironmentName::Test,
                Environment::Production => EnvironmentName::Production,
            },
            authentication_root: root(&self.authentication)?,
            signature_root: root(&self.signature)?,
            next_serial: self.next_serial,
            next_crl_number: self.next_crl_number,
            revocations: self
                .revocations
                .iter()
                .map(|(certificate_type, entry)| RevocationFile {
                    certificate_type: (*certificate_type).into(),
                    serial: serial_hex(entry.serial),
                    revoked_at: entry.revoked_at.as_unix(),
                    reason: entry.reason.code(),
                })
                .collect(),
            linking_pairs: self
                .linking
                .pairs()
                .into_iter()
                .map(|(signature, authentication)| PairFile {
                    signature: serial_hex(signature),
                    authentication: serial_hex(authentication),
                })
                .collect(),
            successions: self
                .linking
                .successions()
                .into_iter()
                .map(|(old, new)| SuccessionFile {
                    certificate_type: old.certificate_type.into(),
                    old: serial_hex(old.serial),
                    new: serial_hex(new.serial),
                })
                .collect(),
        };
        let capacity = 16 * 1024 + 128 * (self.revocations.len() + state.linking_pairs.len());
        to_secret_json(&state, capacity, WHAT)
    }

    /// Loads a CA saved by [`to_state_json`](Self::to_state_json). Each root certificate must
    /// be this CA's root of its type (the JPKI name layout of the file's environment) and
    /// certify the public half of the key saved with it; anything else is
    /// [`Error::TestFile`] saying what.
    pub fn from_state_json(json: &[u8]) -> Result<TestCa> {
        Error::check_size(WHAT, json.len(), MAX_STATE_BYTES)?;
        let state: StateFile = serde_json::from_slice(json).map_err(|e| bad(e.to_string()))?;
        if state.format != FORMAT {
            return Err(bad(format!("format {:.40} is not {FORMAT}", state.format)));
        }
        let environment = match state.environment {
            EnvironmentName::Test => Environment::Test,
            EnvironmentName::Production => Environment::Production,
        };
        let authentication = load_root(
            environment,
            CertificateType::Authentication,
            &state.authentication_root,
        )?;
        let signature = load_root(
            environment,
            CertificateType::Signature,
            &state.signature_root,
        )?;
        let revocations = state
            .revocations
            .iter()
            .map(|r| {
                let reason = RevocationReason::from_code(r.reason)
                    .ok_or_else(|| bad(format!("revocation reason code {}", r.reason)))?;
                Ok((
                    CertificateType::from(r.certificate_type),
                    CrlEntry {
                        serial: serial(&r.serial, "revoked serial")?,
                        revoked_at: NumericDate::from_unix(r.revoked_at),
                        reason,
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut linking = InMemoryLinking::default();
        for pair in &state.linking_pairs {
            linking.record_pair(
                serial(&pair.signature, "linked signature serial")?,
                serial(&pair.authentication, "linked authentication serial")?,
            );
        }
        for succession in &state.successions {
            let certificate_type = CertificateType::from(succession.certificate_type);
            let reference = |text: &str| -> Result<CertificateRef> {
                Ok(CertificateRef {
                    certificate_type,
                    serial: serial(text, "succession serial")?,
                })
            };
            linking.record_successor(reference(&succession.old)?, reference(&succession.new)?);
        }
        if state.next_serial == 0 {
            return Err(bad("next_serial is zero"));
        }
        Ok(TestCa {
            environment,
            authentication,
            signature,
            next_serial: state.next_serial,
            next_crl_number: state.next_crl_number,
            revocations,
            linking,
        })
    }
}

/// A root from its certificate and key, checked against each other and the name layout.
fn load_root(
    environment: Environment,
    certificate_type: CertificateType,
    file: &RootFile,
) -> Result<CaRoot> {
    let field = match certificate_type {
        CertificateType::Authentication => "authentication_root",
        CertificateType::Signature => "signature_root",
    };
    let der = decode(&file.certificate, field).map_err(bad)?;
    let key = TestKey::from_pkcs8_der(&decode_secret(&file.private_key, field).map_err(bad)?)?;
    let certificate: x509_cert::Certificate =
        der::Decode::from_der(&der).map_err(|e| bad(format!("{field}: {e}")))?;
    let name = root_name(environment, certificate_type)?;
    let spki = key.spki()?;
    let tbs = &certificate.tbs_certificate;
    if tbs.subject != name || tbs.issuer != name {
        return Err(bad(format!(
            "{field} is not the {environment} {certificate_type} root of a test CA"
        )));
    }
    if tbs.subject_public_key_info != spki {
        return Err(bad(format!(
            "{field}: the certificate does not certify the saved key"
        )));
    }
    Ok(CaRoot {
        name_der: super::encode(&name)?,
        key_id: key_identifier(&spki),
        key,
        name,
        der,
    })
}

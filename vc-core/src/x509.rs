//! X.509 certificate chains as a signed request carries them in `x5c` (leaf first), for the
//! `x509_san_dns` and `x509_hash` Client Identifier Prefixes of OpenID4VP (§5.9.3).
//!
//! Path validation is `rustls-webpki`'s (RFC 5280 path building, validity at an injected
//! instant, basic constraints, name constraints, key usage), chosen over hand-written checks on
//! `x509-cert` because it is the validator rustls runs for the web and it is already in the
//! build. It is compiled without *ring* and AWS-LC: this module gives it the one signature
//! algorithm it needs, ECDSA P-256 with SHA-256, on RustCrypto's `p256`, so it builds for
//! `wasm32-unknown-unknown` (the npm wallet). Extended key usage is not restricted: OpenID4VP
//! defines none for request signing.
//!
//! ```
//! use myna_vc_core::time::NumericDate;
//! use myna_vc_core::x509::{CertificateChain, RequestTrust};
//! use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
//! // A CA and a leaf for shop.example (what a verifier gets from its PKI).
//! let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
//! let mut ca = CertificateParams::new(Vec::<String>::new())?;
//! ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
//! let ca = ca.self_signed(&ca_key)?;
//! let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
//! let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
//!
//! let chain = CertificateChain::from_der(vec![leaf.der().to_vec(), ca.der().to_vec()])?;
//! assert_eq!(chain.leaf_dns_names()?, ["shop.example"]);
//! let now = NumericDate::from_unix(1_800_000_000);
//! chain.verify(&RequestTrust::anchors(vec![ca.der().to_vec()])?, now)?;
//! assert!(chain.verify(&RequestTrust::none(), now).is_err());
//! // Not a certificate: refused with a typed error before anything else.
//! assert!(CertificateChain::from_der(vec![b"not DER".to_vec()]).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::signature::Verifier as _;
use rustls_pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm, UnixTime,
};
use sha2::{Digest, Sha256};

use crate::b64;
use crate::crypto::{P256PublicKey, PublicKey};
use crate::error::{Error, Oid4vpError, Result};
use crate::time::NumericDate;

/// The most certificates accepted in one chain.
pub const MAX_CHAIN_LEN: usize = 8;

/// The DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point: SEQUENCE {
/// SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

fn untrusted(detail: impl Into<String>) -> Error {
    Error::Oid4vp(Oid4vpError::UntrustedRequestSigner(detail.into()))
}

/// A certificate chain, leaf first, each certificate checked to parse as X.509 v3.
///
/// ```
/// use myna_vc_core::x509::CertificateChain;
/// assert!(CertificateChain::from_x5c(&["not base64!".to_owned()]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateChain {
    ders: Vec<CertificateDer<'static>>,
}

impl CertificateChain {
    /// From DER certificates, leaf first (1 to [`MAX_CHAIN_LEN`]).
    pub fn from_der(ders: Vec<Vec<u8>>) -> Result<Self> {
        if ders.is_empty() || ders.len() > MAX_CHAIN_LEN {
            return Err(untrusted(format!(
                "a chain has 1 to {MAX_CHAIN_LEN} certificates"
            )));
        }
        let chain = CertificateChain {
            ders: ders.into_iter().map(CertificateDer::from).collect(),
        };
        chain.end_entity()?;
        for der in chain.ders.iter().skip(1) {
            webpki::anchor_from_trusted_cert(der)
                .map_err(|e| untrusted(format!("an intermediate certificate is invalid: {e}")))?;
        }
        Ok(chain)
    }

    /// From a JWS `x5c` header: standard (padded) base64 of DER, leaf first.
    pub fn from_x5c(x5c: &[String]) -> Result<Self> {
        let ders = x5c
            .iter()
            .map(|c| {
                STANDARD.decode(c).map_err(|_| {
                    Error::Oid4vp(Oid4vpError::InvalidParameter {
                        name: "x5c",
                        detail: "each certificate is standard base64 of DER".into(),
                    })
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_der(ders)
    }

    /// The chain as an `x5c` header value.
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// use myna_vc_core::x509::CertificateChain;
    /// assert_eq!(CertificateChain::from_x5c(&chain.to_x5c())?, chain);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_x5c(&self) -> Vec<String> {
        self.ders.iter().map(|d| STANDARD.encode(d)).collect()
    }

    /// Every certificate's DER, leaf first (what a signer puts in `x5c`).
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// use myna_vc_core::x509::CertificateChain;
    /// let chain = CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// assert_eq!(CertificateChain::from_x5c(&chain.to_x5c())?.to_der(), [leaf_der, ca_der]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_der(&self) -> Vec<Vec<u8>> {
        self.ders.iter().map(|d| d.as_ref().to_vec()).collect()
    }

    /// The leaf certificate's DER.
    pub fn leaf_der(&self) -> &[u8] {
        self.ders.first().map_or(&[], |d| d.as_ref())
    }

    /// The `x509_hash` of the leaf: base64url of the SHA-256 of its DER (§5.9.3).
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// use sha2::Digest as _;
    /// assert_eq!(chain.leaf_hash(), myna_vc_core::b64::encode(sha2::Sha256::digest(&leaf_der)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_hash(&self) -> String {
        b64::encode(Sha256::digest(self.leaf_der()))
    }

    fn end_entity(&self) -> Result<webpki::EndEntityCert<'_>> {
        let der = self
            .ders
            .first()
            .ok_or_else(|| untrusted("the chain is empty"))?;
        webpki::EndEntityCert::try_from(der)
            .map_err(|e| untrusted(format!("the leaf certificate is invalid: {e}")))
    }

    /// The leaf's dNSName Subject Alternative Names (wildcards included as written).
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// assert_eq!(chain.leaf_dns_names()?, ["shop.example"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_dns_names(&self) -> Result<Vec<String>> {
        let cert = self.end_entity()?;
        Ok(cert.valid_dns_names().map(str::to_owned).collect())
    }

    /// The leaf's public key; only P-256 keys are supported (ES256 request signatures).
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// assert_eq!(chain.leaf_public_key()?.type_name(), "EC P-256");
    /// assert_eq!(chain.leaf_der(), &leaf_der[..]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_public_key(&self) -> Result<PublicKey> {
        let cert = self.end_entity()?;
        let spki = cert.subject_public_key_info();
        let point = spki
            .as_ref()
            .strip_prefix(&P256_SPKI_PREFIX[..])
            .ok_or_else(|| untrusted("the leaf key is not an uncompressed P-256 key"))?;
        P256PublicKey::from_sec1(point).map(PublicKey::P256)
    }

    /// Whether the leaf fits an `x509_san_dns` name: one of its dNSName SANs, compared exactly
    /// (ASCII case-insensitively, as DNS names are; a wildcard SAN matches only itself).
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// assert!(chain.leaf_has_dns_name("SHOP.example")?);
    /// assert!(!chain.leaf_has_dns_name("other.example")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_has_dns_name(&self, name: &str) -> Result<bool> {
        Ok(self
            .leaf_dns_names()?
            .iter()
            .any(|san| san.eq_ignore_ascii_case(name)))
    }

    /// Validates the path from the leaf through the other certificates to one of `trust`'s
    /// anchors, every certificate valid at `now`. Any failure, and an empty `trust`, is
    /// [`Oid4vpError::UntrustedRequestSigner`].
    ///
    /// ```
    /// # use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, PKCS_ECDSA_P256_SHA256};
    /// # let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let mut ca = CertificateParams::new(Vec::<String>::new())?;
    /// # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    /// # let ca = ca.self_signed(&ca_key)?;
    /// # let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    /// # let leaf = CertificateParams::new(vec!["shop.example".to_owned()])?.signed_by(&leaf_key, &ca, &ca_key)?;
    /// # let (leaf_der, ca_der) = (leaf.der().to_vec(), ca.der().to_vec());
    /// # let chain = myna_vc_core::x509::CertificateChain::from_der(vec![leaf_der.clone(), ca_der.clone()])?;
    /// use myna_vc_core::time::NumericDate;
    /// use myna_vc_core::x509::RequestTrust;
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// assert!(chain.verify(&RequestTrust::anchors(vec![ca_der.clone()])?, now).is_ok());
    /// assert!(chain.verify(&RequestTrust::anchors(vec![leaf_der.clone()])?, now).is_err()); // a leaf is no CA
    /// assert!(chain.verify(&RequestTrust::none(), now).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, trust: &RequestTrust, now: NumericDate) -> Result<()> {
        if trust.anchors.is_empty() {
            return Err(untrusted(
                "no trust anchor is configured for signed requests",
            ));
        }
        let anchor_ders: Vec<CertificateDer<'_>> = trust
            .anchors
            .iter()
            .map(|d| CertificateDer::from(d.as_slice()))
            .collect();
        let anchors = anchor_ders
            .iter()
            .map(|d| {
                webpki::anchor_from_trusted_cert(d)
                    .map_err(|e| untrusted(format!("a trust anchor is invalid: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let intermediates = self.ders.get(1..).unwrap_or_default();
        let seconds = u64::try_from(now.as_unix()).unwrap_or(0);
        let time = UnixTime::since_unix_epoch(core::time::Duration::from_secs(seconds));
        let cert = self.end_entity()?;
        cert.verify_for_usage(
            &[&EcdsaP256Sha256],
            &anchors,
            intermediates,
            time,
            AnyUsage,
            None,
            None,
        )
        .map(|_| ())
        .map_err(|e| untrusted(describe(&e)))
    }
}

/// A short reason for a path validation failure.
fn describe(err: &webpki::Error) -> String {
    match err {
        webpki::Error::CertExpired { .. } => "a certificate of the chain has expired".into(),
        webpki::Error::CertNotValidYet { .. } => {
            "a certificate of the chain is not valid yet".into()
        }
        webpki::Error::UnknownIssuer => "the chain does not lead to a trusted anchor".into(),
        webpki::Error::InvalidSignatureForPublicKey => {
            "a certificate signature does not verify".into()
        }
        other => format!("certificate path validation failed: {other}"),
    }
}

/// No extended key usage is required (OpenID4VP defines none for request signing).
struct AnyUsage;

impl webpki::ExtendedKeyUsageValidator for AnyUsage {
    fn validate(
        &self,
        iter: webpki::KeyPurposeIdIter<'_, '_>,
    ) -> core::result::Result<(), webpki::Error> {
        // Still refuse a malformed extension.
        for purpose in iter {
            purpose?;
        }
        Ok(())
    }
}

/// ECDSA P-256 with SHA-256 on RustCrypto's `p256`, for `rustls-webpki` without a native provider.
#[derive(Debug)]
struct EcdsaP256Sha256;

impl SignatureVerificationAlgorithm for EcdsaP256Sha256 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> core::result::Result<(), InvalidSignature> {
        let key =
            p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let signature =
            p256::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        rustls_pki_types::alg_id::ECDSA_P256
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        rustls_pki_types::alg_id::ECDSA_SHA256
    }
}

/// Certificates a wallet trusts for signed requests: trust anchors (DER). A self-signed leaf
/// listed here is trusted as itself. [`RequestTrust::none`] refuses every signed request.
///
/// ```
/// use myna_vc_core::x509::RequestTrust;
/// assert!(RequestTrust::none().is_empty());
/// assert!(RequestTrust::anchors(vec![b"junk".to_vec()]).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestTrust {
    anchors: Vec<Vec<u8>>,
}

impl RequestTrust {
    /// Trusts nothing: every signed request is [`Oid4vpError::UntrustedRequestSigner`].
    pub fn none() -> Self {
        RequestTrust::default()
    }

    /// Trusts these anchors (DER certificates), each checked to parse.
    pub fn anchors(ders: Vec<Vec<u8>>) -> Result<Self> {
        for der in &ders {
            webpki::anchor_from_trusted_cert(&CertificateDer::from(der.as_slice()))
                .map_err(|e| untrusted(format!("a trust anchor is invalid: {e}")))?;
        }
        Ok(RequestTrust { anchors: ders })
    }

    /// Whether no anchor is trusted.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

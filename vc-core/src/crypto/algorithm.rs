use crate::error::{Error, JoseError, Result};

/// The JWS algorithms this crate implements (RFC 7518, RFC 8037).
///
/// ```
/// use myna_vc_core::crypto::Algorithm;
/// assert_eq!(Algorithm::from_jose_name("ES256")?, Algorithm::Es256);
/// assert_eq!(Algorithm::EdDsa.jose_name(), "EdDSA");
/// assert!(Algorithm::from_jose_name("HS256").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256; the default for issuers and holders.
    Es256,
    /// Ed25519 (`EdDSA`, also accepted under its fully-specified name `Ed25519`).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256, verify only: what the My Number card signs with.
    Rs256,
}

impl Algorithm {
    /// The `alg` header value.
    pub const fn jose_name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
        }
    }

    /// Parses an `alg` header value. `none` is [`JoseError::AlgNone`], anything else unknown is
    /// [`JoseError::UnsupportedAlgorithm`].
    pub fn from_jose_name(name: &str) -> Result<Self> {
        match name {
            "ES256" => Ok(Algorithm::Es256),
            "EdDSA" | "Ed25519" => Ok(Algorithm::EdDsa),
            "RS256" => Ok(Algorithm::Rs256),
            n if n.eq_ignore_ascii_case("none") => Err(Error::Jose(JoseError::AlgNone)),
            other => Err(Error::Jose(JoseError::UnsupportedAlgorithm(truncate(
                other,
            )))),
        }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// Keeps attacker-chosen strings in errors short.
pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

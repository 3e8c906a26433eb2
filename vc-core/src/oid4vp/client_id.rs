//! The verifier's `client_id` with its Client Identifier Prefix (OpenID4VP 1.0 §5.9).

use core::fmt;

use crate::b64;
use crate::did::Did;
use crate::error::{Error, Oid4vpError, Result};

/// The longest `client_id` accepted.
pub const MAX_CLIENT_ID_LEN: usize = 2048;

/// How the wallet is to interpret a [`ClientId`] (its Client Identifier Prefix).
///
/// ```
/// use myna_vc_core::oid4vp::{ClientId, ClientIdPrefix};
/// let id = ClientId::parse("x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk")?;
/// assert_eq!(id.prefix(), ClientIdPrefix::X509Hash);
/// assert_eq!(id.prefix().as_str(), "x509_hash");
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientIdPrefix {
    /// No prefix: a client the wallet knows in advance (§5.9.2).
    PreRegistered,
    /// `redirect_uri:`: the rest is the verifier's redirect (or response) URI; requests cannot
    /// be signed.
    RedirectUri,
    /// `decentralized_identifier:`: the rest is a DID; requests are signed with a key of its
    /// DID document, named by `kid`.
    DecentralizedIdentifier,
    /// `x509_san_dns:`: the rest is a DNS name in the SAN of the certificate in `x5c`.
    X509SanDns,
    /// `x509_hash:`: the rest is the base64url SHA-256 of the leaf certificate in `x5c`.
    X509Hash,
}

impl ClientIdPrefix {
    /// The prefix as written before the `:` (empty for [`ClientIdPrefix::PreRegistered`]).
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientIdPrefix::PreRegistered => "",
            ClientIdPrefix::RedirectUri => "redirect_uri",
            ClientIdPrefix::DecentralizedIdentifier => "decentralized_identifier",
            ClientIdPrefix::X509SanDns => "x509_san_dns",
            ClientIdPrefix::X509Hash => "x509_hash",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            ClientIdPrefix::RedirectUri,
            ClientIdPrefix::DecentralizedIdentifier,
            ClientIdPrefix::X509SanDns,
            ClientIdPrefix::X509Hash,
        ]
        .into_iter()
        .find(|p| p.as_str() == name)
    }
}

/// A verifier's `client_id`, checked against its prefix. The whole string, prefix included,
/// is the verifier's identity everywhere in the flow — in particular the `aud` of the KB-JWT
/// ([`ClientId::as_str`], §B.3.6).
///
/// Prefixes this crate does not support are refused with
/// [`Oid4vpError::UnsupportedClientIdPrefix`]: `openid_federation`, `verifier_attestation`, the
/// reserved `origin` (§5.9.3: a wallet MUST NOT accept it), and unknown ones (§5.9.2 lets a
/// wallet refuse them rather than guess they are pre-registered).
///
/// ```
/// use myna_vc_core::oid4vp::{ClientId, ClientIdPrefix};
/// use myna_vc_core::Error;
/// let id = ClientId::parse("decentralized_identifier:did:web:shop.example")?;
/// assert_eq!(id.prefix(), ClientIdPrefix::DecentralizedIdentifier);
/// assert_eq!(id.original(), "did:web:shop.example");
/// assert_eq!(id.did()?.method(), "web");
/// assert_eq!(id.as_str(), "decentralized_identifier:did:web:shop.example");
///
/// assert_eq!(ClientId::parse("x509_san_dns:client.example.org")?.prefix(), ClientIdPrefix::X509SanDns);
/// assert_eq!(ClientId::parse("example-client")?.prefix(), ClientIdPrefix::PreRegistered);
/// assert!(matches!(ClientId::parse("origin:https://a.example"), Err(Error::Oid4vp(myna_vc_core::Oid4vpError::UnsupportedClientIdPrefix(_)))));
/// assert!(matches!(ClientId::parse("redirect_uri:ftp://a.example"), Err(Error::Oid4vp(myna_vc_core::Oid4vpError::InvalidClientId(_)))));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId {
    full: String,
    prefix: ClientIdPrefix,
}

impl ClientId {
    /// Parses and checks a `client_id`.
    pub fn parse(text: &str) -> Result<Self> {
        if text.is_empty()
            || text.len() > MAX_CLIENT_ID_LEN
            || !text.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(Error::Oid4vp(Oid4vpError::InvalidClientId(format!(
                "must be 1 to {MAX_CLIENT_ID_LEN} printable ASCII characters"
            ))));
        }
        let Some((name, original)) = text.split_once(':') else {
            return Ok(ClientId {
                full: text.to_owned(),
                prefix: ClientIdPrefix::PreRegistered,
            });
        };
        let prefix = ClientIdPrefix::from_name(name).ok_or_else(|| {
            Error::Oid4vp(Oid4vpError::UnsupportedClientIdPrefix(
                name.chars().take(32).collect(),
            ))
        })?;
        check_original(prefix, original)?;
        Ok(ClientId {
            full: text.to_owned(),
            prefix,
        })
    }

    /// `redirect_uri:<uri>`.
    ///
    /// ```
    /// use myna_vc_core::oid4vp::ClientId;
    /// let id = ClientId::redirect_uri("https://client.example.org/cb")?;
    /// assert_eq!(id.as_str(), "redirect_uri:https://client.example.org/cb");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn redirect_uri(uri: &str) -> Result<Self> {
        ClientId::parse(&format!("redirect_uri:{uri}"))
    }

    /// `decentralized_identifier:<did>`.
    ///
    /// ```
    /// use myna_vc_core::{did::Did, oid4vp::ClientId};
    /// let id = ClientId::from_did(&Did::parse("did:web:shop.example")?)?;
    /// assert_eq!(id.as_str(), "decentralized_identifier:did:web:shop.example");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_did(did: &Did) -> Result<Self> {
        ClientId::parse(&format!("decentralized_identifier:{}", did.as_str()))
    }

    /// The whole identifier, prefix included: the KB-JWT `aud`.
    pub fn as_str(&self) -> &str {
        &self.full
    }

    /// The prefix.
    pub fn prefix(&self) -> ClientIdPrefix {
        self.prefix
    }

    /// The identifier without its prefix.
    pub fn original(&self) -> &str {
        match self.prefix {
            ClientIdPrefix::PreRegistered => &self.full,
            _ => self
                .full
                .split_once(':')
                .map_or(self.full.as_str(), |(_, rest)| rest),
        }
    }

    /// The DID of a `decentralized_identifier:` client ([`Oid4vpError::InvalidClientId`] otherwise).
    pub fn did(&self) -> Result<Did> {
        if self.prefix != ClientIdPrefix::DecentralizedIdentifier {
            return Err(Error::Oid4vp(Oid4vpError::InvalidClientId(
                "not a decentralized_identifier client".into(),
            )));
        }
        Did::parse(self.original())
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

fn check_original(prefix: ClientIdPrefix, original: &str) -> Result<()> {
    match prefix {
        ClientIdPrefix::PreRegistered => Ok(()),
        ClientIdPrefix::RedirectUri => {
            check_https_uri("client_id", original)
                .map(|_| ())
                .map_err(|_| {
                    Error::Oid4vp(Oid4vpError::InvalidClientId(
                        "redirect_uri: needs an https URI".into(),
                    ))
                })
        }
        ClientIdPrefix::DecentralizedIdentifier => Did::parse(original).map(|_| ()).map_err(|_| {
            Error::Oid4vp(Oid4vpError::InvalidClientId(
                "decentralized_identifier: needs a DID".into(),
            ))
        }),
        ClientIdPrefix::X509SanDns if is_dns_name(original) => Ok(()),
        ClientIdPrefix::X509SanDns => Err(Error::Oid4vp(Oid4vpError::InvalidClientId(
            "x509_san_dns: needs a DNS name".into(),
        ))),
        ClientIdPrefix::X509Hash => match b64::decode(original, "x509_hash") {
            Ok(hash) if hash.len() == 32 => Ok(()),
            _ => Err(Error::Oid4vp(Oid4vpError::InvalidClientId(
                "x509_hash: needs the base64url SHA-256 of a certificate".into(),
            ))),
        },
    }
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens, each 1 to 63
/// characters, 253 in all.
pub(crate) fn is_dns_name(name: &str) -> bool {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    (1..=253).contains(&name.len()) && name.split('.').all(label_ok)
}

/// The host of an `https://` URI, or of an `http://` URI on the loopback interface (a verifier
/// under test); anything else is [`Oid4vpError::InvalidParameter`].
pub(crate) fn check_https_uri<'a>(name: &'static str, uri: &'a str) -> Result<&'a str> {
    let invalid = || {
        Error::Oid4vp(Oid4vpError::InvalidParameter {
            name,
            detail: "must be an https URI (http only on localhost or 127.0.0.1)".into(),
        })
    };
    let (secure, rest) = match (uri.strip_prefix("https://"), uri.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Err(invalid()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                host
            } else {
                authority
            }
        });
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let valid_host = is_dns_name(host) || loopback;
    if authority.contains('@') || !valid_host || !(secure || loopback) {
        return Err(invalid());
    }
    if uri.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(invalid());
    }
    Ok(host)
}

//! Credential Offers (OpenID4VCI 1.0 §4.1) and the links that carry them.

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{form, require_non_empty, IssuerId, Message};
use crate::error::{Error, Result};
use crate::json;

/// The wallet scheme for offer links: `openid-credential-offer://`.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";

/// A Credential Offer object.
///
/// ```
/// use myna_vc_core::oid4vci::{CredentialOffer, Message};
/// let offer = CredentialOffer::from_json(br#"{"credential_issuer": "https://city.example",
///   "credential_configuration_ids": ["resident"],
///   "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abc"}}}"#)?;
/// let grant = offer.grants.pre_authorized_code.as_ref().unwrap();
/// assert_eq!(grant.pre_authorized_code.as_str(), "abc");
/// assert!(grant.tx_code.is_none());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialOffer {
    /// `credential_issuer`.
    pub credential_issuer: IssuerId,
    /// `credential_configuration_ids`: non-empty, unique.
    pub credential_configuration_ids: Vec<String>,
    /// `grants`.
    #[serde(default, skip_serializing_if = "Grants::is_empty")]
    pub grants: Grants,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl CredentialOffer {
    /// An offer of `configuration_ids` with a pre-authorized code grant.
    ///
    /// ```
    /// use myna_vc_core::oid4vci::{CredentialOffer, IssuerId, PreAuthorizedCode};
    /// let offer = CredentialOffer::pre_authorized(
    ///     IssuerId::new("https://city.example")?, vec!["resident".into()],
    ///     PreAuthorizedCode::new("c0de"), None);
    /// assert_eq!(offer.credential_configuration_ids, ["resident"]);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn pre_authorized(
        issuer: IssuerId,
        configuration_ids: Vec<String>,
        code: PreAuthorizedCode,
        tx_code: Option<TxCode>,
    ) -> Self {
        CredentialOffer {
            credential_issuer: issuer,
            credential_configuration_ids: configuration_ids,
            grants: Grants {
                pre_authorized_code: Some(PreAuthorizedCodeGrant {
                    pre_authorized_code: code,
                    tx_code,
                    authorization_server: None,
                    other: Map::new(),
                }),
                other: Map::new(),
            },
            other: Map::new(),
        }
    }
}

impl Message for CredentialOffer {
    const WHAT: &'static str = "credential offer";

    fn check(&self) -> Result<()> {
        let ids = &self.credential_configuration_ids;
        require_non_empty(ids, Self::WHAT, "credential_configuration_ids")?;
        for (i, id) in ids.iter().enumerate() {
            if ids.iter().skip(i + 1).any(|other| other == id) {
                return Err(Error::repeated(Self::WHAT, id));
            }
        }
        if let Some(grant) = &self.grants.pre_authorized_code {
            grant.check()?;
        }
        Ok(())
    }
}

/// The `grants` of an offer: the pre-authorized code grant typed, others kept as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grants {
    /// `urn:ietf:params:oauth:grant-type:pre-authorized_code`.
    #[serde(
        rename = "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pre_authorized_code: Option<PreAuthorizedCodeGrant>,
    /// Other grants (`authorization_code`, …), untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Grants {
    /// Whether no grant is present.
    pub fn is_empty(&self) -> bool {
        self.pre_authorized_code.is_none() && self.other.is_empty()
    }
}

/// The pre-authorized code grant of an offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreAuthorizedCodeGrant {
    /// `pre-authorized_code`.
    #[serde(rename = "pre-authorized_code")]
    pub pre_authorized_code: PreAuthorizedCode,
    /// `tx_code`: present (even empty) when the token request must carry a transaction code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<TxCode>,
    /// `authorization_server`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_server: Option<String>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl PreAuthorizedCodeGrant {
    fn check(&self) -> Result<()> {
        if self.pre_authorized_code.as_str().is_empty() {
            return Err(Error::member_type(
                CredentialOffer::WHAT,
                "pre-authorized_code",
                "a non-empty string",
            ));
        }
        let too_long = self.tx_code.as_ref().and_then(|t| t.description.as_ref());
        if too_long.is_some_and(|d| d.chars().count() > 300) {
            return Err(Error::member_type(
                CredentialOffer::WHAT,
                "tx_code.description",
                "at most 300 characters",
            ));
        }
        Ok(())
    }
}

/// A pre-authorized code: a bearer secret, so its `Debug` does not show it and it is wiped
/// from memory on drop.
///
/// ```
/// use myna_vc_core::oid4vci::PreAuthorizedCode;
/// let code = PreAuthorizedCode::new("SplxlOBeZQQYbYS6WxSbIA");
/// assert_eq!(format!("{code:?}"), "PreAuthorizedCode(..)");
/// ```
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop,
)]
#[serde(transparent)]
pub struct PreAuthorizedCode(String);

impl PreAuthorizedCode {
    /// Wraps a code.
    pub fn new(code: impl Into<String>) -> Self {
        PreAuthorizedCode(code.into())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PreAuthorizedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PreAuthorizedCode(..)")
    }
}

/// `tx_code`: what the wallet should ask the user for. All members are optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TxCode {
    /// `input_mode` (default numeric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_mode: Option<InputMode>,
    /// `length`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// `description` (at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `tx_code.input_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputMode {
    /// Digits only.
    Numeric,
    /// Any characters.
    Text,
}

/// How a Credential Offer reaches the wallet: the `credential_offer` (by value) or
/// `credential_offer_uri` (by reference) query parameter of the wallet's offer endpoint.
///
/// ```
/// use myna_vc_core::oid4vci::OfferLink;
/// let link = OfferLink::parse("openid-credential-offer://?credential_offer_uri=\
///     https%3A%2F%2Fserver%2Eexample%2Ecom%2Fcredential-offer%2FGkurKxf5T0Y")?;
/// assert_eq!(link, OfferLink::ByReference("https://server.example.com/credential-offer/GkurKxf5T0Y".into()));
/// assert_eq!(OfferLink::parse(&link.to_url()?)?, link);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum OfferLink {
    /// `credential_offer`: the offer itself, JSON in the query.
    ByValue(Box<CredentialOffer>),
    /// `credential_offer_uri`: an `https` URL the wallet fetches the offer from.
    ByReference(String),
}

const WHAT_LINK: &str = "credential offer link";

impl OfferLink {
    /// Parses an offer link with any scheme (`openid-credential-offer://`, or a wallet's
    /// `https` offer endpoint): exactly one of the two parameters, no repeats.
    pub fn parse(url: &str) -> Result<Self> {
        json::check_size(WHAT_LINK, url.len())?;
        let url = url.split('#').next().unwrap_or_default();
        let Some((_, query)) = url.split_once('?') else {
            return Err(Error::one_of(
                WHAT_LINK,
                "credential_offer",
                "credential_offer_uri",
            ));
        };
        let mut pairs = form::decode(query, WHAT_LINK)?;
        let by_value = form::take(&mut pairs, "credential_offer");
        let by_reference = form::take(&mut pairs, "credential_offer_uri");
        match (by_value, by_reference) {
            (Some(json), None) => Ok(OfferLink::ByValue(Box::new(CredentialOffer::from_json(
                json.as_bytes(),
            )?))),
            (None, Some(uri)) => {
                check_offer_uri(&uri)?;
                Ok(OfferLink::ByReference(uri))
            }
            (Some(_), Some(_)) | (None, None) => Err(Error::one_of(
                WHAT_LINK,
                "credential_offer",
                "credential_offer_uri",
            )),
        }
    }

    /// The link on the `openid-credential-offer://` scheme.
    pub fn to_url(&self) -> Result<String> {
        self.to_url_at(OFFER_SCHEME)
    }

    /// The link on a wallet's own offer endpoint (e.g. `https://wallet.example/offer`).
    pub fn to_url_at(&self, endpoint: &str) -> Result<String> {
        let query = match self {
            OfferLink::ByValue(offer) => form::encode(&[("credential_offer", &offer.to_json()?)]),
            OfferLink::ByReference(uri) => {
                check_offer_uri(uri)?;
                form::encode(&[("credential_offer_uri", uri)])
            }
        };
        Ok(format!("{endpoint}?{query}"))
    }
}

fn check_offer_uri(uri: &str) -> Result<()> {
    let host = uri.strip_prefix("https://").unwrap_or_default();
    if host.is_empty() || host.starts_with('/') {
        return Err(Error::member_type(
            WHAT_LINK,
            "credential_offer_uri",
            "an https URL",
        ));
    }
    Ok(())
}

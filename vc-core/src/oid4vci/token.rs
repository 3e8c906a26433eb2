//! The Token Request of the Pre-Authorized Code Flow (form-encoded) and the Token Response
//! (OpenID4VCI 1.0 §6).

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    form, require_non_empty, shorten, Message, PreAuthorizedCode, PRE_AUTHORIZED_CODE_GRANT,
};
use crate::error::{Error, Oid4vciError, Result};
use crate::json;

/// A Token Request with the pre-authorized code grant.
///
/// ```
/// use myna_vc_core::oid4vci::{PreAuthorizedCode, TokenRequest, TxCodeValue};
/// let body = "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code\
///             &pre-authorized_code=SplxlOBeZQQYbYS6WxSbIA&tx_code=493536";
/// let request = TokenRequest::from_form(body)?;
/// assert_eq!(request.pre_authorized_code.as_str(), "SplxlOBeZQQYbYS6WxSbIA");
/// assert_eq!(request.tx_code.as_ref().map(TxCodeValue::as_str), Some("493536"));
/// assert_eq!(TokenRequest::from_form(&request.to_form()?)?, request);
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRequest {
    /// `pre-authorized_code`.
    pub pre_authorized_code: PreAuthorizedCode,
    /// `tx_code`: required when the offer had a `tx_code` object.
    pub tx_code: Option<TxCodeValue>,
    /// `authorization_details` (RFC 9396), when the wallet narrows the request.
    pub authorization_details: Option<Vec<AuthorizationDetail>>,
    /// `client_id`, when the wallet identifies itself.
    pub client_id: Option<String>,
}

const WHAT_REQUEST: &str = "token request";

impl TokenRequest {
    /// Parses a form-encoded body. The grant type must be the pre-authorized code grant;
    /// unknown parameters are ignored (RFC 6749 §3.2); a repeated parameter is refused.
    pub fn from_form(body: &str) -> Result<Self> {
        let mut pairs = form::decode(body, WHAT_REQUEST)?;
        match form::take(&mut pairs, "grant_type") {
            Some(grant) if grant == PRE_AUTHORIZED_CODE_GRANT => {}
            Some(other) => {
                return Err(Error::Oid4vci(Oid4vciError::UnsupportedGrantType(shorten(
                    &other,
                ))))
            }
            None => return Err(Error::missing_member(WHAT_REQUEST, "grant_type")),
        }
        let code = form::take(&mut pairs, "pre-authorized_code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::missing_member(WHAT_REQUEST, "pre-authorized_code"))?;
        let authorization_details = form::take(&mut pairs, "authorization_details")
            .map(|text| AuthorizationDetail::list_from_json(text.as_bytes()))
            .transpose()?;
        Ok(TokenRequest {
            pre_authorized_code: PreAuthorizedCode::new(code),
            tx_code: form::take(&mut pairs, "tx_code").map(TxCodeValue::new),
            authorization_details,
            client_id: form::take(&mut pairs, "client_id"),
        })
    }

    /// The form-encoded body.
    pub fn to_form(&self) -> Result<String> {
        let details = match &self.authorization_details {
            Some(list) => {
                Some(serde_json::to_string(list).map_err(|e| Error::json(WHAT_REQUEST, &e))?)
            }
            None => None,
        };
        let mut pairs = vec![
            ("grant_type", PRE_AUTHORIZED_CODE_GRANT),
            ("pre-authorized_code", self.pre_authorized_code.as_str()),
        ];
        let optional = [
            ("tx_code", self.tx_code.as_ref().map(TxCodeValue::as_str)),
            ("authorization_details", details.as_deref()),
            ("client_id", self.client_id.as_deref()),
        ];
        pairs.extend(optional.into_iter().filter_map(|(n, v)| Some((n, v?))));
        Ok(form::encode(&pairs))
    }
}

/// The transaction code the user typed: a secret, so its `Debug` does not show it and it is
/// wiped from memory on drop.
///
/// ```
/// use myna_vc_core::oid4vci::TxCodeValue;
/// assert_eq!(format!("{:?}", TxCodeValue::new("493536")), "TxCodeValue(..)");
/// ```
#[derive(Clone, PartialEq, Eq, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct TxCodeValue(String);

impl TxCodeValue {
    /// Wraps a transaction code.
    pub fn new(code: impl Into<String>) -> Self {
        TxCodeValue(code.into())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares with the expected code in constant time (for equal lengths).
    pub fn matches(&self, expected: &str) -> bool {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            self.0.as_bytes(),
            expected.as_bytes(),
        ))
    }
}

impl fmt::Debug for TxCodeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TxCodeValue(..)")
    }
}

/// An access token: a bearer secret, so its `Debug` does not show it and it is wiped from
/// memory on drop.
///
/// ```
/// use myna_vc_core::oid4vci::AccessToken;
/// assert_eq!(format!("{:?}", AccessToken::new("eyJ..")), "AccessToken(..)");
/// ```
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop,
)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(..)")
    }
}

/// A successful Token Response.
///
/// ```
/// use myna_vc_core::oid4vci::{Message, TokenResponse};
/// let response = TokenResponse::from_json(br#"{"access_token": "eyJ..sHQ", "token_type": "Bearer",
///   "expires_in": 86400, "authorization_details": [{"type": "openid_credential",
///   "credential_configuration_id": "UniversityDegreeCredential",
///   "credential_identifiers": ["CivilEngineeringDegree-2023"]}]}"#)?;
/// assert_eq!(response.expires_in, Some(86400));
/// assert_eq!(response.authorization_details.unwrap()[0].credential_identifiers,
///            Some(vec!["CivilEngineeringDegree-2023".to_string()]));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: AccessToken,
    /// `token_type` (`Bearer` or `DPoP`).
    pub token_type: String,
    /// `expires_in`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// `authorization_details`, with the credential identifiers the token is good for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_details: Option<Vec<AuthorizationDetail>>,
    /// Every other member, untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Message for TokenResponse {
    const WHAT: &'static str = "token response";

    fn check(&self) -> Result<()> {
        if self.access_token.as_str().is_empty() {
            return Err(Error::member_type(
                Self::WHAT,
                "access_token",
                "a non-empty string",
            ));
        }
        if let Some(details) = &self.authorization_details {
            require_non_empty(details, Self::WHAT, "authorization_details")?;
            details.iter().try_for_each(AuthorizationDetail::check)?;
        }
        Ok(())
    }
}

/// One `authorization_details` entry of type `openid_credential`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationDetail {
    /// `type`: `openid_credential`.
    #[serde(rename = "type")]
    pub detail_type: String,
    /// `credential_configuration_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_configuration_id: Option<String>,
    /// `credential_identifiers` (Token Response only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_identifiers: Option<Vec<String>>,
    /// `claims`, untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    /// Every other member (`locations`, …), untouched.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl AuthorizationDetail {
    /// The `type` of OpenID4VCI authorization details.
    pub const TYPE: &'static str = "openid_credential";

    /// Parses an `authorization_details` array (guarded JSON), checking each entry.
    ///
    /// ```
    /// use myna_vc_core::oid4vci::AuthorizationDetail;
    /// let list = AuthorizationDetail::list_from_json(
    ///     br#"[{"type": "openid_credential", "credential_configuration_id": "PID"}]"#)?;
    /// assert_eq!(list[0].credential_configuration_id.as_deref(), Some("PID"));
    /// assert!(AuthorizationDetail::list_from_json(b"[]").is_err());
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn list_from_json(bytes: &[u8]) -> Result<Vec<Self>> {
        const WHAT: &str = "authorization_details";
        let value = json::parse(bytes, WHAT)?;
        let list: Vec<Self> = serde_json::from_value(value).map_err(|e| Error::json(WHAT, &e))?;
        require_non_empty(&list, WHAT, WHAT)?;
        list.iter().try_for_each(Self::check)?;
        Ok(list)
    }

    fn check(&self) -> Result<()> {
        if self.detail_type != Self::TYPE {
            return Err(Error::Oid4vci(
                Oid4vciError::UnsupportedAuthorizationDetail(shorten(&self.detail_type)),
            ));
        }
        if self.credential_configuration_id.is_none() {
            return Err(Error::missing_member(
                "authorization_details",
                "credential_configuration_id",
            ));
        }
        Ok(())
    }
}

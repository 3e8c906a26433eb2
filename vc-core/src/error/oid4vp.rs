//! Errors of OpenID4VP requests, request objects and responses.

/// What went wrong with OpenID4VP requests, request objects and responses.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Oid4vpError {
    /// A `client_id` Client Identifier Prefix this crate does not support (`openid_federation`,
    /// `verifier_attestation`, the reserved `origin`, or an unknown one).
    #[error("unsupported client identifier prefix `{0}`")]
    UnsupportedClientIdPrefix(String),
    /// A `client_id` that does not fit its prefix (not an https URL, not a DID, not a DNS name).
    #[error("invalid client_id: {0}")]
    InvalidClientId(String),
    /// A `response_type` other than `vp_token`.
    #[error("unsupported response_type `{0}`")]
    UnsupportedResponseType(String),
    /// A `response_mode` other than `direct_post` and `fragment`.
    #[error("unsupported response_mode `{0}`")]
    UnsupportedResponseMode(String),
    /// An authorization request URL without a query (so without any parameter).
    #[error("the authorization request URL has no query")]
    NoQuery,
    /// A request or response parameter the protocol requires is missing.
    #[error("required parameter `{0}` is missing")]
    MissingParameter(&'static str),
    /// Parameters that must not appear together do (`redirect_uri` with `direct_post`,
    /// `dcql_query` with `scope`, …).
    #[error("conflicting parameters: {0}")]
    ConflictingParameters(&'static str),
    /// A parameter value outside its allowed form (`nonce` and `state` are URL-safe ASCII, …).
    #[error("parameter `{name}` is invalid: {detail}")]
    InvalidParameter {
        /// The parameter name.
        name: &'static str,
        /// Why it is invalid.
        detail: String,
    },
    /// `transaction_data` is present; a Wallet that does not support it MUST reject the request.
    #[error("transaction_data is not supported")]
    UnsupportedTransactionData,
    /// The Request Object's `client_id` differs from the `client_id` of the request URL.
    #[error("request object client_id does not match the request's client_id")]
    RequestClientIdMismatch,
    /// The Request Object's `aud` is not the wallet (`https://self-issued.me/v2` or its issuer).
    #[error("request object audience does not name this wallet")]
    RequestAudienceMismatch,
    /// The Request Object does not carry the `wallet_nonce` the wallet sent.
    #[error("request object wallet_nonce does not match")]
    WalletNonceMismatch,
    /// A Digital Credentials API protocol this crate does not speak (`openid4vp-v1-multisigned`,
    /// another version, another protocol).
    #[error("unsupported Digital Credentials API protocol `{0}`")]
    UnsupportedProtocol(String),
    /// A plain response where the request asked for an encrypted one (`direct_post.jwt`,
    /// `dc_api.jwt`): refused, or an attacker could strip the encryption.
    #[error("the response is not encrypted, but the request asked for response_mode {expected}")]
    ResponseModeDowngrade {
        /// The response mode the request asked for.
        expected: &'static str,
    },
    /// The Origin the browser reported is not in the signed request's `expected_origins`.
    #[error("the request is not meant for this origin (not in expected_origins)")]
    OriginNotExpected,
    /// A signed request whose certificate chain does not lead to a trusted anchor (or is not
    /// valid now, or is not a chain at all).
    #[error("the request signer is not trusted: {0}")]
    UntrustedRequestSigner(String),
    /// The signed request's `client_id` does not fit its certificate: `x509_hash` of another
    /// certificate, or an `x509_san_dns` name not among the leaf's DNS names.
    #[error("the client_id does not match the request's signing certificate")]
    ClientIdCertificateMismatch,
    /// An encrypted response was asked for, but no key of `client_metadata` is usable (ECDH-ES
    /// on P-256, `use` absent or `enc`) or no `enc` value is supported (A128GCM, A256GCM); or
    /// an encrypted response came without a key to decrypt it.
    #[error("no usable encryption key or content encryption for the response")]
    NoUsableEncryptionKey,
    /// Not a web origin `https://host[:port]` (`http` only for loopback hosts).
    #[error("invalid origin: {0}")]
    InvalidOrigin(String),
    /// A response mode used on the wrong channel: `dc_api` and `dc_api.jwt` belong to requests
    /// over the Digital Credentials API, the others to requests by URL.
    #[error("{0}")]
    ResponseModeWrongChannel(&'static str),
}

impl Oid4vpError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            Oid4vpError::UnsupportedClientIdPrefix(..) => "unsupported_client_id_prefix",
            Oid4vpError::InvalidClientId(..) => "invalid_client_id",
            Oid4vpError::UnsupportedResponseType(..) => "unsupported_response_type",
            Oid4vpError::UnsupportedResponseMode(..) => "unsupported_response_mode",
            Oid4vpError::NoQuery => "request_without_query",
            Oid4vpError::MissingParameter(..) => "missing_parameter",
            Oid4vpError::ConflictingParameters(..) => "conflicting_parameters",
            Oid4vpError::InvalidParameter { .. } => "invalid_parameter",
            Oid4vpError::UnsupportedTransactionData => "unsupported_transaction_data",
            Oid4vpError::RequestClientIdMismatch => "request_client_id_mismatch",
            Oid4vpError::RequestAudienceMismatch => "request_audience_mismatch",
            Oid4vpError::WalletNonceMismatch => "wallet_nonce_mismatch",
            Oid4vpError::UnsupportedProtocol(..) => "unsupported_protocol",
            Oid4vpError::ResponseModeDowngrade { .. } => "response_mode_downgrade",
            Oid4vpError::OriginNotExpected => "origin_not_expected",
            Oid4vpError::UntrustedRequestSigner(..) => "untrusted_request_signer",
            Oid4vpError::ClientIdCertificateMismatch => "client_id_certificate_mismatch",
            Oid4vpError::NoUsableEncryptionKey => "no_usable_encryption_key",
            Oid4vpError::InvalidOrigin(..) => "invalid_origin",
            Oid4vpError::ResponseModeWrongChannel(..) => "response_mode_wrong_channel",
        }
    }
}

//! The one error type of `myna-wallet`.

/// What went wrong in the wallet. Every refusal says why; nothing here panics on bad input.
///
/// Every variant has a stable [`code`](Error::code) (the npm package throws it as
/// `error.code`); a vc-core refusal has vc-core's code (see [`myna_vc_core::Error`]).
///
/// | code | variant |
/// |------|---------|
/// | vc-core's code | [`Error::Core`] |
/// | `card` | [`Error::Card`] (feature `card`) |
/// | `wrong_passphrase` | [`Error::WrongPassphrase`] |
/// | `weak_passphrase` | [`Error::WeakPassphrase`] |
/// | `corrupt` | [`Error::Corrupt`] |
/// | `storage` | [`Error::Storage`] |
/// | `encode` | [`Error::Encode`] |
/// | `poisoned` | [`Error::Poisoned`] |
/// | `already_initialised` | [`Error::AlreadyInitialised`] |
/// | `not_initialised` | [`Error::NotInitialised`] |
/// | `invalid` | [`Error::Invalid`] |
/// | `remote` | [`Error::Remote`] |
/// | the cause's code ([`TransportCause::code`]) | [`Error::Transport`] |
/// | `wrong_issuer` | [`Error::WrongIssuer`] |
/// | `refused` | [`Error::Refused`] |
/// | `batch_exhausted` | [`Error::BatchExhausted`] |
/// | `no_common_holder_key` | [`Error::NoCommonHolderKey`] |
/// | `not_requested` | [`Error::NotRequested`] |
/// | `not_found` | [`Error::NotFound`] |
/// | `history_tampered` | [`Error::HistoryTampered`] |
///
/// ```
/// use myna_wallet::Error;
/// assert_eq!(Error::WrongPassphrase.to_string(),
///     "wrong passphrase (or the sealed data was altered)");
/// assert_eq!(Error::WrongPassphrase.code(), "wrong_passphrase");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A format, signature or protocol rule of `myna-vc-core` refused something.
    #[error(transparent)]
    Core(#[from] myna_vc_core::Error),
    /// The card refused or failed (PIN, reader, certificate).
    #[cfg(feature = "card")]
    #[error("card: {0}")]
    Card(#[from] myna_jpki::Error),
    /// The passphrase does not open the sealed data (or the data was altered: the two cannot
    /// be told apart, by design of the AEAD).
    #[error("wrong passphrase (or the sealed data was altered)")]
    WrongPassphrase,
    /// A passphrase shorter than [`MIN_PASSPHRASE_CHARS`](crate::sealed::MIN_PASSPHRASE_CHARS).
    #[error("the passphrase must have at least {min} characters")]
    WeakPassphrase {
        /// The minimum length.
        min: usize,
    },
    /// Sealed or stored data is not in the wallet's format.
    #[error("{what} is corrupt: {detail}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The storage backend failed; the backend's own error is the [source](std::error::Error::source).
    #[error("storage: {operation} failed")]
    Storage {
        /// What the wallet asked of the store ("open", "read", "write", …).
        operation: &'static str,
        /// The backend's error (a redb error for [`RedbStore`](crate::store::RedbStore)).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A record or an export could not be encoded as JSON.
    #[error("encoding {what} as JSON failed")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// In-memory state is unusable because a thread panicked while holding its lock.
    #[error("{what} is unusable: a thread panicked while holding its lock")]
    Poisoned {
        /// The state ("the memory store", "the registry").
        what: &'static str,
    },
    /// The wallet was already initialised in this store.
    #[error("the wallet is already initialised here")]
    AlreadyInitialised,
    /// No wallet has been initialised in this store.
    #[error("no wallet here yet: initialise it first")]
    NotInitialised,
    /// A value the caller gave is not acceptable.
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// What was checked.
        what: &'static str,
        /// Why it was refused.
        detail: String,
    },
    /// The issuer, registry or other remote party answered with an error or could not be
    /// reached.
    #[error("{party}: {detail}")]
    Remote {
        /// Who answered ("issuer", "consent registry").
        party: &'static str,
        /// Its error (an OAuth-style error code and description when it gave one).
        detail: String,
    },
    /// The issuer or registry could not be reached over HTTP, or answered with an HTTP error:
    /// the [cause](TransportCause) says which (DNS, connection refused, an untrusted
    /// certificate, another TLS failure, a timeout, an error status with its OAuth error).
    #[error("{}", transport_message(party, url, cause))]
    Transport {
        /// Who was asked ("issuer", "consent registry").
        party: &'static str,
        /// Where the request went (scheme, host, port and path; no query).
        url: String,
        /// What went wrong.
        cause: TransportCause,
    },
    /// The issuer's metadata names another credential issuer than the one the wallet asked
    /// (or the offer named): its answers cannot be attributed to the issuer the wallet pins.
    #[error(
        "wrong issuer: asked {expected}, but its metadata says it is {found} \
         (check the issuer URL; an issuer is reached only under its own identifier)"
    )]
    WrongIssuer {
        /// The issuer identifier the wallet asked for (from the offer or the command).
        expected: String,
        /// The `credential_issuer` the metadata states.
        found: String,
    },
    /// A credential received from an issuer failed a check on receipt.
    #[error("credential refused on receipt: {0}")]
    Refused(String),
    /// Every instance of a batch was shown to other verifiers: showing one again would let
    /// them link the holder. Receive a new batch.
    #[error("every credential of type {vct} was already shown to another verifier: refill")]
    BatchExhausted {
        /// The credential type.
        vct: String,
    },
    /// The request asks for several credentials together, and the wallet holds them only
    /// bound to different holder keys (from different offers or issuers, or with the
    /// matching copies already used up): a verifier would refuse them as belonging to
    /// different holders. Receive them again in one offer (one batch of keys), or for
    /// credentials bound to an anchored key, redeem them with that anchor.
    #[error("no set of credentials bound to one holder key answers the request ({}): receive them together in one offer", vcts.join(", "))]
    NoCommonHolderKey {
        /// The credential types the request needs together.
        vcts: Vec<String>,
    },
    /// The presentation would disclose a claim that was not requested.
    #[error("refusing to disclose `{0}`: the verifier did not ask for it")]
    NotRequested(String),
    /// No record with this id.
    #[error("no {what} with id {id}")]
    NotFound {
        /// What was looked up.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The history log does not hash-chain: an entry was edited, removed or reordered.
    #[error("the history log was tampered with at entry {0}")]
    HistoryTampered(u64),
}

/// `Result` with the wallet's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// The stable code of this error, from the table above.
    ///
    /// ```
    /// use myna_wallet::Error;
    /// assert_eq!(Error::BatchExhausted { vct: "urn:x".into() }.code(), "batch_exhausted");
    /// let core = myna_vc_core::Error::from(myna_vc_core::JoseError::SignatureInvalid);
    /// assert_eq!(Error::Core(core).code(), "signature_invalid");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(error) => error.code(),
            #[cfg(feature = "card")]
            Error::Card(_) => "card",
            Error::WrongPassphrase => "wrong_passphrase",
            Error::WeakPassphrase { .. } => "weak_passphrase",
            Error::Corrupt { .. } => "corrupt",
            Error::Storage { .. } => "storage",
            Error::Encode { .. } => "encode",
            Error::Poisoned { .. } => "poisoned",
            Error::AlreadyInitialised => "already_initialised",
            Error::NotInitialised => "not_initialised",
            Error::Invalid { .. } => "invalid",
            Error::Remote { .. } => "remote",
            Error::Transport { cause, .. } => cause.code(),
            Error::WrongIssuer { .. } => "wrong_issuer",
            Error::Refused(_) => "refused",
            Error::BatchExhausted { .. } => "batch_exhausted",
            Error::NoCommonHolderKey { .. } => "no_common_holder_key",
            Error::NotRequested(_) => "not_requested",
            Error::NotFound { .. } => "not_found",
            Error::HistoryTampered(_) => "history_tampered",
        }
    }

    /// An [`Error::Storage`] for `operation`, keeping the backend's error as the source (for
    /// [`WalletStore`](crate::store::WalletStore) implementations).
    ///
    /// ```
    /// use myna_wallet::Error;
    /// let err = Error::storage("read", std::io::Error::other("disk gone"));
    /// assert_eq!(err.code(), "storage");
    /// assert_eq!(err.to_string(), "storage: read failed");
    /// assert_eq!(std::error::Error::source(&err).map(|s| s.to_string()).as_deref(), Some("disk gone"));
    /// ```
    pub fn storage(
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Storage {
            operation,
            source: Box::new(source),
        }
    }

    pub(crate) fn corrupt(what: &'static str, detail: impl Into<String>) -> Self {
        Error::Corrupt {
            what,
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        Error::Invalid {
            what,
            detail: detail.into(),
        }
    }
}

/// Why an HTTP request of the wallet failed: the part of [`Error::Transport`] a caller acts on.
///
/// | code | cause |
/// |------|-------|
/// | `dns` | [`TransportCause::Dns`] |
/// | `connection_refused` | [`TransportCause::ConnectionRefused`] |
/// | `untrusted_certificate` | [`TransportCause::UntrustedCertificate`] |
/// | `tls` | [`TransportCause::Tls`] |
/// | `timeout` | [`TransportCause::Timeout`] |
/// | `http_status` | [`TransportCause::Status`] |
/// | `unreachable` | [`TransportCause::Unreachable`] |
///
/// ```
/// use myna_wallet::{Error, TransportCause};
/// let err = Error::Transport {
///     party: "issuer",
///     url: "https://city.example/.well-known/openid-credential-issuer".into(),
///     cause: TransportCause::UntrustedCertificate { detail: "UnknownIssuer".into() },
/// };
/// assert_eq!(err.code(), "untrusted_certificate");
/// assert!(err.to_string().starts_with(
///     "the issuer's certificate is not trusted: give its CA with --ca-cert"));
/// let status = TransportCause::Status {
///     status: 400,
///     error: Some("invalid_grant".into()),
///     description: Some("the code was used".into()),
/// };
/// assert_eq!(status.to_string(), "HTTP 400, invalid_grant: the code was used");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportCause {
    /// The host name did not resolve.
    #[error("the host {host} was not found (DNS): check the URL and the network")]
    Dns {
        /// The host name.
        host: String,
    },
    /// Nothing accepts connections at the address.
    #[error("connection refused: nothing listens there (is the service running, on that port?)")]
    ConnectionRefused,
    /// The server's certificate does not chain to a trusted root (a private CA not given).
    #[error("the server's certificate is not trusted ({detail})")]
    UntrustedCertificate {
        /// What the TLS library said about the certificate.
        detail: String,
    },
    /// Another TLS failure (a certificate for another name, an expired one, a handshake the
    /// server broke off).
    #[error("TLS failed: {detail}")]
    Tls {
        /// What the TLS library said.
        detail: String,
    },
    /// No complete answer within the client's timeout.
    #[error("no answer within {secs} seconds (timeout)")]
    Timeout {
        /// The timeout in seconds.
        secs: u64,
    },
    /// An answer with an error status; with the OAuth-style error body if it had one.
    #[error("HTTP {status}{}", oauth_suffix(error.as_deref(), description.as_deref()))]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The OAuth `error` code, if the body was an OAuth error.
        error: Option<String>,
        /// The OAuth `error_description`, if any.
        description: Option<String>,
    },
    /// Any other failure to send the request or read the answer.
    #[error("{detail}")]
    Unreachable {
        /// What failed, with the HTTP library's causes.
        detail: String,
    },
}

impl TransportCause {
    /// The stable code of this cause, from the table above.
    pub fn code(&self) -> &'static str {
        match self {
            TransportCause::Dns { .. } => "dns",
            TransportCause::ConnectionRefused => "connection_refused",
            TransportCause::UntrustedCertificate { .. } => "untrusted_certificate",
            TransportCause::Tls { .. } => "tls",
            TransportCause::Timeout { .. } => "timeout",
            TransportCause::Status { .. } => "http_status",
            TransportCause::Unreachable { .. } => "unreachable",
        }
    }
}

fn oauth_suffix(error: Option<&str>, description: Option<&str>) -> String {
    match (error, description) {
        (Some(error), Some(description)) => format!(", {error}: {description}"),
        (Some(error), None) => format!(", {error}"),
        (None, _) => String::new(),
    }
}

/// [`Error::Transport`]'s text: an untrusted certificate says what to do first, everything
/// else names the party and the URL first.
fn transport_message(party: &str, url: &str, cause: &TransportCause) -> String {
    match cause {
        TransportCause::UntrustedCertificate { detail } => format!(
            "the {party}'s certificate is not trusted: give its CA with --ca-cert \
             ({url}: {detail})"
        ),
        other => format!("{party} at {url}: {other}"),
    }
}

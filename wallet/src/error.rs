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

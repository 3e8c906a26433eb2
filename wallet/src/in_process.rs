//! An issuer in the same process (feature `test-util`, off by default): the wallet's
//! [`IssuerTransport`] implemented once over the issuer's sans-I/O endpoint layer
//! ([`myna_issuer::endpoint`]), with no HTTP between them. For tests and demos; a production
//! wallet reaches its issuer over HTTP (`http::HttpIssuer`).
//!
//! Every call runs the endpoint at the issuer's clock, and an endpoint's refusal comes back
//! as [`Error::Remote`] with its OAuth error code and description — as over HTTP, without
//! the status code.
//!
//! ```
//! use std::sync::Arc;
//! use myna_issuer::endpoint::Setup;
//! use myna_issuer::store::MemoryStore;
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::municipality::Municipality;
//! use myna_vc_core::oid4vci::IssuerId;
//! use myna_vc_core::time::{FixedClock, NumericDate};
//! use myna_wallet::in_process::InProcessIssuer;
//! use myna_wallet::receive::IssuerTransport;
//! let key = SecretKey::generate_p256()?;
//! let maebashi = Municipality::new("102016".parse()?, "群馬県", "前橋市")?;
//! let id = IssuerId::new("https://city.maebashi.example")?;
//! let setup = Setup::new(MemoryStore::new(), default_provider().signer(&key)?, id.clone(),
//!     Some(maebashi))?;
//! let clock = Arc::new(FixedClock(NumericDate::from_unix(1_800_000_000)));
//! let city = InProcessIssuer::new(setup, clock)?;
//! assert_eq!(city.metadata(&id)?.credential_issuer, id);
//! // Without JPKI roots in the setup, anchoring is refused the way the service refuses it.
//! let err = city.anchor_challenge(&id).unwrap_err();
//! assert!(err.to_string().contains("temporarily_unavailable"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use myna_issuer::endpoint::anchoring::AnchorRequest;
use myna_issuer::endpoint::offer::OfferedFacts;
use myna_issuer::endpoint::pseudonym_offer::PseudonymOfferRequest;
use myna_issuer::endpoint::refresh::RefreshOfferRequest;
use myna_issuer::endpoint::{EndpointError, Endpoints, Setup};
use myna_issuer::record::SubjectHandle;
use myna_issuer::store::{MemoryStore, Store};
use myna_vc_core::crypto::PublicKey;
use myna_vc_core::oid4vci::{
    AccessToken, CredentialIssuerMetadata, CredentialOffer, CredentialRequest, CredentialResponse,
    IssuerId, NonceResponse, TokenRequest, TokenResponse,
};
use myna_vc_core::status_list::{StatusListUri, VerifiedStatusList};
use myna_vc_core::time::{Clock, NumericDate};

use crate::error::{Error, Result};
use crate::receipt::{PinnedIssuer, StatusSource, StatusTokens};
use crate::receive::{AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport};

const PARTY: &str = "issuer";

/// One issuer's endpoints, called in-process at the time of its clock.
pub struct InProcessIssuer<S: Store = MemoryStore> {
    endpoints: Endpoints<S>,
    clock: Arc<dyn Clock>,
}

impl<S: Store> core::fmt::Debug for InProcessIssuer<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InProcessIssuer")
            .field("issuer", &self.endpoints.issuer_id().as_str())
            .finish_non_exhaustive()
    }
}

/// An endpoint's refusal as the wallet sees a remote error: `code: description`.
fn refused(err: &EndpointError) -> Error {
    Error::Remote {
        party: PARTY,
        detail: format!("{}: {}", err.code(), err.description()),
    }
}

/// A library error of the issuer (an operator's offer refused, the store failing).
fn failed(err: &myna_issuer::Error) -> Error {
    Error::Remote {
        party: PARTY,
        detail: err.to_string(),
    }
}

impl<S: Store> InProcessIssuer<S> {
    /// The issuer of `setup` (its store, key, identifier, municipality, JPKI roots and CRLs,
    /// rules), running at `clock`'s time.
    pub fn new(setup: Setup<S>, clock: Arc<dyn Clock>) -> Result<Self> {
        let endpoints = Endpoints::new(setup).map_err(|e| failed(&e))?;
        Ok(InProcessIssuer { endpoints, clock })
    }

    /// The endpoints, for what the transport does not cover (an operator's offer, CRLs).
    pub fn endpoints(&self) -> &Endpoints<S> {
        &self.endpoints
    }

    /// The issuer's time now.
    pub fn now(&self) -> NumericDate {
        self.clock.now()
    }

    /// The credential issuer identifier.
    pub fn id(&self) -> &IssuerId {
        self.endpoints.issuer_id()
    }

    /// The issuer and its key, as a wallet pins them.
    pub fn pinned(&self) -> PinnedIssuer {
        PinnedIssuer::new(self.id().as_str(), self.endpoints.issuer_key().clone())
    }

    /// An operator's offer of `facts` for `subject` (as municipal staff make one), with a
    /// transaction code if `with_tx_code`; the offer and the code to hand over.
    pub fn offer(
        &self,
        subject: &SubjectHandle,
        facts: Vec<OfferedFacts>,
        with_tx_code: bool,
    ) -> Result<(CredentialOffer, Option<String>)> {
        let created = self
            .endpoints
            .offer(subject, facts, with_tx_code, self.now())
            .map_err(|e| failed(&e))?;
        Ok((created.credential_offer, created.tx_code))
    }

    /// The person who anchored `holder_key` here.
    pub fn anchored_person(&self, holder_key: &PublicKey) -> Result<Option<SubjectHandle>> {
        self.endpoints
            .anchored_person(holder_key)
            .map_err(|e| failed(&e))
    }

    /// The credential status list, signed now.
    pub fn status_list_token(&self) -> Result<String> {
        self.endpoints
            .status_list_token(self.now())
            .map_err(|e| failed(&e))
    }

    /// The status list as of now, for a [`ReceiptCheck`](crate::receipt::ReceiptCheck)
    /// made before the credentials are issued (the issuer itself is also a
    /// [`StatusSource`] that signs the list when asked).
    pub fn status(&self) -> Result<StatusTokens> {
        Ok(StatusTokens::new().with(self.endpoints.status_list(), self.status_list_token()?))
    }

    fn check_issuer(&self, issuer: &IssuerId) -> Result<()> {
        if issuer != self.id() {
            return Err(Error::Remote {
                party: PARTY,
                detail: format!("this in-process issuer is not {}", issuer.as_str()),
            });
        }
        Ok(())
    }
}

impl<S: Store> StatusSource for InProcessIssuer<S> {
    /// Signs the issuer's list now (so credentials issued a moment ago have their entries).
    fn status_list(
        &self,
        uri: &StatusListUri,
        key: &PublicKey,
        now: NumericDate,
    ) -> Result<VerifiedStatusList> {
        self.status()?.status_list(uri, key, now)
    }
}

impl<S: Store> IssuerTransport for InProcessIssuer<S> {
    fn metadata(&self, issuer: &IssuerId) -> Result<CredentialIssuerMetadata> {
        self.check_issuer(issuer)?;
        Ok(self.endpoints.metadata())
    }

    fn token(
        &self,
        issuer: &CredentialIssuerMetadata,
        request: &TokenRequest,
    ) -> Result<TokenResponse> {
        self.check_issuer(&issuer.credential_issuer)?;
        self.endpoints
            .token(request, self.now())
            .map_err(|e| refused(&e))
    }

    fn nonce(&self, issuer: &CredentialIssuerMetadata) -> Result<NonceResponse> {
        self.check_issuer(&issuer.credential_issuer)?;
        self.endpoints.nonce(self.now()).map_err(|e| refused(&e))
    }

    fn credential(
        &self,
        issuer: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> Result<CredentialResponse> {
        self.check_issuer(&issuer.credential_issuer)?;
        self.endpoints
            .credential(token.as_str(), request, self.now())
            .map_err(|e| refused(&e))
    }

    fn anchor_challenge(&self, issuer: &IssuerId) -> Result<AnchorChallenge> {
        self.check_issuer(issuer)?;
        let challenge = self
            .endpoints
            .anchor_challenge(self.now())
            .map_err(|e| refused(&e))?;
        Ok(AnchorChallenge {
            nonce: challenge.nonce,
            expires_at: challenge.expires_at.as_unix(),
        })
    }

    fn anchor(&self, issuer: &IssuerId, answer: &AnchorAnswer) -> Result<AnchorGrant> {
        self.check_issuer(issuer)?;
        let request = AnchorRequest {
            nonce: answer.nonce.clone(),
            holder_proof: answer.holder_proof.clone(),
            card_jws: answer.card_jws.clone(),
            facts_jws: answer.facts_jws.clone(),
        };
        let anchored = self
            .endpoints
            .anchor(&request, self.now())
            .map_err(|e| refused(&e))?;
        let (credential_offer, tx_code) = match anchored.offer {
            Some(offer) => (Some(offer.credential_offer), offer.tx_code),
            None => (None, None),
        };
        Ok(AnchorGrant {
            credential: anchored.anchor_credential,
            credential_offer,
            tx_code,
        })
    }

    fn refresh_offer(&self, issuer: &IssuerId, configuration: &str) -> Result<CredentialOffer> {
        self.check_issuer(issuer)?;
        let request = RefreshOfferRequest {
            credential: configuration.to_owned(),
        };
        self.endpoints
            .refresh_offer(&request, self.now())
            .map(|offer| offer.credential_offer)
            .map_err(|e| refused(&e))
    }

    fn pseudonym_offer(&self, issuer: &IssuerId, context: &str) -> Result<CredentialOffer> {
        self.check_issuer(issuer)?;
        let request = PseudonymOfferRequest {
            context: context.to_owned(),
        };
        self.endpoints
            .pseudonym_offer(&request, self.now())
            .map(|offer| offer.credential_offer)
            .map_err(|e| refused(&e))
    }
}

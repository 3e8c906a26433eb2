//! Receiving credentials: the wallet side of OpenID4VCI 1.0's pre-authorized code flow, and
//! anchoring a holder key to a My Number card.
//!
//! The messages are vc-core's [`oid4vci`](myna_vc_core::oid4vci) types; how they travel is an
//! [`IssuerTransport`] — HTTP in `http::HttpIssuer` (feature `http`), or
//! anything else (the tests drive the issuer library in-process).
//!
//! [`Wallet::receive`]: offer → token → nonce → one key proof per fresh holder key (a whole
//! batch in one request) → credentials, each checked ([`ReceiptCheck`]) and mapped to the key
//! it is bound to, then stored as one batch with a history entry, all in one write.
//!
//! [`Wallet::anchor`]: the issuer's challenge, signed twice — by the holder key (a
//! `myna-anchor-proof+jwt` carrying its `jwk`) and by the card's authentication key over the
//! nonce and the holder key's thumbprint (`myna-anchor-card+jwt`, certificate in `x5c`) — then
//! the anchor credential, checked and stored.

use myna_vc_core::b64;
use myna_vc_core::claim_path::ClaimPath;
use myna_vc_core::crypto::fill_random;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::oid4vci::{
    build_key_proof, AccessToken, CNonce, CredentialIssuerMetadata, CredentialOffer,
    CredentialRequest, CredentialResponse, IssuerId, NonceResponse, TokenRequest, TokenResponse,
    TxCodeValue,
};
use myna_vc_core::sdjwt::{KeyBinding, SdJwt};
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::credentials::{StoredCredential, ANCHOR_CONFIGURATION};
use crate::error::{Error, Result};
use crate::history::Event;
use crate::keys::KeyLabel;
use crate::receipt::ReceiptCheck;
use crate::store::{Table, WalletStore, WriteOp};
use crate::wallet::Wallet;

/// The `typ` of the holder proof in anchoring.
pub const ANCHOR_PROOF_TYP: &str = "myna-anchor-proof+jwt";
/// The `typ` of the card's JWS in anchoring.
pub const ANCHOR_CARD_TYP: &str = "myna-anchor-card+jwt";
/// The `typ` of the optional JWS by the card's *signature* key, which lets the issuer read the
/// certified facts and offer resident and age credentials.
pub const FACTS_TYP: &str = "myna-facts+jwt";

/// The issuer's anchoring challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorChallenge {
    /// base64url nonce.
    pub nonce: String,
    /// Unix seconds after which the issuer refuses it.
    pub expires_at: i64,
}

/// The wallet's answer to an [`AnchorChallenge`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorAnswer {
    /// The challenge's nonce.
    pub nonce: String,
    /// JWS by the holder key over `{nonce, aud, iat}`.
    pub holder_proof: String,
    /// JWS by the card's authentication key over `{nonce, holder_jkt}`.
    pub card_jws: String,
    /// JWS by the card's signature key over the same, when the holder lets the issuer read
    /// the certified facts (the signature PIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts_jws: Option<String>,
}

/// What the issuer gives back for a good answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnchorGrant {
    /// The anchor credential (SD-JWT VC, every disclosure).
    #[serde(rename = "anchor_credential")]
    pub credential: String,
    /// An offer of further credentials, if the issuer makes one after anchoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_offer: Option<CredentialOffer>,
    /// The offer's transaction code, if the issuer hands it back here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
}

/// How the wallet reaches an issuer. Every method is one request and its parsed answer; an
/// issuer's error answer is [`Error::Remote`].
pub trait IssuerTransport {
    /// The Credential Issuer Metadata.
    fn metadata(&self, issuer: &IssuerId) -> Result<CredentialIssuerMetadata>;
    /// The token endpoint.
    fn token(
        &self,
        issuer: &CredentialIssuerMetadata,
        request: &TokenRequest,
    ) -> Result<TokenResponse>;
    /// The nonce endpoint.
    fn nonce(&self, issuer: &CredentialIssuerMetadata) -> Result<NonceResponse>;
    /// The credential endpoint.
    fn credential(
        &self,
        issuer: &CredentialIssuerMetadata,
        token: &AccessToken,
        request: &CredentialRequest,
    ) -> Result<CredentialResponse>;
    /// A fresh anchoring challenge.
    fn anchor_challenge(&self, issuer: &IssuerId) -> Result<AnchorChallenge>;
    /// Sends the answer; the anchor credential comes back.
    fn anchor(&self, issuer: &IssuerId, answer: &AnchorAnswer) -> Result<AnchorGrant>;
    /// A self-service offer of a fresh batch of `configuration` (`"age"`), redeemed with a
    /// refresh presentation ([`crate::refresh`]). Transports that cannot ask for one refuse.
    fn refresh_offer(&self, issuer: &IssuerId, configuration: &str) -> Result<CredentialOffer> {
        let _ = (issuer, configuration);
        Err(Error::Refused(
            "this transport cannot ask the issuer for a refresh offer".into(),
        ))
    }
    /// A self-service offer of the caller's own pseudonym in `context` (a forum, a sale),
    /// redeemed by an anchored wallet ([`Wallet::receive_pseudonym`]). Transports that cannot
    /// ask for one refuse.
    fn pseudonym_offer(&self, issuer: &IssuerId, context: &str) -> Result<CredentialOffer> {
        let _ = (issuer, context);
        Err(Error::Refused(
            "this transport cannot ask the issuer for a pseudonym offer".into(),
        ))
    }
}

/// A batch that was received and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedBatch {
    /// The batch id.
    pub batch: String,
    /// The configuration it was requested as.
    pub configuration_id: String,
    /// The stored instances.
    pub credentials: Vec<StoredCredential>,
}

/// The member of a credential request carrying the anchor presentation.
pub const ANCHOR_PRESENTATION: &str = "anchor_presentation";

/// How the keys of received credentials are chosen.
#[derive(Debug, Clone, Copy)]
enum Binding<'a> {
    /// A fresh key per credential (unlinkable instances).
    FreshKeys,
    /// The key anchored at the issuer, proven with this anchor credential.
    Anchored(&'a StoredCredential),
    /// A fresh key of its own, with this anchor credential presented beside it (whose
    /// person the credential is for): a poll's pseudonym, unlinkable to anything else held.
    AnchoredFresh(&'a StoredCredential),
}

/// One issuer's endpoints and the access token of a redemption.
struct Exchange<'a> {
    transport: &'a dyn IssuerTransport,
    metadata: &'a CredentialIssuerMetadata,
    token: &'a AccessToken,
}

impl Exchange<'_> {
    /// Sends a credential request; the credentials that come back.
    fn request(&self, request: &CredentialRequest) -> Result<Vec<String>> {
        let response = self
            .transport
            .credential(self.metadata, self.token, request)?;
        Ok(response
            .credential_strings()
            .into_iter()
            .map(str::to_owned)
            .collect())
    }
}

/// The issuer's metadata and an access token for `offer`'s pre-authorized code (with the
/// transaction code, if the offer asks for one).
pub(crate) fn redeem_code(
    transport: &dyn IssuerTransport,
    offer: &CredentialOffer,
    tx_code: Option<&str>,
) -> Result<(CredentialIssuerMetadata, TokenResponse)> {
    let grant = offer
        .grants
        .pre_authorized_code
        .as_ref()
        .ok_or_else(|| Error::invalid("credential offer", "no pre-authorized code grant"))?;
    if grant.tx_code.is_some() && tx_code.is_none() {
        return Err(Error::invalid(
            "transaction code",
            "the offer asks for one: type the code the issuer sent",
        ));
    }
    let metadata = transport.metadata(&offer.credential_issuer)?;
    if metadata.credential_issuer != offer.credential_issuer {
        return Err(Error::WrongIssuer {
            expected: offer.credential_issuer.as_str().to_owned(),
            found: metadata.credential_issuer.as_str().to_owned(),
        });
    }
    let token = transport.token(
        &metadata,
        &TokenRequest {
            pre_authorized_code: grant.pre_authorized_code.clone(),
            tx_code: tx_code.map(TxCodeValue::new),
            authorization_details: None,
            client_id: None,
        },
    )?;
    Ok((metadata, token))
}

/// A random identifier: 128 bits, base64url.
pub(crate) fn random_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(b64::encode(bytes))
}

impl<S: WalletStore> Wallet<S> {
    /// Redeems `offer` (with the transaction code the user typed, if the offer asks for one):
    /// one batch per offered configuration, as many instances as the issuer's batch size.
    /// The configurations of one offer share the batch's keys: copy `i` of every credential
    /// of the offer is bound to key `i` ([`KeyLabel::credential`]), so that a verifier asking
    /// for several of them together (a resident and an age credential) sees one holder key.
    /// Presenting one copy therefore uses up its siblings too
    /// ([`Preview::confirm`](crate::present::Preview::confirm)).
    pub fn receive(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        self.redeem(transport, offer, tx_code, check, now, Binding::FreshKeys)
    }

    /// Redeems an offer of credentials that belong to the *anchored person* — a fan-club
    /// membership, a context pseudonym: each offered configuration is requested with one
    /// proof by the key this wallet anchored at the offer's issuer, and with the anchor
    /// credential presented to that issuer (`anchor_presentation`, key-bound to the request's
    /// `c_nonce`). The credentials come back bound to the anchored key — so an `age`
    /// credential offered after anchoring with the card's facts, redeemed here, shares the key
    /// of the membership and pseudonym a fan-club sale asks for with it. Without an anchor at
    /// that issuer this is [`Error::Refused`]: anchor first
    /// ([`anchor`](Self::anchor), feature `card`).
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use myna_vc_core::crypto::SecretKey;
    /// use myna_vc_core::oid4vci::{CredentialOffer, IssuerId, PreAuthorizedCode};
    /// use myna_vc_core::time::NumericDate;
    /// use myna_wallet::http::HttpIssuer;
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Error, Wallet};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let city = IssuerId::new("https://city.maebashi.example")?;
    /// let offer = CredentialOffer::pre_authorized(city, vec!["context_pseudonym".into()],
    ///     PreAuthorizedCode::new("code-from-the-desk"), None);
    /// let pinned = PinnedIssuer::new("https://city.maebashi.example", SecretKey::generate_p256()?.public_key());
    /// let status = StatusTokens::new();
    /// let check = ReceiptCheck::new(&pinned, &status);
    /// // Never anchored at that city: refused before any request is sent.
    /// let refused = wallet.receive_anchored(&HttpIssuer::new()?, &offer, None, &check, now);
    /// assert!(matches!(refused, Err(Error::Refused(why)) if why.contains("not anchored")));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive_anchored(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        let anchor = self.anchor_for(&offer.credential_issuer)?;
        self.redeem(
            transport,
            offer,
            tx_code,
            check,
            now,
            Binding::Anchored(&anchor),
        )
    }

    /// Like [`receive_anchored`](Self::receive_anchored), but each credential is bound to a
    /// fresh key of its own, the anchor presented beside the key proof: what a poll's
    /// pseudonym needs (see [`crate::ballot`]).
    pub(crate) fn receive_anchored_fresh(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        let anchor = self.anchor_for(&offer.credential_issuer)?;
        self.redeem(
            transport,
            offer,
            None,
            check,
            now,
            Binding::AnchoredFresh(&anchor),
        )
    }

    fn redeem(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
        binding: Binding<'_>,
    ) -> Result<Vec<ReceivedBatch>> {
        let (metadata, token) = redeem_code(transport, offer, tx_code)?;
        let exchange = Exchange {
            transport,
            metadata: &metadata,
            token: &token.access_token,
        };
        // One offer is one person at one issuer: every configuration of it shares the batch
        // id, so copy i of each credential is bound to the same key (a verifier asking for
        // several of them together sees one holder; see specs/holder-binding.md).
        let batch = random_id()?;
        offer
            .credential_configuration_ids
            .iter()
            .map(|id| match binding {
                Binding::FreshKeys => self.receive_batch(&exchange, &batch, id, check, now),
                anchored => self.receive_for_anchor(&exchange, anchored, &batch, id, check, now),
            })
            .collect()
    }

    /// One configuration of an offer, bound to the keys of `batch` (shared by the offer's
    /// configurations).
    fn receive_batch(
        &self,
        exchange: &Exchange<'_>,
        batch: &str,
        configuration_id: &str,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let size = u32::try_from(exchange.metadata.batch_size().clamp(1, 1024)).unwrap_or(1);
        let nonce = exchange.transport.nonce(exchange.metadata)?;
        let proofs = self.key_proofs(
            batch,
            size,
            &exchange.metadata.credential_issuer,
            Some(&nonce.c_nonce),
            now,
        )?;
        let request = CredentialRequest::for_configuration(configuration_id, proofs);
        let issued = exchange.request(&request)?;
        self.keep(batch, size, configuration_id, &issued, check, now)
    }

    /// One credential bound to the anchored key, requested with the anchor presentation.
    fn receive_for_anchor(
        &self,
        exchange: &Exchange<'_>,
        binding: Binding<'_>,
        batch: &str,
        configuration_id: &str,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let (anchor, key) = match binding {
            Binding::Anchored(anchor) => (anchor, anchor.key.clone()),
            Binding::AnchoredFresh(anchor) => (anchor, KeyLabel::credential(batch, 0)),
            Binding::FreshKeys => {
                return Err(Error::invalid("credential request", "no anchor to present"))
            }
        };
        let issuer = &exchange.metadata.credential_issuer;
        let nonce = exchange.transport.nonce(exchange.metadata)?;
        let signer = self.keys.signer(&key)?;
        let proof = build_key_proof(&*signer, issuer, Some(&nonce.c_nonce), now)?;
        let presentation = self.present_to_issuer(anchor, &[], issuer, &nonce.c_nonce, now)?;
        let mut request = CredentialRequest::for_configuration(configuration_id, vec![proof]);
        request
            .other
            .insert(ANCHOR_PRESENTATION.into(), Value::String(presentation));
        let issued = exchange.request(&request)?;
        let slots = vec![(0, key)];
        self.keep_for(batch, slots, configuration_id, &issued, check, now)
    }

    /// `credential` disclosing `shown`, key-bound to `issuer` and its `c_nonce`: what an
    /// issuer asks for beside a credential request (an anchor, a copy to refresh).
    pub(crate) fn present_to_issuer(
        &self,
        credential: &StoredCredential,
        shown: &[ClaimPath],
        issuer: &IssuerId,
        c_nonce: &CNonce,
        now: NumericDate,
    ) -> Result<String> {
        let signer = self.keys.signer(&credential.key)?;
        Ok(SdJwt::parse(&credential.sd_jwt)?
            .select(shown)?
            .bind(&KeyBinding {
                audience: issuer.as_str(),
                nonce: c_nonce.as_str(),
                issued_at: now,
                signer: &*signer,
            })?
            .to_string())
    }

    /// The newest anchor credential from `issuer`.
    pub(crate) fn anchor_for(&self, issuer: &IssuerId) -> Result<StoredCredential> {
        self.credentials()?
            .into_iter()
            .filter(|c| c.configuration_id == ANCHOR_CONFIGURATION && c.issuer == issuer.as_str())
            .max_by_key(|c| c.received_at)
            .ok_or_else(|| {
                Error::Refused(format!(
                    "this wallet is not anchored at {}: anchor it to the card there first",
                    issuer.as_str()
                ))
            })
    }

    /// OpenID4VCI `jwt` key proofs for the `size` fresh keys of a new batch named `batch` (one
    /// key per credential, so the credentials cannot be linked). For callers that run the
    /// HTTP exchange themselves — a browser with `fetch` — and then hand the credentials to
    /// [`keep`](Self::keep) with the same `batch` and `size`. Use one `batch` for every
    /// configuration of one offer, as [`receive`](Self::receive) does, so that companion
    /// credentials (resident and age) share key `i`.
    ///
    /// ```
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_vc_core::{oid4vci::IssuerId, time::NumericDate};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let issuer = IssuerId::new("https://city.example.jp")?;
    /// let proofs = wallet.key_proofs("batch-1", 3, &issuer, None, now)?;
    /// assert_eq!(proofs.len(), 3);
    /// assert_ne!(proofs[0], proofs[1]);
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn key_proofs(
        &self,
        batch: &str,
        size: u32,
        issuer: &IssuerId,
        c_nonce: Option<&CNonce>,
        now: NumericDate,
    ) -> Result<Vec<String>> {
        (0..size)
            .map(|i| {
                let signer = self.keys.signer(&KeyLabel::credential(batch, i))?;
                Ok(build_key_proof(&*signer, issuer, c_nonce, now)?)
            })
            .collect()
    }

    /// Checks and stores credentials issued for the keys of `batch` (see
    /// [`key_proofs`](Self::key_proofs)): each must be bound to one of those `size` keys, a
    /// different one each, and pass `check` (issuer signature, status, schema). Nothing is
    /// stored unless every credential passes.
    pub fn keep(
        &self,
        batch: &str,
        size: u32,
        configuration_id: &str,
        issued: &[String],
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let received = self.inspect(batch, size, configuration_id, issued, check, now)?;
        self.store_batch(&received.credentials, now)?;
        Ok(received)
    }

    /// The checks of [`keep`](Self::keep) — each credential bound to a different key of
    /// `batch`, from an issuer `check` trusts for its type, valid on its status list, its
    /// claims as its type declares — without storing anything: what a holder is shown before
    /// accepting. Calling [`keep`](Self::keep) afterwards stores the same credentials.
    ///
    /// ```
    /// use myna_wallet::{keys::MasterSecret, sealed::KdfParams, store::MemoryStore, Wallet};
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_vc_core::{crypto::SecretKey, time::NumericDate};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::restore(MemoryStore::new(), MasterSecret::from_bytes([1; 32]),
    ///     "a passphrase of some length", KdfParams::new(64, 1, 1)?, now)?;
    /// let key = SecretKey::generate_p256()?.public_key();
    /// let (issuers, status) = (PinnedIssuer::new("https://city.example", key), StatusTokens::new());
    /// let check = ReceiptCheck::new(&issuers, &status);
    /// assert!(wallet.inspect("b1", 1, "age", &["not-a-credential~".into()], &check, now).is_err());
    /// assert!(wallet.inspect("b1", 1, "age", &[], &check, now).is_err());
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn inspect(
        &self,
        batch: &str,
        size: u32,
        configuration_id: &str,
        issued: &[String],
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let slots = (0..size)
            .map(|i| (i, KeyLabel::credential(batch, i)))
            .collect();
        self.checked_batch(batch, slots, configuration_id, issued, check, now)
    }

    /// [`keep`](Self::keep) for the keys of `slots` (index in the batch, key label).
    pub(crate) fn keep_for(
        &self,
        batch: &str,
        unclaimed: Vec<(u32, KeyLabel)>,
        configuration_id: &str,
        issued: &[String],
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let received =
            self.checked_batch(batch, unclaimed, configuration_id, issued, check, now)?;
        self.store_batch(&received.credentials, now)?;
        Ok(received)
    }

    /// Every issued credential checked and mapped to its key slot; nothing stored.
    fn checked_batch(
        &self,
        batch: &str,
        mut unclaimed: Vec<(u32, KeyLabel)>,
        configuration_id: &str,
        issued: &[String],
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        if issued.is_empty() || issued.len() > unclaimed.len() {
            return Err(Error::Refused(format!(
                "asked for {} credentials, got {}",
                unclaimed.len(),
                issued.len()
            )));
        }
        let stored = issued
            .iter()
            .map(|compact| {
                self.accept(compact, &mut unclaimed, batch, configuration_id, check, now)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ReceivedBatch {
            batch: batch.to_owned(),
            configuration_id: configuration_id.to_owned(),
            credentials: stored,
        })
    }

    /// Checks one issued credential against each still unclaimed slot key (the issuer may
    /// return them in any order); the slot it is bound to is taken.
    pub(crate) fn accept(
        &self,
        compact: &str,
        unclaimed: &mut Vec<(u32, KeyLabel)>,
        batch: &str,
        configuration_id: &str,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<StoredCredential> {
        let bound = bound_key(compact)?;
        let position = unclaimed
            .iter()
            .map(|(_, label)| self.keys.public_key(label))
            .collect::<Result<Vec<_>>>()?
            .iter()
            .position(|key| Some(key) == bound.as_ref())
            .ok_or_else(|| {
                Error::Refused("bound to no key the wallet asked for (or to one twice)".into())
            })?;
        let (index, label) = unclaimed.remove(position);
        let accepted = check.check(compact, &self.keys.public_key(&label)?, now)?;
        Ok(StoredCredential {
            id: random_id()?,
            batch: batch.to_owned(),
            index,
            issuer: accepted.issuer,
            vct: accepted.vct.as_str().to_owned(),
            configuration_id: configuration_id.to_owned(),
            sd_jwt: compact.to_owned(),
            key: label,
            received_at: now.as_unix(),
            expires_at: accepted.expires_at.map(NumericDate::as_unix),
            shown_to: None,
        })
    }

    pub(crate) fn store_batch(&self, stored: &[StoredCredential], now: NumericDate) -> Result<()> {
        let Some(first) = stored.first() else {
            return Ok(());
        };
        let mut ops: Vec<WriteOp> = stored
            .iter()
            .map(|c| self.put_op(Table::Credentials, &c.id, c))
            .collect::<Result<_>>()?;
        ops.extend(self.history_ops(
            now,
            Event::Received {
                issuer: first.issuer.clone(),
                vct: first.vct.clone(),
                count: stored.len(),
            },
        )?);
        self.store.write(ops)
    }
}

/// The `cnf.jwk` of an issued credential, read without verifying (the check comes next).
fn bound_key(compact: &str) -> Result<Option<myna_vc_core::crypto::PublicKey>> {
    let parsed = myna_vc_core::sdjwt::SdJwt::parse(compact)?;
    let payload = myna_vc_core::jws::Jws::parse(parsed.jwt())?.payload_object("credential")?;
    let Some(jwk) = payload.get("cnf").and_then(|cnf| cnf.get("jwk")) else {
        return Ok(None);
    };
    Ok(Some(Jwk::from_json(jwk)?.key))
}

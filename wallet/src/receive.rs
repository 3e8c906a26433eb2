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

use myna_jpki::card::Card;
use myna_jpki::card_jws::{self, CardSigner};
use myna_vc_core::b64;
use myna_vc_core::crypto::fill_random;
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::oid4vci::{
    build_key_proof, AccessToken, CredentialIssuerMetadata, CredentialOffer, CredentialRequest,
    CredentialResponse, IssuerId, NonceResponse, TokenRequest, TokenResponse, TxCodeValue,
};
use myna_vc_core::time::NumericDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::credentials::StoredCredential;
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

/// A random identifier: 128 bits, base64url.
pub(crate) fn random_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(b64::encode(bytes))
}

impl<S: WalletStore> Wallet<S> {
    /// Redeems `offer` (with the transaction code the user typed, if the offer asks for one):
    /// one batch per offered configuration, as many instances as the issuer's batch size.
    pub fn receive(
        &self,
        transport: &dyn IssuerTransport,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        let grant =
            offer.grants.pre_authorized_code.as_ref().ok_or_else(|| {
                Error::invalid("credential offer", "no pre-authorized code grant")
            })?;
        if grant.tx_code.is_some() && tx_code.is_none() {
            return Err(Error::invalid(
                "transaction code",
                "the offer asks for one: type the code the issuer sent",
            ));
        }
        let metadata = transport.metadata(&offer.credential_issuer)?;
        if metadata.credential_issuer != offer.credential_issuer {
            return Err(Error::Refused(
                "the metadata names another issuer than the offer".into(),
            ));
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
        offer
            .credential_configuration_ids
            .iter()
            .map(|id| self.receive_batch(transport, &metadata, &token.access_token, id, check, now))
            .collect()
    }

    fn receive_batch(
        &self,
        transport: &dyn IssuerTransport,
        metadata: &CredentialIssuerMetadata,
        token: &AccessToken,
        configuration_id: &str,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<ReceivedBatch> {
        let batch = random_id()?;
        let size = u32::try_from(metadata.batch_size().clamp(1, 1024)).unwrap_or(1);
        let labels: Vec<KeyLabel> = (0..size).map(|i| KeyLabel::credential(&batch, i)).collect();
        let nonce = transport.nonce(metadata)?;
        let proofs = labels
            .iter()
            .map(|label| {
                let signer = self.keys.signer(label)?;
                Ok(build_key_proof(
                    &*signer,
                    &metadata.credential_issuer,
                    Some(&nonce.c_nonce),
                    now,
                )?)
            })
            .collect::<Result<Vec<_>>>()?;
        let request = CredentialRequest::for_configuration(configuration_id, proofs);
        let response = transport.credential(metadata, token, &request)?;
        let issued = response.credential_strings();
        if issued.is_empty() || issued.len() > labels.len() {
            return Err(Error::Refused(format!(
                "asked for {} credentials, got {}",
                labels.len(),
                issued.len()
            )));
        }
        let mut unclaimed: Vec<(u32, KeyLabel)> = (0u32..).zip(labels).collect();
        let mut stored = Vec::with_capacity(issued.len());
        for compact in issued {
            stored.push(self.accept(
                compact,
                &mut unclaimed,
                &batch,
                configuration_id,
                check,
                now,
            )?);
        }
        self.store_batch(&stored, now)?;
        Ok(ReceivedBatch {
            batch,
            configuration_id: configuration_id.to_owned(),
            credentials: stored,
        })
    }

    /// Checks one issued credential against each still unclaimed slot key (the issuer may
    /// return them in any order); the slot it is bound to is taken.
    fn accept(
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

    fn store_batch(&self, stored: &[StoredCredential], now: NumericDate) -> Result<()> {
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

    /// Anchors the wallet's key for `issuer` to the card behind `card` (its authentication
    /// key; the card asks for its PIN), and stores the anchor credential. Returns it, with the
    /// issuer's follow-up offer if any.
    pub fn anchor<C: Card + Send>(
        &self,
        transport: &dyn IssuerTransport,
        issuer: &IssuerId,
        card: &CardSigner<C>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<(StoredCredential, Option<CredentialOffer>)> {
        self.anchor_with_facts(transport, issuer, card, None, check, now)
            .map(|(stored, grant)| (stored, grant.credential_offer))
    }

    /// [`anchor`](Self::anchor), and with `facts` (the card's signature key, behind the
    /// signature PIN) also lets the issuer read the certified facts, so its answer can offer
    /// resident and age credentials. Returns the stored anchor credential and the whole grant.
    pub fn anchor_with_facts<C: Card + Send>(
        &self,
        transport: &dyn IssuerTransport,
        issuer: &IssuerId,
        card: &CardSigner<C>,
        facts: Option<&CardSigner<C>>,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<(StoredCredential, AnchorGrant)> {
        let challenge = transport.anchor_challenge(issuer)?;
        if challenge.expires_at <= now.as_unix() {
            return Err(Error::Refused(
                "the issuer's challenge is already expired".into(),
            ));
        }
        let label = KeyLabel::anchor(issuer.as_str());
        let mut answer = self.anchor_answer(&challenge, &label, card, issuer, now)?;
        if let Some(signature_card) = facts {
            let payload = card_payload(&challenge, &self.keys.public_key(&label)?);
            answer.facts_jws = Some(card_jws::sign_payload(
                signature_card,
                Some(FACTS_TYP),
                payload.as_bytes(),
            )?);
        }
        let grant = transport.anchor(issuer, &answer)?;
        let batch = random_id()?;
        let mut slot = vec![(0, label)];
        let stored = self.accept(
            &grant.credential,
            &mut slot,
            &batch,
            crate::credentials::ANCHOR_CONFIGURATION,
            check,
            now,
        )?;
        let mut ops = vec![self.put_op(Table::Credentials, &stored.id, &stored)?];
        ops.extend(self.history_ops(
            now,
            Event::Anchored {
                issuer: issuer.as_str().to_owned(),
            },
        )?);
        self.store.write(ops)?;
        Ok((stored, grant))
    }

    /// The two signatures over the challenge: the holder key's proof and the card's JWS.
    pub fn anchor_answer<C: Card + Send>(
        &self,
        challenge: &AnchorChallenge,
        label: &KeyLabel,
        card: &CardSigner<C>,
        issuer: &IssuerId,
        now: NumericDate,
    ) -> Result<AnchorAnswer> {
        let holder = self.keys.signer(label)?;
        let holder_key = holder.public_key();
        let mut header = JwsHeader::new(holder.algorithm()).with_typ(ANCHOR_PROOF_TYP);
        header.jwk = Some(Jwk::new(holder_key.clone()));
        let mut claims = Map::new();
        claims.insert("nonce".into(), Value::String(challenge.nonce.clone()));
        claims.insert("aud".into(), Value::String(issuer.as_str().to_owned()));
        claims.insert("iat".into(), now.as_unix().into());
        let holder_proof = myna_vc_core::jwt::sign(&header, &claims, &*holder)?;
        let payload = card_payload(challenge, &holder_key);
        let card_jws = card_jws::sign_payload(card, Some(ANCHOR_CARD_TYP), payload.as_bytes())?;
        Ok(AnchorAnswer {
            nonce: challenge.nonce.clone(),
            holder_proof,
            card_jws,
            facts_jws: None,
        })
    }
}

/// What the card signs: the challenge's nonce and the holder key's RFC 7638 thumbprint.
fn card_payload(
    challenge: &AnchorChallenge,
    holder_key: &myna_vc_core::crypto::PublicKey,
) -> String {
    json!({
        "nonce": challenge.nonce,
        "holder_jkt": holder_key.thumbprint().to_string(),
    })
    .to_string()
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

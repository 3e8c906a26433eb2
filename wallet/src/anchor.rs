//! Anchoring the wallet to a My Number card (feature `card`): the holder key's proof and the
//! card's signature over the issuer's challenge, and the anchor credential kept in return.

use myna_jpki::card::Card;
use myna_jpki::card_jws::{self, CardSigner};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::jws::JwsHeader;
use myna_vc_core::oid4vci::{CredentialOffer, IssuerId};
use myna_vc_core::time::NumericDate;
use serde_json::{json, Map, Value};

use crate::credentials::StoredCredential;
use crate::error::{Error, Result};
use crate::history::Event;
use crate::keys::KeyLabel;
use crate::receipt::ReceiptCheck;
use crate::receive::{
    random_id, AnchorAnswer, AnchorChallenge, AnchorGrant, IssuerTransport, ANCHOR_CARD_TYP,
    ANCHOR_PROOF_TYP, FACTS_TYP,
};
use crate::store::{Table, WalletStore};
use crate::wallet::Wallet;

impl<S: WalletStore> Wallet<S> {
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

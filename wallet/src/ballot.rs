//! Voting: a ballot is a presentation of the holder's pseudonym for the poll (context
//! `poll:<id>`) whose KB-JWT commits to the choice (`nonce` =
//! [`ballot_nonce`]`(poll, choice)`, `aud` = the poll's ballot box).
//!
//! Only the poll's context and pseudonym leave the wallet; the credential's holder key is the
//! one of its own slot, so ballots in two polls share no key, pseudonym or signature. The
//! wallet must hold the pseudonym for the poll first ([`receive_pseudonym`] with the context
//! `poll:<id>`); the same card on a second phone gets the same pseudonym, and the box keeps
//! one ballot per pseudonym.
//!
//! Source: "匿名で参加できるPF … 投票機能を構築し" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`);
//! Yabu, "自宅からオンライン投票を実現" (`../shared/seeds/002_330378ace3b016db.txt:805`).
//!
//! ```
//! use myna_vc_core::ballot::{Choice, PollId};
//! use myna_wallet::ballot::ballot_request;
//! let request = ballot_request(&PollId::parse("p1")?, &Choice::parse("yes")?, "https://box.example")?;
//! assert_eq!(request.verifier.as_str(), "https://box.example");
//! assert_eq!(request.nonce.len(), 43);
//! # Ok::<(), myna_wallet::Error>(())
//! ```
//!
//! [`receive_pseudonym`]: crate::Wallet::receive_pseudonym

use myna_vc_core::ballot::{ballot_nonce, Choice, PollId};
use myna_vc_core::dcql::DcqlQuery;
use myna_vc_core::time::NumericDate;
use myna_vocabulary::{claim::context_pseudonym, vct};
use serde_json::{json, Value};

use myna_vc_core::oid4vci::IssuerId;

use crate::error::{Error, Result};
use crate::keys::VerifierId;
use crate::present::{PresentationRequest, Preview};
use crate::receipt::ReceiptCheck;
use crate::receive::{IssuerTransport, ReceivedBatch};
use crate::store::WalletStore;
use crate::wallet::Wallet;

/// The query id of the pseudonym in a ballot (the verifier's `pseudonym`).
pub const BALLOT_QUERY_ID: &str = "pseudonym";

/// A signed ballot: the choice and the presentation committing to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBallot {
    /// The choice.
    pub choice: Choice,
    /// The pseudonym presentation (SD-JWT with KB-JWT).
    pub presentation: String,
}

impl SignedBallot {
    /// The ballot file the box accepts: `{"choice": …, "presentation": …}`.
    ///
    /// ```
    /// use myna_wallet::ballot::SignedBallot;
    /// let ballot = SignedBallot { choice: myna_vc_core::ballot::Choice::parse("yes")?, presentation: "eyJ…~".into() };
    /// assert_eq!(ballot.to_json()["choice"], "yes");
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({ "choice": self.choice.as_str(), "presentation": self.presentation })
    }
}

/// What a ballot asks of the wallet: the pseudonym of context `poll:<id>` (that value only),
/// for audience `ballot_box`, nonce H(poll, choice).
///
/// ```
/// use myna_vc_core::ballot::{Choice, PollId};
/// let request = myna_wallet::ballot::ballot_request(&PollId::parse("p1")?, &Choice::parse("a")?, "https://box.example")?;
/// assert_eq!(request.query.credentials().len(), 1);
/// # Ok::<(), myna_wallet::Error>(())
/// ```
pub fn ballot_request(
    poll: &PollId,
    choice: &Choice,
    ballot_box: &str,
) -> Result<PresentationRequest> {
    let query = json!({ "credentials": [{
        "id": BALLOT_QUERY_ID,
        "format": "dc+sd-jwt",
        "meta": { "vct_values": [vct::CONTEXT_PSEUDONYM] },
        "claims": [
            { "path": [context_pseudonym::CONTEXT], "values": [poll.context()] },
            { "path": [context_pseudonym::PSEUDONYM] },
        ],
    }]});
    Ok(PresentationRequest {
        verifier: VerifierId::new(ballot_box)?,
        nonce: ballot_nonce(poll, choice),
        query: DcqlQuery::from_value(&query)?,
        state: None,
    })
}

impl<S: WalletStore> Wallet<S> {
    /// Asks `issuer` (where this wallet is anchored) for the holder's pseudonym in `poll`
    /// (context `poll:<id>`), bound to a FRESH key of its own: the anchor is presented beside
    /// the key proof so the issuer derives the pseudonym for the anchored person, but the
    /// credential shares its key with nothing else the wallet holds — not the anchor, not the
    /// forum pseudonym, not another poll's — so ballots in two polls cannot be linked by key.
    ///
    /// Without an anchor at `issuer` it is [`Error::Refused`] before
    /// any request; an offer naming another issuer is
    /// [`Error::WrongIssuer`].
    ///
    /// ```
    /// # #[cfg(feature = "http")] {
    /// use myna_vc_core::{ballot::PollId, crypto::SecretKey, oid4vci::IssuerId, time::NumericDate};
    /// use myna_wallet::http::HttpIssuer;
    /// use myna_wallet::receipt::{PinnedIssuer, ReceiptCheck, StatusTokens};
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Error, Wallet};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let city = IssuerId::new("https://city.maebashi.example")?;
    /// let pinned = PinnedIssuer::new(city.as_str(), SecretKey::generate_p256()?.public_key());
    /// let status = StatusTokens::new();
    /// let poll = PollId::parse("maebashi-park-2026")?;
    /// let refused = wallet.receive_poll_pseudonym(&HttpIssuer::new()?, &city, &poll,
    ///     &ReceiptCheck::new(&pinned, &status), now);
    /// assert!(matches!(refused, Err(Error::Refused(why)) if why.contains("not anchored")));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive_poll_pseudonym(
        &self,
        transport: &dyn IssuerTransport,
        issuer: &IssuerId,
        poll: &PollId,
        check: &ReceiptCheck<'_>,
        now: NumericDate,
    ) -> Result<Vec<ReceivedBatch>> {
        self.anchor_for(issuer)?;
        let offer = transport.pseudonym_offer(issuer, &poll.context())?;
        if offer.credential_issuer != *issuer {
            return Err(Error::WrongIssuer {
                expected: issuer.as_str().to_owned(),
                found: offer.credential_issuer.as_str().to_owned(),
            });
        }
        self.receive_anchored_fresh(transport, &offer, check, now)
    }

    /// Signs a ballot for `choice` in `poll`, to be sent to `ballot_box` (the poll's
    /// audience), with the pseudonym the wallet holds for the poll; recorded in the history
    /// like any presentation. Without that pseudonym it is an error naming what is missing.
    ///
    /// ```
    /// use myna_vc_core::ballot::{Choice, PollId};
    /// use myna_vc_core::time::NumericDate;
    /// use myna_wallet::{sealed::KdfParams, store::MemoryStore, Wallet};
    /// let now = NumericDate::from_unix(1_800_000_000);
    /// let wallet = Wallet::create(MemoryStore::new(), "a long passphrase", KdfParams::new(64, 1, 1)?, now)?;
    /// let vote = wallet.vote(&PollId::parse("p1")?, &Choice::parse("yes")?, "https://box.example", now);
    /// assert!(vote.is_err()); // no pseudonym for poll:p1 yet
    /// # Ok::<(), myna_wallet::Error>(())
    /// ```
    pub fn vote(
        &self,
        poll: &PollId,
        choice: &Choice,
        ballot_box: &str,
        now: NumericDate,
    ) -> Result<SignedBallot> {
        let request = ballot_request(poll, choice, ballot_box)?;
        let preview = self.prepare(request, now)?;
        self.refuse_shared_key(&preview)?;
        let presentation = preview.confirm()?;
        Ok(SignedBallot {
            choice: choice.clone(),
            presentation: presentation.single()?.to_owned(),
        })
    }

    /// Fails closed when the pseudonym picked for a ballot shares its holder key with any
    /// other credential (the anchor, another pseudonym): the ballot would be linkable by key.
    fn refuse_shared_key(&self, preview: &Preview<'_, S>) -> Result<()> {
        let held = self.credentials()?;
        for item in preview.items() {
            let Some(picked) = held.iter().find(|c| c.id == item.credential) else {
                return Err(Error::invalid("ballot", "the picked pseudonym is not held"));
            };
            if held
                .iter()
                .any(|c| c.key == picked.key && c.id != picked.id)
            {
                return Err(Error::Refused(
                    "this poll's pseudonym shares its key with another credential, so the ballot \
                     could be linked to it: receive the poll's pseudonym with \
                     `receive_poll_pseudonym` (`myna wallet pseudonym --context poll:<id>`)"
                        .into(),
                ));
            }
        }
        Ok(())
    }
}

//! Publishing a poll's ballots and the recount anyone can run from them.
//!
//! [`PublishedPoll`] is the poll and every ballot the box holds, ordered by pseudonym (not by
//! cast time). [`recount`] trusts nothing the box says: for each ballot it re-verifies the
//! pseudonym presentation with the trust list — issuer signature, trusted issuer for the
//! pseudonym `vct` at the ballot's time, the poll's issuer and context, the KB-JWT signed by
//! the credential's holder key with `aud` = the poll's audience and `nonce` = H(poll,
//! choice), its `iat` inside the poll's period — and counts one ballot per pseudonym. A ballot
//! whose choice was changed no longer matches its nonce and is discarded; a pseudonym with
//! more than one ballot (a box that let someone vote twice) has all its ballots discarded,
//! since nobody can tell which one the voter meant.
//!
//! Not re-checked: the revocation status at the time of casting (status lists change; the box
//! checked it when the ballot arrived).
//!
//! Source: "投票集計結果を瞬時に判別可能" (`../shared/seeds/002_330378ace3b016db.txt:831`)
//! and the forum's "本人性・真正性を担保" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`).
//!
//! ```
//! use myna_verifier::poll::tally::PublishedPoll;
//! let published = PublishedPoll::from_json(br#"{"poll": {"id": "p", "question": "q",
//!   "choices": ["a", "b"], "audience": "https://box.example", "issuer": "https://city.example",
//!   "opens": 0, "closes": 10}, "ballots": []}"#)?;
//! assert!(published.ballots.is_empty());
//! # Ok::<(), myna_verifier::poll::PollError>(())
//! ```

use std::collections::BTreeMap;

use serde_json::{json, Value};

use myna_vc_core::ballot::{ballot_nonce, Choice};
use myna_vc_core::crypto::CryptoProvider;
use myna_vc_core::jws::Jws;
use myna_vc_core::sdjwt::{KeyBindingRule, UnverifiedSdJwt};
use myna_vc_core::sdjwt_vc::{self, VcVerifyOptions, Vct};
use myna_vc_core::time::NumericDate;
use myna_vc_core::trust_list::VerifiedTrustList;

use super::ballot_box::BallotBox;
use super::{check_pseudonym, invalid, Ballot, Poll, PollError};
use crate::decision::{Reason, Rejection};
use crate::policy::vct;

/// The most ballots a published file may hold (a guard for the recount's memory).
pub const MAX_BALLOTS: usize = 10_000_000;

/// A poll and its ballots, as the organiser publishes them after the poll closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPoll {
    /// The poll.
    pub poll: Poll,
    /// Every ballot, ordered by pseudonym.
    pub ballots: Vec<Ballot>,
}

impl PublishedPoll {
    /// The ballots `ballots` holds for `poll`.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// use myna_verifier::poll::{ballot_box::MemoryBallotBox, tally::PublishedPoll};
    /// let published = PublishedPoll::from_box(poll, &MemoryBallotBox::new())?;
    /// assert!(published.ballots.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_box(poll: Poll, ballots: &dyn BallotBox) -> Result<Self, PollError> {
        let ballots = ballots.ballots(&poll.id)?;
        Ok(PublishedPoll { poll, ballots })
    }

    /// The published file's JSON: `{"poll": {…}, "ballots": [{"choice", "presentation"}, …]}`.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// use myna_verifier::poll::tally::PublishedPoll;
    /// let published = PublishedPoll { poll, ballots: vec![] };
    /// assert_eq!(PublishedPoll::from_value(&published.to_json())?, published);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "poll": self.poll.to_json(),
            "ballots": self.ballots.iter().map(Ballot::to_json).collect::<Vec<_>>(),
        })
    }

    /// Reads a published file (JSON bytes).
    ///
    /// ```
    /// assert!(myna_verifier::poll::tally::PublishedPoll::from_json(b"{}").is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, PollError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| invalid("published poll", format!("not JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Reads a published poll from a JSON value.
    ///
    /// ```
    /// assert!(myna_verifier::poll::tally::PublishedPoll::from_value(&serde_json::json!({"ballots": []})).is_err());
    /// ```
    pub fn from_value(value: &Value) -> Result<Self, PollError> {
        let poll = value
            .get("poll")
            .ok_or_else(|| invalid("published poll", "no `poll`"))
            .and_then(Poll::from_value)?;
        let ballots = value
            .get("ballots")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("published poll", "`ballots` must be an array"))?;
        if ballots.len() > MAX_BALLOTS {
            return Err(invalid("published poll", "too many ballots"));
        }
        let ballots = ballots
            .iter()
            .map(Ballot::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PublishedPoll { poll, ballots })
    }
}

/// A ballot the recount did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discarded {
    /// Its position in the published list (from 0).
    pub index: usize,
    /// Why ([`Reason::AlreadyVoted`] for a pseudonym with several ballots).
    pub reason: Reason,
    /// More detail, if any (never personal data: ballots carry none).
    pub detail: Option<String>,
}

/// The result of a recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Per choice, in the poll's order, the number of counted ballots (zero included).
    pub counts: Vec<(Choice, u64)>,
    /// Ballots not counted.
    pub discarded: Vec<Discarded>,
}

impl Tally {
    /// Counted ballots in all.
    ///
    /// ```
    /// use myna_verifier::poll::tally::Tally;
    /// let tally = Tally { counts: vec![(myna_verifier::core::ballot::Choice::parse("a")?, 3)], discarded: vec![] };
    /// assert_eq!(tally.counted(), 3);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn counted(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// The count for `choice` (0 for an unknown one).
    ///
    /// ```
    /// use myna_verifier::poll::tally::Tally;
    /// let tally = Tally { counts: vec![(myna_verifier::core::ballot::Choice::parse("a")?, 3)], discarded: vec![] };
    /// assert_eq!(tally.count("a"), 3);
    /// assert_eq!(tally.count("b"), 0);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn count(&self, choice: &str) -> u64 {
        self.counts
            .iter()
            .find(|(c, _)| c.as_str() == choice)
            .map_or(0, |(_, n)| *n)
    }

    /// The tally as JSON: `{"counts": [{"choice", "count"}], "counted", "discarded": [{"index",
    /// "reason", "detail"}]}`.
    ///
    /// ```
    /// use myna_verifier::poll::tally::Tally;
    /// let tally = Tally { counts: vec![(myna_verifier::core::ballot::Choice::parse("a")?, 3)], discarded: vec![] };
    /// assert_eq!(tally.to_json()["counted"], 3);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "counts": self.counts.iter()
                .map(|(choice, count)| json!({ "choice": choice.as_str(), "count": count }))
                .collect::<Vec<_>>(),
            "counted": self.counted(),
            "discarded": self.discarded.iter()
                .map(|d| json!({ "index": d.index, "reason": d.reason.code(), "detail": d.detail }))
                .collect::<Vec<_>>(),
        })
    }
}

/// Recounts `published` with the trust list: see the [module docs](self).
///
/// ```
/// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
/// # use myna_verifier::core::crypto::{default_provider, SecretKey};
/// # use myna_verifier::core::trust_list::TrustList;
/// # let t = NumericDate::from_unix(10);
/// # let authority = SecretKey::generate_p256()?;
/// # let signed = TrustList::new("jp", 1, t, t.plus_seconds(600)).sign(&*default_provider().signer(&authority)?)?;
/// # let trust = TrustList::verify(&signed, default_provider(), &authority.public_key(), t)?;
/// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
/// use myna_verifier::poll::{tally::{recount, PublishedPoll}, Ballot};
/// let forged = Ballot { choice: "a".into(), presentation: "not-a-presentation~".into() };
/// let published = PublishedPoll { poll, ballots: vec![forged] };
/// let tally = recount(&published, &trust, default_provider());
/// assert_eq!(tally.counted(), 0);
/// assert_eq!(tally.discarded.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recount(
    published: &PublishedPoll,
    trust: &VerifiedTrustList,
    provider: &dyn CryptoProvider,
) -> Tally {
    let poll = &published.poll;
    let mut discarded = Vec::new();
    // pseudonym → the indexes of its valid ballots and their choices
    let mut by_pseudonym: BTreeMap<String, Vec<(usize, Choice)>> = BTreeMap::new();
    for (index, ballot) in published.ballots.iter().enumerate() {
        match recheck(poll, ballot, trust, provider) {
            Ok((pseudonym, choice)) => by_pseudonym
                .entry(pseudonym)
                .or_default()
                .push((index, choice)),
            Err(rejection) => discarded.push(Discarded {
                index,
                reason: rejection.reason,
                detail: rejection
                    .cause
                    .map(|e| e.to_string())
                    .or(rejection.note.map(str::to_owned)),
            }),
        }
    }
    let mut counts: Vec<(Choice, u64)> = poll.choices.iter().map(|c| (c.clone(), 0)).collect();
    for ballots in by_pseudonym.into_values() {
        if let [(_, choice)] = ballots.as_slice() {
            if let Some((_, n)) = counts.iter_mut().find(|(c, _)| c == choice) {
                *n += 1;
            }
            continue;
        }
        discarded.extend(ballots.into_iter().map(|(index, _)| Discarded {
            index,
            reason: Reason::AlreadyVoted,
            detail: Some("several ballots of one pseudonym".to_owned()),
        }));
    }
    discarded.sort_by_key(|d| d.index);
    Tally { counts, discarded }
}

/// Re-verifies one ballot: its pseudonym and choice.
fn recheck(
    poll: &Poll,
    ballot: &Ballot,
    trust: &VerifiedTrustList,
    provider: &dyn CryptoProvider,
) -> Result<(String, Choice), Rejection> {
    let choice = poll
        .choice(&ballot.choice)
        .map_err(|_| Rejection::noted(Reason::Unreadable, "not a choice of this poll"))?;
    let mut presentation = UnverifiedSdJwt::parse(&ballot.presentation)?;
    let iss = presentation
        .unverified_payload()?
        .get("iss")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Rejection::noted(Reason::UntrustedIssuer, "no `iss`"))?;
    let key = trust.issuer_key(&iss, presentation.header().kid.as_deref())?;
    // The ballot is judged at the time its holder signed it; the signature check below
    // makes that time the holder's word, not the box's.
    let at = claimed_time(&ballot.presentation)?;
    let nonce = ballot_nonce(&poll.id, &choice);
    let rule = KeyBindingRule::Required {
        audience: &poll.audience,
        nonce: &nonce,
        max_age_secs: 0,
    };
    let pseudonym_vct = Vct::parse(vct::CONTEXT_PSEUDONYM)?;
    let options = VcVerifyOptions::at(at, rule).expect_vct(&pseudonym_vct);
    let verified = sdjwt_vc::verify_parsed(presentation, provider, key, &options)?;
    trust.authorize(&iss, verified.vct(), at)?;
    let pseudonym = check_pseudonym(poll, &iss, verified.claims(), at)?;
    Ok((pseudonym.to_owned(), choice))
}

/// The `iat` of the presentation's KB-JWT, read before verification (verification then
/// checks it against the holder's signature).
fn claimed_time(presentation: &str) -> Result<NumericDate, Rejection> {
    let kb = presentation
        .rsplit_once('~')
        .map(|(_, kb)| kb)
        .filter(|kb| !kb.is_empty())
        .ok_or_else(|| Rejection::noted(Reason::Unreadable, "no key binding JWT"))?;
    let claims = Jws::parse(kb)?.payload_object("KB-JWT")?;
    claims
        .get("iat")
        .and_then(Value::as_i64)
        .map(NumericDate::from_unix)
        .ok_or_else(|| Rejection::noted(Reason::Unreadable, "no `iat` in the key binding JWT"))
}

//! Polls: one ballot per person per poll, cast with the poll's context pseudonym, and a tally
//! anyone can recount from the published ballots.
//!
//! Source: the Maebashi forum's voting, "匿名で参加できるPFを構築する(本人性・真正性を担保)
//! … 投票機能を構築し、リアルタイムで市民の意見を拾う"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`), and Yabu's online voting, "MNCを活用し、
//! 自宅からオンライン投票を実現" and "投票集計結果を瞬時に判別可能"
//! (`../shared/seeds/002_330378ace3b016db.txt:805`, `:831`).
//!
//! * A [`Poll`] names its choices, its audience (the `aud` of every ballot), the ONE issuer
//!   whose pseudonyms count (two issuers would give one person two pseudonyms) and its period.
//! * A [`Ballot`] is a choice and a presentation of the voter's pseudonym credential for
//!   context `poll:<id>`, whose KB-JWT nonce is
//!   [`ballot_nonce`]`(poll, choice)`: the voter's key
//!   signs the choice, so nobody can change it afterwards.
//! * The [`ballot_box`] verifies a ballot like any presentation ([`BallotPolicy`]: pseudonym
//!   of the poll's context from the poll's issuer, inside the period, else
//!   [`Reason::PollClosed`]) and records it atomically once per pseudonym (a second ballot,
//!   from a second phone with the same card, is [`Reason::AlreadyVoted`]).
//! * [`tally::recount`] re-verifies every published ballot — signature, trusted issuer,
//!   `vct`, context, nonce = H(poll, choice), period, one per pseudonym — without trusting
//!   the box, and counts.
//!
//! ```
//! use myna_verifier::poll::Poll;
//! let poll = Poll::from_json(r#"{"id": "maebashi-park-2026", "question": "公園の名前",
//!   "choices": ["けやき", "さくら"], "audience": "https://forum.maebashi.example/polls",
//!   "issuer": "https://city.maebashi.example", "opens": 1000, "closes": 2000}"#.as_bytes())?;
//! assert_eq!(poll.context(), "poll:maebashi-park-2026");
//! assert!(poll.is_open(myna_verifier::core::time::NumericDate::from_unix(1500)));
//! # Ok::<(), myna_verifier::poll::PollError>(())
//! ```

pub mod ballot_box;
pub mod tally;

use myna_vocabulary::claim;
use serde_json::{json, Map, Value};

use myna_vc_core::ballot::{ballot_nonce, Choice, PollId};
use myna_vc_core::time::NumericDate;

use crate::decision::{Reason, Rejection};
use crate::policy::once_per_person::{pseudonym_requirement, PSEUDONYM_ID};
use crate::policy::{Policy, Presented, Requirement};
use crate::submission::Challenge;

/// The most choices a poll may have.
pub const MAX_CHOICES: usize = 64;

/// Something about a poll, a ballot or the ballot box is wrong; nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollError {
    /// A poll or ballot file, or a field of it, is not acceptable: what and why.
    Invalid {
        /// What was read (`poll`, `ballot`, `published poll`).
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The ballot box's storage failed.
    Storage(String),
}

impl core::fmt::Display for PollError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PollError::Invalid { what, detail } => write!(f, "invalid {what}: {detail}"),
            PollError::Storage(detail) => write!(f, "ballot box storage: {detail}"),
        }
    }
}

impl std::error::Error for PollError {}

pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> PollError {
    PollError::Invalid {
        what,
        detail: detail.into(),
    }
}

/// A poll: its question and choices, who may vote (pseudonyms of one issuer), where ballots
/// go (the audience) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The poll's id (context `poll:<id>`).
    pub id: PollId,
    /// The question, shown to voters.
    pub question: String,
    /// The choices, in display order; distinct.
    pub choices: Vec<Choice>,
    /// The audience every ballot's KB-JWT names (the ballot box's verifier id).
    pub audience: String,
    /// The one issuer whose pseudonyms for this poll count (`iss`).
    pub issuer: String,
    /// First second ballots are accepted.
    pub opens: NumericDate,
    /// First second ballots are no longer accepted.
    pub closes: NumericDate,
}

impl Poll {
    /// A poll, checked: at least two distinct choices, a non-empty audience and issuer, and
    /// `opens` before `closes`.
    ///
    /// ```
    /// use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// use myna_verifier::poll::Poll;
    /// let choices = vec![Choice::parse("yes")?, Choice::parse("yes")?];
    /// let t = NumericDate::from_unix(0);
    /// let twice = Poll::new(PollId::parse("p")?, "q", choices, "https://a.example", "https://i.example", t, t.plus_seconds(1));
    /// assert!(twice.is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        id: PollId,
        question: &str,
        choices: Vec<Choice>,
        audience: &str,
        issuer: &str,
        opens: NumericDate,
        closes: NumericDate,
    ) -> Result<Self, PollError> {
        if choices.len() < 2 || choices.len() > MAX_CHOICES {
            return Err(invalid("poll", "needs 2 to 64 choices"));
        }
        if let Some(twice) = choices
            .iter()
            .enumerate()
            .find(|(i, c)| choices.iter().skip(i + 1).any(|d| d == *c))
        {
            return Err(invalid(
                "poll",
                format!("the choice {:?} is listed twice", twice.1.as_str()),
            ));
        }
        if audience.trim().is_empty() || issuer.trim().is_empty() {
            return Err(invalid("poll", "audience and issuer must not be empty"));
        }
        if opens >= closes {
            return Err(invalid("poll", "`opens` must be before `closes`"));
        }
        Ok(Poll {
            id,
            question: question.to_owned(),
            choices,
            audience: audience.to_owned(),
            issuer: issuer.to_owned(),
            opens,
            closes,
        })
    }

    /// The context of this poll's pseudonyms, `poll:<id>`.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(0);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(1))?;
    /// assert_eq!(poll.context(), "poll:p");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn context(&self) -> String {
        self.id.context()
    }

    /// Whether ballots are accepted at `at`: `opens <= at < closes`.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// assert!(poll.is_open(t));
    /// assert!(!poll.is_open(t.plus_seconds(5)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_open(&self, at: NumericDate) -> bool {
        self.opens <= at && at < self.closes
    }

    /// `choice` if it is one of this poll's choices, else a typed error.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// assert!(poll.choice("a").is_ok());
    /// assert!(poll.choice("c").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choice(&self, choice: &str) -> Result<Choice, PollError> {
        self.choices
            .iter()
            .find(|c| c.as_str() == choice)
            .cloned()
            .ok_or_else(|| invalid("ballot", format!("{choice:?} is not a choice of this poll")))
    }

    /// The challenge a ballot for `choice` answers: nonce = H(poll, choice), this poll's
    /// audience, and not single-use (every voter choosing `choice` signs the same nonce; each
    /// KB-JWT is still accepted once).
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// let challenge = poll.challenge(&Choice::parse("a")?);
    /// assert_eq!(challenge.audience.as_deref(), Some("https://a.example"));
    /// assert!(!challenge.single_use);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn challenge(&self, choice: &Choice) -> Challenge {
        Challenge::shared(&ballot_nonce(&self.id, choice)).for_audience(&self.audience)
    }

    /// The poll as JSON (the poll file the organiser publishes and voters' wallets read).
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// let again = myna_verifier::poll::Poll::from_value(&poll.to_json())?;
    /// assert_eq!(again, poll);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.as_str(),
            "question": self.question,
            "choices": self.choices.iter().map(Choice::as_str).collect::<Vec<_>>(),
            "audience": self.audience,
            "issuer": self.issuer,
            "opens": self.opens.as_unix(),
            "closes": self.closes.as_unix(),
        })
    }

    /// Reads a poll file (JSON bytes), every field checked; unknown fields are refused.
    ///
    /// ```
    /// let bad = myna_verifier::poll::Poll::from_json(br#"{"id": "Bad Id"}"#);
    /// assert!(bad.unwrap_err().to_string().contains("id"));
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, PollError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| invalid("poll", format!("not JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Reads a poll from a JSON value (see [`Poll::from_json`]).
    ///
    /// ```
    /// assert!(myna_verifier::poll::Poll::from_value(&serde_json::json!([])).is_err());
    /// ```
    pub fn from_value(value: &Value) -> Result<Self, PollError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("poll", "must be a JSON object"))?;
        const KNOWN: [&str; 7] = [
            "id", "question", "choices", "audience", "issuer", "opens", "closes",
        ];
        if let Some(unknown) = object.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(invalid("poll", format!("unknown field `{unknown}`")));
        }
        let id = PollId::parse(text(object, "id")?)
            .map_err(|e| invalid("poll", format!("`id`: {e}")))?;
        let choices = object
            .get("choices")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("poll", "`choices` must be an array of strings"))?
            .iter()
            .map(|c| {
                c.as_str()
                    .ok_or_else(|| invalid("poll", "`choices` must be an array of strings"))
                    .and_then(|c| {
                        Choice::parse(c).map_err(|e| invalid("poll", format!("`choices`: {e}")))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Poll::new(
            id,
            text(object, "question")?,
            choices,
            text(object, "audience")?,
            text(object, "issuer")?,
            time(object, "opens")?,
            time(object, "closes")?,
        )
    }
}

fn text<'a>(object: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, PollError> {
    object
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("poll", format!("`{name}` must be a string")))
}

fn time(object: &Map<String, Value>, name: &'static str) -> Result<NumericDate, PollError> {
    object
        .get(name)
        .and_then(Value::as_i64)
        .map(NumericDate::from_unix)
        .ok_or_else(|| invalid("poll", format!("`{name}` must be a Unix time in seconds")))
}

/// A ballot as the voter's wallet hands it over and the box publishes it: the choice in clear
/// and the pseudonym presentation whose KB-JWT nonce commits to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The choice.
    pub choice: String,
    /// The SD-JWT presentation of the pseudonym credential, with its KB-JWT.
    pub presentation: String,
}

impl Ballot {
    /// The ballot as JSON: `{"choice": …, "presentation": …}`.
    ///
    /// ```
    /// use myna_verifier::poll::Ballot;
    /// let ballot = Ballot { choice: "yes".into(), presentation: "eyJ…~".into() };
    /// assert_eq!(Ballot::from_value(&ballot.to_json())?, ballot);
    /// # Ok::<(), myna_verifier::poll::PollError>(())
    /// ```
    pub fn to_json(&self) -> Value {
        json!({ "choice": self.choice, "presentation": self.presentation })
    }

    /// Reads a ballot from JSON bytes.
    ///
    /// ```
    /// assert!(myna_verifier::poll::Ballot::from_json(b"{\"choice\": 1}").is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, PollError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| invalid("ballot", format!("not JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Reads a ballot from a JSON value; only `choice` and `presentation`, both strings.
    ///
    /// ```
    /// assert!(myna_verifier::poll::Ballot::from_value(&serde_json::json!({"choice": "a"})).is_err());
    /// ```
    pub fn from_value(value: &Value) -> Result<Self, PollError> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("ballot", "must be a JSON object"))?;
        if let Some(unknown) = object
            .keys()
            .find(|k| !matches!(k.as_str(), "choice" | "presentation"))
        {
            return Err(invalid("ballot", format!("unknown field `{unknown}`")));
        }
        let field = |name: &'static str| {
            object
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| invalid("ballot", format!("`{name}` must be a string")))
        };
        Ok(Ballot {
            choice: field("choice")?,
            presentation: field("presentation")?,
        })
    }
}

/// The policy a ballot box verifies a ballot with: the holder's pseudonym for this poll's
/// context, issued by the poll's issuer, presented while the poll is open.
pub struct BallotPolicy {
    name: String,
    poll: Poll,
    requirements: Vec<Requirement>,
}

impl core::fmt::Debug for BallotPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BallotPolicy")
            .field("poll", &self.poll.id)
            .finish_non_exhaustive()
    }
}

impl BallotPolicy {
    /// The ballot policy of `poll` (name `poll-<id>`; asks only for the pseudonym).
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// use myna_verifier::policy::Policy;
    /// let policy = myna_verifier::poll::BallotPolicy::new(poll)?;
    /// assert_eq!(policy.name(), "poll-p");
    /// assert_eq!(policy.requirements()[0].id, "pseudonym");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(poll: Poll) -> myna_vc_core::Result<Self> {
        Ok(BallotPolicy {
            name: format!("poll-{}", poll.id),
            poll,
            requirements: vec![pseudonym_requirement()?],
        })
    }

    /// The poll.
    ///
    /// ```
    /// # use myna_verifier::core::{ballot::{Choice, PollId}, time::NumericDate};
    /// # let t = NumericDate::from_unix(10);
    /// # let poll = myna_verifier::poll::Poll::new(PollId::parse("p")?, "q", vec![Choice::parse("a")?, Choice::parse("b")?], "https://a.example", "https://i.example", t, t.plus_seconds(5))?;
    /// let policy = myna_verifier::poll::BallotPolicy::new(poll.clone())?;
    /// assert_eq!(policy.poll(), &poll);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll(&self) -> &Poll {
        &self.poll
    }
}

/// The checks a ballot's verified pseudonym must pass, at the box (`at` = now) and in a
/// recount (`at` = the KB-JWT's `iat`): the poll's issuer, the poll's context, the period.
/// The pseudonym's value on success.
pub(crate) fn check_pseudonym<'a>(
    poll: &Poll,
    issuer: &str,
    claims: &'a Map<String, Value>,
    at: NumericDate,
) -> Result<&'a str, Rejection> {
    if issuer != poll.issuer {
        return Err(Rejection::noted(
            Reason::UntrustedIssuer,
            "not the poll's pseudonym issuer",
        ));
    }
    let context = claims
        .get(claim::context_pseudonym::CONTEXT)
        .and_then(Value::as_str);
    if context != Some(poll.context().as_str()) {
        return Err(Rejection::new(Reason::WrongContext));
    }
    if !poll.is_open(at) {
        return Err(Rejection::new(Reason::PollClosed));
    }
    claims
        .get(claim::context_pseudonym::PSEUDONYM)
        .and_then(Value::as_str)
        .ok_or_else(|| Rejection::noted(Reason::MissingClaim, "pseudonym"))
}

impl Policy for BallotPolicy {
    fn name(&self) -> &str {
        &self.name
    }

    fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    fn check(&self, presented: &Presented, now: NumericDate) -> Result<(), Rejection> {
        let pseudonym = presented.get(PSEUDONYM_ID)?;
        check_pseudonym(&self.poll, &pseudonym.issuer, &pseudonym.claims, now)
            .map(|_| ())
            .map_err(|r| r.for_credential(PSEUDONYM_ID))
    }
}

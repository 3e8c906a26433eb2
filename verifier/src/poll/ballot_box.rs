//! The ballot box: verifies a ballot and keeps at most one per pseudonym per poll.
//!
//! [`BallotBox::cast`] is one atomic "record unless this pseudonym already voted" step, so
//! two phones of one person racing cannot both vote. [`MemoryBallotBox`] serves one process
//! for tests and demos; [`RedbBallotBox`] persists to a redb file (like
//! [`RedbLedger`](crate::ledger::RedbLedger)). [`accept`] is the whole intake: the choice is
//! one of the poll's, the presentation verifies for [`BallotPolicy`] against the challenge
//! H(poll, choice), and the box records it — else a [`Decision`] with the reason
//! (`poll_closed`, `already_voted`, a verification failure).
//!
//! Source: one vote per person, "投票機能を構築し" with "本人性・真正性を担保"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`); Yabu, "MNCを活用し、自宅からオンライン
//! 投票を実現" (`../shared/seeds/002_330378ace3b016db.txt:805`).
//!
//! ```
//! use myna_verifier::core::ballot::PollId;
//! use myna_verifier::poll::ballot_box::{BallotBox, Cast, MemoryBallotBox};
//! use myna_verifier::poll::Ballot;
//! let ballots = MemoryBallotBox::new();
//! let poll = PollId::parse("p")?;
//! let ballot = Ballot { choice: "a".into(), presentation: "x~".into() };
//! assert_eq!(ballots.cast(&poll, "pseudo-1", &ballot)?, Cast::Recorded);
//! assert_eq!(ballots.cast(&poll, "pseudo-1", &ballot)?, Cast::AlreadyVoted);
//! assert_eq!(ballots.ballots(&poll)?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use redb::ReadableTable;

use myna_vc_core::ballot::PollId;

use super::{Ballot, BallotPolicy, Poll, PollError};
use crate::decision::{Decision, Reason, Rejection};
use crate::policy::once_per_person::PSEUDONYM_ID;
use crate::submission::Submission;
use crate::verifier::Verifier;

/// The outcome of casting a verified ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// Recorded: this pseudonym's ballot in this poll.
    Recorded,
    /// This pseudonym has a ballot in this poll already; nothing recorded.
    AlreadyVoted,
}

/// Keeps one ballot per (poll, pseudonym).
pub trait BallotBox: Send + Sync {
    /// Records `ballot` for `pseudonym` in `poll` unless one is recorded.
    fn cast(&self, poll: &PollId, pseudonym: &str, ballot: &Ballot) -> Result<Cast, PollError>;

    /// Every ballot of `poll`, ordered by pseudonym (a PRF output: the order reveals neither
    /// who nor when).
    fn ballots(&self, poll: &PollId) -> Result<Vec<Ballot>, PollError>;
}

/// Verifies `ballot` for `poll` and, if it is valid, casts it into `ballots`.
///
/// The choice must be one of the poll's (else [`Reason::Unreadable`]); the presentation must
/// verify for the [`BallotPolicy`] with nonce H(poll, choice) and the poll's audience; a
/// pseudonym that voted already is [`Reason::AlreadyVoted`]; a storage failure
/// [`Reason::TryAgain`].
///
/// ```no_run
/// # fn demo(verifier: &myna_verifier::verifier::Verifier, poll: &myna_verifier::poll::Poll,
/// #         ballot: &myna_verifier::poll::Ballot) -> Result<(), Box<dyn std::error::Error>> {
/// use myna_verifier::poll::ballot_box::{accept, MemoryBallotBox};
/// let ballots = MemoryBallotBox::new();
/// let decision = accept(verifier, poll, &ballots, ballot);
/// println!("{}", decision.to_json());
/// # Ok(()) }
/// ```
pub fn accept(
    verifier: &Verifier,
    poll: &Poll,
    ballots: &dyn BallotBox,
    ballot: &Ballot,
) -> Decision {
    let policy = match BallotPolicy::new(poll.clone()) {
        Ok(policy) => policy,
        Err(error) => return refuse(verifier, poll, Rejection::from_error(error)),
    };
    let Ok(choice) = poll.choice(&ballot.choice) else {
        let rejection = Rejection::noted(Reason::Unreadable, "not a choice of this poll");
        return verifier.reject(&policy, rejection);
    };
    let submission = Submission::single(PSEUDONYM_ID, &ballot.presentation);
    let mut decision = verifier.verify(&policy, &submission, &poll.challenge(&choice));
    if !decision.accepted() {
        return decision;
    }
    let pseudonym = decision
        .credential(PSEUDONYM_ID)
        .and_then(|c| c.claims.get("pseudonym"))
        .and_then(|p| p.as_str())
        .map(str::to_owned);
    let Some(pseudonym) = pseudonym else {
        decision.outcome = Err(Rejection::noted(Reason::MissingClaim, "pseudonym"));
        return decision;
    };
    decision.outcome = match ballots.cast(&poll.id, &pseudonym, ballot) {
        Ok(Cast::Recorded) => Ok(()),
        Ok(Cast::AlreadyVoted) => {
            Err(Rejection::new(Reason::AlreadyVoted).for_credential(PSEUDONYM_ID))
        }
        Err(_) => Err(Rejection::noted(Reason::TryAgain, "ballot box unavailable")),
    };
    decision
}

fn refuse(verifier: &Verifier, poll: &Poll, rejection: Rejection) -> Decision {
    Decision {
        policy: format!("poll-{}", poll.id),
        at: verifier.now(),
        credentials: Vec::new(),
        outcome: Err(rejection),
    }
}

/// An in-memory ballot box.
#[derive(Debug, Default)]
pub struct MemoryBallotBox {
    ballots: Mutex<BTreeMap<(PollId, String), Ballot>>,
}

impl MemoryBallotBox {
    /// An empty box.
    ///
    /// ```
    /// use myna_verifier::poll::ballot_box::{BallotBox, MemoryBallotBox};
    /// let poll = myna_verifier::core::ballot::PollId::parse("p")?;
    /// assert!(MemoryBallotBox::new().ballots(&poll)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl BallotBox for MemoryBallotBox {
    fn cast(&self, poll: &PollId, pseudonym: &str, ballot: &Ballot) -> Result<Cast, PollError> {
        let mut ballots = self.ballots.lock().unwrap_or_else(|p| p.into_inner());
        let key = (poll.clone(), pseudonym.to_owned());
        if ballots.contains_key(&key) {
            return Ok(Cast::AlreadyVoted);
        }
        ballots.insert(key, ballot.clone());
        Ok(Cast::Recorded)
    }

    fn ballots(&self, poll: &PollId) -> Result<Vec<Ballot>, PollError> {
        let ballots = self.ballots.lock().unwrap_or_else(|p| p.into_inner());
        Ok(ballots
            .iter()
            .filter(|((p, _), _)| p == poll)
            .map(|(_, ballot)| ballot.clone())
            .collect())
    }
}

/// (poll, pseudonym) → (choice, presentation).
const BALLOTS: redb::TableDefinition<(&str, &str), (&str, &str)> =
    redb::TableDefinition::new("ballots");

/// A redb-backed ballot box: survives restarts; one process opens the file.
///
/// ```
/// use myna_verifier::core::ballot::PollId;
/// use myna_verifier::poll::ballot_box::{BallotBox, Cast, RedbBallotBox};
/// use myna_verifier::poll::Ballot;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ballots.redb");
/// let poll = PollId::parse("p")?;
/// let ballot = Ballot { choice: "a".into(), presentation: "x~".into() };
/// assert_eq!(RedbBallotBox::open(&path)?.cast(&poll, "pseudo-1", &ballot)?, Cast::Recorded);
/// let reopened = RedbBallotBox::open(&path)?;
/// assert_eq!(reopened.cast(&poll, "pseudo-1", &ballot)?, Cast::AlreadyVoted);
/// assert_eq!(reopened.ballots(&poll)?, vec![ballot]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedbBallotBox {
    db: redb::Database,
}

impl RedbBallotBox {
    /// Opens (or creates) the ballot box file.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// assert!(myna_verifier::poll::ballot_box::RedbBallotBox::open(&dir.path().join("b.redb")).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: &Path) -> Result<Self, PollError> {
        let db = redb::Database::create(path).map_err(storage)?;
        Ok(RedbBallotBox { db })
    }
}

fn storage(error: impl core::fmt::Display) -> PollError {
    PollError::Storage(error.to_string())
}

impl BallotBox for RedbBallotBox {
    fn cast(&self, poll: &PollId, pseudonym: &str, ballot: &Ballot) -> Result<Cast, PollError> {
        // One write transaction: redb serialises writers, so check-then-insert is atomic.
        let tx = self.db.begin_write().map_err(storage)?;
        let outcome = {
            let mut table = tx.open_table(BALLOTS).map_err(storage)?;
            let key = (poll.as_str(), pseudonym);
            if table.get(key).map_err(storage)?.is_some() {
                Cast::AlreadyVoted
            } else {
                table
                    .insert(key, (ballot.choice.as_str(), ballot.presentation.as_str()))
                    .map_err(storage)?;
                Cast::Recorded
            }
        };
        tx.commit().map_err(storage)?;
        Ok(outcome)
    }

    fn ballots(&self, poll: &PollId) -> Result<Vec<Ballot>, PollError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = match tx.open_table(BALLOTS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(error) => return Err(storage(error)),
        };
        let mut ballots = Vec::new();
        for entry in table.range((poll.as_str(), "")..).map_err(storage)? {
            let (key, value) = entry.map_err(storage)?;
            if key.value().0 != poll.as_str() {
                break;
            }
            let (choice, presentation) = value.value();
            ballots.push(Ballot {
                choice: choice.to_owned(),
                presentation: presentation.to_owned(),
            });
        }
        Ok(ballots)
    }
}

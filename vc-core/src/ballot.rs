//! Ballots of a poll: the poll's id, a choice, and the nonce that commits a ballot to both.
//!
//! A ballot is a presentation of the voter's context pseudonym for the poll (context
//! `poll:<poll-id>`) whose KB-JWT `nonce` is [`ballot_nonce`]`(poll, choice)`: the holder's
//! signature covers the choice, so a ballot box cannot alter it and anyone can re-verify a
//! published ballot. The wallet (`myna_wallet`'s `Wallet::vote`) and the verifier's ballot
//! box and recount (`myna_verifier::poll`) compute the nonce here, the one place the format
//! is written down.
//!
//! Source: the Maebashi forum, "めぶくIDと連携し、匿名で参加できるPF … 投票機能を構築し"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`), and Yabu's online voting, "MNCを活用し、
//! 自宅からオンライン投票を実現" (`../shared/seeds/002_330378ace3b016db.txt:805`).
//!
//! ```
//! use myna_vc_core::ballot::{ballot_nonce, Choice, PollId};
//! let poll = PollId::parse("maebashi-park-2026")?;
//! let yes = ballot_nonce(&poll, &Choice::parse("賛成")?);
//! let no = ballot_nonce(&poll, &Choice::parse("反対")?);
//! assert_ne!(yes, no);
//! assert_eq!(yes.len(), 43); // base64url of a SHA-256 digest
//! assert_eq!(poll.context(), "poll:maebashi-park-2026");
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use core::fmt;

use sha2::{Digest, Sha256};

use crate::error::{Error, InputError};
use crate::{b64, Result};

/// Domain separation of the ballot nonce.
const NONCE_LABEL: &[u8] = b"myna-vc/ballot/v1";

/// The prefix of a poll's pseudonym context.
pub const CONTEXT_PREFIX: &str = "poll:";

/// The longest poll id, in bytes.
pub const MAX_POLL_ID_LEN: usize = 64;

/// The longest choice, in bytes.
pub const MAX_CHOICE_LEN: usize = 128;

/// A poll's id: 1 to 64 of `a-z`, `0-9`, `-`, `_`, `.` (it is part of the pseudonym context,
/// of file names and of URLs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PollId(String);

impl PollId {
    /// Checks and wraps a poll id.
    ///
    /// ```
    /// use myna_vc_core::ballot::PollId;
    /// assert!(PollId::parse("yabu-2026-03").is_ok());
    /// assert!(PollId::parse("Yabu 2026").is_err());
    /// assert!(PollId::parse("").is_err());
    /// ```
    pub fn parse(id: &str) -> Result<Self> {
        let well_formed = !id.is_empty()
            && id.len() <= MAX_POLL_ID_LEN
            && id.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            });
        if !well_formed {
            return Err(invalid("poll", "id", "1 to 64 of a-z, 0-9, '-', '_', '.'"));
        }
        Ok(PollId(id.to_owned()))
    }

    /// The id.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::ballot::PollId::parse("p1")?.as_str(), "p1");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The context of this poll's pseudonyms: `poll:<id>`, one pseudonym per person per poll,
    /// unlinkable across polls.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::ballot::PollId::parse("p1")?.context(), "poll:p1");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn context(&self) -> String {
        format!("{CONTEXT_PREFIX}{}", self.0)
    }
}

impl fmt::Display for PollId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of a poll's choices as the voter's wallet signs it: 1 to 128 bytes of text without
/// control characters ("賛成", "plan-b").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Choice(String);

impl Choice {
    /// Checks and wraps a choice.
    ///
    /// ```
    /// use myna_vc_core::ballot::Choice;
    /// assert!(Choice::parse("賛成").is_ok());
    /// assert!(Choice::parse("a\u{0}b").is_err());
    /// assert!(Choice::parse(" ").is_err());
    /// ```
    pub fn parse(choice: &str) -> Result<Self> {
        let well_formed = !choice.trim().is_empty()
            && choice.len() <= MAX_CHOICE_LEN
            && !choice.chars().any(char::is_control);
        if !well_formed {
            return Err(invalid(
                "ballot",
                "choice",
                "1 to 128 bytes of text, no control characters",
            ));
        }
        Ok(Choice(choice.to_owned()))
    }

    /// The choice's text.
    ///
    /// ```
    /// assert_eq!(myna_vc_core::ballot::Choice::parse("yes")?.as_str(), "yes");
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The KB-JWT nonce of a ballot for `choice` in `poll`:
/// `b64url(SHA-256("myna-vc/ballot/v1" 0x00 poll 0x00 choice))`. Neither part can contain
/// 0x00, so no two (poll, choice) pairs share an input.
///
/// ```
/// use myna_vc_core::ballot::{ballot_nonce, Choice, PollId};
/// let (a, b) = (PollId::parse("a")?, PollId::parse("b")?);
/// let yes = Choice::parse("yes")?;
/// assert_ne!(ballot_nonce(&a, &yes), ballot_nonce(&b, &yes));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
pub fn ballot_nonce(poll: &PollId, choice: &Choice) -> String {
    let mut hash = Sha256::new();
    hash.update(NONCE_LABEL);
    hash.update([0u8]);
    hash.update(poll.0.as_bytes());
    hash.update([0u8]);
    hash.update(choice.0.as_bytes());
    b64::encode(hash.finalize())
}

fn invalid(what: &'static str, member: &str, expected: &'static str) -> Error {
    Error::Input(InputError::MemberType {
        what,
        member: member.to_owned(),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format is fixed: a known answer, so wallet and box cannot drift apart.
    #[test]
    fn nonce_known_answer() {
        let poll = PollId::parse("p").unwrap();
        let choice = Choice::parse("c").unwrap();
        let mut input = b"myna-vc/ballot/v1".to_vec();
        input.extend_from_slice(b"\0p\0c");
        assert_eq!(
            ballot_nonce(&poll, &choice),
            b64::encode(Sha256::digest(&input))
        );
    }

    #[test]
    fn ids_and_choices_are_checked() {
        assert!(PollId::parse(&"a".repeat(65)).is_err());
        assert!(PollId::parse("poll:x").is_err());
        assert!(Choice::parse(&"a".repeat(129)).is_err());
        assert!(Choice::parse("line\nbreak").is_err());
    }
}

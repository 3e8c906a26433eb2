//! Why a card reader could not reach the card, as [`Error::CardReader`](crate::Error) carries
//! it (re-exported as `card::ReaderProblem`). Kept free of the PC/SC library, so the error type
//! is the same with and without the `pcsc` feature; `pcsc` maps the library's codes to it.

use core::fmt;

/// What stood between the program and the card, each with what the user can do about it.
///
/// ```
/// use myna_jpki::card::ReaderProblem;
/// let problem = ReaderProblem::NoCard { readers: vec!["ACS ACR39U 00 00".into()] };
/// assert_eq!(problem.to_string(),
///     "no card in the reader ACS ACR39U 00 00: insert the My Number card and try again");
/// assert!(ReaderProblem::NoService.to_string().contains("pcscd"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReaderProblem {
    /// The PC/SC service (pcscd) is not running or cannot be reached.
    NoService,
    /// The PC/SC service knows no reader at all.
    NoReader,
    /// No reader of that name; `known` lists the readers there are.
    UnknownReader {
        /// The name asked for.
        reader: String,
        /// The readers the service knows.
        known: Vec<String>,
    },
    /// The readers checked hold no card.
    NoCard {
        /// The readers that were looked at.
        readers: Vec<String>,
    },
    /// The card left the reader during the operation.
    CardRemoved,
    /// The reader disappeared (unplugged, driver stopped) during the operation.
    ReaderRemoved,
    /// The card is there but does not answer (unpowered, mute, inserted the wrong way).
    CardUnresponsive,
    /// Another program holds the card exclusively.
    CardInUse,
    /// Another program reset the card, which dropped its security state (verified PINs).
    CardReset,
    /// Any other PC/SC failure, as the PC/SC library describes it.
    Other {
        /// The library's description.
        detail: String,
    },
}

impl fmt::Display for ReaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReaderProblem::NoService => f.write_str(
                "the PC/SC service is not running (no pcscd to talk to): start it \
                 (Debian: `apt install pcscd`, then `systemctl start pcscd.socket`)",
            ),
            ReaderProblem::NoReader => {
                f.write_str("no card reader is connected: plug in a PC/SC (CCID) card reader")
            }
            ReaderProblem::UnknownReader { reader, known } if known.is_empty() => {
                write!(f, "there is no card reader named \"{reader}\", and no reader at all is connected")
            }
            ReaderProblem::UnknownReader { reader, known } => write!(
                f,
                "there is no card reader named \"{reader}\"; the connected readers are: {}",
                quoted(known)
            ),
            ReaderProblem::NoCard { readers } => {
                let noun = if readers.len() == 1 { "reader" } else { "readers" };
                write!(
                    f,
                    "no card in the {noun} {}: insert the My Number card and try again",
                    readers.join(", ")
                )
            }
            ReaderProblem::CardRemoved => f.write_str(
                "the card was removed from the reader during the operation: insert it again and start over",
            ),
            ReaderProblem::ReaderRemoved => f.write_str(
                "the card reader disappeared during the operation: reconnect it and start over",
            ),
            ReaderProblem::CardUnresponsive => f.write_str(
                "the card in the reader does not answer: check that it is inserted the right way round",
            ),
            ReaderProblem::CardInUse => f.write_str(
                "another program is using the card exclusively: close it and try again",
            ),
            ReaderProblem::CardReset => {
                f.write_str("another program reset the card during the operation: start over")
            }
            ReaderProblem::Other { detail } => write!(f, "PC/SC error: {detail}"),
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_says_what_to_do() {
        let cases = [
            (ReaderProblem::NoService, "start it"),
            (ReaderProblem::NoReader, "plug in"),
            (
                ReaderProblem::UnknownReader {
                    reader: "X".into(),
                    known: vec!["A 00 00".into(), "B 00 00".into()],
                },
                "the connected readers are: \"A 00 00\", \"B 00 00\"",
            ),
            (
                ReaderProblem::UnknownReader {
                    reader: "X".into(),
                    known: vec![],
                },
                "no reader at all",
            ),
            (
                ReaderProblem::NoCard {
                    readers: vec!["A".into(), "B".into()],
                },
                "no card in the readers A, B: insert",
            ),
            (ReaderProblem::CardRemoved, "insert it again"),
            (ReaderProblem::ReaderRemoved, "reconnect it"),
            (ReaderProblem::CardUnresponsive, "right way round"),
            (ReaderProblem::CardInUse, "close it"),
            (ReaderProblem::CardReset, "start over"),
            (
                ReaderProblem::Other {
                    detail: "Internal error.".into(),
                },
                "PC/SC error: Internal error.",
            ),
        ];
        for (problem, expected) in cases {
            let text = problem.to_string();
            assert!(text.contains(expected), "{problem:?}: {text}");
        }
    }
}

//! `myna wallet vote`: sign a ballot in a poll with the pseudonym the wallet holds for it.
//!
//! Source: the Maebashi forum's "投票機能" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`)
//! and Yabu's "自宅からオンライン投票を実現" (`../shared/seeds/002_330378ace3b016db.txt:805`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use myna_verifier::poll::Poll;

use super::Session;

/// Arguments of `myna wallet vote`.
#[derive(Debug, clap::Args)]
pub struct VoteArgs {
    /// The poll file the organiser published (`myna poll new --out`): its id, choices and
    /// ballot box (the audience your ballot is bound to).
    #[arg(long, value_name = "FILE")]
    poll: PathBuf,
    /// Your choice, exactly as the poll lists it.
    #[arg(long)]
    choice: String,
    /// Write the ballot (JSON: the choice and your pseudonym presentation, whose key binding
    /// signs the choice) here instead of printing it; hand it to the ballot box (`myna poll
    /// accept`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Signs the ballot and writes it.
pub(super) fn run(session: &Session, args: &VoteArgs) -> Result<()> {
    let poll = read_poll(&args.poll)?;
    let choice = poll.choice(&args.choice)?;
    let wallet = session.open_wallet()?;
    let ballot = wallet
        .vote(&poll.id, &choice, &poll.audience, session.now())
        .with_context(|| {
            format!(
                "cannot sign a ballot: does this wallet hold its pseudonym for {0}? receive it \
                 first with `myna wallet pseudonym --issuer {1} --issuer-key … --context {0}`",
                poll.context(),
                poll.issuer
            )
        })?;
    let text = serde_json::to_string_pretty(&ballot.to_json())?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, format!("{text}\n"))
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "ballot for {:?} in {} written to {} (it shows only your pseudonym for this poll)",
                choice.as_str(),
                poll.id,
                path.display()
            );
        }
        None => writeln!(std::io::stdout(), "{text}")?,
    }
    Ok(())
}

fn read_poll(path: &Path) -> Result<Poll> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Poll::from_json(&bytes).with_context(|| path.display().to_string())
}

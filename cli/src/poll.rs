//! `myna poll …`: a poll with one ballot per person — the organiser writes the poll file
//! (`new`), the ballot box verifies and keeps ballots (`accept`, a redb file), publishes them
//! (`publish`) and anyone recounts the published file (`tally`). Voters sign ballots with
//! `myna wallet vote`.
//!
//! Source: the Maebashi forum's "匿名で参加できるPF … 投票機能を構築し"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`); Yabu's online voting, "自宅からオンライン
//! 投票を実現" and "投票集計結果を瞬時に判別可能" (`../shared/seeds/002_330378ace3b016db.txt:805`,
//! `:831`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};

use myna_verifier::core::ballot::{Choice, PollId};
use myna_verifier::core::crypto::{default_provider, PublicKey};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::TrustList;
use myna_verifier::poll::ballot_box::{accept, RedbBallotBox};
use myna_verifier::poll::tally::{recount, PublishedPoll, Tally};
use myna_verifier::poll::{Ballot, Poll};

use crate::verify::{read, Setup};

/// Arguments of `myna poll`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a poll file: its id, question, choices, ballot box (audience), the one issuer
    /// whose pseudonyms count, and its period. Voters receive their pseudonym for context
    /// `poll:<id>` from that issuer (which must list the context) and vote with `myna wallet
    /// vote --poll FILE`.
    New(NewArgs),
    /// The ballot box: verify one ballot (from `myna wallet vote`) and keep it, at most one
    /// per person (pseudonym) per poll, in a redb file. Prints the decision; exits non-zero
    /// when refused (poll_closed, already_voted, a ballot that does not verify, …).
    Accept(Box<AcceptArgs>),
    /// Write the poll and every ballot the box holds (ordered by pseudonym, not by time) to
    /// a file anyone can recount with `tally`.
    Publish(PublishArgs),
    /// Recount a published file: re-verify every ballot (issuer signature and trust,
    /// pseudonym type, the poll's issuer and context, the voter's key binding over the
    /// choice, the period), one per pseudonym, and print the counts and the discarded
    /// ballots with reasons. Trusts nothing the ballot box says.
    Tally(TallyArgs),
}

#[derive(Debug, Parser)]
struct NewArgs {
    /// The poll's id: 1 to 64 of a-z, 0-9, '-', '_', '.' (voters' pseudonym context is
    /// `poll:<id>`).
    #[arg(long)]
    id: String,
    /// The question shown to voters.
    #[arg(long)]
    question: String,
    /// A choice (repeat, at least two, distinct).
    #[arg(long = "choice", required = true)]
    choices: Vec<String>,
    /// The ballot box's identifier: the audience every ballot is bound to (give the same
    /// to `accept --audience`).
    #[arg(long)]
    audience: String,
    /// The issuer whose pseudonyms count (its `iss`, e.g. https://city.maebashi.example):
    /// only one, since each issuer derives its own pseudonym for a person.
    #[arg(long)]
    issuer: String,
    /// When ballots start being accepted (Unix seconds).
    #[arg(long, value_name = "UNIX")]
    opens: i64,
    /// When ballots stop being accepted (Unix seconds, exclusive).
    #[arg(long, value_name = "UNIX")]
    closes: i64,
    /// Write the poll file here (default: print it).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Parser)]
struct AcceptArgs {
    /// The verifier's trust list, authority key, status lists and the box's id
    /// (`--audience`, which must be the poll's audience).
    #[command(flatten)]
    setup: Setup,
    /// The poll file.
    #[arg(long, value_name = "FILE")]
    poll: PathBuf,
    /// The ballot box (a redb file, created if missing).
    #[arg(long = "box", value_name = "FILE")]
    ballot_box: PathBuf,
    /// Print the decision as JSON.
    #[arg(long)]
    json: bool,
    /// The ballot file (`-` for standard input).
    ballot: PathBuf,
}

#[derive(Debug, Parser)]
struct PublishArgs {
    /// The poll file.
    #[arg(long, value_name = "FILE")]
    poll: PathBuf,
    /// The ballot box (redb file).
    #[arg(long = "box", value_name = "FILE")]
    ballot_box: PathBuf,
    /// Write the published file here (default: print it).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Parser)]
struct TallyArgs {
    /// The signed trust list in force during the poll.
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// The trust authority's public key (JWK JSON) the list must be signed with.
    #[arg(long, value_name = "FILE")]
    authority_key: PathBuf,
    /// Check the trust list as of this Unix time (default: the last second of the poll).
    #[arg(long, value_name = "UNIX")]
    at: Option<i64>,
    /// Print the tally as JSON.
    #[arg(long)]
    json: bool,
    /// The published file (from `publish`).
    published: PathBuf,
}

/// Runs `myna poll`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::New(args) => new(args),
        Command::Accept(args) => run_accept(*args),
        Command::Publish(args) => publish(args),
        Command::Tally(args) => tally(args),
    }
}

fn read_poll(path: &Path) -> Result<Poll> {
    Poll::from_json(read(path)?.as_bytes()).with_context(|| path.display().to_string())
}

fn write_or_print(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

fn new(args: NewArgs) -> Result<()> {
    let choices = args
        .choices
        .iter()
        .map(|c| Choice::parse(c).with_context(|| format!("--choice {c:?}")))
        .collect::<Result<Vec<_>>>()?;
    let poll = Poll::new(
        PollId::parse(&args.id).context("--id")?,
        &args.question,
        choices,
        &args.audience,
        &args.issuer,
        NumericDate::from_unix(args.opens),
        NumericDate::from_unix(args.closes),
    )?;
    write_or_print(
        args.out.as_deref(),
        &serde_json::to_string_pretty(&poll.to_json())?,
    )
}

fn run_accept(args: AcceptArgs) -> Result<()> {
    let poll = read_poll(&args.poll)?;
    if args.setup.audience() != poll.audience {
        bail!(
            "--audience {} is not the poll's ballot box ({}): ballots are bound to the poll's",
            args.setup.audience(),
            poll.audience
        );
    }
    let verifier = args.setup.verifier()?;
    let ballots = RedbBallotBox::open(&args.ballot_box)
        .with_context(|| args.ballot_box.display().to_string())?;
    let ballot = Ballot::from_json(read(&args.ballot)?.as_bytes())
        .with_context(|| args.ballot.display().to_string())?;
    let decision = accept(&verifier, &poll, &ballots, &ballot);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&decision.to_json())?);
    } else {
        match decision.rejection() {
            None => println!("✓ 受理 / accepted: ballot in {}", poll.id),
            Some(r) => println!(
                "✗ 拒否 / rejected: ballot in {}\n  {}\n  {}",
                poll.id,
                r.reason.text_ja(),
                r.reason.text_en()
            ),
        }
    }
    match decision.rejection() {
        None => Ok(()),
        Some(r) => Err(anyhow!("rejected: {}", r.reason.code())),
    }
}

fn publish(args: PublishArgs) -> Result<()> {
    let poll = read_poll(&args.poll)?;
    let ballots = RedbBallotBox::open(&args.ballot_box)
        .with_context(|| args.ballot_box.display().to_string())?;
    let published = PublishedPoll::from_box(poll, &ballots)?;
    let count = published.ballots.len();
    write_or_print(
        args.out.as_deref(),
        &serde_json::to_string_pretty(&published.to_json())?,
    )?;
    eprintln!("{count} ballots published");
    Ok(())
}

fn tally(args: TallyArgs) -> Result<()> {
    let published = PublishedPoll::from_json(read(&args.published)?.as_bytes())
        .with_context(|| args.published.display().to_string())?;
    let jwk =
        myna_verifier::core::json::parse(read(&args.authority_key)?.as_bytes(), "authority key")?;
    let authority = PublicKey::from_jwk(&jwk).context("authority key")?;
    let at = args
        .at
        .map(NumericDate::from_unix)
        .unwrap_or(published.poll.closes.minus_seconds(1));
    let trust = TrustList::verify(
        read(&args.trust_list)?.trim(),
        default_provider(),
        &authority,
        at,
    )
    .context("trust list")?;
    let tally = recount(&published, &trust, default_provider());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&tally.to_json())?);
    } else {
        print!("{}", tally_text(&published.poll, &tally));
    }
    Ok(())
}

/// The tally for people: the question, each choice's count, the discarded ballots.
fn tally_text(poll: &Poll, tally: &Tally) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", poll.question, poll.id);
    for (choice, count) in &tally.counts {
        let _ = writeln!(out, "  {count:>8}  {choice}");
    }
    let _ = writeln!(
        out,
        "  counted {}, discarded {}",
        tally.counted(),
        tally.discarded.len()
    );
    for d in &tally.discarded {
        let _ = writeln!(
            out,
            "    ballot #{}: {} ({}){}",
            d.index,
            d.reason.code(),
            d.reason.text_en(),
            d.detail
                .as_ref()
                .map(|s| format!(" — {s}"))
                .unwrap_or_default()
        );
    }
    out
}

//! `myna pass …`: the pass operator's view of a pass book (the redb file `myna verify check|serve
//! --passes` keeps): which pseudonyms hold a pass of an offer, until when, and how many uses
//! are left. A pass book holds pseudonyms only — no names, addresses or birth dates.
//!
//! Sources: Kobe's 6-month 地下鉄海岸線 free pass (`../shared/seeds/002_330378ace3b016db.txt:78`)
//! and coupons used up by facility staff (消込) with a limit on uses
//! (`../shared/seeds/002_330378ace3b016db.txt:15`, `:19`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;

use myna_verifier::core::time::NumericDate;
use myna_verifier::pass::{Grant, PassBook, PassId, RedbPassBook};

use crate::jst;

/// Arguments of `myna pass`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the passes of one offer in a pass book: each holder's pseudonym for the offer,
    /// the valid period (Japan time) and the uses left. Passes are granted by `myna verify
    /// check|serve --passes FILE --policy pass-apply:<pass-id>:<validity>:<uses>:<eligibility>`
    /// and used by `--policy pass-use:<pass-id>` (see `myna verify policies`).
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// The pass book (a redb file written by `myna verify check|serve --passes`).
    #[arg(long, value_name = "FILE")]
    passes: PathBuf,
    /// The offer's pass id (also the context of its pseudonyms), e.g. `kobe-kaigan-free-pass`.
    #[arg(long = "pass", value_name = "PASS-ID")]
    pass: String,
    /// Print JSON (`{"pass": …, "grants": [{"pseudonym", "valid_from", "valid_until",
    /// "uses_left", "granted_at"}]}`, times as Unix seconds, `uses_left` null when
    /// unlimited).
    #[arg(long)]
    json: bool,
}

/// Runs `myna pass …`.
///
/// ```
/// use clap::Parser;
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("passes.redb").display().to_string();
/// drop(myna_verifier::pass::RedbPassBook::open(std::path::Path::new(&file))?);
/// let cli = myna::Cli::try_parse_from(
///     ["myna", "pass", "list", "--passes", &file, "--pass", "pool-coupon-2026", "--json"])?;
/// myna::run(cli)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::List(list) => run_list(list),
    }
}

fn run_list(args: ListArgs) -> Result<()> {
    let pass = PassId::parse(&args.pass).context("--pass")?;
    if !args.passes.exists() {
        anyhow::bail!("--passes {}: no such pass book", args.passes.display());
    }
    let book = RedbPassBook::open(&args.passes)
        .with_context(|| format!("--passes {}", args.passes.display()))?;
    let grants = book.grants(&pass)?;
    if args.json {
        let list: Vec<_> = grants.iter().map(|(p, g)| grant_json(p, g)).collect();
        let out = json!({"pass": pass.as_str(), "grants": list});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("{pass}: {} pass(es)", grants.len());
    for (pseudonym, grant) in &grants {
        println!(
            "  {pseudonym}  valid {} – {}  uses left: {}",
            jst::format(grant.valid_from),
            jst::format(last_valid_second(grant)),
            grant.uses_left
        );
    }
    Ok(())
}

/// The last second a grant is valid (its window is `[valid_from, valid_until)`).
fn last_valid_second(grant: &Grant) -> NumericDate {
    NumericDate::from_unix(grant.valid_until.as_unix().saturating_sub(1))
}

fn grant_json(pseudonym: &str, grant: &Grant) -> serde_json::Value {
    let uses_left = match grant.uses_left {
        myna_verifier::pass::Uses::Unlimited => serde_json::Value::Null,
        myna_verifier::pass::Uses::Limited(n) => json!(n),
    };
    json!({
        "pseudonym": pseudonym,
        "valid_from": grant.valid_from.as_unix(),
        "valid_until": grant.valid_until.as_unix(),
        "uses_left": uses_left,
        "granted_at": grant.granted_at.as_unix(),
    })
}

//! `myna`: one binary over the myna-vc crates.
//!
//! Each role has its own module and its own subcommand tree:
//! `myna issuer …` ([`issuer`]), `myna wallet …` ([`wallet`]), `myna verify …` ([`verify`]), and `myna demo` ([`demo`]) plays them all together.
//! `main` only parses the command line and hands over; the work lives in the library crates.
#![forbid(unsafe_code)]

mod demo;
mod issuer;
mod verify;
mod wallet;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// myna — self-sovereign identity anchored to the My Number card.
///
/// A municipality runs `myna issuer`, a resident `myna wallet`, a shop, gate, shelter desk or
/// clinic `myna verify`. Every subcommand has its own `--help`.
#[derive(Debug, Parser)]
#[command(name = "myna", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a municipality's credential issuer: the OpenID4VCI service and batch issuance.
    Issuer(issuer::Args),
    /// A resident's wallet: keys, credentials, consents and presentations.
    Wallet(wallet::Args),
    /// Verify presentations for a shop, gate, shelter desk or clinic.
    Verify(verify::Args),
    /// Play every scenario end to end (issuers, wallets, verifiers) on embedded defaults.
    #[command(long_about = demo::LONG_ABOUT)]
    Demo(demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Issuer(args) => issuer::run(args),
        Command::Wallet(args) => wallet::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Demo(args) => demo::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("myna: {message}");
            ExitCode::FAILURE
        }
    }
}

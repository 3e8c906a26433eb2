//! `myna-demo`: the myna-vc story end to end, and a wallet to try by hand, on embedded
//! defaults only. Not a product: it uses the test JPKI CA, virtual cards and loopback routes
//! (the `test-ca` and `test-util` features no production build enables).
//!
//! * `myna-demo` plays every scenario (module `story`): cities' issuer services, residents'
//!   wallets, verifiers, each step printed with ✓ or ✗.
//! * `myna-demo wallet …` runs the product's wallet commands (`myna wallet …`, from the `myna`
//!   library) with the demo issuer of module `demo_wallet` plugged in: `anchor --virtual-card`,
//!   `receive` of its offers and `consent` with its registry need no issuer service; the
//!   wallet directory is the same one `myna wallet` uses.
#![forbid(unsafe_code)]

mod demo_issuer;
mod demo_wallet;
mod story;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// myna-demo — the myna-vc story end to end, on embedded defaults only.
#[derive(Debug, Parser)]
#[command(name = "myna-demo", version, long_about = story::LONG_ABOUT)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The wallet commands of `myna wallet`, with an in-process demo issuer (its state in the
    /// wallet's directory) instead of a real one.
    Wallet(myna::wallet::Args<demo_wallet::DemoIssuers>),
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        None => story::run().map_err(anyhow::Error::msg),
        Some(Command::Wallet(args)) => myna::wallet::run(args, &demo_wallet::DemoIssuers),
    };
    myna::report::exit_code("myna-demo", outcome)
}

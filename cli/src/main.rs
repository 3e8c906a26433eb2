//! `myna`: one binary over the myna-vc crates. The commands live in the `myna` library; `main`
//! parses the command line, runs it and reports an error with its causes.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    myna::report::exit_code("myna", myna::run(myna::Cli::parse()))
}

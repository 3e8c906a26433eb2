//! # myna (the command line)
//!
//! The `myna` binary's commands as a library, so that another binary can reuse them: the demo
//! (`myna-demo`) runs the same wallet command with its in-process issuer plugged in.
//!
//! * [`issuer`]: `myna issuer …`, a municipality's (or an operator's) issuer service;
//! * [`wallet`]: `myna wallet …`, a resident's wallet, generic over how issuers are reached
//!   ([`wallet::Issuers`]; the product reaches them over HTTP, [`wallet::Http`]);
//! * [`poll`]: `myna poll …`, a poll with one ballot per person: the poll file, the ballot
//!   box, the published ballots and the recount anyone can run;
//! * [`verify`]: `myna verify …`, a shop's, gate's, shelter desk's or clinic's verifier;
//! * [`shelter`]: `myna shelter …`, the HQ's staff and medical staff on the shelter roster
//!   (staff entries, check-outs, crowding, the sealed medical questionnaire);
//! * [`admin`]: `myna issuer admin …`, a running issuer's admin API for its staff;
//! * [`trustee`]: `myna trustee …`, an escrow trustee's key pair and share releases;
//! * [`trust_list`]: `myna trust-list …`, the national trust-list authority (its key, the
//!   signed list of issuers' entries);
//! * [`jpki`]: `myna jpki test-ca …`, a test JPKI CA and virtual cards for test environments;
//! * [`report`]: how an error is printed (its whole cause chain) and turned into an exit code;
//! * [`passphrase`]: where a passphrase or PIN comes from (flag, file, environment, prompt
//!   without echo) and the one minimum length of a new one;
//! * [`jst`]: instants printed in Japan's time;
//! * [`edge_args`], [`logs`], [`shutdown`]: what both service commands share — the flags of
//!   the limits against hostile clients, the logs, and the signals that stop them;
//!   [`database_url`] parses a `--database-url` without ever echoing its password.
//!
//! Each command's work lives in the library crates (`myna-issuer`, `myna-wallet`,
//! `myna-verifier`); this crate parses the command line, reads files and prints.
//!
//! ```
//! use clap::Parser;
//! let cli = myna::Cli::try_parse_from(["myna", "verify", "policies"])?;
//! myna::run(cli)?;
//! # Ok::<(), anyhow::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod admin;
pub mod database_url;
pub mod edge_args;
pub mod issuer;
pub mod jpki;
pub mod jst;
pub mod logs;
pub mod pass;
pub mod passphrase;
pub mod poll;
pub mod report;
pub mod shelter;
pub mod shutdown;
pub mod trust_list;
pub mod trustee;
pub mod verify;
pub mod wallet;

use clap::{Parser, Subcommand};

/// myna — self-sovereign identity anchored to the My Number card.
///
/// A municipality runs `myna issuer`, a resident `myna wallet`, a shop, gate, shelter desk or
/// clinic `myna verify`; escrow trustees use `myna trustee`, the national trust-list authority
/// `myna trust-list`, and `myna jpki test-ca` makes a test environment (a test CA and virtual
/// cards). Every subcommand has its own `--help`.
#[derive(Debug, Parser)]
#[command(name = "myna", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a municipality's credential issuer: set-up, the OpenID4VCI service, batch letters,
    /// its admin API (`myna issuer admin`) and its keys.
    Issuer(issuer::Args),
    /// A resident's wallet: keys, credentials, consents and presentations.
    Wallet(wallet::Args<wallet::Http>),
    /// Verify presentations for a shop, gate, shelter desk or clinic.
    Verify(verify::Args),
    /// Passes and coupons with a period and a number of uses: the operator's view of a pass
    /// book (granted and used through `myna verify … --passes`).
    Pass(pass::Args),
    /// A poll with one ballot per person (context pseudonym): the poll file, the ballot box,
    /// publishing the ballots and the recount anyone can run.
    Poll(poll::Args),
    /// Shelter work on the disaster HQ's roster file: staff entries for people without a
    /// credential, check-outs, the crowding report, the sealed medical questionnaire.
    Shelter(shelter::Args),
    /// An escrow trustee's key pair and share releases for due-process openings.
    Trustee(trustee::Args),
    /// The national trust-list authority: its key pair, and the signed list of issuers.
    TrustList(trust_list::Args),
    /// The My Number card's PKI for test environments: a test CA, virtual cards, CRLs.
    Jpki(jpki::Args),
}

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Issuer(args) => issuer::run(args),
        Command::Wallet(args) => wallet::run(args, &wallet::Http),
        Command::Verify(args) => verify::run(args),
        Command::Pass(args) => pass::run(args),
        Command::Poll(args) => poll::run(args),
        Command::Shelter(args) => shelter::run(args),
        Command::Trustee(args) => trustee::run(args),
        Command::TrustList(args) => trust_list::run(args),
        Command::Jpki(args) => jpki::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    /// Ids are random base64url and start with `-` one time in 64: clap must take them as
    /// values, not as unknown flags (a README run once failed on `--opening -7IQ…`).
    #[test]
    fn ids_starting_with_a_hyphen_are_values() {
        let id = "-7IQVzrRBjbbiHldNVJ-EfCE208Ik7mWEbZN35Puo9A";
        let runs: [&[&str]; 4] = [
            &[
                "myna",
                "trustee",
                "release",
                "--url",
                "https://c.example",
                "--token-file",
                "t",
                "--key",
                "k",
                "--passphrase-file",
                "p",
                "--opening",
                id,
            ],
            &[
                "myna",
                "issuer",
                "admin",
                "--url",
                "https://c.example",
                "--token-file",
                "t",
                "escrow-show",
                id,
            ],
            &[
                "myna",
                "issuer",
                "admin",
                "--url",
                "https://c.example",
                "--token-file",
                "t",
                "revoke",
                "--credential",
                id,
            ],
            &[
                "myna",
                "wallet",
                "consent",
                "withdraw",
                id,
                "--registry",
                "https://c.example",
                "--registry-key",
                "k.jwk",
            ],
        ];
        for args in runs {
            let parsed = Cli::try_parse_from(args);
            let rendered = format!("{parsed:?}");
            assert!(parsed.is_ok(), "{args:?}: {rendered}");
            assert!(rendered.contains(id), "{args:?} lost the id: {rendered}");
        }
    }
}

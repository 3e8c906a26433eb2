//! `myna`: one binary over the myna-vc crates (`myna issuer …`, `myna wallet …`,
//! `myna verify …`, `myna demo`). The subcommands arrive with their issues; today the binary
//! only explains itself.
#![forbid(unsafe_code)]

const HELP: &str = "\
myna — self-sovereign identity anchored to the My Number card

USAGE:
    myna --help       show this text
    myna --version    show the version

The issuer, wallet, verifier and demo subcommands are not built yet; see README.md.";

fn main() -> std::process::ExitCode {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        None | Some("-h") | Some("--help") | Some("help") => {
            println!("{HELP}");
            std::process::ExitCode::SUCCESS
        }
        Some("-V") | Some("--version") => {
            println!("myna {}", env!("CARGO_PKG_VERSION"));
            std::process::ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("myna: unknown command `{other}`\n\n{HELP}");
            std::process::ExitCode::from(2)
        }
    }
}

//! `myna issuer …`.

/// Arguments of `myna issuer`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `myna issuer`.
pub fn run(_args: Args) -> Result<(), String> {
    Err("`myna issuer` is not built yet; see README.md".to_owned())
}

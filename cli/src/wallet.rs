//! `myna wallet …`.

/// Arguments of `myna wallet`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `myna wallet`.
pub fn run(_args: Args) -> Result<(), String> {
    Err("`myna wallet` is not built yet; see README.md".to_owned())
}

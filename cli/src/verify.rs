//! `myna verify …`.

/// Arguments of `myna verify`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `myna verify`.
pub fn run(_args: Args) -> Result<(), String> {
    Err("`myna verify` is not built yet; see README.md".to_owned())
}

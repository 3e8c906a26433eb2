//! What an issuer hands out from its data directory, without the running service (these read
//! the sealed key file and the configuration only, never the store, so they work while
//! `myna issuer serve` runs):
//!
//! * `myna issuer keys`: the issuer's public key as a JWK, with the `kid` the service publishes
//!   (its RFC 7638 thumbprint) and its `alg` — the file wallets (`--issuer-key`) and shops pin;
//! * `myna issuer trust-entry`: the issuer's own trust-list entry signed with that key, for the
//!   national trust-list authority (`myna trust-list sign --entry FILE`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use myna_issuer::service::keys::KeyRing;
use myna_issuer::service::publication::{issuer_jwk, kid_of, signed_trust_entry};
use myna_issuer::service::KEY_FILE;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::time::{Clock, SystemClock};

use super::{load_config, passphrase, Common};

/// Arguments of `myna issuer keys`.
#[derive(Debug, clap::Parser)]
pub(super) struct KeysArgs {
    #[command(flatten)]
    common: Common,
    /// Write the JWK to this file instead of standard output (what `myna wallet … --issuer-key`
    /// reads).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `myna issuer trust-entry`.
#[derive(Debug, clap::Parser)]
pub(super) struct TrustEntryArgs {
    #[command(flatten)]
    common: Common,
    /// Write the signed entry to this file instead of standard output; send it to the
    /// trust-list authority together with proof of who you are.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The issuer key ring, opened read-only: no key is generated when the file is missing.
fn open_keys(common: &Common) -> Result<KeyRing> {
    let path = common.data_dir.join(KEY_FILE);
    let passphrase = passphrase(common)?;
    KeyRing::open_existing(&path, &passphrase).with_context(|| {
        format!(
            "cannot open the issuer keys in {} (run `myna issuer init` first, or check the \
             passphrase)",
            path.display()
        )
    })
}

/// `myna issuer keys`.
pub(super) fn run_keys(args: KeysArgs) -> Result<()> {
    let keys = open_keys(&args.common)?;
    let public = keys.issuer.public_key();
    let text = serde_json::to_string_pretty(&issuer_jwk(&public).to_json())?;
    write_out(args.out.as_deref(), &text)?;
    if let Some(out) = &args.out {
        println!(
            "wrote {}: issuer key, kid {}",
            out.display(),
            kid_of(&public)
        );
    }
    Ok(())
}

/// `myna issuer trust-entry`.
pub(super) fn run_trust_entry(args: TrustEntryArgs) -> Result<()> {
    let config = load_config(&args.common)?;
    let keys = open_keys(&args.common)?;
    let signer = default_provider()
        .signer(&keys.issuer)
        .context("the issuer key cannot sign")?;
    let token = signed_trust_entry(&config, &*signer, SystemClock.now())
        .context("cannot make the trust-list entry from the configuration")?;
    write_out(args.out.as_deref(), &token)?;
    if let Some(out) = &args.out {
        println!(
            "wrote {}: the trust-list entry of {} ({}), key kid {}",
            out.display(),
            config.name,
            config.public_base_url,
            kid_of(&signer.public_key())
        );
        println!(
            "send it to the trust-list authority with proof that it is yours (e.g. the kid in \
             an official letter): the signature proves only that its maker holds the key"
        );
    }
    Ok(())
}

/// Writes `text` (and a newline) to `out`, or prints it.
fn write_out(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

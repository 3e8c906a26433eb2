//! What an issuer hands out from its data directory, without the running service (these read
//! the sealed key file and the configuration only, never the store, so they work while
//! `myna issuer serve` runs):
//!
//! * `myna issuer keys`: the issuer's public key as a JWK, with the `kid` the service publishes
//!   (its RFC 7638 thumbprint) and its `alg` — the file wallets (`--issuer-key`) and shops pin;
//! * `myna issuer trust-entry`: the issuer's own trust-list entry signed with that key, for the
//!   national trust-list authority (`myna trust-list sign --entry FILE`).
//!
//! And, through the service itself (its store, so not beside a running `serve` on redb):
//!
//! * `myna issuer publish --out DIR`: everything `serve` publishes, as static files for a CDN
//!   ([`myna_issuer::service::static_publication`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use myna_issuer::service::keys::KeyRing;
use myna_issuer::service::publication::{issuer_jwk, kid_of, signed_trust_entry};
use myna_issuer::service::static_publication::{HEADERS_FILE, MANIFEST_FILE};
use myna_issuer::service::KEY_FILE;
use myna_vc_core::crypto::default_provider;
use myna_vc_core::time::{Clock, SystemClock};

use super::{load_config, open_service, passphrase, Common};
use crate::logs::LogArgs;

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

/// The long help of `myna issuer publish`.
pub(super) const PUBLISH_ABOUT: &str = "\
Write what `myna issuer serve` publishes as static files under DIR, for a CDN or any static \
host to serve under the public base URL (upload DIR to https://city.example/ and the status \
list is at https://city.example/status/1, the URI the credentials name): \
status/1 (credential status list), consent-status/1 (consent status list), trust-list, \
trust-entry, .well-known/did.json and .well-known/jwt-vc-issuer, each the body the route \
answers (the status lists with the same exp, ttl and kid).

A file name carries no content type, so DIR/publish.json lists each path with the headers to \
serve it with: Content-Type, ETag (the route's: the quoted base64url SHA-256 of the bytes), \
Cache-Control: max-age (the route's) and Access-Control-Allow-Origin: *. DIR/_headers has the \
same for Netlify and Cloudflare Pages.

Each file is written to a temporary file beside it and renamed, so a sync running meanwhile \
uploads the old or the new token, never half of one; unchanged files are left alone. A token \
already in DIR is kept (same ETag) while it still matches the list and is younger than half \
its lifetime; a revocation changes the list, so the next publish signs it anew. Run it at \
least every half lifetime (e.g. hourly from cron, for the default day), and after \
revocations. It revokes credentials past their personal limit first, as `serve` does.

It opens the issuer's store: with the default redb store, not while `serve` runs on the same \
data directory (one process at a time); a store in PostgreSQL is shared.";

/// Arguments of `myna issuer publish`.
#[derive(Debug, clap::Parser)]
pub(super) struct PublishArgs {
    #[command(flatten)]
    common: Common,
    /// The directory to write the files into (created if missing); upload it to the static
    /// host under the public base URL.
    #[arg(long, env = "MYNA_PUBLISH_DIR", value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    logs: LogArgs,
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

/// `myna issuer publish`.
pub(super) fn run_publish(args: PublishArgs) -> Result<()> {
    args.logs.init()?;
    let config = load_config(&args.common)?;
    let service = open_service(&args.common, config)?;
    let publication = service
        .publish_to(&args.out)
        .with_context(|| format!("cannot publish to {}", args.out.display()))?;
    for file in &publication.files {
        let state = if file.changed { "written" } else { "unchanged" };
        println!("{:<28} {:<9} ETag {}", file.path, state, file.etag);
    }
    let changed = publication.files.iter().filter(|f| f.changed).count();
    println!(
        "published {} files to {} ({changed} changed); headers in {MANIFEST_FILE} and {HEADERS_FILE}",
        publication.files.len(),
        args.out.display()
    );
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

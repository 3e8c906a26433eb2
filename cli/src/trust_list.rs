//! `myna trust-list …`: the national trust-list authority. It makes its P-256 key pair once
//! (`init`: the secret sealed under a passphrase, the public JWK for every shop to pin), collects
//! the issuers' signed entries (`myna issuer trust-entry`, or `GET /trust-entry`), and signs the
//! list of them (`sign`) that `myna verify --trust-list … --authority-key …` reads; `show`
//! verifies a list and prints what it trusts.
//!
//! An entry is signed with the key it lists, so `sign` knows its maker holds that key and that
//! nobody altered it. It does **not** know who the maker is: before adding an entry, check out of
//! band that it came from the municipality or operator it names (its key's `kid` in an official
//! letter, the did:web document at its own domain).
//!
//! The authority directory holds:
//!
//! | file | what |
//! |---|---|
//! | `authority.key` | the secret key, sealed (Argon2id + ChaCha20-Poly1305) under the passphrase |
//! | `authority.jwk` | the public key (JWK with `kid` and `alg`) shops pin |
//! | `state.json` | the list id and the last version signed: every list gets a higher one |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::crypto::{default_provider, PublicKey, SecretKey};
use myna_vc_core::jwk::Jwk;
use myna_vc_core::time::{Clock, NumericDate, SystemClock};
use myna_vc_core::trust_entry;
use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
use myna_wallet::sealed::{self, KdfParams};
use serde_json::json;

use crate::passphrase;

/// The sealed secret key in the authority directory.
pub const KEY_FILE: &str = "authority.key";
/// The public key (JWK) in the authority directory: what shops pin.
pub const PUBLIC_KEY_FILE: &str = "authority.jwk";
/// The list id and the last version signed.
pub const STATE_FILE: &str = "state.json";

/// The longest validity `sign` gives a list: verifiers should fetch a fresh one well within.
const MAX_VALID_DAYS: u32 = 366;
const DAY_SECS: u64 = 86_400;

/// Arguments of `myna trust-list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make the authority's key pair in a new directory: the secret sealed under the
    /// passphrase, DIR/authority.jwk the public key for shops to pin.
    Init(InitArgs),
    /// Verify issuers' signed entries and sign the national trust list of them (version
    /// higher than every list signed before).
    Sign(SignArgs),
    /// Verify a signed trust list against the authority key and print what it trusts.
    Show(ShowArgs),
}

/// The authority directory and its passphrase.
#[derive(Debug, Parser)]
struct Authority {
    /// The authority directory (sealed key, public JWK, last version).
    #[arg(long, env = "MYNA_TRUST_LIST_DIR")]
    dir: PathBuf,
    /// A file whose first line is the passphrase sealing the authority key.
    #[arg(long, env = "MYNA_TRUST_LIST_PASSPHRASE_FILE")]
    passphrase_file: PathBuf,
}

#[derive(Debug, Parser)]
struct InitArgs {
    #[command(flatten)]
    authority: Authority,
    /// The id of the list this authority publishes (its `list_id`).
    #[arg(long, default_value = "jp-myna-vc-national")]
    list_id: String,
}

#[derive(Debug, Parser)]
struct SignArgs {
    #[command(flatten)]
    authority: Authority,
    /// An issuer's signed entry (`myna issuer trust-entry --out FILE`; repeat for each issuer).
    #[arg(long = "entry", value_name = "FILE", required = true, num_args = 1..)]
    entries: Vec<PathBuf>,
    /// How many days the list is valid (1 to 366); publish a new one before it ends.
    #[arg(long, value_name = "N")]
    valid_days: u32,
    /// Where the signed list goes (compact JWT, `typ: myna-trust-list+jwt`).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The list's version (default: one more than the last signed); it must be higher than
    /// every version signed before, so verifiers can refuse an old list replayed.
    #[arg(long, value_name = "N")]
    list_version: Option<u64>,
    /// Sign as of this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
}

#[derive(Debug, Parser)]
struct ShowArgs {
    /// The signed trust list.
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// The authority's public key (JWK) the list must be signed with.
    #[arg(long, value_name = "FILE")]
    authority_key: PathBuf,
    /// Check as of this Unix time instead of now.
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Print the verified list as JSON (its claims).
    #[arg(long)]
    json: bool,
}

/// Runs `myna trust-list`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Init(init) => run_init(init),
        Command::Sign(sign) => run_sign(sign),
        Command::Show(show) => run_show(show),
    }
}

fn now_or(at: Option<i64>) -> NumericDate {
    at.map(NumericDate::from_unix)
        .unwrap_or_else(|| SystemClock.now())
}

/// The last signed version and the list id, kept between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    list_id: String,
    last_version: u64,
}

impl State {
    fn read(dir: &Path) -> Result<State> {
        let path = dir.join(STATE_FILE);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {} (is {} an authority directory made by `myna trust-list init`?)",
                path.display(),
                dir.display()
            )
        })?;
        let value = myna_vc_core::json::parse_object(&bytes, "trust-list state")
            .with_context(|| path.display().to_string())?;
        let list_id = value.get("list_id").and_then(|v| v.as_str());
        let last = value.get("last_version").and_then(|v| v.as_u64());
        match (list_id, last, value.len()) {
            (Some(list_id), Some(last_version), 2) => Ok(State {
                list_id: list_id.to_owned(),
                last_version,
            }),
            _ => bail!(
                "{} is damaged: expected {{\"list_id\": …, \"last_version\": N}}; restore it \
                 from a backup (a lower version would let old lists replace new ones)",
                path.display()
            ),
        }
    }

    /// Replaces the state file through a temporary file and a rename.
    fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STATE_FILE);
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        let text = json!({"list_id": self.list_id, "last_version": self.last_version});
        std::fs::write(&tmp, format!("{text:#}\n"))
            .and_then(|()| std::fs::rename(&tmp, &path))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

fn run_init(args: InitArgs) -> Result<()> {
    let dir = &args.authority.dir;
    let key_path = dir.join(KEY_FILE);
    if let Some(existing) = [KEY_FILE, PUBLIC_KEY_FILE, STATE_FILE]
        .map(|name| dir.join(name))
        .into_iter()
        .find(|path| path.exists())
    {
        bail!(
            "{} exists: {} is already an authority directory; refusing to replace its key \
             (shops pin it) or its version counter",
            existing.display(),
            dir.display()
        );
    }
    if args.list_id.is_empty() || args.list_id.chars().any(char::is_control) {
        bail!("--list-id must be non-empty text without control characters");
    }
    let passphrase =
        passphrase::from_file(&args.authority.passphrase_file, passphrase::Purpose::Create)?;
    let key = SecretKey::generate_p256().context("cannot generate the authority key")?;
    let sealed = sealed::seal(key.to_bytes().as_slice(), &passphrase, KdfParams::default())
        .context("cannot seal the authority key")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_private(&key_path, &sealed)
        .with_context(|| format!("cannot write {}", key_path.display()))?;
    let public = key.public_key();
    let jwk_path = dir.join(PUBLIC_KEY_FILE);
    std::fs::write(&jwk_path, format!("{:#}\n", public_jwk(&public).to_json()))
        .with_context(|| format!("cannot write {}", jwk_path.display()))?;
    State {
        list_id: args.list_id.clone(),
        last_version: 0,
    }
    .write(dir)?;
    println!(
        "authority key made: {} (sealed), {} (public: give it to every verifier to pin)",
        key_path.display(),
        jwk_path.display()
    );
    println!("kid {}", public.thumbprint());
    Ok(())
}

/// The public key as a JWK with its thumbprint as `kid` and its `alg`.
fn public_jwk(key: &PublicKey) -> Jwk {
    let mut jwk = Jwk::new(key.clone());
    jwk.kid = Some(key.thumbprint().to_string());
    jwk.alg = Some(key.allowed_algorithm());
    jwk
}

/// The authority's secret key, unsealed, checked against the published `authority.jwk` (a
/// replaced public key would make shops pin a key that did not sign their lists).
fn open_key(authority: &Authority) -> Result<SecretKey> {
    let path = authority.dir.join(KEY_FILE);
    let sealed_key = std::fs::read(&path).with_context(|| {
        format!(
            "cannot read {} (run `myna trust-list init --dir {}` first)",
            path.display(),
            authority.dir.display()
        )
    })?;
    let passphrase = passphrase::from_file(&authority.passphrase_file, passphrase::Purpose::Open)?;
    let plain = sealed::open(&sealed_key, &passphrase)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let key = SecretKey::p256_from_bytes(&plain).context("the authority key is damaged")?;
    let published = read_public_key(&authority.dir.join(PUBLIC_KEY_FILE))?;
    if published != key.public_key() {
        bail!(
            "{} is not the public half of {}: restore the published key file",
            authority.dir.join(PUBLIC_KEY_FILE).display(),
            path.display()
        );
    }
    Ok(key)
}

/// A public key from a JWK file.
fn read_public_key(path: &Path) -> Result<PublicKey> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = myna_vc_core::json::parse(&bytes, "authority key")
        .with_context(|| path.display().to_string())?;
    Ok(Jwk::from_json(&value)
        .with_context(|| format!("{} is not a public JWK", path.display()))?
        .key)
}

/// Each entry file verified (signed by the key it lists, well formed, not from the future);
/// two entries for one issuer, or one key claimed by two issuers, are refused.
fn verified_entries(files: &[PathBuf], now: NumericDate) -> Result<Vec<TrustedIssuer>> {
    let mut by_id: BTreeMap<String, &Path> = BTreeMap::new();
    let mut by_key: BTreeMap<String, &Path> = BTreeMap::new();
    let mut entries = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the entry {}", file.display()))?;
        let entry = trust_entry::verify(text.trim(), default_provider(), now)
            .with_context(|| format!("the entry {} does not verify", file.display()))?
            .into_entry();
        if let Some(first) = by_id.insert(entry.id.clone(), file) {
            bail!(
                "{} and {} are both entries of {}: give one entry per issuer",
                first.display(),
                file.display(),
                entry.id
            );
        }
        for jwk in &entry.keys {
            if let Some(first) = by_key.insert(jwk.key.thumbprint().to_string(), file) {
                bail!(
                    "{} and {} list the same key: one issuer's key must not be trusted for \
                     another",
                    first.display(),
                    file.display()
                );
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn run_sign(args: SignArgs) -> Result<()> {
    let dir = &args.authority.dir;
    let state = State::read(dir)?;
    let version = match args.list_version {
        Some(version) if version <= state.last_version => bail!(
            "version rollback: --list-version {version} is not higher than version {} signed \
             before; a list must be newer than every list verifiers may have seen",
            state.last_version
        ),
        Some(version) => version,
        None => state
            .last_version
            .checked_add(1)
            .ok_or_else(|| anyhow!("the version counter is exhausted"))?,
    };
    if !(1..=MAX_VALID_DAYS).contains(&args.valid_days) {
        bail!("--valid-days must be 1 to {MAX_VALID_DAYS}");
    }
    let key = open_key(&args.authority)?;
    let now = now_or(args.now);
    let entries = verified_entries(&args.entries, now)?;
    let expires = now.plus_seconds(u64::from(args.valid_days) * DAY_SECS);
    let list = entries.into_iter().fold(
        TrustList::new(&state.list_id, version, now, expires),
        |list, entry| list.with_issuer(entry),
    );
    let signer = default_provider()
        .signer(&key)
        .context("the authority key cannot sign")?;
    let token = list.sign(&*signer).context("cannot sign the trust list")?;
    // The version is recorded before the list leaves: a crash in between skips a version,
    // never signs two different lists with one.
    State {
        last_version: version,
        ..state
    }
    .write(dir)?;
    std::fs::write(&args.out, format!("{token}\n"))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "signed {} version {version}, {} issuer(s), valid until {}: {}",
        list.list_id,
        list.entries.len(),
        jst(expires),
        args.out.display()
    );
    Ok(())
}

fn run_show(args: ShowArgs) -> Result<()> {
    let authority = read_public_key(&args.authority_key)?;
    let text = std::fs::read_to_string(&args.trust_list)
        .with_context(|| format!("cannot read {}", args.trust_list.display()))?;
    let now = now_or(args.now);
    let verified = TrustList::verify(text.trim(), default_provider(), &authority, now)
        .with_context(|| {
            format!(
                "{} does not verify with the authority key {}",
                args.trust_list.display(),
                args.authority_key.display()
            )
        })?;
    let list = verified.list();
    if args.json {
        println!("{:#}", serde_json::Value::Object(list.to_claims()));
        return Ok(());
    }
    println!(
        "✓ {} version {}: signed {}, valid until {}",
        list.list_id,
        list.version,
        jst(list.issued_at),
        jst(list.expires_at)
    );
    for entry in &list.entries {
        print_entry(entry);
    }
    Ok(())
}

fn print_entry(entry: &TrustedIssuer) {
    let who = match entry.municipality {
        Some(code) => format!("municipality {code}"),
        None => "operator".to_owned(),
    };
    println!("  {} — {} ({who})", entry.id, entry.name);
    for jwk in &entry.keys {
        println!("    key {}", jwk.kid.as_deref().unwrap_or("(no kid)"));
    }
    for vct in &entry.vcts {
        println!("    may issue {}", vct.as_str());
    }
    if entry.valid_from.is_some() || entry.valid_until.is_some() {
        let from = entry.valid_from.map(jst).unwrap_or_else(|| "-".into());
        let until = entry.valid_until.map(jst).unwrap_or_else(|| "-".into());
        println!("    trusted from {from} until {until}");
    }
}

/// `t` as a Japan-time date and time, e.g. `2027-05-01 09:00 JST`.
fn jst(t: NumericDate) -> String {
    match CalendarDate::from_numeric_date_jst(t) {
        Ok(day) => {
            let secs = t.as_unix() - day.start_jst().as_unix();
            format!("{day} {:02}:{:02} JST", secs / 3600, secs % 3600 / 60)
        }
        Err(_) => format!("unix {}", t.as_unix()),
    }
}

/// Creates `path` (never overwriting) readable and writable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

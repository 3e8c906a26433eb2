//! `myna trustee …`: an escrow trustee's side of a due-process opening.
//!
//! The issuer seals each pseudonym → person link so that only a quorum of trustees can open
//! it: each trustee's share is sealed (HPKE) to that trustee's X25519 public key
//! (`myna_issuer::escrow`). A trustee
//!
//! * makes its key pair once (`keygen`): the secret sealed under its passphrase in its key
//!   file, the public key beside it in clear, for the city's `myna issuer init --trustee
//!   ID=KEY` (`public-key` prints it again, without the passphrase);
//! * on a court order, releases its share of one opening (`release`): fetches the sealed link
//!   from the issuer's admin API with its own trustee token, opens its share with its secret
//!   and posts the released share back. The link opens once the threshold has released.
//!
//! Key file (JSON): `{"kind": "myna-trustee-key", "version": 1, "public_key": B64URL,
//! "sealed_secret": B64URL}`, the secret sealed with `myna_vc_core::sealed` (Argon2id,
//! ChaCha20-Poly1305); the format is `myna_escrow::key_file` (shared with the staff console's
//! `myna-vc/trustee`), written here with mode 0600 and never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use myna_issuer::escrow::{EscrowError, SealedLink, TrusteeKeyFile, TrusteeSecret};
use myna_vc_core::b64;
use myna_vc_core::sealed::KdfParams;
use serde_json::Value;

use crate::admin::client::{AdminClient, Connection, Purpose};
use crate::admin::{opening_lines, opening_path};
use crate::passphrase;

/// The `kind` of a trustee key file.
pub const KEY_FILE_KIND: &str = "myna-trustee-key";
/// The key file format's version.
pub const KEY_FILE_VERSION: u64 = 1;

/// Arguments of `myna trustee`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make a trustee key pair: the X25519 secret sealed under the passphrase in a new key
    /// file (mode 0600, never overwritten); prints the public key for the issuer.
    Keygen(KeygenArgs),
    /// Print the public key of a key file (base64url), as `myna issuer init --trustee
    /// ID=KEY` takes it. Needs no passphrase.
    PublicKey(PublicKeyArgs),
    /// Release this trustee's share of an escrow opening: fetch the sealed link, open the
    /// share with the secret key and hand it to the issuer.
    Release(Box<ReleaseArgs>),
}

#[derive(Debug, clap::Args)]
struct KeygenArgs {
    /// The key file to create (refused if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// A file whose first line is the passphrase sealing the secret key (at least 8
    /// characters; keep it apart from the key file).
    #[arg(long, value_name = "FILE")]
    passphrase_file: PathBuf,
}

#[derive(Debug, clap::Args)]
struct PublicKeyArgs {
    /// The key file `keygen` made.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ReleaseArgs {
    #[command(flatten)]
    connection: Connection,
    /// The key file `keygen` made.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// A file whose first line is the key file's passphrase.
    #[arg(long, value_name = "FILE")]
    passphrase_file: PathBuf,
    /// The opening id the city's operator gave (from `myna issuer admin escrow-open`).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    opening: String,
}

/// Runs `myna trustee`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Keygen(keygen_args) => keygen(&keygen_args),
        Command::PublicKey(public) => {
            println!("{}", b64::encode(read_key_file(&public.key)?.public_key()));
            Ok(())
        }
        Command::Release(release_args) => release(&release_args),
    }
}

/// Reads the key file at `path`, naming the file in every refusal.
fn read_key_file(path: &Path) -> Result<TrusteeKeyFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the trustee key file {}", path.display()))?;
    TrusteeKeyFile::parse(&text).map_err(|error| match error {
        EscrowError::MalformedKeyFile(why) => anyhow!(
            "{} is not a trustee key file (made by `myna trustee keygen`): {why}",
            path.display()
        ),
        other => anyhow::Error::new(other),
    })
}

/// The secret of the key file at `path`, opened with the passphrase.
fn open_key_file(file: &TrusteeKeyFile, passphrase: &str, path: &Path) -> Result<TrusteeSecret> {
    file.unseal(passphrase).map_err(|error| match error {
        EscrowError::WrongPassphrase => anyhow!(
            "the passphrase does not open the trustee key {} (wrong passphrase file?)",
            path.display()
        ),
        other => anyhow::Error::new(other).context(format!("opening {}", path.display())),
    })
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    // Checked first so that a mistake costs no key derivation; the create below is the
    // race-free refusal.
    if args.out.exists() {
        bail!(
            "{} exists; refusing to overwrite a trustee key (choose another --out)",
            args.out.display()
        );
    }
    let passphrase = passphrase::from_file(&args.passphrase_file, passphrase::Purpose::Create)?;
    let file = TrusteeKeyFile::generate(&passphrase, KdfParams::default())
        .context("sealing the trustee secret")?;
    let public_key = b64::encode(file.public_key());
    write_new_private(&args.out, file.to_json().as_bytes())?;
    println!("public key: {public_key}");
    eprintln!(
        "wrote {} (secret sealed under the passphrase); give the public key to the issuer: \
         myna issuer init … --trustee ID={public_key}",
        args.out.display(),
    );
    Ok(())
}

/// Creates `path` (refusing an existing file) readable by its owner only.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn release(args: &ReleaseArgs) -> Result<()> {
    let path = opening_path(&args.opening)?;
    let key_file = read_key_file(&args.key)?;
    let passphrase = passphrase::from_file(&args.passphrase_file, passphrase::Purpose::Open)?;
    let secret = open_key_file(&key_file, &passphrase, &args.key)?;
    let client = AdminClient::connect(&args.connection)?;
    let view = client.get(
        &path,
        Purpose {
            action: "see escrow openings",
            role: "a trustee",
            object: "escrow opening",
        },
    )?;
    if view.get("completed").and_then(Value::as_bool) == Some(true) {
        bail!(
            "opening {} is already opened: no more shares are needed",
            args.opening
        );
    }
    let sealed_text = view
        .get("sealed_link")
        .and_then(Value::as_str)
        .context("the issuer's answer has no `sealed_link`")?;
    let sealed = SealedLink::from_bytes(&b64::decode(sealed_text, "sealed link")?)
        .context("the issuer's sealed link")?;
    // The sealed link names each share's trustee; the one this key opens is ours.
    let share = secret.release_own(&sealed)?;
    let trustee = share.trustee().as_str().to_owned();
    let body = share.post_body();
    drop(share);
    let answer = client.post_bytes(
        &format!("{path}/shares"),
        "application/json",
        body.as_bytes().to_vec(),
        Purpose {
            action: "release escrow shares",
            role: "this trustee's own",
            object: "escrow opening",
        },
    )?;
    println!("released {trustee}'s share of opening {}", args.opening);
    for line in opening_lines(&answer)? {
        println!("{line}");
    }
    if answer.get("completed").and_then(Value::as_bool) == Some(true) {
        println!(
            "the link is now open: the operator sees the person with `myna issuer admin \
             escrow-show {}`",
            args.opening
        );
    } else {
        println!("the link is still sealed: more trustees must release their shares");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_refusals_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-key.json");
        std::fs::write(&path, "[]").unwrap();
        let error = read_key_file(&path).unwrap_err().to_string();
        assert!(
            error.contains("not-a-key.json is not a trustee key file"),
            "{error}"
        );

        let params = KdfParams::new(64, 1, 1).unwrap();
        let file = TrusteeKeyFile::generate("passphrase of alice", params).unwrap();
        let error = open_key_file(&file, "passphrase of mallory", &path)
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not open the trustee key"), "{error}");
        assert!(error.contains("not-a-key.json"), "{error}");
        assert!(open_key_file(&file, "passphrase of alice", &path).is_ok());
    }
}

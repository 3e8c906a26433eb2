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
//! "sealed_secret": B64URL}`, the secret sealed with `myna_wallet::sealed` (Argon2id,
//! ChaCha20-Poly1305); written with mode 0600 and never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use myna_issuer::escrow::{ReleasedShare, SealedLink, TrusteeKey};
use myna_vc_core::b64;
use myna_wallet::sealed::{self, KdfParams};
use serde_json::{json, Value};
use zeroize::Zeroizing;

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
            println!("{}", KeyFile::read(&public.key)?.public_key);
            Ok(())
        }
        Command::Release(release_args) => release(&release_args),
    }
}

/// A trustee key file: the public key in clear, the secret sealed.
#[derive(Debug)]
struct KeyFile {
    public_key: String,
    sealed_secret: Vec<u8>,
}

impl KeyFile {
    fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the trustee key file {}", path.display()))?;
        Self::parse(&text).with_context(|| {
            format!(
                "{} is not a trustee key file (made by `myna trustee keygen`)",
                path.display()
            )
        })
    }

    fn parse(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).context("not JSON")?;
        if value.get("kind").and_then(Value::as_str) != Some(KEY_FILE_KIND) {
            bail!("its `kind` is not {KEY_FILE_KIND}");
        }
        if value.get("version").and_then(Value::as_u64) != Some(KEY_FILE_VERSION) {
            bail!("its `version` is not {KEY_FILE_VERSION}");
        }
        let field = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("it has no `{name}`"))
        };
        let public_key = field("public_key")?.to_owned();
        if b64::decode(&public_key, "trustee public key")?.len() != 32 {
            bail!("its public key is not 32 bytes");
        }
        let sealed_secret = b64::decode(field("sealed_secret")?, "sealed trustee secret")?;
        Ok(KeyFile {
            public_key,
            sealed_secret,
        })
    }

    fn to_json(&self) -> String {
        let value = json!({
            "kind": KEY_FILE_KIND,
            "version": KEY_FILE_VERSION,
            "public_key": self.public_key,
            "sealed_secret": b64::encode(&self.sealed_secret),
        });
        format!("{value:#}\n")
    }

    /// The secret, opened with the passphrase and checked against the public key beside it.
    fn open(&self, passphrase: &str, path: &Path) -> Result<Zeroizing<[u8; 32]>> {
        let plain = sealed::open(&self.sealed_secret, passphrase).map_err(|e| match e {
            myna_wallet::Error::WrongPassphrase => anyhow!(
                "the passphrase does not open the trustee key {} (wrong passphrase file?)",
                path.display()
            ),
            other => anyhow::Error::new(other).context(format!("opening {}", path.display())),
        })?;
        let mut secret = Zeroizing::new([0u8; 32]);
        if plain.len() != secret.len() {
            bail!("{}: the sealed secret is not 32 bytes", path.display());
        }
        secret.copy_from_slice(&plain);
        let derived = TrusteeKey::from_secret_bytes(PROVISIONAL_ID, &secret)?;
        if b64::encode(derived.public().key_bytes()) != self.public_key {
            bail!(
                "{}: the public key in the file is not the sealed secret's (the file was altered)",
                path.display()
            );
        }
        Ok(secret)
    }
}

/// The id a key pair carries before the issuer names its trustee (it is not part of the key;
/// the sealed link names the trustee for each share).
const PROVISIONAL_ID: &str = "trustee";

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
    let key = TrusteeKey::generate(PROVISIONAL_ID)?;
    let sealed_secret = sealed::seal(
        key.secret_bytes().as_slice(),
        &passphrase,
        KdfParams::default(),
    )
    .context("sealing the trustee secret")?;
    let file = KeyFile {
        public_key: b64::encode(key.public().key_bytes()),
        sealed_secret,
    };
    write_new_private(&args.out, file.to_json().as_bytes())?;
    println!("public key: {}", file.public_key);
    eprintln!(
        "wrote {} (secret sealed under the passphrase); give the public key to the issuer: \
         myna issuer init … --trustee ID={}",
        args.out.display(),
        file.public_key
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
    let key_file = KeyFile::read(&args.key)?;
    let passphrase = passphrase::from_file(&args.passphrase_file, passphrase::Purpose::Open)?;
    let secret = key_file.open(&passphrase, &args.key)?;
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
    let share = own_share(&sealed, &secret)?;
    let trustee = share.trustee().as_str().to_owned();
    let encoded = Zeroizing::new(b64::encode(&*share.to_bytes()));
    drop(share);
    let body = Zeroizing::new(format!("{{\"share\":\"{}\"}}", encoded.as_str()));
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

/// This key's share of `sealed`. The sealed link names each share's trustee, and a share
/// opens only with its trustee's name and key (both are bound into the HPKE context), so
/// the one share that opens is this trustee's.
fn own_share(sealed: &SealedLink, secret: &[u8; 32]) -> Result<ReleasedShare> {
    let mut opened = Vec::new();
    for trustee in sealed.trustees() {
        let key = TrusteeKey::from_secret_bytes(trustee.as_str(), secret)?;
        if let Ok(share) = key.release(sealed) {
            opened.push(share);
        }
    }
    let names: Vec<String> = sealed.trustees().map(|t| t.as_str().to_owned()).collect();
    match opened.len() {
        1 => opened.pop().ok_or_else(|| anyhow!("no share opened")),
        0 => Err(anyhow!(
            "this key opens none of the shares of this sealed link (held by {}): is --key the \
             key whose public key the issuer's configuration lists for this trustee?",
            names.join(", ")
        )),
        _ => Err(anyhow!(
            "this key opens the shares of several trustees ({}): the issuer lists one public \
             key twice; ask the city to correct its configuration",
            names.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use myna_issuer::escrow::{self, EscrowPolicy, EscrowedLink, TrusteePublicKey};
    use myna_issuer::pseudonym::{ContextId, PseudonymKey};
    use myna_issuer::record::SubjectHandle;

    fn sealed_to(keys: &[(&str, &TrusteeKey)]) -> SealedLink {
        let publics = keys
            .iter()
            .map(|(id, k)| TrusteePublicKey::new(id, *k.public().key_bytes()).unwrap())
            .collect();
        let policy = EscrowPolicy::new(publics, 2).unwrap();
        let person = SubjectHandle::random().unwrap();
        let context = ContextId::parse("forum").unwrap();
        let pseudonym = PseudonymKey::generate().unwrap().derive(&person, &context);
        escrow::seal(
            &policy,
            &EscrowedLink {
                context,
                pseudonym,
                person,
            },
        )
        .unwrap()
    }

    #[test]
    fn the_share_that_opens_is_found_under_the_issuers_name() {
        let alice = TrusteeKey::generate(PROVISIONAL_ID).unwrap();
        let bob = TrusteeKey::generate(PROVISIONAL_ID).unwrap();
        let stranger = TrusteeKey::generate(PROVISIONAL_ID).unwrap();
        let sealed = sealed_to(&[("alice", &alice), ("bob", &bob)]);
        let share = own_share(&sealed, &alice.secret_bytes()).unwrap();
        assert_eq!(share.trustee().as_str(), "alice");
        let error = own_share(&sealed, &stranger.secret_bytes()).unwrap_err();
        assert!(error.to_string().contains("opens none"), "{error}");
        // One key listed under two names is refused, not guessed.
        let twice = sealed_to(&[("alice", &alice), ("alias", &alice)]);
        let error = own_share(&twice, &alice.secret_bytes()).unwrap_err();
        assert!(error.to_string().contains("several trustees"), "{error}");
    }

    #[test]
    fn key_files_round_trip_and_malformed_ones_are_refused() {
        let file = KeyFile {
            public_key: b64::encode([7u8; 32]),
            sealed_secret: vec![1, 2, 3],
        };
        let back = KeyFile::parse(&file.to_json()).unwrap();
        assert_eq!(back.public_key, file.public_key);
        assert_eq!(back.sealed_secret, file.sealed_secret);
        let wrong_kind = file.to_json().replace(KEY_FILE_KIND, "something-else");
        assert!(KeyFile::parse(&wrong_kind).is_err());
        let short_key = file.to_json().replace(&file.public_key, "AAAA");
        assert!(KeyFile::parse(&short_key)
            .unwrap_err()
            .to_string()
            .contains("not 32 bytes"));
        assert!(KeyFile::parse("[]").is_err());
    }

    #[test]
    fn a_key_file_whose_public_key_was_swapped_is_refused() {
        let key = TrusteeKey::generate(PROVISIONAL_ID).unwrap();
        let params = KdfParams::new(64, 1, 1).unwrap();
        let file = KeyFile {
            public_key: b64::encode([9u8; 32]),
            sealed_secret: sealed::seal(key.secret_bytes().as_slice(), "long passphrase", params)
                .unwrap(),
        };
        let error = file.open("long passphrase", Path::new("k")).unwrap_err();
        assert!(error.to_string().contains("altered"), "{error}");
        let honest = KeyFile {
            public_key: b64::encode(key.public().key_bytes()),
            ..file
        };
        assert_eq!(
            *honest.open("long passphrase", Path::new("k")).unwrap(),
            *key.secret_bytes()
        );
        assert!(honest
            .open("wrong passphrase", Path::new("k"))
            .unwrap_err()
            .to_string()
            .contains("does not open"));
    }
}

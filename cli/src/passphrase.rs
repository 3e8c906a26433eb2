//! Passphrases and PINs on the command line, the same way for every command: where one comes
//! from, in order — an explicit flag, then a file flag, then the environment, then a prompt
//! without echo — and the one minimum length of a new passphrase
//! ([`myna_vc_core::passphrase::MIN_PASSPHRASE_CHARS`]), which the wallet and issuer
//! libraries enforce too.
//!
//! The environment is read here, not by `clap`, so that a flag on the command line always wins
//! over a variable left in the environment (`--passphrase-file` over
//! `MYNA_…_PASSPHRASE`, `--passphrase` over `MYNA_…_PASSPHRASE_FILE`).
//!
//! ```
//! use myna::passphrase::{read, Purpose, Source};
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("city.pass");
//! std::fs::write(&file, "passphrase of the city issuer\n")?;
//! let source = Source {
//!     flag: None,
//!     file: Some(&file),
//!     env: "MYNA_EXAMPLE_PASSPHRASE",
//!     env_file: None,
//!     prompt: "issuer key passphrase",
//! };
//! assert_eq!(read(&source, Purpose::Open)?.as_str(), "passphrase of the city issuer");
//! // A new passphrase must be long enough, wherever it comes from.
//! let short = Source { flag: Some("hunter2"), ..source };
//! let err = read(&short, Purpose::Create).unwrap_err();
//! assert!(format!("{err:#}").contains("at least 12 characters"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use zeroize::Zeroizing;

/// Where one command may take a passphrase from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The passphrase given on the command line (`--passphrase`), if the command has that flag.
    pub flag: Option<&'a str>,
    /// A file given on the command line whose first line is the passphrase.
    pub file: Option<&'a Path>,
    /// The environment variable holding the passphrase.
    pub env: &'static str,
    /// The environment variable naming a passphrase file, if the command has one.
    pub env_file: Option<&'static str>,
    /// What the prompt asks for ("wallet passphrase").
    pub prompt: &'static str,
}

/// What the passphrase is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Opening something already sealed under it.
    Open,
    /// Sealing something new: it must have the minimum length, and a typed one is asked twice.
    Create,
}

/// The passphrase from `source` — explicit flag, file flag, environment (passphrase, then
/// passphrase file), prompt without echo — checked for `purpose`.
pub fn read(source: &Source<'_>, purpose: Purpose) -> Result<Zeroizing<String>> {
    let (passphrase, origin) = if let Some(flag) = source.flag {
        (Zeroizing::new(flag.to_owned()), "--passphrase".to_owned())
    } else if let Some(file) = source.file {
        (first_line_of(file)?, file.display().to_string())
    } else if let Some(value) = env(source.env) {
        (value, source.env.to_owned())
    } else if let Some(file) = source.env_file.and_then(env) {
        let path = PathBuf::from(file.as_str());
        (first_line_of(&path)?, path.display().to_string())
    } else {
        return prompted(source.prompt, purpose);
    };
    if passphrase.is_empty() {
        bail!("the passphrase from {origin} is empty");
    }
    if purpose == Purpose::Create {
        myna_vc_core::passphrase::check_new(&passphrase)
            .with_context(|| format!("the new passphrase from {origin} is too short"))?;
    }
    Ok(passphrase)
}

/// The passphrase on the first line of `path` (a command whose only source is a required
/// `--passphrase-file`: a trustee's or the trust-list authority's key), checked for `purpose`.
///
/// ```
/// use myna::passphrase::{from_file, Purpose};
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("alice.pass");
/// std::fs::write(&file, "passphrase of the council trustee\n")?;
/// assert_eq!(from_file(&file, Purpose::Create)?.as_str(), "passphrase of the council trustee");
/// std::fs::write(&file, "short\n")?;
/// assert!(from_file(&file, Purpose::Create).is_err());
/// assert!(from_file(&dir.path().join("missing"), Purpose::Open).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_file(path: &Path, purpose: Purpose) -> Result<Zeroizing<String>> {
    let passphrase = first_line_of(path)?;
    if passphrase.is_empty() {
        bail!(
            "the passphrase file {} is empty: put the passphrase on its first line",
            path.display()
        );
    }
    if purpose == Purpose::Create {
        myna_vc_core::passphrase::check_new(&passphrase)
            .with_context(|| format!("the new passphrase in {} is too short", path.display()))?;
    }
    Ok(passphrase)
}

/// A secret that is only ever typed or set in the environment (a card PIN): `env` if set,
/// else asked on the terminal without echo (or read as one line from standard input when it
/// is not a terminal).
pub fn secret_from_env_or_prompt(env_name: &str, prompt: &str) -> Result<Zeroizing<String>> {
    match env(env_name) {
        Some(value) => Ok(value),
        None => ask(prompt),
    }
}

fn env(name: &str) -> Option<Zeroizing<String>> {
    std::env::var(name).ok().map(Zeroizing::new)
}

/// The first line of `path`, without its line ending.
fn first_line_of(path: &Path) -> Result<Zeroizing<String>> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the passphrase file {}", path.display()))?,
    );
    Ok(Zeroizing::new(
        text.lines().next().unwrap_or_default().to_owned(),
    ))
}

/// Asks on the terminal; a new passphrase is asked twice and must match and be long enough.
fn prompted(prompt: &str, purpose: Purpose) -> Result<Zeroizing<String>> {
    let first = ask(prompt)?;
    if first.is_empty() {
        bail!("no passphrase given");
    }
    if purpose == Purpose::Create {
        myna_vc_core::passphrase::check_new(&first)?;
        if std::io::stdin().is_terminal() {
            let again = ask(&format!("{prompt} (again)"))?;
            if !bool::from(subtle_eq(first.as_bytes(), again.as_bytes())) {
                bail!("the two passphrases differ: nothing was created");
            }
        }
    }
    Ok(first)
}

/// Compares two typed secrets without an early exit on the first difference.
fn subtle_eq(a: &[u8], b: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    a.ct_eq(b)
}

/// One secret, typed on the terminal without echo; from a pipe, its first line.
fn ask(prompt: &str) -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        let typed = rpassword::prompt_password(format!("{prompt}: "))
            .with_context(|| format!("reading the {prompt} from the terminal"))?;
        return Ok(Zeroizing::new(typed));
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("reading the {prompt} from standard input"))?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

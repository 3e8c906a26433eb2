//! Where `myna issuer init`'s results go: the admin tokens it generated — printed once, or with
//! `--token-dir DIR` written one per file (`DIR/<name>.token`, owner-only, one line) so that
//! scripts hand each to its holder — and its report, as text or, with `--json`, as one JSON
//! object (paths, identity, offered configurations, token names and files; a token itself only
//! when it was not written to a file).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use myna_issuer::service::config::{AdminRole, ServiceConfig};
use myna_issuer::service::publication::{did_web_of, issuer_jwk};
use myna_issuer::service::KEY_FILE;
use myna_vc_core::crypto::PublicKey;
use serde_json::{json, Value};
use zeroize::Zeroizing;

/// One generated admin token, shown or written once (only its hash is kept in the
/// configuration).
pub(super) struct IssuedToken {
    name: String,
    role: AdminRole,
    token: Zeroizing<String>,
}

impl IssuedToken {
    pub(super) fn new(name: &str, role: AdminRole, token: String) -> Self {
        IssuedToken {
            name: name.to_owned(),
            role,
            token: Zeroizing::new(token),
        }
    }
}

/// Where each token goes: printed (no `--token-dir`) or to its own file.
pub(super) struct TokenFiles {
    dir: Option<PathBuf>,
}

impl TokenFiles {
    /// Checks, before anything is written, that every token can get a file of its own in
    /// `dir`: a name usable as a file name, no two tokens with one name, no file there yet.
    pub(super) fn plan(dir: Option<&Path>, tokens: &[IssuedToken]) -> Result<Self> {
        let Some(dir) = dir else {
            return Ok(TokenFiles { dir: None });
        };
        let mut seen = std::collections::BTreeSet::new();
        for token in tokens {
            check_file_name(&token.name)?;
            if !seen.insert(token.name.as_str()) {
                bail!(
                    "two admin tokens are named `{}`: with --token-dir each needs a file of its \
                     own; give the operators, officers and trustees distinct names",
                    token.name
                );
            }
            let path = file_of(dir, &token.name);
            if path.exists() {
                bail!(
                    "{} exists; refusing to overwrite a token file (use an empty --token-dir)",
                    path.display()
                );
            }
        }
        Ok(TokenFiles {
            dir: Some(dir.to_path_buf()),
        })
    }

    /// Writes each token to its file (owner read/write only; the directory owner-only when
    /// created here). Nothing happens without `--token-dir`.
    pub(super) fn write(&self, tokens: &[IssuedToken]) -> Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        create_private_dir(dir)?;
        for token in tokens {
            let path = file_of(dir, &token.name);
            write_private(&path, &format!("{}\n", token.token.as_str()))
                .with_context(|| format!("cannot write the token file {}", path.display()))?;
        }
        Ok(())
    }

    fn file(&self, name: &str) -> Option<PathBuf> {
        self.dir.as_deref().map(|dir| file_of(dir, name))
    }
}

/// What `init` did, for the report.
pub(super) struct Done<'a> {
    pub(super) data_dir: &'a Path,
    pub(super) config_path: &'a Path,
    pub(super) config: &'a ServiceConfig,
    pub(super) identity: &'a str,
    pub(super) issuer_key: &'a PublicKey,
    pub(super) tokens: &'a [IssuedToken],
    pub(super) files: &'a TokenFiles,
}

/// Prints the report of `init`: text, or one JSON object with `json`.
pub(super) fn report(done: &Done<'_>, json: bool) -> Result<()> {
    if json {
        let text = Zeroizing::new(serde_json::to_string_pretty(&to_json(done)?)?);
        println!("{}", text.as_str());
        return Ok(());
    }
    println!(
        "wrote {} and sealed keys in {}",
        done.config_path.display(),
        done.data_dir.display()
    );
    println!("{}", done.identity);
    match &done.files.dir {
        Some(dir) => println!(
            "admin tokens written to {} (one file each; only their SHA-256 is stored):",
            dir.display()
        ),
        None => println!("admin tokens (shown once; only their SHA-256 is stored):"),
    }
    for token in done.tokens {
        let shown = match done.files.file(&token.name) {
            Some(path) => path.display().to_string(),
            None => token.token.as_str().to_owned(),
        };
        let line = Zeroizing::new(format!(
            "  {:<20} {:<20} {shown}",
            token.role.as_str(),
            token.name
        ));
        println!("{}", line.as_str());
    }
    Ok(())
}

fn to_json(done: &Done<'_>) -> Result<Value> {
    let config = done.config;
    let municipality = config.municipality()?;
    let offered: Vec<&str> = config.offered()?.iter().map(|(id, _)| *id).collect();
    let issuer_id = config.issuer_id()?;
    let issuer = json!({
        "id": issuer_id.as_str(),
        "did": did_web_of(issuer_id.as_str()),
        "kind": if municipality.is_some() { "municipality" } else { "operator" },
        "name": config.name,
        "municipality_code": municipality.as_ref().map(|m| m.code().to_string()),
        "prefecture": municipality.as_ref().map(|m| m.prefecture().name_ja()),
        "key": issuer_jwk(done.issuer_key).to_json(),
    });
    let tokens: Vec<Value> = done
        .tokens
        .iter()
        .map(|token| {
            let (member, value) = match done.files.file(&token.name) {
                Some(path) => ("file", path.display().to_string()),
                None => ("token", token.token.as_str().to_owned()),
            };
            json!({"name": token.name, "role": token.role.as_str(), member: value})
        })
        .collect();
    let escrow = config.escrow.as_ref().map(|escrow| {
        let trustees: Vec<&str> = escrow.trustees.iter().map(|t| t.id.as_str()).collect();
        json!({"threshold": escrow.threshold, "trustees": trustees})
    });
    Ok(json!({
        "data_dir": done.data_dir.display().to_string(),
        "config": done.config_path.display().to_string(),
        "key_file": done.data_dir.join(KEY_FILE).display().to_string(),
        "issuer": issuer,
        "listen": config.listen,
        "offered": offered,
        "pseudonym_contexts": config.pseudonym_contexts,
        "escrow": escrow,
        "token_dir": done.files.dir.as_ref().map(|d| d.display().to_string()),
        "tokens": tokens,
    }))
}

fn file_of(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.token"))
}

/// A token's name becomes a file name: letters, digits, `-`, `_` and `.`, not starting with a
/// dot (so never a path or a hidden file).
fn check_file_name(name: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.starts_with('.') || !name.chars().all(allowed) || name.len() > 64 {
        return Err(anyhow!(
            "admin token name `{name}` cannot be a file name in --token-dir: use 1 to 64 \
             letters, digits, `-`, `_` or `.` (not starting with `.`)"
        ));
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the token directory {}", dir.display()))
}

/// Creates `path` (never overwriting) readable and writable by the owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()
}

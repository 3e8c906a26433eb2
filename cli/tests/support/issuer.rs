//! A real `myna issuer serve` on a free loopback port, set up with `myna issuer init`, and
//! its admin tokens in files — what the admin and trustee tests run the `myna` binary against.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use super::{await_listening, free_port, ok, Myna};

pub const PASSPHRASE: &str = "passphrase of the city issuer";
pub const OPERATOR: &str = "desk-7";
pub const OFFICER: &str = "officer-2";

/// Runs `myna ARGS` in `dir`, without the admin URL and token file of the environment.
pub fn myna(dir: &Path, args: &[&str]) -> Output {
    Myna::in_dir(dir)
        .env_remove("MYNA_ADMIN_URL")
        .env_remove("MYNA_ADMIN_TOKEN_FILE")
        .run(args)
}

/// `myna trustee keygen` for `name` in `dir` (its key in `NAME.key`, passphrase in
/// `NAME.pass`): the public key it printed.
pub fn trustee_keygen(dir: &Path, name: &str) -> String {
    std::fs::write(
        dir.join(format!("{name}.pass")),
        format!("passphrase of {name}\n"),
    )
    .unwrap();
    let out = ok(&myna(
        dir,
        &[
            "trustee",
            "keygen",
            "--out",
            &format!("{name}.key"),
            "--passphrase-file",
            &format!("{name}.pass"),
        ],
    ));
    out.strip_prefix("public key: ").unwrap().trim().to_owned()
}

/// The operator's admin token in what `myna issuer init` printed (its line `operator NAME
/// TOKEN`).
pub fn operator_token(printed: &str) -> String {
    printed
        .lines()
        .find(|l| l.trim_start().starts_with("operator "))
        .and_then(|l| l.split_whitespace().last())
        .unwrap()
        .to_owned()
}

/// An issuer data directory made by `myna issuer init`, and its service once started.
pub struct Issuer {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub url: String,
    tokens: HashMap<String, PathBuf>,
    server: Option<Child>,
}

impl Issuer {
    /// `myna issuer init` for 前橋市 with the given trustees (ID=KEY) and threshold 2; each
    /// admin token is written to `<name>.token` in the directory.
    pub fn init(dir: tempfile::TempDir, trustees: &[String]) -> Issuer {
        Issuer::init_with(dir, trustees, &[])
    }

    /// Like [`init`](Self::init), with more arguments for `myna issuer init` (e.g.
    /// `--pseudonym-context`).
    pub fn init_with(dir: tempfile::TempDir, trustees: &[String], more: &[&str]) -> Issuer {
        Issuer::init_in(dir, trustees, more, &[])
    }

    /// Like [`init_with`](Self::init_with), with `envs` in `myna issuer init`'s environment
    /// (`MYNA_DATABASE_URL`: the store, and the CRLs init imports, in PostgreSQL).
    pub fn init_in(
        dir: tempfile::TempDir,
        trustees: &[String],
        more: &[&str],
        envs: &[(&str, &str)],
    ) -> Issuer {
        let data = dir.path().join("city");
        let port = free_port();
        let mut myna = Myna::in_dir(dir.path())
            .args(["issuer", "init", "--municipality-code", "102016"])
            .args(["--prefecture", "群馬県", "--name", "前橋市"])
            .args(["--public-base-url", "https://vc.city.maebashi.example"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--operator", OPERATOR, "--revocation-officer", OFFICER])
            .arg("--data-dir")
            .arg(&data)
            .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
            .envs(envs);
        for trustee in trustees {
            myna = myna.args(["--trustee", trustee]);
        }
        if !trustees.is_empty() {
            myna = myna.args(["--escrow-threshold", "2"]);
        }
        myna = myna.args(more);
        let output = myna.output();
        let printed = ok(&output);
        let mut tokens = HashMap::new();
        let listing = printed
            .split_once("admin tokens")
            .expect("init lists the admin tokens")
            .1;
        for line in listing.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let [_role, name, token] = fields[..] {
                let path = dir.path().join(format!("{name}.token"));
                std::fs::write(&path, format!("{token}\n")).unwrap();
                tokens.insert(name.to_owned(), path);
            }
        }
        assert!(tokens.contains_key(OPERATOR) && tokens.contains_key(OFFICER));
        Issuer {
            dir,
            data,
            url: format!("http://127.0.0.1:{port}"),
            tokens,
            server: None,
        }
    }

    /// The file holding the token named `name`.
    pub fn token(&self, name: &str) -> &str {
        self.tokens[name].to_str().unwrap()
    }

    /// The token itself (to check it never shows).
    pub fn token_text(&self, name: &str) -> String {
        std::fs::read_to_string(&self.tokens[name])
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Starts `myna issuer serve` and waits until it listens.
    pub fn serve(&mut self) {
        let mut server = Myna::new()
            .args(["issuer", "serve", "--log-json", "--data-dir"])
            .arg(&self.data)
            .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
            .spawn();
        await_listening(&mut server);
        self.server = Some(server);
    }

    /// `myna issuer admin --url URL --token-file <token of NAME> ARGS`.
    pub fn admin(&self, token: &str, args: &[&str]) -> Output {
        let mut all = vec![
            "issuer",
            "admin",
            "--url",
            &self.url,
            "--token-file",
            self.token(token),
        ];
        all.extend_from_slice(args);
        myna(self.dir.path(), &all)
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &server.id().to_string()])
                .status();
            let _ = server.wait();
        }
    }
}

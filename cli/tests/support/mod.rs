//! What the `myna` CLI's integration tests share: [`Myna`], a builder that runs the real
//! `myna` binary; [`ok`], [`failed`] and kin, which check a run and answer a stream; free
//! loopback ports; [`issuer`], a real `myna issuer serve` to run admin commands against; and
//! for the hostile-client suite, [`serve`] (a service process: memory, SIGTERM), [`hostile`]
//! (the attackers) and [`legit`] (the legitimate client working meanwhile).
// Each test file is its own crate and uses only part of this module.
#![allow(dead_code)]

pub mod credential;
pub mod hostile;
pub mod issuer;
pub mod legit;
pub mod serve;

use std::ffi::OsStr;
use std::fmt::Debug;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};

/// The `myna` binary under test.
pub const MYNA: &str = env!("CARGO_BIN_EXE_myna");

/// One run of the `myna` binary: `Myna::in_dir(dir).env(k, v).run(&[...])`.
pub struct Myna {
    command: Command,
}

impl Myna {
    /// `myna` in the test's own working directory and environment.
    pub fn new() -> Myna {
        Myna {
            command: Command::new(MYNA),
        }
    }

    /// `myna` with `dir` as its working directory.
    pub fn in_dir(dir: impl AsRef<Path>) -> Myna {
        let mut myna = Myna::new();
        myna.command.current_dir(dir);
        myna
    }

    /// Arguments that go before those of each run (a subcommand, a `--data-dir`).
    pub fn args<I, S>(mut self, args: I) -> Myna
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// One argument that goes before those of each run.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Myna {
        self.command.arg(arg);
        self
    }

    /// Sets the environment variable `key` to `value`.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Myna {
        self.command.env(key, value);
        self
    }

    /// Sets each `(key, value)` of `vars` in the environment.
    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Myna {
        self.command.envs(vars.into_iter().copied());
        self
    }

    /// Removes the environment variable `key`.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Myna {
        self.command.env_remove(key);
        self
    }

    /// Removes every `MYNA_*` variable of the test's environment (set ones again after this).
    pub fn without_myna_env(mut self) -> Myna {
        for (key, _) in std::env::vars() {
            if key.starts_with("MYNA_") {
                self.command.env_remove(key);
            }
        }
        self
    }

    /// Gives the run an empty standard input (no terminal to prompt on).
    pub fn no_stdin(mut self) -> Myna {
        self.command.stdin(Stdio::null());
        self
    }

    /// Where standard output goes (the default of a run: captured).
    pub fn stdout(mut self, cfg: impl Into<Stdio>) -> Myna {
        self.command.stdout(cfg);
        self
    }

    /// Runs `myna ARGS` to its end.
    pub fn run<S: AsRef<OsStr>>(mut self, args: &[S]) -> Output {
        self.command.args(args).output().unwrap()
    }

    /// Runs `myna` with the arguments given so far to its end.
    pub fn output(mut self) -> Output {
        self.command.output().unwrap()
    }

    /// Runs `myna ARGS`, which must succeed; answers standard output.
    pub fn ok<S: AsRef<OsStr> + Debug>(self, args: &[S]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "myna {args:?} failed\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        stdout(&output)
    }

    /// Runs `myna ARGS`, which must fail; answers standard error.
    pub fn fails<S: AsRef<OsStr> + Debug>(self, args: &[S]) -> String {
        let output = self.run(args);
        assert!(
            !output.status.success(),
            "myna {args:?} should fail\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        stderr(&output)
    }

    /// Runs `myna ARGS`, which must exit with status `code`; answers standard error.
    pub fn exits_with<S: AsRef<OsStr> + Debug>(self, code: i32, args: &[S]) -> String {
        let output = self.run(args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "myna {args:?} should exit with {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        stderr(&output)
    }

    /// Starts `myna` with the arguments given so far in the background, its log (standard
    /// output) piped, standard error dropped.
    pub fn spawn(mut self) -> Child {
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}

impl Default for Myna {
    fn default() -> Myna {
        Myna::new()
    }
}

/// A background `myna` (a [`Myna::spawn`]ed service), killed when dropped.
pub struct Service(pub Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Standard output of a run, which must be UTF-8.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error of a run, which must be UTF-8.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Panics with both streams unless `output` succeeded; answers stdout.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(output)
}

/// Answers stderr of a run that must have failed.
pub fn failed(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected a failure; stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    stderr(output)
}

/// Like [`failed`], and the failure must be an error message, not a panic.
pub fn failed_cleanly(output: &Output) -> String {
    let stderr = failed(output);
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Hanako's card of the test CA in `testca/`, written to `hanako.card`: the arguments of
/// `myna jpki test-ca card` after `card`.
pub const HANAKO: [&str; 16] = [
    "--out",
    "hanako.card",
    "--name",
    "前橋 花子",
    "--birth-date",
    "1990-05-01",
    "--sex",
    "female",
    "--address",
    "群馬県前橋市大手町二丁目12番1号",
    "--auth-pin",
    "1234",
    "--sign-pin",
    "HANAKO2027",
    "--dir",
    "testca",
];

/// `myna jpki test-ca card` with [`HANAKO`]'s arguments.
pub fn hanako_card() -> Vec<&'static str> {
    let mut args = vec!["jpki", "test-ca", "card"];
    args.extend(HANAKO);
    args
}

/// `myna trust-list init` of a trust-list authority in `authority/`, its passphrase in
/// `authority.pass`.
pub const AUTHORITY_INIT: [&str; 6] = [
    "trust-list",
    "init",
    "--dir",
    "authority",
    "--passphrase-file",
    "authority.pass",
];

/// `myna trust-list sign` of `entries` by the authority of [`AUTHORITY_INIT`], valid for 30
/// days, into `trust-list.jwt`.
pub fn trust_list_sign<'a>(entries: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "trust-list",
        "sign",
        "--dir",
        "authority",
        "--passphrase-file",
        "authority.pass",
        "--valid-days",
        "30",
        "--out",
        "trust-list.jwt",
    ];
    for entry in entries {
        args.extend_from_slice(&["--entry", entry]);
    }
    args
}

/// A plain HTTP/1.1 request `method path` without a body on the loopback `addr`
/// (`host:port`), with `token` as its bearer token if given: the whole answer, status line and
/// headers included.
pub fn http_request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Length: 0\r\n\
         Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// [`http_request`] `GET path`, which must get an answer.
pub fn http_get(addr: &str, path: &str, token: Option<&str>) -> String {
    http_request(addr, "GET", path, token).unwrap()
}

/// [`http_get`] without a token: the body of its answer, which must be a 200.
pub fn get_body(addr: &str, path: &str) -> String {
    let response = http_get(addr, path, None);
    assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    body.to_owned()
}

/// A loopback port free at the time of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `127.0.0.1:PORT` with a port free at the time of asking.
pub fn free_addr() -> String {
    format!("127.0.0.1:{}", free_port())
}

/// The first log line of a [`Myna::spawn`]ed service, and the rest of its log.
pub fn first_log_line(server: &mut Child) -> (String, BufReader<ChildStdout>) {
    let mut logs = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    logs.read_line(&mut first).unwrap();
    (first, logs)
}

/// Waits until a [`Myna::spawn`]ed `myna issuer serve` logs that it listens, then keeps
/// reading its log so the service never blocks on a full pipe.
pub fn await_listening(server: &mut Child) {
    let (first, logs) = first_log_line(server);
    assert!(first.contains("issuer service listening"), "{first}");
    std::thread::spawn(move || for _ in logs.lines() {});
}

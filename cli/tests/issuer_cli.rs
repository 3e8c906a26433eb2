//! `myna issuer` as a municipality runs it: init writes the data directory and prints the
//! admin tokens once, serve answers on its port and stops on SIGTERM, a wrong passphrase
//! refuses to start.
#![cfg(test)]

mod support;

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Output};

use support::issuer::operator_token;
use support::{first_log_line, free_port, http_get, ok, Myna};

/// `myna issuer init` of 前橋市 in `data`, listening on the loopback `port`.
fn init(data: &Path, port: u16) -> Output {
    Myna::new()
        .args(["issuer", "init", "--municipality-code", "102016"])
        .args(["--name", "前橋市", "--name-en", "Maebashi City"])
        .args(["--public-base-url", "https://city.maebashi.example"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        .env("MYNA_ISSUER_PASSPHRASE", "correct horse")
        .output()
}

/// `myna issuer serve` of `data` with the trustee package of `pkg`.
fn serve_console_pkg(data: &Path, pkg: &Path) -> Child {
    Myna::new()
        .args(["issuer", "serve", "--log-json", "--data-dir"])
        .arg(data)
        .arg("--console-pkg")
        .arg(pkg)
        .env("MYNA_ISSUER_PASSPHRASE", "correct horse")
        .spawn()
}

/// Sends SIGTERM to `server`.
fn sigterm(server: &Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

/// A plain HTTP GET on the loopback `port`: the whole answer.
fn get(port: u16, path: &str, token: Option<&str>) -> String {
    http_get(&format!("127.0.0.1:{port}"), path, token)
}

#[test]
fn init_serve_and_stop_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let stdout = ok(&init(&data, port));
    let operator = operator_token(&stdout);
    let config = std::fs::read_to_string(data.join("issuer.toml")).unwrap();
    assert!(
        !config.contains(&operator),
        "only the token's hash is stored"
    );
    assert!(
        config.contains("name_en = \"Maebashi City\""),
        "the English name the console shows: {config}"
    );
    assert!(data.join("keys.json").exists());
    // A second init does not overwrite.
    let again = Myna::new()
        .args([
            "issuer",
            "init",
            "--municipality-code",
            "102016",
            "--name",
            "x",
        ])
        .args([
            "--public-base-url",
            "https://city.maebashi.example",
            "--data-dir",
        ])
        .arg(&data)
        .env("MYNA_ISSUER_PASSPHRASE", "correct horse")
        .output();
    assert!(!again.status.success());

    let wrong = Myna::new()
        .args(["issuer", "serve", "--data-dir"])
        .arg(&data)
        .env("MYNA_ISSUER_PASSPHRASE", "wrong")
        .output();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("passphrase does not open"));

    let passphrase_file = dir.path().join("pass");
    std::fs::write(&passphrase_file, "correct horse\n").unwrap();
    let mut server = Myna::new()
        .args(["issuer", "serve", "--log-json", "--data-dir"])
        .arg(&data)
        .arg("--passphrase-file")
        .arg(&passphrase_file)
        .env_remove("MYNA_ISSUER_PASSPHRASE")
        .spawn();
    // The first log line says it listens.
    let (first, logs) = first_log_line(&mut server);
    assert!(first.contains("issuer service listening"), "{first}");

    let metadata = get(port, "/.well-known/openid-credential-issuer", None);
    assert!(metadata.starts_with("HTTP/1.1 200"), "{metadata}");
    assert!(metadata.contains("\"credential_issuer\":\"https://city.maebashi.example\""));
    let audit = get(port, "/admin/audit", Some(&operator));
    assert!(audit.starts_with("HTTP/1.1 200"), "{audit}");
    assert!(get(port, "/admin/audit", None).starts_with("HTTP/1.1 401"));

    sigterm(&server);
    let status = server.wait().unwrap();
    assert!(status.success(), "a SIGTERM is a clean stop: {status}");
    let rest: Vec<String> = logs.lines().map(Result::unwrap).collect();
    assert!(rest.iter().any(|l| l.contains("\"path\":\"/admin/audit\"")));
    assert!(
        !rest.iter().any(|l| l.contains(&operator)),
        "tokens never reach the log"
    );
    assert!(rest.last().unwrap().contains("issuer service stopped"));
}

#[test]
fn serve_shows_the_staff_console_and_the_trustee_package_of_console_pkg() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    ok(&init(&data, port));
    let help = Myna::new().args(["issuer", "serve", "--help"]).output();
    assert!(ok(&help).contains("--console-pkg <DIR>"));

    let pkg = dir.path().join("trustee");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("myna_wasm.js"), "export class TrusteeKey {}\n").unwrap();
    let mut server = serve_console_pkg(&data, &pkg);
    let (first, _logs) = first_log_line(&mut server);
    assert!(first.contains("issuer service listening"), "{first}");
    let console = get(port, "/console/", None);
    assert!(console.starts_with("HTTP/1.1 200"), "{console}");
    assert!(console.contains("content-security-policy: default-src 'self'"));
    assert!(console.contains("<html"));
    let package = get(port, "/console/pkg/myna_wasm.js", None);
    assert!(package.starts_with("HTTP/1.1 200"), "{package}");
    assert!(
        package.ends_with("export class TrusteeKey {}\n"),
        "{package}"
    );
    sigterm(&server);
    assert!(server.wait().unwrap().success());

    // A package directory that does not exist: the service starts, warns, and answers 404
    // console_pkg_missing for the package.
    let mut server = serve_console_pkg(&data, Path::new("/no/such/trustee/pkg"));
    let (first, mut logs) = first_log_line(&mut server);
    assert!(
        first.contains("console package directory is missing"),
        "{first}"
    );
    let mut listening = String::new();
    logs.read_line(&mut listening).unwrap();
    assert!(
        listening.contains("issuer service listening"),
        "{listening}"
    );
    let package = get(port, "/console/pkg/myna_wasm.js", None);
    assert!(package.starts_with("HTTP/1.1 404"), "{package}");
    assert!(package.contains("console_pkg_missing"), "{package}");
    sigterm(&server);
    assert!(server.wait().unwrap().success());
}

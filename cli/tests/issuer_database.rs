//! `myna issuer` on PostgreSQL as an operator meets it: `init --database-schema` with the URL
//! in `MYNA_DATABASE_URL` records the choice in issuer.toml without the password; a later
//! command without the URL refuses to start instead of opening an empty redb file; the
//! commands that open the store (`publish` here) find the state `init` left in the database,
//! and no file written and nothing printed carries the password. A bad or refused URL is
//! explained without it.
#![cfg(test)]

mod support;

use std::path::Path;

use myna_postgres::testing::fresh_schema;
use support::{failed_cleanly, ok, Myna};

const PASSPHRASE: &str = "passphrase of the city issuer";
/// `myna issuer publish` of the data directory `city` into `cdn`: a command that opens the store.
const PUBLISH: [&str; 6] = ["issuer", "publish", "--data-dir", "city", "--out", "cdn"];

/// The test cluster's URL text and its password (`postgres://USER:PASSWORD@…`), or `None`
/// when no cluster is given and none is required.
fn cluster() -> Option<(String, String, String)> {
    let config = fresh_schema()?;
    let text = std::env::var(myna_postgres::testing::URL_VAR).unwrap();
    let password = text
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password.to_owned())
        .unwrap();
    assert!(
        password.len() >= 8,
        "the test cluster's password is too short to search for"
    );
    Some((text, password, config.schema.unwrap().to_string()))
}

fn myna(dir: &Path) -> Myna {
    Myna::in_dir(dir)
        .without_myna_env()
        .env("MYNA_ISSUER_PASSPHRASE", PASSPHRASE)
}

fn init(dir: &Path, url: &str, schema: &str) -> std::process::Output {
    myna(dir)
        .env("MYNA_DATABASE_URL", url)
        .args([
            "issuer",
            "init",
            "--data-dir",
            "city",
            "--database-schema",
            schema,
        ])
        .args([
            "--municipality-code",
            "102016",
            "--prefecture",
            "群馬県",
            "--name",
            "前橋市",
        ])
        .args(["--public-base-url", "https://vc.city.maebashi.example"])
        .run::<&str>(&[])
}

fn everything_written_under(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.push_str(&everything_written_under(&path));
        } else {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    all
}

#[test]
fn an_issuer_initialised_on_postgres_keeps_its_state_there_and_the_password_nowhere() {
    let Some((url, password, schema)) = cluster() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let printed = init(dir.path(), &url, &schema);
    let printed_text = format!(
        "{}{}",
        String::from_utf8_lossy(&printed.stdout),
        String::from_utf8_lossy(&printed.stderr)
    );
    ok(&printed);
    let toml = std::fs::read_to_string(dir.path().join("city/issuer.toml")).unwrap();
    assert!(toml.contains("[database]"), "{toml}");
    assert!(toml.contains(&format!("schema = \"{schema}\"")), "{toml}");
    assert!(
        !toml.contains("postgres://") && !toml.lines().any(|l| l.starts_with("url")),
        "init wrote the URL into issuer.toml:\n{toml}"
    );
    // No redb file: the store is in the database.
    assert!(!dir.path().join("city/issuer.redb").exists());

    // Without the URL the issuer refuses to start rather than serve an empty store.
    let refused = failed_cleanly(&myna(dir.path()).run(&PUBLISH));
    assert!(refused.contains("[database] has no url"), "{refused}");

    // With it, publish opens the database (its tables made on first use) and signs the list.
    let published = myna(dir.path())
        .env("MYNA_DATABASE_URL", &url)
        .run(&PUBLISH);
    let published_text = format!(
        "{}{}",
        String::from_utf8_lossy(&published.stdout),
        String::from_utf8_lossy(&published.stderr)
    );
    ok(&published);
    assert!(dir.path().join("cdn/status/1").is_file());
    assert!(!dir.path().join("city/issuer.redb").exists());

    for (what, text) in [
        ("init's output", printed_text),
        ("publish's output", published_text),
        ("the files written", everything_written_under(dir.path())),
    ] {
        assert!(
            !text.contains(&password),
            "the database password is in {what}"
        );
    }
}

#[test]
fn a_refused_or_malformed_url_is_explained_without_its_password() {
    let Some((url, _, schema)) = cluster() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    ok(&init(dir.path(), &url, &schema));
    let wrong = url.replacen("myna:", "myna:wrong-secret-4711-", 1);
    let said = failed_cleanly(
        &myna(dir.path())
            .env("MYNA_DATABASE_URL", &wrong)
            .run(&PUBLISH),
    );
    assert!(said.contains("password authentication failed"), "{said}");
    assert!(said.contains("postgres://myna@127.0.0.1"), "{said}");
    assert!(!said.contains("wrong-secret-4711"), "{said}");

    let malformed = "postgres://myna:other-secret-0815@[127.0.0.1/myna";
    let said = failed_cleanly(
        &myna(dir.path())
            .args(PUBLISH)
            .run(&["--database-url", malformed]),
    );
    assert!(said.contains("--database-url"), "{said}");
    assert!(!said.contains("other-secret-0815"), "{said}");
}

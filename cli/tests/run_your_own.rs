//! The README's "Run your own" section, run as written: every ```sh block of that section, in
//! order, in one bash session (so its `export`s carry on), in an empty directory, with the
//! `myna` under test first on PATH. The one block that starts the issuer service is run in
//! the background (the README says "in a second terminal"), and the session waits until the
//! service answers. The only change made to the text is the service's address: the README's
//! `127.0.0.1:8080` becomes a free loopback port, so the test cannot collide with anything
//! else listening on 8080.
//!
//! After the run, each block's output is checked for the outcome the README promises: the
//! shop accepts Hanako before the revocation and refuses her after it, the escrow link stays
//! sealed after one trustee and opens after two, the audit chain verifies.
#![cfg(test)]

mod support;

use std::path::Path;
use std::process::Command;

use support::{free_addr, MYNA};

const README_ADDR: &str = "127.0.0.1:8080";
/// What separates the blocks' outputs in the session's standard output.
const MARK: &str = "@@@ run-your-own block";

/// The text of the README's "## Run your own" section.
fn section(readme: &str) -> &str {
    let start = readme
        .find("\n## Run your own\n")
        .expect("README has a \"Run your own\" section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// The ```sh blocks of `text`, in order.
fn sh_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```sh block");
    blocks
}

fn is_service(block: &str) -> bool {
    block.trim_start().starts_with("myna issuer serve")
}

/// One bash script running every block; the service block goes to the background.
fn session(blocks: &[String], addr: &str) -> String {
    let mut script = String::from(
        "set -euo pipefail\n\
         serve_pid=''\n\
         trap '[ -n \"$serve_pid\" ] && kill \"$serve_pid\" 2>/dev/null; wait' EXIT\n",
    );
    for (i, block) in blocks.iter().enumerate() {
        let block = block.replace(README_ADDR, addr);
        script.push_str(&format!("echo '{MARK} {i}'\n"));
        if is_service(&block) {
            script.push_str(&format!("( {} ) > serve.log 2>&1 &\n", block.trim()));
            script.push_str("serve_pid=$!\n");
            script.push_str(&format!(
                "for _ in $(seq 1 300); do \
                   curl -fsS http://{addr}/.well-known/openid-credential-issuer >/dev/null 2>&1 && break; \
                   kill -0 \"$serve_pid\" 2>/dev/null || {{ cat serve.log >&2; exit 1; }}; \
                   sleep 0.1; \
                 done\n"
            ));
        } else {
            script.push_str(&block);
        }
    }
    script.push_str(&format!("echo '{MARK} end'\n"));
    script
}

/// The output of each block, split at the markers.
fn outputs(stdout: &str, count: usize) -> Vec<String> {
    let mut outputs = vec![String::new(); count];
    let mut current: Option<usize> = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix(MARK) {
            current = rest.trim().parse().ok();
            continue;
        }
        if let Some(i) = current {
            outputs[i].push_str(line);
            outputs[i].push('\n');
        }
    }
    outputs
}

/// The index of the first block containing `needle`.
fn block_with(blocks: &[String], needle: &str) -> usize {
    blocks
        .iter()
        .position(|b| b.contains(needle))
        .unwrap_or_else(|| panic!("no README block contains {needle:?}"))
}

#[test]
fn the_readme_run_your_own_section_runs_as_written() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let blocks = sh_blocks(section(&readme));
    assert!(blocks.len() >= 8, "the section has its steps");
    assert_eq!(blocks.iter().filter(|b| is_service(b)).count(), 1);

    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let bin_dir = Path::new(MYNA).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("timeout");
    command
        .args(["900", "bash", "-c", &session(&blocks, &addr)])
        .current_dir(dir.path())
        .env("PATH", path);
    // Only what the README sets: nothing of the developer's own MYNA_* environment.
    for (key, _) in std::env::vars() {
        if key.starts_with("MYNA_") {
            command.env_remove(key);
        }
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let serve_log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
    assert!(
        output.status.success() && stdout.contains(&format!("{MARK} end")),
        "the README's commands failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- serve.log\n{serve_log}"
    );
    // Shown with --nocapture: what a reader of the README would see.
    eprintln!("{stdout}");
    let out = outputs(&stdout, blocks.len());
    let context = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");

    // 1. The test environment: roots and a card file a wallet can use.
    for file in [
        "testca/auth-root.der",
        "testca/sign-root.der",
        "hanako.card",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }
    // 3. The issuer is in the test environment, its tokens in files, its key out.
    let config = std::fs::read_to_string(dir.path().join("city/issuer.toml")).unwrap();
    assert!(config.contains("test"), "{config}");
    for token in ["operator", "revocation-officer", "alice", "bob"] {
        let text =
            std::fs::read_to_string(dir.path().join(format!("city-tokens/{token}.token"))).unwrap();
        assert!(
            !config.contains(text.trim()),
            "only the hash of the {token} token is kept"
        );
    }
    let jwk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("city.jwk")).unwrap()).unwrap();
    assert_eq!(jwk["kty"], "EC", "{jwk}");
    assert!(jwk.get("d").is_none(), "the issuer key file is public only");

    // 5. The wallet holds resident and age credentials.
    let wallet = &out[block_with(&blocks, "wallet --data-dir hanako init")];
    assert!(wallet.contains("urn:myna-vc:vct:resident:1"), "{context}");
    assert!(wallet.contains("urn:myna-vc:vct:age:1"), "{context}");

    // 6. The shop accepts.
    let shop = &out[block_with(&blocks, "--policy age-over-20 age.qr\n")];
    assert!(shop.contains('✓'), "{context}");

    // 7. Escrow: sealed after one trustee, opened after two; the audit chain verifies.
    let escrow = &out[block_with(&blocks, "escrow-open")];
    let first = escrow.find("sealed").unwrap_or_else(|| panic!("{context}"));
    let opened = escrow.find("opened").unwrap_or_else(|| panic!("{context}"));
    assert!(first < opened, "{context}");
    assert!(escrow.contains("intact"), "{context}");

    // 8. After the revocation by person, the shop refuses, saying why.
    let refused = &out[block_with(&blocks, "revoke --card-serial")];
    let verdict = &refused[refused.find('✗').unwrap_or_else(|| panic!("{context}"))..];
    assert!(verdict.contains("has revoked the credential"), "{context}");
    assert!(verdict.contains("refused"), "{context}");
    // The person the trustees' opening revealed is the person the card names: one subject.
    let opened_person = line_value(escrow, "person: ");
    let revoked_subject = line_value(refused, "subject ");
    assert_eq!(
        opened_person,
        revoked_subject.trim_end_matches(':'),
        "{context}"
    );
}

/// The first word after `prefix` on the first line starting with it.
fn line_value<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find_map(|line| line.strip_prefix(prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}"))
}

#[test]
fn the_section_reader_finds_blocks_in_order() {
    let text = "intro\n## Run your own\n\nintro\n\n```sh\necho a\n```\n\ntext\n\n```sh\nmyna issuer serve --x\n```\n\n## Next\n```sh\nnot this\n```\n";
    let blocks = sh_blocks(section(text));
    assert_eq!(blocks, vec!["echo a\n", "myna issuer serve --x\n"]);
    assert!(is_service(&blocks[1]));
    let script = session(&blocks, "127.0.0.1:9");
    assert!(script.contains("( myna issuer serve --x ) > serve.log 2>&1 &"));
    let split = outputs(&format!("{MARK} 0\nA\n{MARK} 1\nB\n{MARK} end\n"), 2);
    assert_eq!(split, vec!["A\n", "B\n"]);
}

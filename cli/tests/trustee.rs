//! `myna trustee` with the real `myna` binary: key pairs sealed under a passphrase (no
//! overwrite, wrong passphrase refused, public key accepted by `myna issuer init --trustee`),
//! and an escrow opening by two trustees against a real `myna issuer serve`: after one
//! release the link is still sealed, after the second it is open and the operator sees the
//! person; the audit log records every step with the acting names, and its chain checks out.
#![cfg(test)]

mod support;

use myna_issuer::escrow::{self, EscrowedLink};
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_issuer::service::config::ServiceConfig;
use myna_issuer::service::{CONFIG_FILE, STORE_FILE};
use myna_issuer::store::{RedbStore, Store};
use support::issuer::{myna, trustee_keygen as keygen, Issuer, OPERATOR};
use support::{failed, ok};

#[test]
fn a_key_pair_is_sealed_never_overwritten_and_its_public_key_printed_without_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let public = keygen(dir.path(), "alice");
    assert_eq!(
        myna_vc_core::b64::decode(&public, "public key")
            .unwrap()
            .len(),
        32
    );
    let file = dir.path().join("alice.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is the owner's only");
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&public), "the public key is kept in clear");
    let printed = ok(&myna(
        dir.path(),
        &["trustee", "public-key", "--key", "alice.key"],
    ));
    assert_eq!(printed.trim(), public);

    let before = std::fs::read(&file).unwrap();
    let err = failed(&myna(
        dir.path(),
        &[
            "trustee",
            "keygen",
            "--out",
            "alice.key",
            "--passphrase-file",
            "alice.pass",
        ],
    ));
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // A short passphrase is refused; a file that is not a key file is named as such.
    std::fs::write(dir.path().join("short.pass"), "short\n").unwrap();
    let err = failed(&myna(
        dir.path(),
        &[
            "trustee",
            "keygen",
            "--out",
            "short.key",
            "--passphrase-file",
            "short.pass",
        ],
    ));
    assert!(err.contains("passphrase"), "{err}");
    assert!(!dir.path().join("short.key").exists());
    let err = failed(&myna(
        dir.path(),
        &["trustee", "public-key", "--key", "short.pass"],
    ));
    assert!(err.contains("is not a trustee key file"), "{err}");

    // The wrong passphrase opens nothing (refused before any request is made).
    std::fs::write(dir.path().join("wrong.pass"), "passphrase of mallory\n").unwrap();
    std::fs::write(dir.path().join("t.token"), "token\n").unwrap();
    let err = failed(&myna(
        dir.path(),
        &[
            "trustee",
            "release",
            "--url",
            "http://127.0.0.1:1",
            "--token-file",
            "t.token",
            "--key",
            "alice.key",
            "--passphrase-file",
            "wrong.pass",
            "--opening",
            "abc",
        ],
    ));
    assert!(
        err.contains("the passphrase does not open the trustee key"),
        "{err}"
    );
}

/// A pseudonym's sealed link, stored as pseudonym issuance stores it (sealed to the trustees
/// of the issuer's configuration), while the service is not running. Answers the person.
fn seal_a_pseudonym(issuer: &Issuer, context: &ContextId) -> (SubjectHandle, String) {
    let text = std::fs::read_to_string(issuer.data.join(CONFIG_FILE)).unwrap();
    let config = ServiceConfig::from_toml(&text).unwrap();
    let policy = config.escrow.unwrap().policy().unwrap();
    let key = PseudonymKey::generate().unwrap();
    let link = EscrowedLink::derive(&key, SubjectHandle::random().unwrap(), context.clone());
    let store = RedbStore::open(issuer.data.join(STORE_FILE)).unwrap();
    assert!(store
        .put_sealed_link(
            context,
            &link.pseudonym,
            &escrow::seal(&policy, &link).unwrap()
        )
        .unwrap());
    (link.person, link.pseudonym.as_str().to_owned())
}

fn release(issuer: &Issuer, token: &str, key: &str, opening: &str) -> std::process::Output {
    let dir = issuer.dir.path();
    myna(
        dir,
        &[
            "trustee",
            "release",
            "--url",
            &issuer.url,
            "--token-file",
            issuer.token(token),
            "--key",
            &format!("{key}.key"),
            "--passphrase-file",
            &format!("{key}.pass"),
            "--opening",
            opening,
        ],
    )
}

#[test]
fn two_trustees_open_a_pseudonym_one_cannot_and_the_audit_log_shows_who() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let bob = keygen(dir.path(), "bob");
    // The public keys, as `myna trustee public-key` prints them, go to `issuer init`.
    let trustees: Vec<String> = ["alice", "bob"]
        .iter()
        .map(|name| {
            let key = ok(&myna(
                dir.path(),
                &["trustee", "public-key", "--key", &format!("{name}.key")],
            ));
            format!("{name}={}", key.trim())
        })
        .collect();
    assert_eq!(trustees, [format!("alice={alice}"), format!("bob={bob}")]);
    let mut issuer = Issuer::init(dir, &trustees);
    let context = ContextId::parse("maebashi-forum").unwrap();
    let (person, pseudonym) = seal_a_pseudonym(&issuer, &context);
    issuer.serve();

    // An unknown pseudonym has no sealed link.
    let err = failed(&issuer.admin(
        OPERATOR,
        &[
            "escrow-open",
            "--context",
            "maebashi-forum",
            "--pseudonym",
            "NLUWVW_kF0zjiixAjHhdImu0BSeUJ9A6bPwG_OrrW6o",
        ],
    ));
    assert!(
        err.contains("the issuer knows no such sealed link"),
        "{err}"
    );

    let out = issuer.admin(
        OPERATOR,
        &[
            "escrow-open",
            "--context",
            "maebashi-forum",
            "--pseudonym",
            &pseudonym,
        ],
    );
    let opening = ok(&out).trim().to_owned();
    assert_eq!(ok(&out).lines().count(), 1, "only the id on stdout");
    assert!(!opening.is_empty() && !opening.contains(' '), "{opening}");

    // Bob's key with Alice's token: the share is Bob's, the issuer refuses it from Alice.
    let err = failed(&release(&issuer, "alice", "bob", &opening));
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(
        err.contains("a trustee submits its own share only"),
        "{err}"
    );

    let out = ok(&release(&issuer, "alice", "alice", &opening));
    assert!(
        out.contains(&format!("released alice's share of opening {opening}")),
        "{out}"
    );
    assert!(out.contains("released: 1 of 2 (alice)"), "{out}");
    assert!(out.contains("state: sealed"), "{out}");
    assert!(out.contains("still sealed"), "{out}");
    let shown = ok(&issuer.admin(OPERATOR, &["escrow-show", &opening]));
    assert!(shown.contains("state: sealed"), "{shown}");
    assert!(!shown.contains("person:"), "{shown}");
    // One trustee cannot release twice.
    let err = failed(&release(&issuer, "alice", "alice", &opening));
    assert!(err.contains("already released its share"), "{err}");

    let out = ok(&release(&issuer, "bob", "bob", &opening));
    assert!(out.contains("released: 2 of 2 (alice, bob)"), "{out}");
    assert!(out.contains("state: opened"), "{out}");
    assert!(out.contains("the link is now open"), "{out}");
    assert!(
        !out.contains(&person.to_string()),
        "a trustee does not see the person"
    );
    let shown = ok(&issuer.admin(OPERATOR, &["escrow-show", &opening]));
    assert!(shown.contains("state: opened"), "{shown}");
    assert!(shown.contains(&format!("person: {person}")), "{shown}");
    let err = failed(&release(&issuer, "bob", "bob", &opening));
    assert!(err.contains("already opened"), "{err}");

    let log = ok(&issuer.admin(OPERATOR, &["audit"]));
    let line = |action: &str, by: &str| {
        log.lines()
            .any(|l| l.contains(action) && l.contains(&format!("escrow_opening:{opening} by:{by}")))
    };
    assert!(line("escrow.opening_started", OPERATOR), "{log}");
    assert!(line("escrow.share_received", "alice"), "{log}");
    assert!(line("escrow.share_received", "bob"), "{log}");
    assert!(
        log.lines().any(|l| l.contains("escrow.opened")
            && l.contains(&format!("pseudonym:{pseudonym}"))
            && l.contains(r#"trustees:["alice","bob"]"#)),
        "{log}"
    );
    assert!(
        !log.contains(&person.to_string()),
        "the log names no person"
    );
    let verified = ok(&issuer.admin(OPERATOR, &["audit", "--verify"]));
    assert!(verified.starts_with("audit chain intact: "), "{verified}");
}

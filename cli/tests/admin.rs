//! `myna issuer admin` against a real `myna issuer serve` on loopback: an offer whose link a
//! wallet can parse, a revocation of an unknown credential explained, the audit log with the
//! acting staff names and its hash chain checked, and the refusals a user meets — a wrong
//! token (401), another role's token (403), a plain-http URL off this machine.
#![cfg(test)]

mod support;

use myna_vc_core::oid4vci::OfferLink;
use support::issuer::{myna, Issuer, OFFICER, OPERATOR};
use support::{failed, ok};

fn issuer() -> Issuer {
    let mut issuer = Issuer::init(tempfile::tempdir().unwrap(), &[]);
    issuer.serve();
    issuer
}

/// The value after `label` on its line of `text`.
fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no `{label}` in {text}"))
        .trim()
}

#[test]
fn an_offer_prints_a_link_a_wallet_parses_its_pin_and_subject_and_is_audited() {
    let issuer = issuer();
    let facts = issuer.dir.path().join("age.json");
    std::fs::write(
        &facts,
        r#"{"credential": "age", "birthdate": "1990-05-01"}"#,
    )
    .unwrap();
    let out = ok(&issuer.admin(
        OPERATOR,
        &["offer", "--facts", facts.to_str().unwrap(), "--show-qr"],
    ));
    let link = field(&out, "offer link:");
    let OfferLink::ByValue(offer) = OfferLink::parse(link).unwrap() else {
        panic!("the offer is carried by value: {link}");
    };
    assert_eq!(
        offer.credential_issuer.as_str(),
        "https://vc.city.maebashi.example"
    );
    let pin = field(&out, "PIN (hand it over separately from the link):");
    assert!(
        pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    let subject = field(&out, "subject handle:");
    assert_eq!(
        myna_vc_core::b64::decode(subject, "subject").unwrap().len(),
        32
    );
    assert!(out.contains('█') || out.contains('▀'), "a QR code is drawn");

    // Without a PIN, and with the facts as a whole request naming the subject.
    std::fs::write(
        &facts,
        format!(
            r#"{{"subject": "{subject}", "credentials": [{{"credential": "age", "birthdate": "1990-05-01"}}]}}"#
        ),
    )
    .unwrap();
    let out = ok(&issuer.admin(
        OPERATOR,
        &["offer", "--facts", facts.to_str().unwrap(), "--no-pin"],
    ));
    assert_eq!(field(&out, "subject handle:"), subject);
    assert!(out.contains("PIN: none"), "{out}");

    // Facts the issuer refuses are explained with its answer.
    std::fs::write(
        &facts,
        r#"{"credential": "age", "birthdate": "not a date"}"#,
    )
    .unwrap();
    let err = failed(&issuer.admin(OPERATOR, &["offer", "--facts", facts.to_str().unwrap()]));
    assert!(err.contains("the issuer refused to make offers"), "{err}");
    assert!(err.contains("HTTP 400"), "{err}");

    // The audit log names the acting operator; listing pages through it.
    let log = ok(&issuer.admin(OPERATOR, &["audit"]));
    let offers: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("offer.created"))
        .collect();
    assert_eq!(offers.len(), 2, "{log}");
    assert!(
        offers.iter().all(|l| l.contains(&format!("by:{OPERATOR}"))),
        "{log}"
    );
    assert!(offers[0].contains(&format!("subject:{subject}")), "{log}");
    assert!(
        offers[0].contains(" JST "),
        "times are shown in Japan: {log}"
    );
    let limited = ok(&issuer.admin(OPERATOR, &["audit", "--from", "1", "--limit", "1"]));
    assert_eq!(limited.lines().count(), 1, "{limited}");
    assert!(limited.trim_start().starts_with("1 "), "{limited}");

    let verified = ok(&issuer.admin(OPERATOR, &["audit", "--verify"]));
    assert!(verified.starts_with("audit chain intact: "), "{verified}");
}

#[test]
fn revoking_an_unknown_credential_says_so() {
    let issuer = issuer();
    let out = issuer.admin(
        OFFICER,
        &[
            "revoke",
            "--credential",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "--reason",
            "holder_request",
        ],
    );
    let err = failed(&out);
    assert!(err.contains("the issuer knows no such credential"), "{err}");
    assert!(err.contains("HTTP 404"), "{err}");
    // A reason the issuer does not know is refused with the names it takes.
    let out = issuer.admin(
        OFFICER,
        &[
            "suspend",
            "--credential",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "--reason",
            "bored",
        ],
    );
    let err = failed(&out);
    assert!(err.contains("reason must be"), "{err}");
    // Exactly one target.
    let err = failed(&issuer.admin(OFFICER, &["revoke", "--credential", "A", "--subject", "B"]));
    assert!(err.contains("cannot be used with"), "{err}");
    let err = failed(&issuer.admin(OFFICER, &["resume"]));
    assert!(err.contains("--credential"), "{err}");
    let err = failed(&issuer.admin(OFFICER, &["revoke", "--card-serial", "12:34"]));
    assert!(err.contains("not a hexadecimal serial"), "{err}");

    // A CRL reaches the issuer, which has no JPKI roots to check it against and says so.
    let crl = issuer.dir.path().join("auth.crl");
    std::fs::write(&crl, [0x30, 0x03, 0x02, 0x01, 0x05]).unwrap();
    let err = failed(&issuer.admin(OFFICER, &["crl", "--file", crl.to_str().unwrap()]));
    assert!(err.contains("the issuer cannot import CRLs now"), "{err}");
    assert!(err.contains("HTTP 503"), "{err}");
    assert!(err.contains("no JPKI roots configured"), "{err}");
}

#[test]
fn a_wrong_token_is_401_and_another_roles_token_403_and_neither_shows_a_token() {
    let issuer = issuer();
    let wrong = issuer.dir.path().join("wrong.token");
    std::fs::write(&wrong, "not-a-token-of-this-issuer\n").unwrap();
    let out = myna(
        issuer.dir.path(),
        &[
            "issuer",
            "admin",
            "--url",
            &issuer.url,
            "--token-file",
            wrong.to_str().unwrap(),
            "audit",
        ],
    );
    let err = failed(&out);
    assert!(err.contains("does not accept the token in"), "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(!err.contains("not-a-token-of-this-issuer"), "{err}");

    let out = issuer.admin(
        OPERATOR,
        &["revoke", "--credential", "AAAAAAAAAAAAAAAAAAAAAA"],
    );
    let err = failed(&out);
    assert!(
        err.contains(
            "this token's role may not revoke credentials: use a revocation officer token"
        ),
        "{err}"
    );
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(
        err.contains("the operator role may not use this route"),
        "{err}"
    );
    assert!(!err.contains(&issuer.token_text(OPERATOR)), "{err}");

    let out = issuer.admin(OFFICER, &["audit"]);
    let err = failed(&out);
    assert!(
        err.contains("may not read the audit log: use an operator token"),
        "{err}"
    );

    let empty = issuer.dir.path().join("empty.token");
    std::fs::write(&empty, "\n").unwrap();
    let out = myna(
        issuer.dir.path(),
        &[
            "issuer",
            "admin",
            "--url",
            &issuer.url,
            "--token-file",
            empty.to_str().unwrap(),
            "audit",
        ],
    );
    assert!(failed(&out).contains("is empty"));
}

#[test]
fn plain_http_off_this_machine_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("t.token");
    std::fs::write(&token, "some-token\n").unwrap();
    for url in ["http://192.0.2.7:8080", "http://vc.city.maebashi.example"] {
        let out = myna(
            dir.path(),
            &[
                "issuer",
                "admin",
                "--url",
                url,
                "--token-file",
                token.to_str().unwrap(),
                "audit",
            ],
        );
        let err = failed(&out);
        assert!(
            err.contains("plain http would send the admin token"),
            "{err}"
        );
        assert!(err.contains("https://"), "{err}");
        assert!(!err.contains("some-token"), "{err}");
    }
    let out = myna(
        dir.path(),
        &[
            "issuer",
            "admin",
            "--url",
            "https://user:pw@vc.example",
            "--token-file",
            token.to_str().unwrap(),
            "audit",
        ],
    );
    assert!(failed(&out).contains("must not carry a user name"));
    // A --ca-cert that holds no certificate is named before anything is sent.
    let out = myna(
        dir.path(),
        &[
            "issuer",
            "admin",
            "--url",
            "https://vc.city.maebashi.example",
            "--token-file",
            token.to_str().unwrap(),
            "--ca-cert",
            token.to_str().unwrap(),
            "audit",
        ],
    );
    let err = failed(&out);
    assert!(err.contains("PEM certificate"), "{err}");
    assert!(!err.contains("some-token"), "{err}");
    // Loopback http is allowed: nothing listens on port 1, and the error says it could not
    // reach the service (not that the URL was refused).
    let out = myna(
        dir.path(),
        &[
            "issuer",
            "admin",
            "--url",
            "http://127.0.0.1:1",
            "--token-file",
            token.to_str().unwrap(),
            "audit",
        ],
    );
    let err = failed(&out);
    assert!(err.contains("cannot reach the issuer's admin API"), "{err}");
    assert!(!err.contains("some-token"), "{err}");
}

//! `myna poll …` as real processes: the poll file, typed errors for bad input, a ballot box
//! that refuses to run under another audience than the poll's, and a recount of a published
//! file that discards a forged ballot. (The whole flow — a wallet voting, the box accepting,
//! a second phone refused, the recount agreeing — runs in `verifier/tests/poll.rs` and in the
//! demo's scenario 10.)
//!
//! Source: the Maebashi forum's "投票機能" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`),
//! Yabu's "投票集計結果を瞬時に判別可能" (`../shared/seeds/002_330378ace3b016db.txt:831`).
#![cfg(test)]

mod support;

use myna_verifier::core::crypto::{default_provider, SecretKey};
use myna_verifier::core::time::NumericDate;
use myna_verifier::core::trust_list::TrustList;
use serde_json::{json, Value};
use support::Myna;

const BOX: &str = "https://vote.maebashi.example/polls";

fn new_poll(dir: &std::path::Path) {
    Myna::in_dir(dir).ok(&[
        "poll",
        "new",
        "--id",
        "maebashi-park-2026",
        "--question",
        "新しい公園の名前",
        "--choice",
        "けやき",
        "--choice",
        "さくら",
        "--audience",
        BOX,
        "--issuer",
        "https://city.maebashi.example",
        "--opens",
        "1000",
        "--closes",
        "2000",
        "--out",
        "poll.json",
    ]);
}

#[test]
fn poll_file_is_written_and_bad_input_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    new_poll(dir.path());
    let poll: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("poll.json")).unwrap()).unwrap();
    assert_eq!(poll["choices"], json!(["けやき", "さくら"]));
    assert_eq!(poll["audience"], BOX);
    let err = Myna::in_dir(dir.path()).fails(&[
        "poll",
        "new",
        "--id",
        "Park 2026",
        "--question",
        "q",
        "--choice",
        "a",
        "--choice",
        "b",
        "--audience",
        BOX,
        "--issuer",
        "https://i.example",
        "--opens",
        "1",
        "--closes",
        "2",
    ]);
    assert!(err.contains("--id") && err.contains("a-z"), "{err}");
    let err = Myna::in_dir(dir.path()).fails(&[
        "poll",
        "new",
        "--id",
        "p",
        "--question",
        "q",
        "--choice",
        "a",
        "--choice",
        "a",
        "--audience",
        BOX,
        "--issuer",
        "https://i.example",
        "--opens",
        "1",
        "--closes",
        "2",
    ]);
    assert!(err.contains("listed twice"), "{err}");
    let err = Myna::in_dir(dir.path()).fails(&[
        "poll",
        "new",
        "--id",
        "p",
        "--question",
        "q",
        "--choice",
        "a",
        "--choice",
        "b",
        "--audience",
        BOX,
        "--issuer",
        "https://i.example",
        "--opens",
        "5",
        "--closes",
        "2",
    ]);
    assert!(err.contains("before"), "{err}");
}

#[test]
fn a_forged_ballot_is_discarded_by_the_recount_and_the_box_keeps_its_audience() {
    let dir = tempfile::tempdir().unwrap();
    new_poll(dir.path());
    let authority = SecretKey::generate_p256().unwrap();
    let t = NumericDate::from_unix(1_000);
    let list = TrustList::new("jp", 1, t, t.plus_seconds(86_400))
        .sign(&*default_provider().signer(&authority).unwrap())
        .unwrap();
    std::fs::write(dir.path().join("trust-list.jwt"), &list).unwrap();
    let jwk = serde_json::to_string(&authority.public_key().to_jwk()).unwrap();
    std::fs::write(dir.path().join("authority.jwk"), jwk).unwrap();
    let poll: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("poll.json")).unwrap()).unwrap();
    let published = json!({"poll": poll, "ballots": [
        {"choice": "けやき", "presentation": "eyJhbGciOiJFUzI1NiJ9.e30.AAAA~"},
    ]});
    std::fs::write(dir.path().join("published.json"), published.to_string()).unwrap();
    let out = Myna::in_dir(dir.path()).ok(&[
        "poll",
        "tally",
        "--trust-list",
        "trust-list.jwt",
        "--authority-key",
        "authority.jwk",
        "--json",
        "published.json",
    ]);
    let tally: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(tally["counted"], 0);
    assert_eq!(tally["discarded"][0]["index"], 0);
    assert_eq!(tally["counts"][0], json!({"choice": "けやき", "count": 0}));

    std::fs::write(
        dir.path().join("ballot.json"),
        r#"{"choice": "けやき", "presentation": "x~"}"#,
    )
    .unwrap();
    let err = Myna::in_dir(dir.path()).fails(&[
        "poll",
        "accept",
        "--poll",
        "poll.json",
        "--box",
        "ballots.redb",
        "--trust-list",
        "trust-list.jwt",
        "--authority-key",
        "authority.jwk",
        "--audience",
        "https://another.example",
        "ballot.json",
    ]);
    assert!(err.contains("not the poll's ballot box"), "{err}");
}

#[test]
fn poll_and_vote_explain_themselves() {
    let help = Myna::new().ok(&["poll", "--help"]);
    for needle in ["new", "accept", "publish", "tally", "one ballot per person"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    let help = Myna::new().ok(&["wallet", "vote", "--help"]);
    assert!(
        help.contains("--choice") && help.contains("pseudonym"),
        "{help}"
    );
}

//! Polls: one ballot per person per poll with the poll's context pseudonym, and a recount
//! from the published ballots that trusts nothing the box says.
//!
//! Source: the Maebashi forum's "匿名で参加できるPF … 投票機能を構築し"
//! (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`) and Yabu's "自宅からオンライン投票を実現",
//! "投票集計結果を瞬時に判別可能" (`../shared/seeds/002_330378ace3b016db.txt:805`, `:831`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

mod common;

use common::{present_at, t, Holder, World, HIMEJI, KOBE};
use myna_issuer::credential_types::Kind;
use myna_issuer::pseudonym::{ContextId, PseudonymKey};
use myna_issuer::record::SubjectHandle;
use myna_verifier::core::ballot::{ballot_nonce, Choice, PollId};
use myna_verifier::core::crypto::default_provider;
use myna_verifier::core::sdjwt::SdJwt;
use myna_verifier::core::time::Clock;
use myna_verifier::core::trust_list::TrustList;
use myna_verifier::decision::Reason;
use myna_verifier::poll::ballot_box::{accept, BallotBox, RedbBallotBox};
use myna_verifier::poll::tally::{recount, PublishedPoll};
use myna_verifier::poll::{Ballot, Poll};
use serde_json::json;

const BOX: &str = "https://vote.city.kobe.example/polls";

fn poll(id: &str) -> Poll {
    Poll::new(
        PollId::parse(id).unwrap(),
        "新しい公園の名前",
        vec![
            Choice::parse("けやき").unwrap(),
            Choice::parse("さくら").unwrap(),
        ],
        BOX,
        KOBE,
        t(-600),
        t(3_600),
    )
    .unwrap()
}

/// The issuer's pseudonym of `person` for `poll` (the PRF a municipality runs).
fn pseudonym_of(key: &PseudonymKey, person: u8, poll: &Poll) -> String {
    let context = ContextId::parse(&poll.context()).unwrap();
    key.derive(&SubjectHandle::from_bytes([person; 32]), &context)
        .to_string()
}

/// A pseudonym credential for `poll`'s context, issued by `issuer` to a fresh holder key
/// (every wallet slot has its own), and a ballot for `choice` signed now.
fn ballot(
    world: &World,
    issuer: &str,
    value: &str,
    context: &str,
    poll: &Poll,
    choice: &str,
) -> (Ballot, SdJwt) {
    let holder = Holder::new();
    let claims = json!({"context": context, "pseudonym": value});
    let (credential, _) = world.issue(issuer, Kind::ContextPseudonym, claims, &holder);
    let nonce = ballot_nonce(&poll.id, &Choice::parse(choice).unwrap());
    let presentation = present_at(
        &credential,
        &holder,
        &[],
        &poll.audience,
        &nonce,
        world.clock.now(),
    );
    (
        Ballot {
            choice: choice.to_owned(),
            presentation,
        },
        credential,
    )
}

fn trust(world: &World) -> myna_verifier::core::trust_list::VerifiedTrustList {
    TrustList::verify(
        &world.trust_token,
        default_provider(),
        &world.authority.public_key(),
        t(0),
    )
    .unwrap()
}

/// Three residents vote, the box keeps their ballots in a redb file, publishes them, and a
/// recount from the published JSON agrees with the box; a second ballot of one person (a
/// second phone: same card, same pseudonym, another holder key) is refused `already_voted`.
#[test]
fn recount_from_published_file_agrees_and_second_phone_is_refused() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let poll = poll("kobe-park-2026");
    let dir = tempfile::tempdir().unwrap();
    let ballots = RedbBallotBox::open(&dir.path().join("ballots.redb")).unwrap();
    for (person, choice) in [(1, "けやき"), (2, "さくら"), (3, "けやき")] {
        let value = pseudonym_of(&key, person, &poll);
        let (b, _) = ballot(&world, KOBE, &value, &poll.context(), &poll, choice);
        let decision = accept(&world.verifier, &poll, &ballots, &b);
        assert!(decision.accepted(), "{:?}", decision.outcome);
    }
    let second_phone = pseudonym_of(&key, 1, &poll);
    let (again, _) = ballot(
        &world,
        KOBE,
        &second_phone,
        &poll.context(),
        &poll,
        "さくら",
    );
    let decision = accept(&world.verifier, &poll, &ballots, &again);
    assert_eq!(decision.reason(), Some(Reason::AlreadyVoted));

    let published = PublishedPoll::from_box(poll.clone(), &ballots).unwrap();
    let file = serde_json::to_vec(&published.to_json()).unwrap();
    let read = PublishedPoll::from_json(&file).unwrap();
    let tally = recount(&read, &trust(&world), default_provider());
    assert_eq!(tally.count("けやき"), 2);
    assert_eq!(tally.count("さくら"), 1);
    assert!(tally.discarded.is_empty(), "{:?}", tally.discarded);
    // Published in pseudonym order, which is not the order of casting.
    assert_eq!(ballots.ballots(&poll.id).unwrap().len(), 3);
}

/// A box that changes a ballot's choice is caught: the holder's KB-JWT signed H(poll, choice),
/// so the altered ballot no longer verifies and the recount discards it.
#[test]
fn tampered_choice_is_discarded_in_the_recount() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let poll = poll("kobe-park-2026");
    let (honest, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &poll),
        &poll.context(),
        &poll,
        "けやき",
    );
    let (mut altered, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 2, &poll),
        &poll.context(),
        &poll,
        "けやき",
    );
    altered.choice = "さくら".to_owned();
    let published = PublishedPoll {
        poll: poll.clone(),
        ballots: vec![honest, altered],
    };
    let tally = recount(&published, &trust(&world), default_provider());
    assert_eq!(tally.count("けやき"), 1);
    assert_eq!(tally.count("さくら"), 0);
    assert_eq!(tally.discarded.len(), 1);
    assert_eq!(tally.discarded[0].index, 1);
}

/// A box that publishes two ballots of one pseudonym (a double vote it let through): the
/// recount counts neither, with `already_voted`.
#[test]
fn duplicate_pseudonym_in_published_ballots_counts_for_nothing() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let poll = poll("kobe-park-2026");
    let value = pseudonym_of(&key, 1, &poll);
    let (first, _) = ballot(&world, KOBE, &value, &poll.context(), &poll, "けやき");
    let (second, _) = ballot(&world, KOBE, &value, &poll.context(), &poll, "さくら");
    let published = PublishedPoll {
        poll: poll.clone(),
        ballots: vec![first, second],
    };
    let tally = recount(&published, &trust(&world), default_provider());
    assert_eq!(tally.counted(), 0);
    assert_eq!(tally.discarded.len(), 2);
    assert!(tally
        .discarded
        .iter()
        .all(|d| d.reason == Reason::AlreadyVoted));
}

/// Before it opens and from its closing second on, a poll refuses ballots `poll_closed`; a
/// ballot with a backdated `iat` is caught by the recount too.
#[test]
fn outside_the_period_is_poll_closed() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let poll = poll("kobe-park-2026");
    let ballots = myna_verifier::poll::ballot_box::MemoryBallotBox::new();
    // A poll that opens later than now refuses.
    let later = Poll {
        opens: t(600),
        ..poll.clone()
    };
    let (early, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 2, &later),
        &later.context(),
        &later,
        "けやき",
    );
    let decision = accept(&world.verifier, &later, &ballots, &early);
    assert_eq!(decision.reason(), Some(Reason::PollClosed));
    // From its closing second on, a poll refuses.
    world.clock.set(t(3_600));
    world.publish_all();
    let (late, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &poll),
        &poll.context(),
        &poll,
        "けやき",
    );
    let decision = accept(&world.verifier, &poll, &ballots, &late);
    assert_eq!(decision.reason(), Some(Reason::PollClosed));
    // In the recount, judged by each ballot's own signed time: the late one is out of the
    // period, the early one (signed at t(0)) is inside the first poll's period but a ballot
    // of `later` only — published under the first poll it does not verify.
    let published = PublishedPoll {
        poll: poll.clone(),
        ballots: vec![late, early],
    };
    let tally = recount(&published, &trust(&world), default_provider());
    assert_eq!(tally.counted(), 1); // `early` (t(0)) is inside the first poll's period
    assert_eq!(tally.discarded.len(), 1, "{:?}", tally.discarded);
    assert_eq!(tally.discarded[0].reason, Reason::PollClosed);
    let published = PublishedPoll {
        poll: later,
        ballots: published.ballots,
    };
    let tally = recount(&published, &trust(&world), default_provider());
    assert_eq!(tally.counted(), 0);
    assert!(
        tally
            .discarded
            .iter()
            .all(|d| d.reason == Reason::PollClosed),
        "{:?}",
        tally.discarded
    );
}

/// The pseudonym must be of this poll's context and from this poll's issuer: another poll's
/// pseudonym is `wrong_context`; a pseudonym from another municipality (which would give the
/// same person a second value) is refused; a choice the poll does not offer is unreadable.
#[test]
fn wrong_context_issuer_or_choice_is_refused() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let poll = poll("kobe-park-2026");
    let other = self::poll("kobe-library-2026");
    let ballots = myna_verifier::poll::ballot_box::MemoryBallotBox::new();
    let (wrong_context, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &other),
        &other.context(),
        &poll,
        "けやき",
    );
    assert_eq!(
        accept(&world.verifier, &poll, &ballots, &wrong_context).reason(),
        Some(Reason::WrongContext)
    );
    let (elsewhere, _) = ballot(
        &world,
        HIMEJI,
        &pseudonym_of(&key, 1, &poll),
        &poll.context(),
        &poll,
        "けやき",
    );
    assert_eq!(
        accept(&world.verifier, &poll, &ballots, &elsewhere).reason(),
        Some(Reason::UntrustedIssuer)
    );
    let (mut unknown, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &poll),
        &poll.context(),
        &poll,
        "けやき",
    );
    unknown.choice = "ひまわり".to_owned();
    assert_eq!(
        accept(&world.verifier, &poll, &ballots, &unknown).reason(),
        Some(Reason::Unreadable)
    );
    assert!(ballots.ballots(&poll.id).unwrap().is_empty());
}

/// Privacy: a ballot discloses only the pseudonym and its context (besides the SD-JWT
/// plumbing: issuer, type, holder key, status reference, times) — no name, birthdate,
/// address or municipality code; and one person's ballots in two polls share no value.
#[test]
fn ballot_shows_only_pseudonym_and_two_polls_share_nothing() {
    let world = World::new();
    let key = PseudonymKey::generate().unwrap();
    let (park, library) = (poll("kobe-park-2026"), poll("kobe-library-2026"));
    let (a, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &park),
        &park.context(),
        &park,
        "けやき",
    );
    let (b, _) = ballot(
        &world,
        KOBE,
        &pseudonym_of(&key, 1, &library),
        &library.context(),
        &library,
        "けやき",
    );
    let claims = myna_verifier::core::sdjwt::UnverifiedSdJwt::parse(&a.presentation)
        .and_then(|mut p| p.unverified_payload().cloned())
        .unwrap();
    const PLUMBING: [&str; 10] = [
        "iss",
        "vct",
        "cnf",
        "status",
        "iat",
        "exp",
        "nbf",
        "_sd",
        "_sd_alg",
        "vct#integrity",
    ];
    for name in claims.keys() {
        assert!(
            PLUMBING.contains(&name.as_str()) || name == "context" || name == "pseudonym",
            "the ballot carries `{name}`"
        );
    }
    let parts = |ballot: &Ballot| -> Vec<String> {
        let p = myna_verifier::core::sdjwt::UnverifiedSdJwt::parse(&ballot.presentation)
            .and_then(|mut p| p.unverified_payload().cloned())
            .unwrap();
        vec![
            p["pseudonym"].as_str().unwrap_or_default().to_owned(),
            p["cnf"]["jwk"]["x"].as_str().unwrap_or_default().to_owned(),
            ballot.presentation.rsplit('.').next().unwrap().to_owned(),
        ]
    };
    let (pa, pb) = (parts(&a), parts(&b));
    assert!(pa.iter().all(|v| !v.is_empty()));
    for value in &pa {
        assert!(!pb.contains(value), "two polls share {value}");
    }
}

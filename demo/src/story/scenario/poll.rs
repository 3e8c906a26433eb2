//! Scenario 11 (before the birthday's jump in time): a Maebashi citizens' poll, one ballot per person. 前橋市 offers each resident
//! a pseudonym for the poll (context `poll:<id>`); Hanako's ballot is that pseudonym presented
//! with her choice signed into the key binding (nonce = H(poll, choice)). Her second phone —
//! same card, same pseudonym — is refused `already_voted`; after the poll closes, ballots are
//! refused `poll_closed`. The box publishes the ballots and anyone recounts them: the count
//! agrees, and a choice the box altered is discarded. Her ballots in two polls share no value.
//!
//! Source: the Maebashi forum, "匿名で参加できるPF … 投票機能を構築し、リアルタイムで市民の意見を
//! 拾う" (`../shared/seeds/000_2cab3622a7b836b8.txt:1366`); Yabu's online voting, "自宅から
//! オンライン投票を実現", "投票集計結果を瞬時に判別可能"
//! (`../shared/seeds/002_330378ace3b016db.txt:805`, `:831`).

use myna_vc_core::ballot::{Choice, PollId};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::oid4vci::IssuerId;
use myna_vc_core::sdjwt::UnverifiedSdJwt;
use myna_vc_core::time::Clock;
use myna_verifier::decision::Reason;
use myna_verifier::poll::ballot_box::{accept, MemoryBallotBox};
use myna_verifier::poll::tally::{recount, PublishedPoll};
use myna_verifier::poll::{Ballot, Poll};

use crate::story::city::{MAEBASHI, MAEBASHI_BUS_POLL, MAEBASHI_PARK_POLL};
use crate::story::narrative::{Expect, Narrative};
use crate::story::resident::{Resident, HANAKO};
use crate::story::world::World;
use crate::story::{fail, DemoResult};

/// The ballot box's verifier identity (every ballot's audience).
const BALLOT_BOX: &str = "https://vote.maebashi.example/polls";

/// Plays the scenario.
pub fn play(world: &World, story: &mut Narrative) -> DemoResult<()> {
    let now = world.clock.now();
    let maebashi = world.city(MAEBASHI).ok_or("no 前橋市 service")?;
    let park = poll(
        MAEBASHI_PARK_POLL,
        "新しい公園の名前",
        &["けやき", "さくら"],
        now,
    )?;
    let bus = poll(MAEBASHI_BUS_POLL, "循環バスの増便", &["賛成", "反対"], now)?;
    let verifier = world.verifier(BALLOT_BOX)?;
    let ballots = MemoryBallotBox::new();
    let hanako = world.resident(HANAKO)?;

    let first = story.step(
        "Hanako's wallet receives her pseudonym for the park poll from 前橋市, on a fresh key of its own (the anchor shown beside it)",
        pseudonym(world, hanako, &park),
    );
    let first = first.ok_or("no pseudonym")?;
    let ballot = story.step(
        "she votes けやき: her wallet signs the choice into the key binding of that pseudonym",
        vote(hanako, &park, "けやき", world),
    );
    let ballot = ballot.ok_or("no ballot")?;
    story.decision(
        "the ballot box verifies and keeps her ballot",
        Expect::Accept,
        Ok(accept(&verifier, &park, &ballots, &ballot)),
    );

    let second_phone = hanako.new_device(now)?;
    story
        .step(
            "Hanako's second phone: a new wallet, anchored to the same card at 前橋市",
            second_phone.anchor_at(&world.transport, maebashi, &world.receipt_check(), now),
        )
        .ok_or("second phone not anchored")?;
    let same = pseudonym(world, &second_phone, &park).and_then(|value| {
        (value == first)
            .then_some(())
            .ok_or_else(|| "another pseudonym on the second phone".to_owned())
    });
    story.step(
        "its park-poll pseudonym is the same (one card, one value)",
        same,
    );
    let again = vote(&second_phone, &park, "さくら", world);
    story.decision(
        "she votes again from the second phone: refused",
        Expect::Refuse(Reason::AlreadyVoted),
        again.map(|b| accept(&verifier, &park, &ballots, &b)),
    );

    let published = PublishedPoll::from_box(park.clone(), &ballots).map_err(fail)?;
    let trust = verifier.trust().list();
    let tally = recount(&published, &trust, default_provider());
    let agrees = (tally.count("けやき") == 1 && tally.counted() == 1 && tally.discarded.is_empty())
        .then_some(())
        .ok_or_else(|| format!("recount {}", tally.to_json()));
    story.step(
        "the box publishes its ballots; anyone's recount from the file finds けやき 1, さくら 0, nothing discarded",
        agrees,
    );
    let mut altered = published.clone();
    for b in &mut altered.ballots {
        b.choice = "さくら".to_owned();
    }
    let tally = recount(&altered, &trust, default_provider());
    let caught = (tally.counted() == 0 && tally.discarded.len() == 1)
        .then_some(())
        .ok_or_else(|| format!("recount of the altered file {}", tally.to_json()));
    story.step(
        "a box that changes her choice is caught: the recount discards the altered ballot",
        caught,
    );

    story
        .step(
            "Hanako also receives her pseudonym for the bus poll",
            pseudonym(world, hanako, &bus),
        )
        .ok_or("no bus-poll pseudonym")?;
    let in_bus = vote(hanako, &bus, "賛成", world)?;
    story.decision(
        "she votes 賛成 in the bus poll",
        Expect::Accept,
        Ok(accept(&verifier, &bus, &ballots, &in_bus)),
    );
    story.step(
        "her two ballots share no value: pseudonym, holder key, signatures all differ",
        unlinked(&ballot, &in_bus),
    );

    let closed = Poll {
        opens: now.minus_seconds(7_200),
        closes: now.minus_seconds(3_600),
        ..bus.clone()
    };
    let late = vote(hanako, &closed, "反対", world);
    story.decision(
        "a ballot after the poll closed is refused",
        Expect::Refuse(Reason::PollClosed),
        late.map(|b| accept(&verifier, &closed, &MemoryBallotBox::new(), &b)),
    );
    Ok(())
}

/// A poll of 前橋市's pseudonyms in context `poll:<id>`, open for a day from an hour ago.
fn poll(
    context: &str,
    question: &str,
    choices: &[&str],
    now: myna_vc_core::time::NumericDate,
) -> DemoResult<Poll> {
    let id = context
        .strip_prefix(myna_vc_core::ballot::CONTEXT_PREFIX)
        .ok_or("a poll context starts with poll:")?;
    let choices = choices
        .iter()
        .map(|c| Choice::parse(c).map_err(fail))
        .collect::<DemoResult<Vec<_>>>()?;
    Poll::new(
        PollId::parse(id).map_err(fail)?,
        question,
        choices,
        BALLOT_BOX,
        MAEBASHI.iss,
        now.minus_seconds(3_600),
        now.plus_seconds(86_400),
    )
    .map_err(fail)
}

/// The resident's wallet asks 前橋市 for their pseudonym for `poll`, bound to a fresh key of
/// its own (the anchor presented beside it).
fn pseudonym(world: &World, resident: &Resident, poll: &Poll) -> DemoResult<String> {
    let issuer = IssuerId::new(MAEBASHI.iss).map_err(fail)?;
    let batches = resident
        .wallet
        .receive_poll_pseudonym(
            &world.transport,
            &issuer,
            &poll.id,
            &world.receipt_check(),
            world.clock.now(),
        )
        .map_err(fail)?;
    let stored = batches
        .first()
        .and_then(|b| b.credentials.first())
        .ok_or("no pseudonym received")?;
    let sd = myna_vc_core::sdjwt::SdJwt::parse(&stored.sd_jwt).map_err(fail)?;
    let claims = sd.unverified_claims().map_err(fail)?;
    claims
        .get("pseudonym")
        .and_then(|p| p.as_str())
        .map(str::to_owned)
        .ok_or_else(|| "no pseudonym received".to_owned())
}

/// The resident's wallet signs a ballot for `choice`.
fn vote(resident: &Resident, poll: &Poll, choice: &str, world: &World) -> DemoResult<Ballot> {
    let choice = poll.choice(choice).map_err(fail)?;
    let signed = resident
        .wallet
        .vote(&poll.id, &choice, &poll.audience, world.clock.now())
        .map_err(fail)?;
    Ok(Ballot {
        choice: signed.choice.as_str().to_owned(),
        presentation: signed.presentation,
    })
}

/// The pseudonym, holder key and both signatures of a ballot.
fn values(ballot: &Ballot) -> DemoResult<Vec<String>> {
    let mut sd = UnverifiedSdJwt::parse(&ballot.presentation).map_err(fail)?;
    let payload = sd.unverified_payload().map_err(fail)?.clone();
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let issuer_sig = ballot
        .presentation
        .split('~')
        .next()
        .and_then(|jwt| jwt.rsplit('.').next())
        .map(str::to_owned);
    let kb_sig = ballot.presentation.rsplit('.').next().map(str::to_owned);
    [
        text(payload.get("pseudonym")),
        text(
            payload
                .get("cnf")
                .and_then(|c| c.get("jwk"))
                .and_then(|j| j.get("x")),
        ),
        issuer_sig,
        kb_sig,
    ]
    .into_iter()
    .map(|v| v.ok_or_else(|| "a ballot without pseudonym, key or signature".to_owned()))
    .collect()
}

/// No value of one ballot appears in the other.
fn unlinked(a: &Ballot, b: &Ballot) -> DemoResult<()> {
    let (a, b) = (values(a)?, values(b)?);
    match a.iter().find(|v| b.contains(v)) {
        Some(_) => Err("the two ballots share a value".to_owned()),
        None => Ok(()),
    }
}

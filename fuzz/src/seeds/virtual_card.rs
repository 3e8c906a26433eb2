//! APDU sequences recorded from the wallet's sessions with the virtual card, framed as the
//! `virtual_card` target reads them: every operation with the right PINs, wrong PINs down to
//! a locked PIN, and the same across power cycles; for the adult's card and the child's.

use myna_jpki::card::{AuthPin, Card, DigestInfo, JpkiCard, PinKind, SignPin};
use myna_jpki::virtual_card::VirtualCard;

use super::{Seed, SeedError, Shared};
use crate::card_model::frame;
use crate::card_session::{self, Recorder};
use crate::input::tagged;
use crate::jpki_world::{world, AUTH_PIN, SIGN_PIN};

/// Selector bytes of the `virtual_card` target.
const ADULT: u8 = 0;
const CHILD: u8 = 1;
/// A one-byte message: reset.
const RESET: [u8; 1] = [2];

type Session = fn(&mut JpkiCard<Recorder<VirtualCard>>) -> Result<(), SeedError>;

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let sessions: [(&str, Session); 4] = [
        ("every_operation", |card| {
            card_session::run(card);
            Ok(())
        }),
        ("auth_pin_locked", |card| {
            let wrong = AuthPin::new("0000")?;
            for _ in 0..4 {
                let _refused = card.sign_with_auth_key(&wrong, &DigestInfo::sha256(b"x"));
            }
            card.pin_tries_left(PinKind::Authentication)?;
            Ok(())
        }),
        ("sign_pin_wrong_then_right", |card| {
            let _refused = card.read_sign_certificate(&SignPin::new("ZZZ999")?);
            card.read_sign_certificate(&SignPin::new(SIGN_PIN)?)?;
            card.pin_tries_left(PinKind::Signature)?;
            Ok(())
        }),
        ("sign_pin_locked", |card| {
            let wrong = SignPin::new("ZZZ999")?;
            for _ in 0..6 {
                let _refused = card.sign_with_sign_key(&wrong, &DigestInfo::sha256(b"y"));
            }
            Ok(())
        }),
    ];
    let world = world();
    let mut seeds = Vec::new();
    for (card_name, selector, issued) in [
        ("adult", ADULT, &world.adult),
        ("child", CHILD, &world.child),
    ] {
        for (name, session) in sessions {
            let card = VirtualCard::new(issued, AuthPin::new(AUTH_PIN)?, SignPin::new(SIGN_PIN)?);
            let mut wallet = JpkiCard::new(Recorder::new(card));
            // A child's card refuses the signature operations: that is part of its session.
            let _ = session(&mut wallet);
            let commands: Vec<Vec<u8>> = wallet
                .into_inner()
                .exchanges
                .into_iter()
                .map(|e| e.command)
                .collect();
            let framed: Vec<u8> = commands.iter().flat_map(|c| frame(c)).collect();
            seeds.push(Seed::new(
                format!("{card_name}_{name}"),
                tagged(selector, &framed),
            ));
            // The same commands with a power cycle after each: nothing verified survives one.
            let cycled: Vec<u8> = commands
                .iter()
                .flat_map(|c| [frame(c), frame(&RESET)].concat())
                .collect();
            seeds.push(Seed::new(
                format!("{card_name}_{name}_resets"),
                tagged(selector, &cycled),
            ));
        }
    }
    Ok(seeds)
}

//! APDUs recorded from the wallet's session with the virtual card (`card_session`): every
//! command it sent and every response it got, the seven ISO 7816-3 command cases, and the
//! whole session's responses framed for the hostile-card mode.

use myna_jpki::apdu::Command;
use myna_jpki::card::{AuthPin, JpkiCard, SignPin};
use myna_jpki::virtual_card::VirtualCard;

use super::{Seed, SeedError, Shared};
use crate::card_model::frame;
use crate::card_session::{self, Recorder};
use crate::input::tagged;
use crate::jpki_world::{world, AUTH_PIN, SIGN_PIN};

/// Selector bytes of the `jpki_apdu` target.
const COMMAND: u8 = 0;
const RESPONSE: u8 = 1;
const HOSTILE_CARD: u8 = 2;

pub(super) fn seeds(_shared: &Shared) -> Result<Vec<Seed>, SeedError> {
    let mut seeds = Vec::new();
    let world = world();
    for (name, issued) in [("adult", &world.adult), ("child", &world.child)] {
        let card = VirtualCard::new(issued, AuthPin::new(AUTH_PIN)?, SignPin::new(SIGN_PIN)?);
        let mut wallet = JpkiCard::new(Recorder::new(card));
        card_session::run(&mut wallet);
        let exchanges = wallet.into_inner().exchanges;
        let mut script = Vec::new();
        for (i, exchange) in exchanges.iter().enumerate() {
            seeds.push(Seed::new(
                format!("{name}_command_{i:02}"),
                tagged(COMMAND, &exchange.command),
            ));
            let response = exchange.response.to_bytes();
            seeds.push(Seed::new(
                format!("{name}_response_{i:02}"),
                tagged(RESPONSE, &response),
            ));
            script.extend_from_slice(&frame(&response));
        }
        seeds.push(Seed::new(
            format!("{name}_session"),
            tagged(HOSTILE_CARD, &script),
        ));
    }
    let cases: [Command; 7] = [
        Command::new(0x00, 0xA4, 0x04, 0x0C),
        Command::new(0x00, 0xB0, 0x00, 0x00).with_le(256),
        Command::new(0x00, 0x20, 0x00, 0x80).with_data(b"1234".to_vec()),
        Command::new(0x00, 0xB0, 0x01, 0x00)
            .with_data(vec![1, 2])
            .with_le(16),
        Command::new(0x00, 0xB0, 0x00, 0x00).with_le(65_536),
        Command::new(0x80, 0x2A, 0x00, 0x80).with_data(vec![0x5A; 300]),
        Command::new(0x80, 0x2A, 0x00, 0x80)
            .with_data(vec![0xA5; 300])
            .with_le(4096),
    ];
    for (i, command) in cases.iter().enumerate() {
        seeds.push(Seed::new(
            format!("case_{}", i + 1),
            tagged(COMMAND, &command.to_bytes()?),
        ));
    }
    // The adult's and the child's sessions share most commands: one file per input.
    let mut seen = std::collections::HashSet::new();
    seeds.retain(|seed| seen.insert(seed.bytes.clone()));
    Ok(seeds)
}

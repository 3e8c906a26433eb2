//! Shared pieces of myna-vc's fuzz targets (`fuzz_targets/*.rs`) and of their seed generator
//! (`examples/seeds.rs`): the fixed keys, instant and messages the verifier targets check
//! against ([`credential`], [`request`], [`status`], [`trust`], [`consent`]), the oracle that
//! decides whether an accepted input yielded only what was signed ([`oracle`]), how a target
//! reads its input ([`input`]) and the valid inputs each corpus starts from ([`seeds`]).
//!
//! The jpki targets check against a fixed test CA and its cards ([`jpki_world`]), the virtual
//! card against a model of its security state ([`card_model`]), and run the wallet's side of
//! a card session over a hostile or recorded card ([`card_session`]).
//!
//! A fuzz target reports a finding by panicking: every `panic!` here is an oracle failure.
#![forbid(unsafe_code)]

pub mod card_model;
pub mod card_session;
pub mod consent;
pub mod credential;
pub mod input;
pub mod jpki_world;
pub mod keys;
pub mod oracle;
pub mod request;
pub mod seeds;
pub mod status;
pub mod trust;

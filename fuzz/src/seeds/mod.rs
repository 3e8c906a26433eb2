//! The seed corpora: for each target, valid inputs made by the project's own APIs (signed by
//! the fixtures' keys, so they pass every check and the fuzzer starts deep inside) and the
//! relevant files of the shared vectors and specifications, read in place.
//!
//! `examples/seeds.rs` writes them to `<out>/<target>/<name>`. One module per target; a new
//! target adds its module and a line to [`GENERATORS`].

use std::path::{Path, PathBuf};

mod compact;
mod consent;
mod dcql;
mod did;
mod jpki_apdu;
mod jpki_certificate;
mod jpki_crl;
mod oid4vci;
mod oid4vp;
mod sdjwt_verify;
mod shared;
mod status_list;
mod trust_list;
mod virtual_card;

pub use shared::Shared;

/// One corpus entry.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file name in the target's corpus directory.
    pub name: String,
    /// The input.
    pub bytes: Vec<u8>,
}

impl Seed {
    /// A seed named `name`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Seed {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// What a generator fails with (a seed the project's own API could not make is a bug).
pub type SeedError = Box<dyn std::error::Error>;

/// A target's seed generator.
pub type Generator = fn(&Shared) -> Result<Vec<Seed>, SeedError>;

/// Every target (the fuzz_targets/ file name) and its generator.
pub const GENERATORS: &[(&str, Generator)] = &[
    ("sdjwt_verify", sdjwt_verify::seeds),
    ("compact", compact::seeds),
    ("dcql", dcql::seeds),
    ("oid4vci", oid4vci::seeds),
    ("oid4vp", oid4vp::seeds),
    ("status_list", status_list::seeds),
    ("trust_list", trust_list::seeds),
    ("consent", consent::seeds),
    ("did", did::seeds),
    ("jpki_apdu", jpki_apdu::seeds),
    ("jpki_certificate", jpki_certificate::seeds),
    ("jpki_crl", jpki_crl::seeds),
    ("virtual_card", virtual_card::seeds),
];

/// Writes every target's seeds (or only `only`'s) under `out/<target>/`; returns how many
/// were written per target.
pub fn write_all(
    out: &Path,
    shared: &Shared,
    only: Option<&str>,
) -> Result<Vec<(&'static str, usize)>, SeedError> {
    let mut counts = Vec::new();
    for (target, generate) in GENERATORS {
        if only.is_some_and(|o| o != *target) {
            continue;
        }
        let dir: PathBuf = out.join(target);
        std::fs::create_dir_all(&dir)?;
        let seeds = generate(shared).map_err(|e| format!("seeds of {target}: {e}"))?;
        for seed in &seeds {
            std::fs::write(dir.join(&seed.name), &seed.bytes)?;
        }
        counts.push((*target, seeds.len()));
    }
    Ok(counts)
}

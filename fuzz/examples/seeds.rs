//! Writes the seed corpora of every fuzz target: `seeds OUT_DIR [SHARED_DIR] [TARGET]`.
//! OUT_DIR/<target>/ gets valid inputs made by myna-vc's own APIs plus the relevant files of
//! SHARED_DIR (the shared vectors and specifications, default `../shared` next to the
//! repository), read in place. Builds on stable: `cargo run --example seeds -- OUT`.

use std::path::PathBuf;
use std::process::ExitCode;

use myna_fuzz::seeds::{self, Shared};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: seeds OUT_DIR [SHARED_DIR] [TARGET]");
        return ExitCode::from(2);
    };
    let shared_dir = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let only = args.next();
    let shared = Shared::at(&shared_dir);
    if !shared.found() {
        eprintln!(
            "note: no shared vectors at {}; seeding from the project's own inputs only",
            shared_dir.display()
        );
    }
    match seeds::write_all(&out, &shared, only.as_deref()) {
        Ok(counts) => {
            for (target, n) in counts {
                println!("{target}: {n} seeds");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seeds: {e}");
            ExitCode::FAILURE
        }
    }
}

//! Peak memory of parsing a 1,000,000-entry CRL.
//!
//! ```sh
//! cargo run --release -p myna-jpki --example crl_memory -- generate /tmp/crl-1m.der
//! /usr/bin/time -v target/release/examples/crl_memory baseline /tmp/crl-1m.der
//! /usr/bin/time -v target/release/examples/crl_memory parse /tmp/crl-1m.der
//! ```
//!
//! `generate` writes the CRL (signed by a test root) and the root next to it. `baseline` only
//! reads the file and the root, so its peak is the process plus the DER bytes held in memory;
//! `parse` additionally walks, indexes and verifies the CRL. Both print the kernel's high-water
//! mark of resident memory (VmHWM), the figure `/usr/bin/time -v` reports as "Maximum resident
//! set size"; the index costs the difference.

use std::time::Instant;

use myna_jpki::certificate::SerialNumber;
use myna_jpki::crl::{Crl, RevocationReason};
use myna_jpki::profile::CertificateType;
use myna_jpki::roots::RootSet;
use myna_jpki::test_ca::{CrlEntry, TestCa, TestKey};
use myna_vc_core::crypto::default_provider;
use myna_vc_core::time::NumericDate;

const ENTRIES: u64 = 1_000_000;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        return Err("usage: crl_memory generate|baseline|parse FILE".into());
    };
    let root_path = format!("{path}.root");
    match mode.as_str() {
        "generate" => {
            let t0 = NumericDate::from_unix(2_059_052_400);
            let mut ca = TestCa::new(TestKey::generate()?, TestKey::generate()?, t0)?;
            let reasons = [
                RevocationReason::MOVING_HOUSE,
                RevocationReason::CARD_RENEWAL,
                RevocationReason::LOSS,
            ];
            let entries = (0..ENTRIES).map(|i| CrlEntry {
                serial: SerialNumber::from_u64(
                    0x1000_0000 + (i.wrapping_mul(2_654_435_761) % ENTRIES) * 7 + 1,
                )
                .unwrap_or_else(|_| unreachable!()),
                revoked_at: t0.plus_seconds(i),
                reason: reasons
                    .get((i % 3) as usize)
                    .copied()
                    .unwrap_or(RevocationReason::Unspecified),
            });
            let der = ca.crl_with_entries(
                CertificateType::Signature,
                entries,
                t0,
                t0.plus_seconds(86_400),
            )?;
            std::fs::write(path, &der)?;
            std::fs::write(&root_path, ca.root_certificate(CertificateType::Signature))?;
            println!("wrote {} bytes ({} entries) to {path}", der.len(), ENTRIES);
        }
        "baseline" => {
            let der = std::fs::read(path)?;
            let root = std::fs::read(&root_path)?;
            println!(
                "held {} bytes of DER; peak RSS {} KiB",
                der.len() + root.len(),
                peak_rss_kib()
            );
        }
        "parse" => {
            let der = std::fs::read(path)?;
            let roots = RootSet::test(&[std::fs::read(&root_path)?], default_provider())?;
            let start = Instant::now();
            let crl = Crl::parse(&der, &roots, default_provider())?;
            let elapsed = start.elapsed();
            println!(
                "parsed and verified {} entries in {:.3} s; peak RSS {} KiB",
                crl.len(),
                elapsed.as_secs_f64(),
                peak_rss_kib()
            );
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    Ok(())
}

//! # myna-jpki
//!
//! The only crate that touches the My Number card: JPKI certificate parsing and validation,
//! CRLs, a test CA and a virtual card. Filled by the myna-jpki issue.
#![forbid(unsafe_code)]

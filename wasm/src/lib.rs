//! # myna-wasm
//!
//! WebAssembly bindings (wasm-bindgen) over myna-vc for Node and browsers, published as the
//! npm package `myna-vc` (built by `scripts/build-npm` into `wasm/pkg/`). It uses the pure-Rust
//! crypto provider of [`myna_vc_core`], the one that builds for `wasm32-unknown-unknown`.
//!
//! ## A short tour
//!
//! * [`status_list`]: verify a Token Status List JWT against the issuer's key and read
//!   entries (`StatusList.verify(token, issuerJwk, uri, nowUnix)`).
//! * [`js_error`]: how a Rust error becomes a JS `Error` with a stable `code`.
//!
//! Every function takes and returns plain JS values (strings, numbers, objects); every failure
//! is a thrown `Error` whose `code` names the reason in `snake_case`, e.g.
//! `signature_invalid`, `status_list_uri_mismatch`, `input_too_large`.
#![forbid(unsafe_code)]

pub mod js_error;
pub mod status_list;

pub use myna_vc_core as core;

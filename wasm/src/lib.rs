//! # myna-wasm
//!
//! WebAssembly bindings (wasm-bindgen) over the verifier and the in-memory wallet, published as
//! an npm package for Node and browsers. It uses the pure-Rust crypto provider of
//! [`myna_vc_core`], which is the one that builds for `wasm32-unknown-unknown`.
//!
//! This crate is filled by the npm/Wasm issue.
#![forbid(unsafe_code)]

pub use myna_vc_core as core;

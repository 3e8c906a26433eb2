//! # myna-tests
//!
//! No library code: this package holds the workspace's cross-crate tests, in `tests/`:
//!
//! * `end_to_end.rs` — card → issuer → wallet → verifier through the public APIs only, for
//!   every credential type, over the issuer's HTTP service on a loopback port;
//! * `interop_python.rs`, `interop_js.rs`, `interop_ssi.rs` — our presentations verified by
//!   outside SD-JWT implementations and theirs verified by ours (`tests/interop/`, set up by
//!   `tests/interop/setup`).
#![forbid(unsafe_code)]

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
//! * [`verifier`]: a shop's `Verifier` — built from its trust list and cached status lists,
//!   it makes requests for the ready policies and returns decisions as plain objects; for the
//!   counter page also a clinic's billing record (`billingRecord`), a shelter's roster entry
//!   (`rosterEntry`) and how old its trust data is (`freshness`).
//! * `wallet` (feature `wallet`; the `myna-vc/wallet` entry of the package): a holder's
//!   `Wallet` in memory — key proofs for issuance, credentials checked on receipt, previews and
//!   minimal presentations (QR text and `vp_token`). Sans-I/O: the page does every HTTP
//!   request and keeps the records; the wallet builds and checks. What the resident's web app
//!   (`wasm/app/`) is built on, module by module:
//!   * storage — `Wallet.create` / `Wallet.open` (the master secret sealed under the
//!     passphrase with Argon2id, 19 MiB, 2 passes), `takeChanges` (every write, already
//!     encrypted, for IndexedDB; `wallet::store`), `exportBackup` / `Wallet.importBackup`;
//!   * receiving — `Wallet.parseOffer` and `Wallet.tokenRequestBody` (`wallet::offer`), the
//!     metadata, token, nonce and credential answers and `inspect`, the preview before
//!     accepting (`wallet::issuance`), then `keep`;
//!   * holding — `held` (one card per batch and configuration, with Japanese and English
//!     labels; unreadable records listed, never dropped), `statusUris` / `applyStatus` (each
//!     batch's state, kept with when it was checked), `history` (the hash chain verified);
//!   * presenting — `Wallet.parseChallenge` (the shop's `MVC1:` challenge and the policy it
//!     names; `wallet::challenge`), `preview`, `present`; cross-device `parseRequestLink`,
//!     `previewRemote`, `answerRemote` (`wallet::remote`);
//!   * consents — `consentRegistration` / `keepConsent`, `consentAction` /
//!     `applyConsentAction`, `consents` and the one-time consents' status.
//! * `trustee` (feature `trustee`; the `myna-vc/trustee` entry, loaded by the issuer's staff
//!   console): an escrow trustee's `TrusteeKey` — `TrusteeKey.open(keyFileJson, passphrase,
//!   trusteeId)` opens the key file `myna trustee keygen` wrote, `release(sealedLink)` gives
//!   the body to post for the trustee's share, with the code of `myna trustee release`
//!   (the `myna-escrow` crate).
//! * [`qr`]: `qrMatrix(text)`, the modules of a QR code for a page to draw (both builds).
//! * [`js_error`]: how a Rust error becomes a JS `Error` with a stable `code`.
//!
//! Every function takes and returns plain JS values (strings, numbers, objects); every failure
//! is a thrown `Error` whose `code` names the reason in `snake_case`, e.g.
//! `signature_invalid`, `status_list_uri_mismatch`, `input_too_large`.
#![forbid(unsafe_code)]

pub mod js_error;
pub mod qr;
pub mod status_list;
#[cfg(feature = "trustee")]
pub mod trustee;
pub mod verifier;
#[cfg(feature = "wallet")]
pub mod wallet;

pub use myna_vc_core as core;

/// A JSON value as a plain JS value.
fn to_js(value: &serde_json::Value) -> wasm_bindgen::JsValue {
    // serde_json always writes valid JSON, which JSON.parse always reads.
    js_sys::JSON::parse(&value.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL)
}

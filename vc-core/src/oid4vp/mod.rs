//! OpenID for Verifiable Presentations 1.0.

mod params;

pub use params::{Nonce, State, MAX_PARAM_LEN, NONCE_LEN};

//! The consent registry (filled in once vc-core `consent` lands).

use axum::Router;

use super::Service;

pub(crate) fn routes() -> Router<Service> {
    Router::new()
}

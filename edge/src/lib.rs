//! # myna-edge
//!
//! The HTTP/1 server loop both myna-vc services run on (`myna issuer serve`, `myna verify
//! serve`): what stands between a hostile network and an axum router, so that a client
//! sending slowly, sending much, or sending often cannot take the service from everyone else.
//!
//! [`serve`] takes a listener, the router, an [`EdgeConfig`] and a shutdown future. Each
//! request reaching the router carries the peer address (`axum::extract::ConnectInfo<
//! SocketAddr>`) and its [`RequestId`] in its extensions; every answer has `x-request-id`;
//! every log line written while a request is served is inside spans naming the client
//! address and the request id. What the edge answers itself uses the one JSON error shape
//! `{"error": "<code>", "error_description": "<text>"}` ([`JsonError`], [`Refusal`]).
//!
//! ## A short tour
//!
//! * [`config`]: [`EdgeConfig`], the limits and their product defaults (an `[edge]` table in
//!   a TOML file);
//! * [`client`]: who a client is ([`ClientKey`]: the IPv4 address, or the IPv6 /64);
//! * `server`: the loop — accept, admit, serve each connection on its own task, stop;
//! * `accept`: connection caps, global and per client; a refused connection gets a short
//!   503 JSON answer and is closed, and the refusal is logged (throttled);
//! * `connection`: hyper's HTTP/1 server connection with its head limits set above ours;
//! * `activity`: a connection's header read timeout, idle keep-alive timeout and stalled
//!   answers, judged from the bytes it moves (hyper's own header timer cannot tell idle from
//!   slow);
//! * `exchange`: one request — head limits (431), rates (429), body budget (413/503),
//!   request id and span, the router within the request timeout (503), one log line;
//! * `header_limits`: the head's size and field count;
//! * `rate`: governor buckets per client (a bounded table) and for everyone;
//! * `budget`: the bytes of request bodies held at once (a semaphore), and the body read
//!   timeout between frames (408);
//! * [`request_id`]: the ids;
//! * [`cors`]: the CORS policy of the routes a wallet web app calls from its own origin;
//! * `shutdown`: graceful, then after the grace every connection is dropped;
//! * `log_throttle`: what floods repeat is logged once per 10 s per kind, with a count;
//! * `open_files`: the soft open-file limit raised to the hard one at start;
//! * [`error`]: the JSON error shape.
//!
//! ## Example
//!
//! ```
//! use axum::{routing::get, Router};
//! use myna_edge::{serve, EdgeConfig};
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let app = Router::new().route("/health", get(|| async { "ok" }));
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(serve(listener, app, EdgeConfig::default(), async {
//!     let _ = stopped.await;
//! }));
//! stop.send(()).ok();
//! server.await??;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What hyper answers itself
//!
//! Two refusals happen inside hyper's parser, before the edge sees a request, and so are not
//! in the JSON shape: a request that is not HTTP/1 at all (a bare 400), and a head past
//! hyper's own limits, which the edge sets to twice the configured ones (a bare 431; a head
//! between the configured limit and twice it gets the edge's 431 JSON). Both are logged as
//! parse failures (throttled).
#![forbid(unsafe_code)]

mod accept;
mod activity;
mod budget;
pub mod client;
pub mod config;
mod connection;
pub mod cors;
pub mod error;
mod exchange;
mod header_limits;
mod log_throttle;
mod open_files;
mod rate;
pub mod request_id;
mod server;
mod shutdown;

pub use client::ClientKey;
pub use config::{ConfigError, EdgeConfig};
pub use error::{JsonError, Refusal};
pub use request_id::{RequestId, RequestIds};
pub use server::serve;

//! The open presentation requests of `myna verify serve`, bounded per client and in all.
//!
//! `POST /requests` may be open to anyone who can reach the service, so what it stores must
//! not grow with what a stranger sends: each client (the peer's IP address, an IPv6 peer by its
//! /64) holds at most [`OpenRequestLimits::per_client`] unanswered requests, and the service at
//! most [`OpenRequestLimits::total`]. A request leaves when it is answered or when it expires;
//! expired ones leave in order of expiry (an index by expiry time), so a flood costs each new
//! request a logarithmic step, never a scan of everything held.
//!
//! ```
//! use myna_verifier::pending::{ClientKey, OpenRequestLimits, OpenRequests, Refusal};
//! use myna_verifier::core::time::NumericDate;
//!
//! let limits = OpenRequestLimits { per_client: 1, total: 10 };
//! let mut open = OpenRequests::new(limits);
//! let shop: ClientKey = "192.0.2.7".parse::<std::net::IpAddr>().unwrap().into();
//! let now = NumericDate::from_unix(1_000);
//! let expires = NumericDate::from_unix(1_300);
//! open.insert("r1".into(), shop, "first", expires, now).unwrap();
//! // The client's one slot is taken until the request is answered or expires.
//! assert!(matches!(
//!     open.insert("r2".into(), shop, "second", expires, now),
//!     Err(Refusal::ClientFull { retry_after_secs: 300, .. })
//! ));
//! assert_eq!(open.take("r1", now), Ok("first"));
//! assert!(open.insert("r2".into(), shop, "second", expires, now).is_ok());
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use myna_vc_core::time::NumericDate;

/// Who holds open requests: the peer's IPv4 address, or the /64 prefix of its IPv6 address (a
/// single subscriber usually holds a whole /64, so counting addresses would let one client be
/// many).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientKey {
    /// An IPv4 peer (also one reaching an IPv6 socket as `::ffff:a.b.c.d`).
    V4(Ipv4Addr),
    /// The first 64 bits of an IPv6 peer's address.
    V6Prefix([u8; 8]),
    /// A request the server loop did not label with its peer (an embedding without
    /// `ConnectInfo`): all such requests share one client's quota.
    Unknown,
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4),
                None => {
                    let o = v6.octets();
                    ClientKey::V6Prefix([o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]])
                }
            },
        }
    }
}

impl From<SocketAddr> for ClientKey {
    fn from(peer: SocketAddr) -> Self {
        ClientKey::from(peer.ip())
    }
}

impl fmt::Display for ClientKey {
    /// `192.0.2.7`, `2001:db8:1:2::/64`, or `unknown`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::V4(v4) => write!(f, "{v4}"),
            ClientKey::V6Prefix(p) => {
                let mut octets = [0u8; 16];
                for (to, from) in octets.iter_mut().zip(p) {
                    *to = *from;
                }
                write!(f, "{}/64", std::net::Ipv6Addr::from(octets))
            }
            ClientKey::Unknown => f.write_str("unknown"),
        }
    }
}

/// How many unanswered requests one client and the whole service may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRequestLimits {
    /// Per client (default [`MAX_OPEN_PER_CLIENT`]).
    pub per_client: usize,
    /// In all (default [`MAX_OPEN_TOTAL`]).
    pub total: usize,
}

/// The default number of unanswered requests one client may hold: far more than a shop's
/// registers open at once, far less than what would crowd out the other shops.
pub const MAX_OPEN_PER_CLIENT: usize = 256;

/// The default number of unanswered requests held in all (a few kilobytes each).
pub const MAX_OPEN_TOTAL: usize = 20_000;

impl Default for OpenRequestLimits {
    fn default() -> Self {
        OpenRequestLimits {
            per_client: MAX_OPEN_PER_CLIENT,
            total: MAX_OPEN_TOTAL,
        }
    }
}

/// Why a new request was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The client already holds its limit of unanswered requests; one frees within
    /// `retry_after_secs` (when the client's oldest expires), or sooner if one is answered.
    ClientFull {
        /// The client's limit.
        limit: usize,
        /// Seconds until the client's oldest open request expires (at least 1).
        retry_after_secs: u64,
    },
    /// The service holds its limit of unanswered requests in all.
    StoreFull {
        /// The service's limit.
        limit: usize,
        /// Seconds until the oldest open request expires (at least 1).
        retry_after_secs: u64,
    },
    /// The id is already taken (a random 128-bit id repeated: never in practice, but the
    /// counts must stay right if it does).
    DuplicateId,
}

/// Why [`OpenRequests::take`] found no open request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// No request with this id is held: never created, already answered, or expired and
    /// purged.
    Unknown,
    /// The request was held but had expired (it is gone now).
    Expired,
}

/// Where one open request sits in the expiry index: its expiry time, then a sequence number
/// that tells apart requests expiring in the same second.
type ExpiryKey = (NumericDate, u64);

#[derive(Debug)]
struct Entry<T> {
    value: T,
    client: ClientKey,
    expiry: ExpiryKey,
}

/// The open requests, by id, with an index by expiry and one by client.
///
/// Every index holds exactly the entries `by_id` holds, so all three are bounded by
/// [`OpenRequestLimits::total`]; a client without open requests has no entry at all.
#[derive(Debug)]
pub struct OpenRequests<T> {
    limits: OpenRequestLimits,
    by_id: HashMap<String, Entry<T>>,
    by_expiry: BTreeMap<ExpiryKey, String>,
    by_client: HashMap<ClientKey, BTreeSet<ExpiryKey>>,
    next_seq: u64,
}

impl<T> OpenRequests<T> {
    /// An empty store with these limits.
    pub fn new(limits: OpenRequestLimits) -> Self {
        OpenRequests {
            limits,
            by_id: HashMap::new(),
            by_expiry: BTreeMap::new(),
            by_client: HashMap::new(),
            next_seq: 0,
        }
    }

    /// The limits this store keeps.
    pub fn limits(&self) -> OpenRequestLimits {
        self.limits
    }

    /// How many requests are held (expired ones not yet purged included).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no request is held.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// How many requests `client` holds.
    pub fn held_by(&self, client: ClientKey) -> usize {
        self.by_client.get(&client).map_or(0, BTreeSet::len)
    }

    /// How many clients hold at least one request (the per-client table's size).
    pub fn clients(&self) -> usize {
        self.by_client.len()
    }

    /// Drops every request expired at `now` (expiry at or before `now`), oldest first; costs
    /// a logarithmic step per request dropped and nothing for the others.
    pub fn purge_expired(&mut self, now: NumericDate) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let id = entry.remove();
            self.remove(&id);
        }
    }

    /// Whether `client` could store a new request at `now` (after purging what expired): the
    /// check made before the work of building one, so a refused flood costs little.
    pub fn admit(&mut self, client: ClientKey, now: NumericDate) -> Result<(), Refusal> {
        self.purge_expired(now);
        if let Some(held) = self.by_client.get(&client) {
            if held.len() >= self.limits.per_client {
                return Err(Refusal::ClientFull {
                    limit: self.limits.per_client,
                    retry_after_secs: retry_after(held.first(), now),
                });
            }
        }
        if self.by_id.len() >= self.limits.total {
            return Err(Refusal::StoreFull {
                limit: self.limits.total,
                retry_after_secs: retry_after(self.by_expiry.keys().next(), now),
            });
        }
        Ok(())
    }

    /// Stores `value` under `id` for `client` until `expires_at`, if the limits allow it at
    /// `now`.
    pub fn insert(
        &mut self,
        id: String,
        client: ClientKey,
        value: T,
        expires_at: NumericDate,
        now: NumericDate,
    ) -> Result<(), Refusal> {
        self.admit(client, now)?;
        if self.by_id.contains_key(&id) {
            return Err(Refusal::DuplicateId);
        }
        let expiry = (expires_at, self.next_seq);
        self.next_seq = self.next_seq.wrapping_add(1);
        self.by_expiry.insert(expiry, id.clone());
        self.by_client.entry(client).or_default().insert(expiry);
        self.by_id.insert(
            id,
            Entry {
                value,
                client,
                expiry,
            },
        );
        Ok(())
    }

    /// The open request `id`, if held and not expired at `now`.
    pub fn get(&self, id: &str, now: NumericDate) -> Option<&T> {
        self.by_id
            .get(id)
            .filter(|entry| entry.expiry.0 > now)
            .map(|entry| &entry.value)
    }

    /// Takes the request `id` out: it is answered at most once, so even an expired one
    /// leaves.
    pub fn take(&mut self, id: &str, now: NumericDate) -> Result<T, Closed> {
        let entry = self.remove(id).ok_or(Closed::Unknown)?;
        if entry.expiry.0 <= now {
            return Err(Closed::Expired);
        }
        Ok(entry.value)
    }

    /// Removes `id` from every index (and its client, once it holds nothing).
    fn remove(&mut self, id: &str) -> Option<Entry<T>> {
        let entry = self.by_id.remove(id)?;
        self.by_expiry.remove(&entry.expiry);
        if let Some(held) = self.by_client.get_mut(&entry.client) {
            held.remove(&entry.expiry);
            if held.is_empty() {
                self.by_client.remove(&entry.client);
            }
        }
        Some(entry)
    }
}

/// Seconds from `now` until `oldest` expires, at least 1 (a `Retry-After` of 0 invites a
/// busy loop).
fn retry_after(oldest: Option<&ExpiryKey>, now: NumericDate) -> u64 {
    let secs = oldest.map_or(1, |(at, _)| at.as_unix().saturating_sub(now.as_unix()));
    u64::try_from(secs).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: i64) -> NumericDate {
        NumericDate::from_unix(t)
    }

    fn client(last: u8) -> ClientKey {
        ClientKey::from(IpAddr::from([198, 51, 100, last]))
    }

    #[test]
    fn ipv6_peers_count_by_their_64_prefix_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::from(a), ClientKey::from(b));
        assert_ne!(ClientKey::from(a), ClientKey::from(c));
        assert_eq!(ClientKey::from(a).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.9".parse().unwrap();
        assert_eq!(
            ClientKey::from(mapped),
            ClientKey::V4(Ipv4Addr::new(192, 0, 2, 9))
        );
    }

    #[test]
    fn a_full_client_is_refused_while_others_are_served() {
        let limits = OpenRequestLimits {
            per_client: 3,
            total: 100,
        };
        let mut open = OpenRequests::new(limits);
        for i in 0..3 {
            open.insert(format!("a{i}"), client(1), i, at(100 + i), at(0))
                .unwrap();
        }
        assert_eq!(
            open.insert("a3".into(), client(1), 3, at(200), at(0)),
            Err(Refusal::ClientFull {
                limit: 3,
                retry_after_secs: 100
            })
        );
        assert_eq!(
            open.insert("b0".into(), client(2), 0, at(200), at(0)),
            Ok(())
        );
        assert_eq!(open.held_by(client(1)), 3);
        assert_eq!(open.len(), 4);
    }

    #[test]
    fn the_total_is_bounded_across_clients() {
        let limits = OpenRequestLimits {
            per_client: 2,
            total: 5,
        };
        let mut open = OpenRequests::new(limits);
        for i in 0..5u8 {
            open.insert(format!("r{i}"), client(i), (), at(60), at(0))
                .unwrap();
        }
        assert_eq!(
            open.insert("r5".into(), client(9), (), at(60), at(10)),
            Err(Refusal::StoreFull {
                limit: 5,
                retry_after_secs: 50
            })
        );
        // Once they expire, everything is free again, and no client is remembered.
        assert_eq!(
            open.insert("r5".into(), client(9), (), at(120), at(60)),
            Ok(())
        );
        assert_eq!(open.len(), 1);
        assert_eq!(open.clients(), 1);
    }

    #[test]
    fn answered_and_expired_requests_free_the_quota_and_the_client_entry() {
        let limits = OpenRequestLimits {
            per_client: 2,
            total: 10,
        };
        let mut open = OpenRequests::new(limits);
        open.insert("x".into(), client(1), 'x', at(100), at(0))
            .unwrap();
        open.insert("y".into(), client(1), 'y', at(50), at(0))
            .unwrap();
        assert!(open.admit(client(1), at(0)).is_err());
        assert_eq!(open.take("x", at(10)), Ok('x'));
        assert_eq!(open.take("x", at(10)), Err(Closed::Unknown));
        assert_eq!(open.held_by(client(1)), 1);
        // `y` expires at 50: not served after, and its slot is purged on the next admission.
        assert_eq!(open.get("y", at(49)), Some(&'y'));
        assert_eq!(open.get("y", at(50)), None);
        assert_eq!(open.admit(client(2), at(50)), Ok(()));
        assert_eq!(open.held_by(client(1)), 0);
        assert_eq!(open.clients(), 0);
        assert!(open.is_empty());
    }

    #[test]
    fn an_expired_request_taken_before_the_purge_says_expired_and_leaves() {
        let mut open = OpenRequests::new(OpenRequestLimits::default());
        open.insert("z".into(), client(1), (), at(30), at(0))
            .unwrap();
        assert_eq!(open.take("z", at(30)), Err(Closed::Expired));
        assert_eq!(open.take("z", at(30)), Err(Closed::Unknown));
        assert_eq!(open.clients(), 0);
    }

    #[test]
    fn a_repeated_id_is_refused_without_disturbing_the_counts() {
        let mut open = OpenRequests::new(OpenRequestLimits::default());
        open.insert("same".into(), client(1), 1, at(30), at(0))
            .unwrap();
        assert_eq!(
            open.insert("same".into(), client(2), 2, at(30), at(0)),
            Err(Refusal::DuplicateId)
        );
        assert_eq!(open.held_by(client(2)), 0);
        assert_eq!(open.take("same", at(1)), Ok(1));
        assert!(open.is_empty());
    }

    #[test]
    fn requests_expiring_out_of_insertion_order_are_purged_by_expiry() {
        let mut open = OpenRequests::new(OpenRequestLimits::default());
        open.insert("late".into(), client(1), (), at(300), at(0))
            .unwrap();
        open.insert("early".into(), client(2), (), at(100), at(0))
            .unwrap();
        open.purge_expired(at(100));
        assert_eq!(open.len(), 1);
        assert!(open.get("late", at(100)).is_some());
        assert_eq!(open.held_by(client(2)), 0);
    }
}

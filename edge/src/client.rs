//! Who a client is: the unit that connection caps and rate limits count by.

use std::net::{IpAddr, Ipv6Addr};

/// A client: the peer's IPv4 address, or the /64 prefix of its IPv6 address (one host or
/// one subscriber typically holds a whole /64, so counting single IPv6 addresses would let
/// it take 2^64 identities). An IPv4-mapped IPv6 peer (a dual-stack listener) is its IPv4
/// address.
///
/// ```
/// use std::net::IpAddr;
/// use myna_edge::ClientKey;
/// let ip = |s: &str| s.parse::<IpAddr>().unwrap();
/// assert_eq!(ClientKey::of(ip("2001:db8:1:2::5")), ClientKey::of(ip("2001:db8:1:2:ffff::9")));
/// assert_ne!(ClientKey::of(ip("2001:db8:1:2::5")), ClientKey::of(ip("2001:db8:1:3::5")));
/// assert_eq!(ClientKey::of(ip("::ffff:192.0.2.7")), ClientKey::of(ip("192.0.2.7")));
/// assert_eq!(ClientKey::of(ip("2001:db8:1:2::5")).to_string(), "2001:db8:1:2::/64");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    /// The client a peer address belongs to.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => ClientKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !u128::from(u64::MAX);
                    ClientKey(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

impl core::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

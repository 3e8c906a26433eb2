//! The process's open-file limit, raised at serve start: every connection is a file
//! descriptor, and the soft limit a process starts with (often 1024) would refuse
//! connections below the configured caps with an error nobody sees. The soft limit is raised
//! to the hard one (what the system allows without privileges) and logged.

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; answers the limit now in force, or
/// `None` where there is no such limit (or it could not be read).
pub(crate) fn raise_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(error) => {
            tracing::warn!(%error, "the open-file limit could not be raised");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn the_soft_limit_ends_at_the_hard_limit() {
        let limit = super::raise_limit().unwrap();
        let (soft, hard) = rlimit::Resource::NOFILE.get().unwrap();
        assert_eq!(soft, limit);
        assert!(soft <= hard);
        assert!(soft >= 64);
    }
}

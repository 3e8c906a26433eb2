-- The replay guard a fleet of gates and tills shares (`replay::PgReplayGuard`): the SHA-256
-- digest of each used key-binding JWT (or single-use nonce) and the Unix time until which it
-- could still pass the freshness check. A row whose time has passed is as good as absent:
-- the next use of that digest overwrites it, and pruning deletes it.

CREATE TABLE replay_seen (
    digest bytea PRIMARY KEY,
    live_until bigint NOT NULL
);

CREATE INDEX replay_seen_by_expiry ON replay_seen (live_until);

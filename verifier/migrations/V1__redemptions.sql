-- A sale's redemption ledger (`ledger::PgLedger`): one row per (sale, pseudonym), the shop
-- and the time of the first purchase. The primary key is what makes a purchase once per
-- person across every shop's process: `INSERT … ON CONFLICT DO NOTHING` lets one insert win.

CREATE TABLE redemptions (
    sale text NOT NULL,
    pseudonym text NOT NULL,
    shop text NOT NULL,
    redeemed_at bigint NOT NULL,
    PRIMARY KEY (sale, pseudonym)
);

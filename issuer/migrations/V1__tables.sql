-- The issuer's tables: one per logical table of `myna_issuer::tables::Table`, each a
-- byte-keyed map (the concept modules own the encodings; bytea orders bytewise, as redb
-- does). Every write transaction takes one advisory lock first (see `store::postgres`).

CREATE TABLE records (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE records_by_subject (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE records_by_holder_key (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE status_lists (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE status_list_entries (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE status_list_assigned (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE challenges (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE audit_log (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE meta (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE certificate_subjects (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE sealed_links (key bytea PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE service_state (key bytea PRIMARY KEY, value bytea NOT NULL);

-- The status list blobs are rewritten whole; out of line without compression is cheaper.
ALTER TABLE status_list_entries ALTER COLUMN value SET STORAGE EXTERNAL;
ALTER TABLE status_list_assigned ALTER COLUMN value SET STORAGE EXTERNAL;

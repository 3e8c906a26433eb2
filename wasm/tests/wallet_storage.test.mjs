// The wallet's storage API as the web app uses it: records to keep in IndexedDB, opened again
// with the passphrase; a damaged record named and kept; backup export and import; the cards
// held with their status, persisted across a re-open; the history; consents in steps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Wallet } from "myna-vc/wallet";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const storage = JSON.parse(await readFile(`${fixtures}/storage.json`, "utf8"));
const { now } = storage;
const coded = (code) => (error) => error instanceof Error && error.code === code;
const PASS = "correct horse battery staple";

/** The page's IndexedDB, as a Map "table/key" → record. */
class Db {
  constructor() { this.records = new Map(); }
  apply(changes) {
    for (const { table, key, value } of changes) {
      assert.equal(typeof table, "string");
      assert.equal(typeof key, "string");
      if (value === null) this.records.delete(`${table}/${key}`);
      else {
        assert.ok(value instanceof Uint8Array);
        this.records.set(`${table}/${key}`, { table, key, value: new Uint8Array(value) });
      }
    }
  }
  all() { return [...this.records.values()]; }
}

// One imported and filled wallet for the whole file (Argon2id at 19 MiB takes a moment).
const db = new Db();
const filled = Wallet.importBackup(Buffer.from(storage.backup, "base64url"), storage.backupPassphrase, PASS, now);
for (const b of storage.batches) {
  assert.deepEqual(filled.keep(b.batch, b.size, b.configurationId, b.credentials, JSON.stringify(storage.trust), now),
    { batch: b.batch, count: b.credentials.length });
}
db.apply(filled.takeChanges());

test("create → takeChanges → open: the right passphrase opens, a wrong one is wrong_passphrase", () => {
  const wallet = Wallet.create(PASS, now);
  const changes = wallet.takeChanges();
  const tables = new Set(changes.map((c) => c.table));
  assert.ok(tables.has("meta") && tables.has("history"), JSON.stringify([...tables]));
  // Nothing in the clear: no record holds the word of the initial history entry.
  for (const c of changes) assert.ok(!Buffer.from(c.value).toString("latin1").includes("initialised"));
  assert.deepEqual(wallet.takeChanges(), []);
  const page = new Db();
  page.apply(changes);
  const opened = Wallet.open(page.all(), PASS);
  assert.equal(opened.history()[0].text, "wallet initialised");
  assert.throws(() => Wallet.open(page.all(), "not the passphrase at all"), coded("wrong_passphrase"));
  assert.throws(() => Wallet.open([], PASS), coded("not_initialised"));
  assert.throws(() => Wallet.open([{ table: "meta", key: "master" }], PASS), coded("invalid_argument"));
  assert.throws(() => Wallet.create("short", now), coded("weak_passphrase"));
});

test("held: one card per batch with kind, titles, claims, labels, copies", () => {
  const { cards, unreadable } = Wallet.open(db.all(), PASS).held(now);
  assert.deepEqual(unreadable, []);
  assert.deepEqual(cards.map((c) => c.batch).sort(), ["age-batch", "age-batch-2", "resident-batch"]);
  const age = cards.find((c) => c.batch === "age-batch");
  assert.equal(age.kind, "age");
  assert.equal(age.titleJa, "年齢確認証明書");
  assert.equal(age.titleEn, "Age certificate");
  assert.equal(age.issuer, storage.issuer);
  assert.equal(age.configurationId, "age");
  assert.equal(age.claims.age_over_20, true);
  assert.deepEqual(age.claimLabels.age_over_20, { ja: "20歳以上", en: "Aged 20 or over" });
  assert.equal(age.claims.iss, undefined, "envelope claims are not the card's claims");
  assert.equal(age.copiesTotal, 2);
  assert.equal(age.copiesLeft, 2);
  assert.equal(age.expiresAt, now + 365 * 86400);
  assert.equal(age.issuedAt, now - 86400);
  assert.equal(age.statusUri, storage.statusUri);
  assert.deepEqual(age.status, { state: "unknown", checkedAt: null });
  const resident = cards.find((c) => c.batch === "resident-batch");
  assert.equal(resident.kind, "resident");
  assert.equal(resident.claims.name, "神戸　太郎");
  assert.deepEqual(resident.claimLabels.address, { ja: "住所", en: "Address" });
});

test("applyStatus records suspended / revoked / valid, and it persists across a re-open", () => {
  const page = new Db();
  page.apply(db.all().map((r) => ({ ...r })));
  const wallet = Wallet.open(page.all(), PASS);
  assert.deepEqual(wallet.statusUris(), [storage.statusUri]);
  const report = wallet.applyStatus(JSON.stringify(storage.trustLater), now + 60);
  assert.deepEqual(report.failed, []);
  const states = Object.fromEntries(report.checked.map((c) => [c.batch, c.state]));
  assert.deepEqual(states, storage.expected.later);
  const changes = wallet.takeChanges();
  assert.ok(changes.length >= 3 && changes.every((c) => c.table === "batches"));
  page.apply(changes);
  const cards = Wallet.open(page.all(), PASS).held(now + 120).cards;
  for (const card of cards) {
    assert.deepEqual(card.status, { state: storage.expected.later[card.batch], checkedAt: now + 60 });
  }
  // A status list signed by someone else: reported, nothing recorded.
  const forged = wallet.applyStatus(JSON.stringify(storage.trustForged), now + 180);
  assert.deepEqual(forged.checked, []);
  assert.equal(forged.failed.length, 1);
  assert.equal(forged.failed[0].uri, storage.statusUri);
  assert.equal(forged.failed[0].code, "signature_invalid");
  assert.deepEqual(wallet.takeChanges(), []);
});

test("a corrupted record is listed in `unreadable`, the other cards still show, nothing is removed", () => {
  const records = db.all().map((r) => ({ ...r, value: new Uint8Array(r.value) }));
  const victim = records.find((r) => r.table === "credentials");
  victim.value[victim.value.length - 5] ^= 0x01;
  const wallet = Wallet.open(records, PASS);
  const { cards, unreadable } = wallet.held(now);
  assert.equal(unreadable.length, 1);
  assert.deepEqual(Object.keys(unreadable[0]).sort(), ["code", "key", "message", "table"]);
  assert.equal(unreadable[0].table, "credentials");
  assert.equal(unreadable[0].key, victim.key);
  assert.equal(unreadable[0].code, "corrupt");
  // Four credentials in three batches; one copy is lost, every batch with a readable copy shows.
  const copies = cards.reduce((n, c) => n + c.copiesTotal, 0);
  assert.equal(copies, 3);
  assert.ok(cards.length >= 2);
  // Reading changed nothing: the page has nothing to write (no record removed).
  assert.deepEqual(wallet.takeChanges(), []);
});

test("backup: export → import elsewhere; truncated → corrupt; wrong backup passphrase", () => {
  const wallet = Wallet.open(db.all(), PASS);
  assert.throws(() => wallet.exportBackup("not the passphrase at all", "backup passphrase 1"), coded("wrong_passphrase"));
  const file = wallet.exportBackup(PASS, "backup passphrase 1");
  assert.ok(file instanceof Uint8Array);
  const copy = Wallet.importBackup(file, "backup passphrase 1", "another device passphrase", now + 10);
  assert.deepEqual(copy.held(now).cards.map((c) => c.batch).sort(), ["age-batch", "age-batch-2", "resident-batch"]);
  const page = new Db();
  page.apply(copy.takeChanges());
  assert.equal(Wallet.open(page.all(), "another device passphrase").held(now).cards.length, 3);
  assert.equal(copy.history().at(-1).text, "restored from a backup");
  assert.throws(() => Wallet.importBackup(file.subarray(0, file.length - 7), "backup passphrase 1", PASS, now), coded("corrupt"));
  const flipped = new Uint8Array(file);
  flipped[100] ^= 0x40;
  assert.throws(() => Wallet.importBackup(flipped, "backup passphrase 1", PASS, now), coded("corrupt"));
  assert.throws(() => Wallet.importBackup(file, "the wrong backup passphrase", PASS, now), coded("wrong_passphrase"));
  assert.throws(() => Wallet.importBackup(new Uint8Array(5), "backup passphrase 1", PASS, now), coded("corrupt"));
});

test("history: oldest first, with kinds and details", () => {
  const items = Wallet.open(db.all(), PASS).history();
  assert.equal(items[0].kind, "note");
  assert.equal(items[0].text, "wallet initialised");
  const received = items.filter((i) => i.kind === "received");
  assert.equal(received.length, 3);
  assert.equal(received[0].detail.issuer, storage.issuer);
  assert.equal(typeof received[0].detail.count, "number");
  for (let i = 1; i < items.length; i++) assert.ok(items[i].at >= items[i - 1].at);
});

test("consents: the registration body carries the record and the holder proof; bad answers are refused", () => {
  const wallet = Wallet.open(db.all(), PASS);
  const clinic = "did:jwk:" + Buffer.from(JSON.stringify(JSON.parse(JSON.stringify(storage.trust.authorityJwk)))).toString("base64url");
  const post = wallet.consentRegistration({ recipient: clinic, purpose: "health consultation",
    vct: "urn:myna-vc:vct:age:1", claims: ["age_over_20"], oneTime: true }, storage.issuer, now);
  assert.equal(post.url, `${storage.issuer}/consents`);
  const body = JSON.parse(post.body);
  const header = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url"));
  const payload = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url"));
  assert.equal(header(body.record).typ, "myna-consent+jwt");
  assert.equal(header(body.holder_proof).typ, "myna-consent-holder+jwt");
  assert.equal(typeof post.pendingId, "string");
  assert.ok(JSON.stringify(payload(body.record)).includes(post.pendingId));
  // Nothing is stored before the registry answers.
  assert.deepEqual(wallet.consents(now), []);
  assert.throws(() => wallet.keepConsent(post.pendingId, JSON.stringify({ receipt: "not.a.receipt" }),
    JSON.stringify(storage.trust.authorityJwk), now), (e) => typeof e.code === "string");
  assert.throws(() => wallet.keepConsent("unknown", "{}", JSON.stringify(storage.trust.authorityJwk), now),
    (e) => typeof e.code === "string");
  assert.throws(() => wallet.consentAction("no-such-consent", "withdraw", now), coded("not_found"));
  assert.throws(() => wallet.consentAction("x", "use", now), coded("invalid_argument"));
  assert.deepEqual(wallet.consents(now), []);
  assert.deepEqual(wallet.consentStatusUris(), []);
});

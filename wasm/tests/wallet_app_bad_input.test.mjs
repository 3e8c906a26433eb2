// Bad input to the wallet app (wasm/pkg/app/) in real Chromium, against a real `myna issuer
// serve` on loopback (support/world.mjs). Each case expects a clear message in Japanese and
// English (`#message[data-code=…]`) and that nothing is lost: the cards shown before are all
// still shown, and every IndexedDB record there was is still there (the count unchanged
// unless the step legitimately adds).
//
//   1. a QR code that is no offer, scanned through the fake camera → not_an_offer
//   2. an offer past its lifetime → offer_expired
//   3. a wrong PIN three times → wrong_pin, wrong_pin (the form stays), offer_locked; the
//      right PIN afterwards no longer works (offer_used)
//   4. a credential altered on its way from the issuer (playwright route) → refused on
//      receipt (signature_invalid), nothing stored
//   5. a credential record damaged in IndexedDB → after reload and unlock the record is
//      listed as unreadable, the other cards still show, the record is still stored
//   6. a truncated backup restored in a fresh profile → corrupt; that profile stays empty
//      and a wallet can still be created there
//
// One persistent profile holds the wallet of cases 1–5 (case 6 exports its backup before
// case 5 damages a record); its Chromium's fake camera shows a
// plain URL as a QR code (case 1; the other cases paste their links). The issuer's offers
// live `LIFETIME` seconds (the issuer has no injectable clock: case 2 waits that out, timed
// between two of the issuer's prunes of expired offers). Screenshots of each error screen
// land in $MYNA_TEST_OUTPUT (default target/browser-test) as wallet-error-<case>.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorld, HANAKO, PRUNE_INTERVAL_SECS } from "./support/world.mjs";
import { fakeCameraArgs, y4mForText } from "./support/fake_camera.mjs";
import { serveApp } from "./support/app.mjs";
import { launchPersistentChromium, screenshot } from "./support/browser.mjs";

const PASSPHRASE = "kumo no ue no sora 2026";
const BACKUP_PASSPHRASE = "another long backup phrase";
const NOT_AN_OFFER = "https://example.com/menu?table=12";
// Long enough for an offer to be redeemed right after it is made, short enough to wait out.
const LIFETIME = 12;
// Time enough to paste an offer, fetch the metadata and send the PIN (case 2).
const ATTEMPT_SECS = 10;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

let scratch;
let world;
let app;
let context;
let page;
let errors = [];

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-wallet-bad-input-"));
  world = await startWorld({ dir: path.join(scratch, "world"), offerLifetimeSecs: LIFETIME });
  assert.equal(world.offerLifetimeSecs, LIFETIME);
  app = await serveApp(world, { lockAfterSeconds: 900 });
  const camera = path.join(scratch, "not-an-offer.y4m");
  await y4mForText(NOT_AN_OFFER, camera);
  ({ context, page } = await launch(path.join(scratch, "profile"), camera));
});

after(async () => {
  await context?.close();
  await world?.stop();
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Chromium on the persistent profile `profile` (its fake camera playing `camera`), the app open. */
async function launch(profile, camera) {
  const launched = await launchPersistentChromium(profile, {
    args: camera ? fakeCameraArgs(camera) : [],
    acceptDownloads: true,
  });
  await launched.grantPermissions(["camera"], { origin: app.url });
  const opened = launched.pages()[0] ?? await launched.newPage();
  opened.on("pageerror", (error) => errors.push(error.message));
  await opened.goto(`${app.url}/`);
  await opened.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  return { context: launched, page: opened };
}

async function onScreen(screen, on = page) {
  await on.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
}

/** Waits for `#message` to show `code`; asserts a Japanese text and an English one, neither
 * the catch-all text of an unknown code. Returns both texts. */
async function expectMessage(code, on = page) {
  try {
    await on.waitForSelector(`#message[data-code="${code}"]:not([hidden])`, { timeout: 60000 });
  } catch (error) {
    const shown = await on.evaluate(() => ({ code: document.getElementById("message").dataset.code,
      text: document.getElementById("message").textContent }));
    assert.fail(`expected #message ${code}, shown: ${JSON.stringify(shown)} (${error.message})`);
  }
  const ja = (await on.locator('#message [lang="ja"]').allTextContents()).join(" ").trim();
  const en = (await on.locator('#message [lang="en"]').allTextContents()).join(" ").trim();
  assert.ok(ja.length > 0, `${code}: a Japanese text`);
  assert.match(ja, JAPANESE, `${code}: the Japanese text is Japanese: ${ja}`);
  assert.ok(en.length > 0, `${code}: an English text`);
  assert.doesNotMatch(en, JAPANESE, `${code}: the English text is English: ${en}`);
  assert.notEqual(ja, "エラーが発生しました。", `${code}: a message of its own, not the catch-all one`);
  return { ja, en };
}

/** Every record of the app's IndexedDB: `table/key` → the value's bytes as hex. */
async function records(on = page) {
  return on.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open("myna-wallet");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      if (!db.objectStoreNames.contains("records")) return {};
      const all = await new Promise((resolve, reject) => {
        const r = db.transaction("records", "readonly").objectStore("records").getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      return Object.fromEntries(all.map((r) => [`${r.table}/${r.key}`,
        Array.from(new Uint8Array(r.value), (b) => b.toString(16).padStart(2, "0")).join("")]));
    } finally {
      db.close();
    }
  });
}

/** The cards on the cards screen (going there): each card's batch and title. */
async function cards(on = page) {
  await on.click("#nav-cards");
  await onScreen("cards", on);
  return on.locator("#cards-list > li").evaluateAll((items) =>
    items.map((li) => `${li.dataset.batch} ${li.querySelector("h2").textContent}`).sort());
}

/** Asserts nothing was lost since `before` ({ cards, records }): the same cards, every record
 * still there, and (unless `mayAdd`) no record more. */
async function assertNothingLost(before, { mayAdd = false } = {}) {
  const now = { records: await records(), cards: await cards() };
  assert.deepEqual(now.cards, before.cards, "the same cards as before");
  for (const key of Object.keys(before.records)) assert.ok(key in now.records, `record ${key} is still stored`);
  if (!mayAdd) assert.equal(Object.keys(now.records).length, Object.keys(before.records).length, "no record more");
  return now;
}

async function state() {
  return { cards: await cards(), records: await records() };
}

async function shot(name, on = page) {
  await screenshot(on, `wallet-error-${name}`);
}

/** Pastes `link` on the receive screen. */
async function paste(link) {
  await page.click("#nav-receive");
  await onScreen("receive");
  await page.fill("#receive-link", link);
  await page.click("#receive-paste-submit");
}

/** Receives an offer by its link with its PIN and accepts it. */
async function receive(offer) {
  await paste(offer.link);
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
  await page.fill("#receive-pin", offer.pin);
  await page.click("#receive-pin-submit");
  await onScreen("offer-preview");
  await page.click("#offer-accept");
  await onScreen("cards");
  await page.waitForSelector('#message[data-code="ok"]:not([hidden])', { timeout: 60000 });
}

test("a wallet with three cards from the city", async () => {
  await onScreen("start");
  await page.fill("#create-passphrase", PASSPHRASE);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await onScreen("cards");
  // One offer of two credentials (two cards of one batch), and one of one.
  await receive(await world.offer([
    { credential: "age", birthdate: HANAKO.birthdate },
    { credential: "resident", name: HANAKO.name, address: HANAKO.address, birthdate: HANAKO.birthdate },
  ]));
  await receive(await world.offer({ credential: "age", birthdate: "2001-04-02" }));
  // The first status check writes the batches' states; from here on the record set is stable.
  await page.click("#status-refresh");
  await page.waitForSelector('#message[data-code="ok"]:not([hidden])', { timeout: 60000 });
  const held = await state();
  assert.equal(held.cards.length, 3, JSON.stringify(held.cards));
  assert.equal(Object.keys(held.records).filter((k) => k.startsWith("batches/")).length, 2, "two batches");
  assert.deepEqual(errors, []);
});

test("1. a QR code that is no offer, through the camera → not_an_offer", async () => {
  const before = await state();
  await page.click("#nav-receive");
  await onScreen("receive");
  await page.click("#receive-camera");
  const { ja, en } = await expectMessage("not_an_offer");
  assert.match(en, /not a credential offer/);
  assert.match(ja, /受け取り用ではありません/);
  await shot("not-an-offer");
  await assertNothingLost(before);
});

/** Submits `pin` in the PIN form; resolves once the issuer answered the token request. */
async function submitPin(pin) {
  await page.fill("#receive-pin", pin);
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/token", { timeout: 60000 }),
    page.click("#receive-pin-submit"),
  ]);
}

test("3. a wrong PIN three times → wrong_pin, wrong_pin, offer_locked; then the right PIN fails", async () => {
  const before = await state();
  const offer = await world.offer();
  const wrong = offer.pin === "123456" ? "654321" : "123456";
  await paste(offer.link);
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
  for (const attempt of [1, 2]) {
    await submitPin(wrong);
    await expectMessage("wrong_pin");
    // The form stays for another try.
    assert.equal(await page.isVisible("#receive-pin-form"), true, `the PIN form after wrong PIN ${attempt}`);
    assert.equal(await page.getAttribute("body", "data-screen"), "receive");
    if (attempt === 1) await shot("wrong-pin");
  }
  await submitPin(wrong);
  const { ja, en } = await expectMessage("offer_locked");
  assert.match(en, /new/i, "the resident is told to ask for a new offer");
  assert.match(ja, /新しい/);
  await shot("offer-locked");
  assert.equal(await page.isVisible("#receive-pin-form"), false, "no PIN form for a withdrawn offer");
  // The offer is withdrawn: scanned again, the right PIN no longer works.
  await paste(offer.link);
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
  await submitPin(offer.pin);
  await expectMessage("offer_used");
  assert.equal(await page.getAttribute("body", "data-screen"), "receive");
  await assertNothingLost(before);
  assert.deepEqual(errors, []);
});

test("4. a credential altered on its way from the issuer → refused on receipt, nothing stored", async () => {
  const before = await state();
  const offer = await world.offer();
  let altered = 0;
  await page.route((url) => url.pathname === "/credential", async (route) => {
    const response = await route.fetch();
    const answer = await response.json();
    for (const item of answer.credentials ?? []) {
      // One byte of the issuer's signature over the credential, flipped.
      const [jwt, ...disclosures] = item.credential.split("~");
      const [header, payload, signature] = jwt.split(".");
      const bytes = Buffer.from(signature, "base64url");
      bytes[bytes.length >> 1] ^= 0x01;
      item.credential = [[header, payload, bytes.toString("base64url")].join("."), ...disclosures].join("~");
      altered += 1;
    }
    await route.fulfill({ response, body: JSON.stringify(answer) });
  });
  try {
    await paste(offer.link);
    await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
    await page.fill("#receive-pin", offer.pin);
    await page.click("#receive-pin-submit");
    const { en } = await expectMessage("signature_invalid");
    assert.ok(altered > 0, "the issuer's answer went through the route");
    assert.match(en, /signature/i);
    assert.equal(await page.getAttribute("body", "data-screen"), "receive", "no preview of a forged credential");
    await shot("tampered-credential");
  } finally {
    await page.unroute((url) => url.pathname === "/credential");
  }
  const after = await assertNothingLost(before);
  // Nothing of the refused receipt is written later either (the next save writes only status).
  await page.click("#status-refresh");
  await page.waitForSelector('#message[data-code="ok"]:not([hidden])', { timeout: 60000 });
  assert.deepEqual(Object.keys(await records()).sort(), Object.keys(after.records).sort());
  assert.deepEqual(errors, []);
});

test("6. a truncated backup restored in a fresh profile → corrupt; the profile stays empty and usable", async () => {
  await page.click("#nav-backup");
  await onScreen("backup");
  await page.fill("#backup-passphrase", PASSPHRASE);
  await page.fill("#backup-new-passphrase", BACKUP_PASSPHRASE);
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 60000 }),
    page.click("#backup-export-submit"),
  ]);
  const whole = await readFile(await download.path());
  assert.ok(whole.length > 256, `a backup of ${whole.length} bytes`);
  const truncated = path.join(scratch, "truncated.mwb");
  await writeFile(truncated, whole.subarray(0, whole.length >> 1));

  const fresh = await launch(path.join(scratch, "fresh-profile"));
  try {
    const other = fresh.page;
    await onScreen("start", other);
    assert.deepEqual(await records(other), {});
    await other.setInputFiles("#restore-file", truncated);
    await other.fill("#restore-backup-passphrase", BACKUP_PASSPHRASE);
    await other.fill("#restore-passphrase", PASSPHRASE);
    await other.click("#restore-submit");
    await expectMessage("corrupt", other);
    await shot("truncated-backup", other);
    assert.equal(await other.getAttribute("body", "data-screen"), "start");
    assert.deepEqual(await records(other), {}, "nothing written by a failed restore");
    // Still usable: a wallet can be created.
    await other.fill("#create-passphrase", PASSPHRASE);
    await other.fill("#create-passphrase-again", PASSPHRASE);
    await other.click("#create-submit");
    await onScreen("cards", other);
    assert.equal(await other.locator("#cards-list > li").count(), 0);
    assert.ok(Object.keys(await records(other)).length > 0, "the new wallet is stored");
  } finally {
    await fresh.context.close();
  }
  assert.deepEqual(errors, []);
});

let damaged; // the record damaged in case 5

test("5. a credential record damaged in IndexedDB → listed as unreadable, kept, the rest shown", async () => {
  const before = await state();
  const credentialKeys = Object.keys(before.records).filter((k) => k.startsWith("credentials/"));
  assert.ok(credentialKeys.length >= 2, Object.keys(before.records).join(", "));
  const target = credentialKeys[0];
  damaged = await page.evaluate(async (id) => {
    const [table, ...rest] = id.split("/");
    const key = rest.join("/");
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open("myna-wallet");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction("records", "readwrite");
    const store = tx.objectStore("records");
    const record = await new Promise((resolve, reject) => {
      const r = store.get([table, key]);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const value = new Uint8Array(record.value);
    // Four bytes in the middle of the ciphertext, inverted.
    for (let i = 0; i < 4; i++) value[(value.length >> 1) + i] ^= 0xff;
    store.put({ table, key, value });
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    db.close();
    return { table, key, hex: Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("") };
  }, target);
  assert.notEqual(damaged.hex, before.records[target]);

  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await onScreen("unlock");
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-submit");
  await onScreen("cards");
  const item = page.locator(`#unreadable-list li[data-code][data-key="${damaged.key}"]`);
  await item.waitFor({ timeout: 60000 });
  assert.equal(await page.isVisible("#unreadable"), true);
  assert.equal(await page.locator("#unreadable-list li").count(), 1);
  const code = await item.getAttribute("data-code");
  assert.ok(code, "the unreadable record has a code");
  const ja = (await page.locator('#unreadable [lang="ja"]').allTextContents()).join(" ");
  const en = (await page.locator('#unreadable [lang="en"]').allTextContents()).join(" ");
  assert.match(ja, JAPANESE);
  assert.match(ja, /削除はしていません/);
  assert.match(en, /not been deleted/);
  // The record's own line says what is wrong, in both languages.
  assert.match(await item.locator('[lang="ja"]').first().textContent(), JAPANESE);
  assert.ok((await item.locator('[lang="en"]').first().textContent()).trim().length > 0);
  assert.ok((await item.textContent()).includes(damaged.key), "the line names the record");
  await shot("unreadable-record");
  // The other cards still show; the damaged record is still stored, as it was damaged.
  const now = await records();
  assert.equal(now[target], damaged.hex, "the damaged record is kept as it is");
  for (const key of Object.keys(before.records)) assert.ok(key in now, `record ${key} is still stored`);
  assert.equal(Object.keys(now).length, Object.keys(before.records).length);
  const shown = await cards();
  for (const card of shown) assert.ok(before.cards.includes(card), `${card} was held before`);
  assert.ok(shown.length >= before.cards.length - 1, `the other cards still show: ${shown.join(", ")}`);
  // A backup still works and loses nothing: the damaged record travels as it is stored, and a
  // restore on another device lists the same record as unreadable, beside the same cards.
  await page.click("#nav-backup");
  await onScreen("backup");
  await page.fill("#backup-passphrase", PASSPHRASE);
  await page.fill("#backup-new-passphrase", BACKUP_PASSPHRASE);
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 60000 }),
    page.click("#backup-export-submit"),
  ]);
  const backup = await download.path();
  const restored = await launch(path.join(scratch, "restored-with-damage"));
  try {
    const other = restored.page;
    await onScreen("start", other);
    await other.setInputFiles("#restore-file", backup);
    await other.fill("#restore-backup-passphrase", BACKUP_PASSPHRASE);
    await other.fill("#restore-passphrase", PASSPHRASE);
    await other.click("#restore-submit");
    await onScreen("cards", other);
    await other.locator(`#unreadable-list li[data-key="${damaged.key}"]`).waitFor({ timeout: 60000 });
    assert.deepEqual((await cards(other)).sort(), shown.slice().sort());
    assert.equal((await records(other))[target], damaged.hex, "the damaged record arrived byte for byte");
    await shot("restored-with-unreadable-record", other);
  } finally {
    await restored.context.close();
  }
  assert.equal((await records())[target], damaged.hex, "the damaged record is still kept as it is");
  assert.deepEqual(errors, []);
});

test("2. an offer past its lifetime → offer_expired", async () => {
  const before = await state();
  // The issuer runs on the real clock and deletes expired offers every PRUNE_INTERVAL_SECS
  // (a deleted offer reads as used): the offer is made so that it expires, and is tried,
  // between two prunes — after the next one when it is too near.
  const period = PRUNE_INTERVAL_SECS * 1000;
  const now = Date.now();
  const nextPrune = world.servingSince + Math.ceil((now - world.servingSince + 1) / period) * period;
  if (now + (LIFETIME + 2 + ATTEMPT_SECS) * 1000 > nextPrune) await sleep(nextPrune + 1000 - now);
  const offer = await world.offer();
  await sleep(Math.max(0, offer.expiresAt * 1000 - Date.now()));
  await paste(offer.link);
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
  await submitPin(offer.pin);
  const { ja, en } = await expectMessage("offer_expired");
  assert.match(ja, /期限切れ/);
  assert.match(en, /expired/);
  assert.equal(await page.getAttribute("body", "data-screen"), "receive");
  assert.equal(await page.isVisible("#receive-pin-form"), false, "no PIN form for an expired offer");
  await shot("offer-expired");
  await assertNothingLost(before);
  assert.deepEqual(errors, []);
});

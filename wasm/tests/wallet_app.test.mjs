// The resident's journey through the wallet app (wasm/pkg/app/, built by scripts/build-app) in
// real Chromium at a phone's viewport, against a real `myna issuer serve` on loopback
// (support/world.mjs), every QR code read through Chromium's fake camera:
//
//  1. create a wallet → scan the city's offer (a resident and an age credential, as a city
//     offers them) → PIN → preview → accept → two cards, Japanese titles, the city's name;
//  2. scan a shop's challenge (age-over-20) → the preview lists exactly `age_over_20` and
//     names the shop → confirm → the presentation QR, read from a screenshot of the screen,
//     accepted by the Rust verifier;
//  3. a second shop asks `resident:102016` → accepted too, made with another credential
//     copy: the two presentations share no holder key;
//  4. the city revokes → the status check shows 失効 → reload: everything persisted;
//  5. lock → a wrong passphrase is refused (ja + en) → the right one unlocks; the history;
//  6. export a backup (a download) → restore it in a fresh browser profile: the same cards,
//     still revoked; the first profile's wallet untouched.
//
// axe-core runs on every screen reached with real content (no serious or critical violation),
// and each is photographed in Japanese as $MYNA_TEST_OUTPUT/wallet-<screen>.png (default
// target/browser-test/), 390×844 CSS pixels at 3 device pixels each; README shows
// wallet-cards.png and wallet-present-qr.png.
//
// The steps share one world and one browser profile; they run in order and each needs the
// ones before it. Chromium's fake camera plays the file named at launch, and opens it again
// whenever a page starts the camera: the test rewrites that file (atomically) before each scan.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { seriousViolations } from "./support/axe.mjs";
import { startWorld, HANAKO } from "./support/world.mjs";
import { swappableCamera } from "./support/fake_camera.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { serveApp } from "./support/app.mjs";
import { launchPersistentChromium, OUTPUT as output } from "./support/browser.mjs";

/** A phone: 390×844 CSS pixels, 3 device pixels each (what a register's scanner looks at). */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
/** Long waits (Argon2id, the issuer round trips) on 2 shared cores; a failure says what it waited for. */
const WAIT = 60_000;
const PASSPHRASE = "kumo no ue no sora 2026";
const RESTORED_PASSPHRASE = "yama no ue no tsuki 2027";
const BACKUP_PASSPHRASE = "another long backup phrase";
const SHOP = "x509_san_dns:sake.shop.example";
const SECOND_SHOP = "x509_san_dns:desk.office.example";

let scratch;
let world;
let app;
let camera; // the fake camera (swappableCamera)
let profile; // { dir, context, page, errors } of the resident's browser
let offer;
const presented = []; // { compact, accepted } of each presentation
let backupFile;
let heldBefore; // the cards of the first profile before the restore elsewhere

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-wallet-app-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  app = await serveApp(world);
  camera = swappableCamera(path.join(scratch, "camera.y4m"));
  await showToCamera("nothing scanned yet");
  profile = await openProfile(path.join(scratch, "profile"));
});

after(async () => {
  await profile?.context.close();
  await world?.stop();
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Puts `text` as a QR code before the fake camera (read when a page next starts it). */
async function showToCamera(text) {
  await camera.showText(text);
}

/** Chromium on the persistent profile `dir` at the phone's size, the app open in it. */
async function openProfile(dir) {
  const context = await launchPersistentChromium(dir, {
    args: camera.args,
    ...PHONE,
    acceptDownloads: true,
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
    // No transitions: axe and the screenshots see the colours a screen settles on, not a
    // button halfway between two (its contrast then fails for no reason).
    reducedMotion: "reduce",
  });
  context.setDefaultTimeout(WAIT);
  await context.grantPermissions(["camera"], { origin: app.url });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${app.url}/`);
  await ready(page);
  return { dir, context, page, errors };
}

async function ready(page) {
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT })
    .catch(() => { throw new Error("the app did not load (body[data-ready=true])"); });
}

/** Waits for screen `name`; on a timeout, says which screen and message there are instead. */
async function onScreen(page, name) {
  try {
    await page.waitForSelector(`body[data-screen="${name}"]`, { timeout: WAIT });
  } catch {
    const state = await page.evaluate(() => ({
      screen: document.body.dataset.screen,
      code: document.getElementById("message").dataset.code,
      message: document.getElementById("message").textContent,
    }));
    throw new Error(`expected screen "${name}", still on ${JSON.stringify(state)}`);
  }
  assert.equal(await page.isVisible(`#screen-${name}`), true, `#screen-${name} visible`);
}

/** The `#message` region once it shows: `{ code, text }`. */
async function message(page) {
  await page.waitForSelector("#message:not([hidden])", { timeout: WAIT });
  return { code: await page.getAttribute("#message", "data-code"), text: await page.textContent("#message") };
}

const checked = new Set();
/** axe-core on what shows (no serious or critical violation), and `wallet-<shot>.png`. */
async function checkScreen(page, shot, { fullPage = true } = {}) {
  assert.equal(await page.getAttribute("html", "lang"), "ja", "Japanese first");
  assert.deepEqual(await seriousViolations(page), [], `axe on ${shot}`);
  await page.screenshot({ path: path.join(output, `wallet-${shot}.png`), fullPage });
  checked.add(shot);
}

/** The held cards as the screen shows them: kind, state, Japanese title, issuer, and every
 * row of facts but "last checked" (a status check may run on every unlock). */
async function cardsShown(page) {
  return page.$$eval("#cards-list > li.card", (cards) => cards.map((card) => ({
    kind: card.dataset.kind,
    state: card.dataset.state,
    titleJa: card.querySelector("h2 [lang=ja]")?.textContent ?? null,
    issuer: card.querySelector("dl dd")?.textContent ?? null,
    rows: [...card.querySelectorAll("dl dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])
      .filter(([label]) => !label.startsWith("最終確認")),
  })).sort((a, b) => a.kind.localeCompare(b.kind)));
}
const cardText = (card) => card.rows.flat().join(" ");

async function unlock(page, passphrase) {
  await onScreen(page, "unlock");
  await page.fill("#unlock-passphrase", passphrase);
  await page.click("#unlock-submit");
  await onScreen(page, "cards");
}

/** From the cards screen: scan `challenge` and land on the preview. */
async function scanChallenge(page, challenge) {
  await showToCamera(challenge);
  await page.click("#nav-present");
  await onScreen(page, "present");
  await page.click("#present-camera");
  await onScreen(page, "present-preview");
}

/** Confirms the preview; returns the QR's text read from a screenshot of the phone's screen. */
async function confirmAndReadQr(page) {
  await page.click("#present-confirm");
  await onScreen(page, "present-qr");
  await page.waitForSelector("#present-qr svg");
  // The whole code is on the screen without scrolling, as wide as the screen allows.
  const box = await page.locator("#present-qr svg").boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.viewport.height, `the QR code fits the screen: ${JSON.stringify(box)}`);
  assert.ok(box.width >= PHONE.viewport.width * 0.85, `the QR code fills the screen's width: ${box.width} of ${PHONE.viewport.width}`);
  const screen = await page.screenshot();
  let compact;
  try {
    compact = decodeQrFromPng(screen);
  } catch (error) {
    await writeFile(path.join(output, "wallet-present-qr-unreadable.png"), screen);
    throw error;
  }
  assert.match(compact, /^MV1:/);
  assert.equal(compact, (await page.inputValue("#present-compact")).trim(), "the QR says what the text box says");
  return compact;
}

/** The holder keys (RFC 7638 thumbprints) the verifier saw in an accepted decision. */
function holders(decision) {
  const found = new Set();
  JSON.stringify(decision, (key, value) => {
    if (key === "holder" && typeof value === "string") found.add(value);
    return value;
  });
  return found;
}

test("create a wallet, receive a resident and an age credential by camera with the PIN", async () => {
  const { page, errors } = profile;
  offer = await world.offer([
    { credential: "resident", name: HANAKO.name, address: HANAKO.address, birthdate: HANAKO.birthdate },
    { credential: "age", birthdate: HANAKO.birthdate },
  ]);
  assert.match(offer.pin, /^\d{6}$/);
  await showToCamera(offer.link);

  await onScreen(page, "start");
  await page.fill("#create-passphrase", PASSPHRASE);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await onScreen(page, "cards");
  assert.equal(await page.isVisible("#cards-empty"), true, "a new wallet holds nothing");

  await page.click("#nav-receive");
  await onScreen(page, "receive");
  await page.click("#receive-camera");
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: WAIT })
    .catch(async () => { throw new Error(`no PIN form after scanning the offer: ${JSON.stringify(await message(page).catch(() => null))}`); });
  assert.equal(await page.getAttribute("#receive-pin", "inputmode"), "numeric");
  await page.fill("#receive-pin", offer.pin);
  await checkScreen(page, "receive-pin");
  await page.click("#receive-pin-submit");
  await onScreen(page, "offer-preview");
  const offered = await page.$$eval("#offer-cards > li.card", (cards) => cards.map((c) => c.dataset.kind).sort());
  assert.deepEqual(offered, ["age", "resident"], "the preview shows both offered credentials");
  const previewText = await page.textContent("#offer-cards");
  assert.match(previewText, /前橋市/);
  assert.match(previewText, new RegExp(HANAKO.name.replace(" ", "\\s*")));
  await checkScreen(page, "offer-preview");
  // Nothing is kept before the resident accepts.
  assert.equal(await page.locator("#cards-list > li").count(), 0);

  await page.click("#offer-accept");
  await onScreen(page, "cards");
  await page.waitForSelector("#cards-list > li.card:nth-child(2)");
  const cards = await cardsShown(page);
  assert.deepEqual(cards.map((c) => [c.kind, c.state]), [["age", "valid"], ["resident", "valid"]], JSON.stringify(cards));
  assert.deepEqual(cards.map((c) => c.titleJa), ["年齢確認証明書", "住民証明書"]);
  for (const card of cards) assert.match(card.issuer, /^前橋市/, `the issuer's name on the ${card.kind} card`);
  assert.doesNotMatch(await page.textContent("#cards-list"), /失効|Revoked/);
  await checkScreen(page, "cards");
  assert.deepEqual(errors, []);
});

test("present age-over-20 to a shop: preview, confirm, the QR accepted by the Rust verifier", async () => {
  const { page, errors } = profile;
  const challenge = await world.challenge({ audience: SHOP, policy: "age-over-20" });
  assert.match(challenge, / age-over-20$/);
  await scanChallenge(page, challenge);
  assert.equal(await page.textContent("#present-verifier"), SHOP, "the preview names the shop");
  const disclosed = await page.$$eval("#present-disclosed > li", (items) => items.map((li) => li.dataset.claim));
  assert.deepEqual(disclosed.map((claim) => claim.replace(/[[\]"]/g, "")), ["age_over_20"],
    `exactly age_over_20 is disclosed: ${JSON.stringify(disclosed)}`);
  assert.doesNotMatch(await page.textContent("#screen-present-preview"), new RegExp(`${HANAKO.birthdate}|大手町`));
  await checkScreen(page, "present-preview");

  const compact = await confirmAndReadQr(page);
  await checkScreen(page, "present-qr", { fullPage: false });
  const decision = await world.verifyCompact({ challenge, audience: SHOP, policy: "age-over-20", compact });
  assert.equal(decision.accepted, true, JSON.stringify(decision.output));
  presented.push({ compact, decision: decision.output });
  await page.click("#present-done");
  await onScreen(page, "cards");
  assert.deepEqual(errors, []);
});

test("present resident:102016 to a second verifier: accepted, another copy, no shared holder key", async () => {
  const { page, errors } = profile;
  const challenge = await world.challenge({ audience: SECOND_SHOP, policy: "resident:102016" });
  await scanChallenge(page, challenge);
  assert.equal(await page.textContent("#present-verifier"), SECOND_SHOP);
  // The municipality code is in every presentation of a resident credential (not selectively
  // disclosable): the preview says so; name, address and birth date stay with the resident.
  const shown = await page.$$eval("#present-disclosed > li", (items) => items.map((li) =>
    ({ claim: li.dataset.claim, always: li.dataset.always === "true", value: li.querySelector("strong")?.textContent.trim() })));
  const code = shown.find((item) => item.claim === "municipality_code");
  assert.deepEqual(code, { claim: "municipality_code", always: true, value: "102016" }, JSON.stringify(shown));
  const said = await page.textContent("#screen-present-preview");
  assert.doesNotMatch(said, new RegExp(`${HANAKO.birthdate}|大手町|花子`), "nothing else of the resident");
  await page.screenshot({ path: path.join(output, "wallet-present-preview-resident.png"), fullPage: true });
  const compact = await confirmAndReadQr(page);
  const decision = await world.verifyCompact({ challenge, audience: SECOND_SHOP, policy: "resident:102016", compact });
  assert.equal(decision.accepted, true, JSON.stringify(decision.output));
  presented.push({ compact, decision: decision.output });

  assert.notEqual(presented[0].compact, presented[1].compact);
  const [first, second] = presented.map((p) => holders(p.decision));
  assert.ok(first.size > 0 && second.size > 0, `the verifier names the holder keys: ${JSON.stringify(presented.map((p) => p.decision))}`);
  assert.deepEqual([...first].filter((key) => second.has(key)), [], "the two presentations share no holder key");
  await page.click("#present-done");
  await onScreen(page, "cards");
  assert.deepEqual(errors, []);
});

test("the city revokes: the status check shows 失効; a reload keeps everything", async () => {
  const { page, errors } = profile;
  const revoked = await world.revoke(offer.subject);
  assert.ok(Number(revoked.changed) > 0 || revoked.changed?.length > 0, JSON.stringify(revoked));
  await page.click("#nav-cards");
  await onScreen(page, "cards");
  await page.click("#status-refresh");
  await page.waitForFunction(() => [...document.querySelectorAll("#cards-list > li.card")]
    .every((card) => card.dataset.state === "revoked"), null, { timeout: WAIT })
    .catch(async () => { throw new Error(`the cards did not turn revoked: ${JSON.stringify(await cardsShown(page))}`); });
  const cards = await cardsShown(page);
  assert.equal(cards.length, 2);
  for (const card of cards) assert.match(cardText(card), /失効[\s\S]*Revoked/, `${card.kind} shows 失効`);
  await page.screenshot({ path: path.join(output, "wallet-cards-revoked.png"), fullPage: true });

  await page.reload();
  await ready(page);
  await unlock(page, PASSPHRASE);
  assert.deepEqual((await cardsShown(page)).map((c) => [c.kind, c.state]), [["age", "revoked"], ["resident", "revoked"]]);
  assert.deepEqual(errors, []);
});

test("lock: a wrong passphrase is refused, the right one unlocks; the history tells it all", async () => {
  const { page, errors } = profile;
  await page.click("#nav-lock");
  await onScreen(page, "unlock");
  assert.equal(await page.isVisible("#nav"), false, "no menu while locked");
  assert.equal(await page.locator("#cards-list > li").count(), 0, "nothing of the wallet shows while locked");
  await page.fill("#unlock-passphrase", "not the passphrase at all");
  await page.click("#unlock-submit");
  const refused = await message(page);
  assert.equal(refused.code, "wrong_passphrase");
  assert.match(refused.text, /パスフレーズが違います[\s\S]*Wrong passphrase/);
  assert.equal(await page.getAttribute("body", "data-screen"), "unlock");
  await page.screenshot({ path: path.join(output, "wallet-unlock-wrong-passphrase.png"), fullPage: true });
  await unlock(page, PASSPHRASE);
  assert.equal((await cardsShown(page)).length, 2);

  await page.click("#nav-history");
  await onScreen(page, "history");
  const entries = await page.$$eval("#history-list > li", (items) => items.map((li) => ({ kind: li.dataset.kind, text: li.textContent })));
  // Created, two credentials received, two presentations (to whom), oldest first, in JST.
  const kinds = entries.map((entry) => entry.kind);
  assert.equal(kinds.filter((kind) => kind === "received").length, 2, JSON.stringify(entries));
  const presentedTo = entries.filter((entry) => entry.kind === "presented").map((entry) => entry.text);
  assert.equal(presentedTo.length, 2, JSON.stringify(entries));
  assert.match(presentedTo[0], new RegExp(SHOP));
  assert.match(presentedTo[1], new RegExp(SECOND_SHOP));
  assert.ok(kinds.indexOf("received") < kinds.indexOf("presented"), "oldest first");
  for (const entry of entries) assert.match(entry.text, /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} JST/);
  await checkScreen(page, "history");
  assert.deepEqual(errors, []);
});

test("a backup restores in a fresh browser profile: the same cards, still revoked; the first untouched", async () => {
  const { page, errors } = profile;
  await page.click("#nav-backup");
  await onScreen(page, "backup");
  await page.fill("#backup-passphrase", PASSPHRASE);
  await page.fill("#backup-new-passphrase", BACKUP_PASSPHRASE);
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT }), page.click("#backup-export-submit")]);
  assert.match(download.suggestedFilename(), /^myna-wallet-backup-\d{8}\.mwb$/);
  backupFile = path.join(scratch, download.suggestedFilename());
  await download.saveAs(backupFile);
  assert.ok((await readFile(backupFile)).length > 256, "the backup holds the wallet");
  assert.equal((await message(page)).code, "ok");
  await page.click("#nav-cards");
  await onScreen(page, "cards");
  heldBefore = await cardsShown(page);

  const fresh = await openProfile(path.join(scratch, "fresh-profile"));
  try {
    await onScreen(fresh.page, "start");
    await fresh.page.setInputFiles("#restore-file", backupFile);
    await fresh.page.fill("#restore-backup-passphrase", BACKUP_PASSPHRASE);
    await fresh.page.fill("#restore-passphrase", RESTORED_PASSPHRASE);
    await fresh.page.click("#restore-submit");
    await onScreen(fresh.page, "cards");
    await fresh.page.waitForSelector("#cards-list > li.card:nth-child(2)");
    const restored = await cardsShown(fresh.page);
    assert.deepEqual(restored.map((c) => [c.kind, c.state, c.titleJa]), heldBefore.map((c) => [c.kind, c.state, c.titleJa]));
    assert.deepEqual(restored.map((c) => c.state), ["revoked", "revoked"]);
    await fresh.page.screenshot({ path: path.join(output, "wallet-cards-restored.png"), fullPage: true });
    // The restored wallet is sealed under its new passphrase.
    await fresh.page.reload();
    await ready(fresh.page);
    await unlock(fresh.page, RESTORED_PASSPHRASE);
    assert.equal((await cardsShown(fresh.page)).length, 2);
    assert.deepEqual(fresh.errors, []);
  } finally {
    await fresh.context.close();
  }

  // The first profile: the same wallet, the same passphrase, the same cards.
  await page.reload();
  await ready(page);
  await unlock(page, PASSPHRASE);
  assert.deepEqual(await cardsShown(page), heldBefore);
  assert.deepEqual(errors, []);
  for (const shot of ["receive-pin", "offer-preview", "cards", "present-preview", "present-qr", "history"]) {
    assert.ok(checked.has(shot), `${shot} was checked with axe and photographed`);
  }
});

// The wallet app's online features in real Chromium against real services on loopback: a city
// issuer (support/world.mjs, which is also the consent registry) and a shop's
// `myna verify serve` (support/verifier_service.mjs), both reached through the app's
// development mapping of their https names.
//
// 1. cross-device presentation: the shop's `openid4vp://` request QR through the fake camera
//    → preview (the verifier, exactly `age_over_20`) → confirm → the direct_post answer, the
//    service's decision; a replay of the same link is refused;
// 2. consents at the issuer's registry: give, pause, resume, withdraw (each checked in the
//    registry's consent status list), a one-time consent ended by the recipient's use report,
//    the history timeline in JST;
// 3. offline: the service worker's app shell, cards with their "last checked" time, a status
//    check queued offline and run when the connection returns (suspended, then valid);
// 4. lock after inactivity, with playwright's fake clock.
// Screenshots land in $MYNA_TEST_OUTPUT (default target/browser-test).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign as signBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { CompactEncrypt, importJWK } from "jose";
import { seriousViolations } from "./support/axe.mjs";
import { startWorld } from "./support/world.mjs";
import { startVerifierService } from "./support/verifier_service.mjs";
import { fakeCameraArgs, y4mForText } from "./support/fake_camera.mjs";
import { serveApp } from "./support/app.mjs";
import { launchPersistentChromium, screenshot } from "./support/browser.mjs";

const PASSPHRASE = "kumo no ue no sora 2026";
const LOCK_AFTER_SECONDS = 300;
const JST_TIME = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}) JST/;

let scratch;
let world;
let shop;
let app;

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-wallet-online-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  shop = await startVerifierService(world, { policies: ["age-over-20"], publicUrl: "https://shop.example" });
  app = await serveApp(world, { lockAfterSeconds: LOCK_AFTER_SECONDS, mapped: { [shop.publicUrl]: shop.url } });
});

after(async () => {
  await shop?.stop();
  await world?.stop();
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Chromium with a fresh profile (the service worker on, as deployed), its camera showing
 * `cameraText` as a QR code; `clock`: install playwright's fake clock before the app loads. */
async function openApp(name, { cameraText, clock = false } = {}) {
  const args = [];
  if (cameraText) {
    const video = path.join(scratch, `${name}-camera.y4m`);
    await y4mForText(cameraText, video);
    args.push(...fakeCameraArgs(video));
  }
  const context = await launchPersistentChromium(path.join(scratch, `profile-${name}`), { args });
  await context.grantPermissions(["camera"], { origin: app.url });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  if (clock) await page.clock.install();
  await page.goto(`${app.url}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  return { context, page, errors };
}

async function onScreen(page, screen) {
  await page.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
}

async function message(page) {
  return { code: await page.getAttribute("#message", "data-code"), text: (await page.textContent("#message")).trim() };
}

/** axe-core on what shows (no serious or critical violation), then `online-<name>.png`. */
async function shot(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`);
  await screenshot(page, `online-${name}`);
}

async function createWallet(page) {
  await onScreen(page, "start");
  await page.fill("#create-passphrase", PASSPHRASE);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await onScreen(page, "cards");
}

async function unlock(page) {
  await onScreen(page, "unlock");
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-submit");
  await onScreen(page, "cards");
}

/** Receives the city's age credential by pasting the offer link, with its PIN. */
async function receiveAge(page) {
  const offer = await world.offer({ credential: "age", birthdate: "1990-05-01" });
  await page.click("#nav-receive");
  await onScreen(page, "receive");
  await page.fill("#receive-link", offer.link);
  await page.click("#receive-paste-submit");
  await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
  await page.fill("#receive-pin", offer.pin);
  await page.click("#receive-pin-submit");
  await onScreen(page, "offer-preview");
  await page.click("#offer-accept");
  await onScreen(page, "cards");
  await page.waitForSelector("#cards-list li[data-kind=age]", { timeout: 60000 });
  return offer;
}

/** A JST date on screen (`2026/12/06 22:30 JST`) as a Unix time (to the minute). */
function jstUnix(text) {
  const found = JST_TIME.exec(text);
  assert.ok(found, `no JST time in ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi] = found.map(Number);
  return Date.UTC(y, mo - 1, d, h - 9, mi) / 1000;
}

/** Asserts `text` shows a JST time within [from, to] (Unix seconds; shown to the minute). */
function assertJstBetween(text, from, to) {
  const shown = jstUnix(text);
  assert.ok(shown >= Math.floor(from / 60) * 60 && shown <= to, `${text}: not between ${from} and ${to}`);
}

const nowUnix = () => Math.floor(Date.now() / 1000);

// ---- 1. cross-device presentation

test("cross-device: the shop's openid4vp QR → preview of exactly age_over_20 → direct_post accepted; replay refused", async () => {
  const request = await shop.request("age-over-20");
  assert.match(request.authorization_request, /^openid4vp:\/\//);
  assert.equal(request.response_uri, `${shop.publicUrl}/requests/${request.request_id}/response`);
  const { context, page, errors } = await openApp("remote", { cameraText: request.authorization_request });
  try {
    await createWallet(page);
    await receiveAge(page);
    const copiesBefore = await page.textContent("#cards-list li[data-kind=age]");

    await page.click("#nav-present");
    await onScreen(page, "present");
    await page.click("#present-camera");
    await onScreen(page, "remote-preview");
    await shot(page, "remote-preview");
    assert.equal((await page.textContent("#remote-verifier")).trim(), shop.audience);
    const disclosed = await page.$$eval("#remote-disclosed li", (items) => items.map((li) => ({
      claim: li.dataset.claim, text: li.textContent,
    })));
    assert.equal(disclosed.length, 1, JSON.stringify(disclosed));
    assert.match(disclosed[0].claim, /^(\["age_over_20"\]|age_over_20)$/);
    assert.match(disclosed[0].text, /✓/);

    // Confirm: the app posts the answer to the shop's response_uri (mapped to loopback).
    const posted = page.waitForResponse((r) => r.request().method() === "POST"
      && r.url() === `${shop.url}/requests/${request.request_id}/response`, { timeout: 60000 });
    await page.click("#remote-confirm");
    const response = await posted;
    assert.equal(response.status(), 200);
    assert.match(response.request().headers()["content-type"], /^application\/x-www-form-urlencoded/);
    const decision = await response.json();
    await page.waitForSelector("#remote-result:not([hidden])", { timeout: 60000 });
    await shot(page, "remote-result");
    // The service's own decision: accepted, for this policy, with exactly age_over_20 disclosed.
    assert.equal(decision.accepted, true, JSON.stringify(decision));
    assert.equal(decision.policy, "age-over-20");
    assert.equal(decision.credentials.length, 1, JSON.stringify(decision));
    assert.deepEqual(decision.credentials[0].claims, { age_over_20: true }, JSON.stringify(decision));
    assert.equal(await page.getAttribute("#remote-result", "data-accepted"), "true");
    assert.match(await page.textContent("#remote-result"), /相手が確認を完了しました/);
    // The service closed the request: a second answer from anyone is refused.
    const again = await fetch(`${shop.url}/requests/${request.request_id}/response`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "vp_token=%7B%7D",
    });
    assert.equal(again.status, 404);
    assert.equal((await again.json()).error, "unknown_request");

    // One copy of the batch was spent on it.
    await page.click("#nav-cards");
    await onScreen(page, "cards");
    const copiesAfter = await page.textContent("#cards-list li[data-kind=age]");
    assert.notEqual(copiesAfter, copiesBefore);

    // Replay: the same link scanned again is refused, with the reason, and nothing is sent.
    let sent = 0;
    page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(shop.url)) sent += 1; });
    await page.click("#nav-present");
    await onScreen(page, "present");
    await page.click("#present-camera");
    await page.waitForSelector("#message:not([hidden])", { timeout: 60000 });
    await shot(page, "remote-replay");
    const refused = await message(page);
    assert.equal(refused.code, "request_answered", JSON.stringify(refused));
    assert.match(refused.text, /回答済み/);
    assert.match(refused.text, /already answered/);
    assert.notEqual(await page.getAttribute("body", "data-screen"), "remote-preview");
    assert.equal(sent, 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("cross-device: an answer the shop refuses (the request already answered elsewhere) says why", async () => {
  const request = await shop.request("age-over-20");
  const { context, page, errors } = await openApp("remote-closed");
  try {
    await createWallet(page);
    await receiveAge(page);
    // Someone else answers the request first (the QR was photographed): it is closed. The
    // request asks for direct_post.jwt, and its key is public (in the link): anyone can
    // encrypt an empty answer to it, which the service decides (refused) and closes on.
    const first = await fetch(`${shop.url}/requests/${request.request_id}/response`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: await encryptedEmptyAnswer(request),
    });
    assert.equal(first.status, 200);
    assert.equal((await first.json()).accepted, false);
    await page.click("#nav-present");
    await onScreen(page, "present");
    await page.fill("#present-link", request.authorization_request);
    await page.click("#present-paste-submit");
    await onScreen(page, "remote-preview");
    await page.click("#remote-confirm");
    await page.waitForSelector("#remote-result:not([hidden])", { timeout: 60000 });
    await shot(page, "remote-closed");
    assert.equal(await page.getAttribute("#remote-result", "data-accepted"), "false");
    assert.equal(await page.getAttribute("#remote-result", "data-status"), "404");
    const shown = await message(page);
    assert.equal(shown.code, "unknown_request", JSON.stringify(shown));
    assert.match(shown.text, /回答済みか期限切れ/);
    assert.match(shown.text, /already answered or expired/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** `response=<JWE>` of an empty answer (`{"vp_token": {}, "state"}`) encrypted by jose to the
 * key in the request link's `client_metadata` (a plain `direct_post` body when the service asks
 * for that). */
async function encryptedEmptyAnswer(request) {
  const params = new URL(request.authorization_request).searchParams;
  const state = params.get("state");
  if (params.get("response_mode") !== "direct_post.jwt") return new URLSearchParams({ vp_token: "{}", state }).toString();
  const [jwk] = JSON.parse(params.get("client_metadata")).jwks.keys;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ vp_token: {}, state })))
    .setProtectedHeader({ alg: "ECDH-ES", enc: "A128GCM", kid: jwk.kid })
    .encrypt(await importJWK(jwk, "ECDH-ES"));
  return new URLSearchParams({ response: jwe }).toString();
}

// ---- 2. consents at the issuer's registry

/** An Ed25519 did:key made with node's crypto, and a signer of compact JWS with its key. */
function recipientKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const did = `did:key:z${base58(Buffer.concat([Buffer.from([0xed, 0x01]), raw]))}`;
  const signJws = (header, claims) => {
    const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    return `${input}.${signBytes(null, Buffer.from(input), privateKey).toString("base64url")}`;
  };
  return { did, signJws };
}

function base58(bytes) {
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let number = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  let text = "";
  while (number > 0n) {
    text = alphabet[Number(number % 58n)] + text;
    number /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text;
}

/** The entry `idx` of the registry's consent status list (2 bits: 0 active, 1 withdrawn,
 * 2 paused, 3 used), read from the issuer itself. */
async function registryState(idx) {
  const response = await fetch(`${world.issuerUrl}/consent-status/1`);
  assert.equal(response.status, 200);
  const token = (await response.text()).trim();
  const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  const { bits, lst } = payload.status_list;
  const list = inflateSync(Buffer.from(lst, "base64url"));
  const value = (list[Math.floor((idx * bits) / 8)] >> ((idx * bits) % 8)) & ((1 << bits) - 1);
  return ["active", "withdrawn", "paused", "used"][value];
}

/** Fills and submits the consent form; resolves to the registry's answer. */
async function giveConsent(page, { recipient, purpose, oneTime }) {
  await page.fill("#consent-recipient", recipient);
  await page.fill("#consent-purpose", purpose);
  assert.equal(await page.locator("#consent-vct option").count(), 1);
  assert.equal(await page.inputValue("#consent-registry"), world.issuerId);
  await page.fill("#consent-claims", "age_over_20");
  if (oneTime) await page.check("#consent-one-time");
  const registered = page.waitForResponse((r) => r.request().method() === "POST"
    && r.url() === `${world.issuerUrl}/consents`, { timeout: 60000 });
  await page.click("#consent-submit");
  const response = await registered;
  assert.equal(response.status(), 201, await response.text());
  const answer = await response.json();
  await page.waitForSelector(`#consents-list li[data-id="${answer.consent_id}"]`, { timeout: 60000 });
  return answer;
}

async function consentState(page, id) {
  return page.getAttribute(`#consents-list li[data-id="${id}"]`, "data-state");
}

async function consentAction(page, id, action, expected) {
  const index = await page.$$eval("#consents-list li", (items, wanted) => items.findIndex((li) => li.dataset.id === wanted), id);
  assert.ok(index >= 0);
  const acted = page.waitForResponse((r) => r.request().method() === "POST"
    && r.url() === `${world.issuerUrl}/consents/actions`, { timeout: 60000 });
  await page.click(`#consent-${action}-${index}`);
  const response = await acted;
  assert.equal(response.status(), 200, await response.text());
  assert.equal((await response.json()).state, expected);
  await page.waitForSelector(`#consents-list li[data-id="${id}"][data-state="${expected}"]`, { timeout: 60000 });
}

test("consents: give, pause, resume, withdraw at the registry; a one-time consent used; history in JST", async () => {
  const { context, page, errors } = await openApp("consents");
  try {
    await createWallet(page);
    await receiveAge(page);
    await page.click("#nav-consents");
    await onScreen(page, "consents");
    assert.equal(await page.isVisible("#consents-empty"), true);

    const watcher = recipientKey();
    const givenFrom = nowUnix();
    const ongoing = await giveConsent(page, { recipient: watcher.did, purpose: "見守りサービス (family watch)", oneTime: false });
    const givenTo = nowUnix();
    const idx = ongoing.status.status_list.idx;
    assert.equal(await consentState(page, ongoing.consent_id), "active");
    assert.equal(await registryState(idx), "active");
    const item = await page.textContent(`#consents-list li[data-id="${ongoing.consent_id}"]`);
    assert.match(item, /見守りサービス \(family watch\)/);
    assert.ok(item.includes(watcher.did));
    assert.match(item, /age_over_20/);
    assertJstBetween(item, givenFrom, givenTo);
    await shot(page, "consent-active");

    await consentAction(page, ongoing.consent_id, "pause", "paused");
    assert.equal(await registryState(idx), "paused");
    assert.match(await page.textContent(`#consents-list li[data-id="${ongoing.consent_id}"]`), /一時停止中/);
    await consentAction(page, ongoing.consent_id, "resume", "active");
    assert.equal(await registryState(idx), "active");
    await consentAction(page, ongoing.consent_id, "withdraw", "withdrawn");
    assert.equal(await registryState(idx), "withdrawn");
    assert.match(await page.textContent(`#consents-list li[data-id="${ongoing.consent_id}"]`), /撤回済み/);
    // A withdrawn consent offers no more actions.
    assert.equal(await page.locator(`#consents-list li[data-id="${ongoing.consent_id}"] button`).count(), 0);

    // A one-time consent; the clinic (recipient) reports its use to the registry.
    const clinic = recipientKey();
    const once = await giveConsent(page, { recipient: clinic.did, purpose: "健診の予約 (checkup booking)", oneTime: true });
    assert.equal(await consentState(page, once.consent_id), "active");
    const report = clinic.signJws({ alg: "EdDSA", typ: "myna-consent-use+jwt" }, { consent_id: once.consent_id, iat: nowUnix() });
    const used = await fetch(`${world.issuerUrl}/consents/use`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ report }),
    });
    const usedAnswer = await used.text();
    assert.equal(used.status, 200, usedAnswer);
    assert.equal(JSON.parse(usedAnswer).state, "used");
    assert.equal(await registryState(once.status.status_list.idx), "used");
    // A report signed by another key than the recipient's is refused.
    const forged = watcher.signJws({ alg: "EdDSA", typ: "myna-consent-use+jwt" }, { consent_id: ongoing.consent_id, iat: nowUnix() });
    const refused = await fetch(`${world.issuerUrl}/consents/use`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ report: forged }),
    });
    assert.ok(refused.status >= 400, `forged use report: ${refused.status}`);
    await refused.arrayBuffer();
    // The app reads the one-time consent's state from the registry's consent status list.
    await page.click("#nav-cards");
    await onScreen(page, "cards");
    await page.click("#nav-consents");
    await onScreen(page, "consents");
    await page.waitForSelector(`#consents-list li[data-id="${once.consent_id}"][data-state="used"]`, { timeout: 60000 });
    assert.match(await page.textContent(`#consents-list li[data-id="${once.consent_id}"]`), /使用済み/);
    await shot(page, "consents");

    // The history: a timeline, oldest first, in JST.
    await page.click("#nav-history");
    await onScreen(page, "history");
    const events = await page.$$eval("#history-list li", (items) => items.map((li) => ({
      kind: li.dataset.kind, time: li.querySelector("time")?.textContent ?? "",
      datetime: li.querySelector("time")?.getAttribute("datetime"), text: li.textContent,
    })));
    await shot(page, "history");
    const consentEvents = events.filter((e) => e.kind.startsWith("consent"));
    assert.deepEqual(consentEvents.map((e) => e.kind),
      ["consent_given", "consent_changed", "consent_changed", "consent_changed", "consent_given"], JSON.stringify(events));
    assert.deepEqual(consentEvents.filter((e) => e.kind === "consent_changed").map((e) => /(pause|resume|withdraw)/.exec(e.text)?.[1]),
      ["pause", "resume", "withdraw"]);
    // Receiving the credential came before the consents.
    const received = events.findIndex((e) => e.kind === "received");
    assert.ok(received >= 0 && received < events.findIndex((e) => e.kind === "consent_given"), JSON.stringify(events));
    let previous = 0;
    for (const event of events) {
      const at = Date.parse(event.datetime) / 1000;
      assert.ok(at >= previous, "oldest first");
      previous = at;
      assert.equal(jstUnix(event.time), Math.floor(at / 60) * 60, `${event.time} is ${event.datetime} in JST`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// ---- 3. offline

test("offline: the shell from the service worker, cards with their last check, a queued status check run when back online", async () => {
  const { context, page, errors } = await openApp("offline");
  try {
    await createWallet(page);
    const offer = await receiveAge(page);
    // The status is checked once online (the check after unlocking, or this one).
    const checkedFrom = nowUnix();
    await page.click("#status-refresh");
    await page.waitForSelector("#cards-list li[data-kind=age][data-state=valid]", { timeout: 60000 });
    await page.waitForSelector("#message[data-code=ok]:not([hidden])", { timeout: 60000 });
    const checkedTo = nowUnix();
    const checkedText = await page.textContent("#cards-list li[data-kind=age]");
    assert.doesNotMatch(checkedText, /未確認|Not checked/);
    // The service worker, installed on this first visit, is active (its cache filled).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    await unlock(page);
    const offlineCard = await page.textContent("#cards-list li[data-kind=age]");
    assert.equal(await page.getAttribute("#cards-list li[data-kind=age]", "data-state"), "valid");
    // The last check, as before going offline, in JST.
    const lastChecked = /最終確認[^0-9]*(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} JST)/.exec(offlineCard)?.[1];
    assert.ok(lastChecked, offlineCard);
    assert.ok(checkedText.includes(lastChecked), `${checkedText} / ${lastChecked}`);
    assertJstBetween(lastChecked, checkedFrom, checkedTo);
    await page.click("#status-refresh");
    await page.waitForSelector("#status-queued:not([hidden])", { timeout: 60000 });
    await shot(page, "offline-queued");
    assert.match(await page.textContent("#status-queued"), /オフライン/);

    // The city suspends the credential meanwhile; the queued check runs when online again.
    const suspended = await world.suspend(offer.subject);
    assert.ok(suspended.changed > 0 || suspended.changed?.length > 0, JSON.stringify(suspended));
    await context.setOffline(false);
    await page.waitForSelector("#cards-list li[data-kind=age][data-state=suspended]", { timeout: 60000 });
    assert.match(await page.textContent("#cards-list li[data-kind=age]"), /一時停止中/);
    await page.waitForSelector("#status-queued", { state: "hidden", timeout: 60000 });
    await shot(page, "online-suspended");

    const resumed = await world.resume(offer.subject);
    assert.ok(resumed.changed > 0 || resumed.changed?.length > 0, JSON.stringify(resumed));
    await page.click("#status-refresh");
    await page.waitForSelector("#cards-list li[data-kind=age][data-state=valid]", { timeout: 60000 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// ---- 4. lock after inactivity

test("lock: activity keeps the wallet open; config.lockAfterSeconds without any locks it", async () => {
  const { context, page, errors } = await openApp("lock", { clock: true });
  try {
    await createWallet(page);
    await page.waitForSelector("#nav:not([hidden])");
    // Four minutes idle, a key press, four more minutes: never 300 s without activity.
    await page.clock.fastForward((LOCK_AFTER_SECONDS - 60) * 1000);
    await page.keyboard.press("Shift");
    await page.clock.fastForward((LOCK_AFTER_SECONDS - 60) * 1000);
    // Still open: another screen shows (a locked wallet would be sent to #screen-unlock).
    await page.click("#nav-history");
    await page.waitForSelector("body[data-screen=history], body[data-screen=unlock]", { timeout: 60000 });
    assert.equal(await page.getAttribute("body", "data-screen"), "history");
    assert.equal(await page.isVisible("#nav"), true);
    // Past the limit since the last activity (that click): locked, the passphrase asked again.
    await page.clock.fastForward((LOCK_AFTER_SECONDS + 10) * 1000);
    await onScreen(page, "unlock");
    await shot(page, "locked");
    assert.equal(await page.isVisible("#nav"), false);
    const shown = await message(page);
    assert.equal(shown.code, "locked");
    assert.match(shown.text, /ロックしました/);
    // Unlocking works again.
    await unlock(page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// The counter page (wasm/pkg/counter/, built by scripts/build-counter) in real Chromium against
// the counter world (support/counter_world.mjs: four cities' `myna issuer serve`, a trust list,
// residents' Rust wallets). For every policy case of `world.policies`:
//
//   the counter is set to the policy (the settings screen once, localStorage after that) →
//   its challenge QR is read from a screenshot (ZBar, as a phone would) → the holder's Rust
//   wallet answers it (`myna wallet present`: one MV1 text per credential) → each text is shown
//   to Chromium's fake camera (a y4m file the test rewrites before the counter starts its
//   camera again: Chromium opens the file anew whenever capture starts) → the decision on the
//   screen (✓/✗, reason code, disclosed claims) equals the Rust verifier's (`myna verify check`)
//   and the world's expectation.
//
// Also: the keyboard wedge (a focused input, and typing while no text field has focus); the clinic's
// billing downloads (JSON and XML content); the shelter desk queueing check-ins while the
// network is cut (`context.setOffline`) and syncing them to the HQ once back (counted once);
// the page reloaded offline (service worker) still deciding and showing the data's age;
// refusal once the data is older than the policy allows (playwright's clock moved forward) and
// the decision clearing itself; a revocation made after the page's config.json reaching the
// counter through the status lists it fetches again. Bad input: a text that is no presentation, a
// garbled and a forged code, and a code replayed for a later customer are refused, each with its
// reason on screen in Japanese and English. axe-core on every screen, no CSP violation, screenshots as
// $MYNA_TEST_OUTPUT/counter-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { assertClean, launchChromium, screenshot, watchPage } from "./support/browser.mjs";
import { startCounterWorld, SALE_POLICY, SHELTER_POLICY, CLINIC_POLICY } from "./support/counter_world.mjs";
import { swappableCamera } from "./support/fake_camera.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { forgeSignature } from "./support/compact.mjs";
import { serveStatic } from "./support/static.mjs";
import { DEFAULT_SETTINGS, settingsForSpec } from "../counter/js/policies.js";
import { restartCamera } from "./support/counter_page.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const WAIT = 60_000;
const SETTINGS_KEY = "myna-counter-settings";
/** A counter desk's screen. */
const DESK = { viewport: { width: 1024, height: 900 }, deviceScaleFactor: 1 };

let scratch;
let world;
let site;
let browser;
let camera;
let idle; // a y4m of a blank picture
let sale; // the fan-club sale's `myna verify serve`
let hq; // the disaster HQ's `myna verify serve --roster`

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-counter-"));
  world = await startCounterWorld({ dir: path.join(scratch, "world") });
  site = await serveStatic({
    root: here("../pkg/"),
    files: { "/counter/config.json": { ...world.counterConfig, verifyService: undefined } },
  });
  camera = swappableCamera(path.join(scratch, "camera.y4m"));
  const blank = new PNG({ width: 64, height: 64 });
  blank.data.fill(255);
  idle = PNG.sync.write(blank);
  await blankCamera();
  browser = await launchChromium(camera.args);
  // Both need `myna verify serve --allow-origin` (and --roster for the HQ); a failure to start
  // fails the tests that use them, with this error.
  sale = await world.startVerifyService({ allowOrigin: site.url }).catch((error) => ({ error }));
  hq = await world.startHq({ allowOrigin: site.url }).catch((error) => ({ error }));
});

after(async () => {
  await browser?.close();
  await sale?.stop?.();
  await hq?.stop?.();
  await world?.stop();
  await site?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const showToCamera = (text) => camera.showText(text);
const blankCamera = () => camera.showImage(idle);

/** A new browser context on the counter (its own storage and service worker). */
async function openCounter({ clock } = {}) {
  const context = await browser.newContext({ ...DESK, locale: "ja-JP", timezoneId: "Asia/Tokyo", reducedMotion: "reduce", acceptDownloads: true });
  context.setDefaultTimeout(WAIT);
  await context.grantPermissions(["camera"], { origin: site.url });
  const page = await context.newPage();
  const watch = await watchPage(page, { metaCsp: true });
  if (clock) await page.clock.install();
  await page.goto(`${site.url}/counter/`);
  await ready(page);
  return { context, page, watch };
}

async function ready(page) {
  await page.waitForSelector("body[data-ready=true]").catch(async () => {
    throw new Error(`the counter did not load: ${await page.evaluate(() => document.getElementById("message").textContent)}`);
  });
}

async function onScreen(page, name) {
  try {
    await page.waitForSelector(`body[data-screen="${name}"]`);
  } catch {
    const state = await page.evaluate(() => ({ screen: document.body.dataset.screen, message: document.getElementById("message").textContent }));
    throw new Error(`expected screen ${name}, found ${JSON.stringify(state)}`);
  }
}

/** Sets the counter to `spec` through localStorage (fast), and reloads. */
async function configure(page, spec, extra = {}) {
  await blankCamera();
  const settings = settingsForSpec(spec, { ...DEFAULT_SETTINGS, clearAfterSeconds: 600, ...serviceSettings(spec), ...extra });
  await page.evaluate(([key, value]) => localStorage.setItem(key, JSON.stringify(value)), [SETTINGS_KEY, settings]);
  await page.reload();
  await ready(page);
  await onScreen(page, "counter");
}

function serviceSettings(spec) {
  for (const service of [spec.startsWith("fan-club:") && sale, spec.startsWith("shelter:") && hq]) {
    if (service?.error) throw service.error;
  }
  if (spec.startsWith("fan-club:")) return { serviceUrl: sale.url, registerToken: sale.registerToken };
  if (spec.startsWith("shelter:")) return { hqUrl: hq.url, hqToken: hq.token };
  return {};
}

/** The challenge as a phone reads it: the QR code in a screenshot of the screen. `previous`:
 * the challenge shown before, which must have been replaced (a new one is requested after the
 * screen changes). */
async function challengeFromScreen(page, previous = "") {
  await page.waitForFunction((old) => {
    const box = document.getElementById("challenge");
    return box.dataset.challenge && box.dataset.challenge !== old && box.querySelector("svg");
  }, previous);
  const shown = await page.getAttribute("#challenge", "data-challenge");
  const read = decodeQrFromPng(await page.locator("#challenge").screenshot());
  assert.equal(read, shown, "the QR code on screen holds the challenge");
  assert.match(read, /^MVC1:/);
  return read;
}

/** Shows each text to the camera in turn, (re)starting the counter's camera for each. */
async function scanAll(page, texts) {
  for (const [i, text] of texts.entries()) {
    await showToCamera(text);
    await restartCamera(page);
    if (i < texts.length - 1) {
      await page.waitForSelector(`#scan-progress[data-scanned="${i + 1}"][data-needed="${texts.length}"]`);
      assert.equal(await page.textContent("#scan-progress"), `${i + 1} / ${texts.length} 読み取り済み / scanned`);
    }
  }
  await onScreen(page, "decision");
}


/** The decision on screen: accepted, reason code, claims by credential id. */
async function decisionOnScreen(page) {
  return page.evaluate(() => {
    const main = document.getElementById("screen-decision");
    const claims = {};
    for (const dd of main.querySelectorAll("dd[data-claim]")) {
      (claims[dd.dataset.credential] ??= {})[dd.dataset.claim] = JSON.parse(dd.dataset.value);
    }
    return {
      accepted: main.dataset.accepted === "true",
      reason: main.dataset.reason || null,
      symbol: document.getElementById("decision-symbol").textContent,
      word: document.getElementById("decision-word").textContent,
      reasonText: document.getElementById("decision-reason").textContent,
      claims,
    };
  });
}

const shot = (page, name) => screenshot(page, `counter-${name}`);

/** The Rust side's claims by credential id, as the page shows them (accepted only). */
function rustClaims(rust) {
  return rust.accepted ? rust.claims : {};
}

test("settings through the screen, then every policy case of the world through the camera matches the Rust verifier", async () => {
  const { context, page, watch } = await openCounter();
  try {
    // A first visit opens the settings.
    await onScreen(page, "settings");
    await shot(page, "settings");
    await assertClean(page, watch, "settings");
    // A bad municipality code is marked, then a good one opens the counter.
    await page.selectOption("#set-kind", "resident");
    await page.fill("#set-municipality", "10201");
    await page.click("#settings-save");
    await page.waitForSelector("#set-municipality[aria-invalid=true]");
    assert.equal(await page.getAttribute("#message", "data-code"), "invalid_setting");
    await page.fill("#set-municipality", "102016");
    await page.fill("#set-clearAfter", "600");
    await page.click("#settings-save");
    await onScreen(page, "counter");
    const saved = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), SETTINGS_KEY));
    assert.equal(saved.kind, "resident");
    assert.equal(saved.municipality, "102016");

    const outcomes = [];
    const photographed = new Set();
    // MYNA_COUNTER_ONLY=<spec prefix>: only those cases (while working on one policy).
    const only = process.env.MYNA_COUNTER_ONLY;
    for (const policy of world.policies.filter((p) => !only || only.split(",").some((o) => p.spec.startsWith(o)))) {
      await configure(page, policy.spec);
      const challenge = await challengeFromScreen(page);
      if (outcomes.length === 0) {
        await shot(page, "counter");
        await assertClean(page, watch, "counter");
      }
      const compact = await world.present({ holder: policy.holder, challenge });
      await scanAll(page, compact);
      const shown = await decisionOnScreen(page);
      const rust = await world.rustDecision({ challenge, policy: policy.spec, compact });
      const label = `${policy.label} (${policy.spec})`;
      assert.equal(shown.accepted, rust.accepted, `${label}: accepted, Rust says ${rust.reason}`);
      assert.equal(shown.accepted, policy.expect === "accepted", `${label}: the world's expectation (page reason ${shown.reason})`);
      assert.equal(shown.reason, rust.accepted ? null : rust.reason, `${label}: reason`);
      if (policy.reason) assert.equal(shown.reason, policy.reason, `${label}: the world's reason`);
      assert.deepEqual(shown.claims, rustClaims(rust), `${label}: the disclosed claims`);
      assert.equal(shown.symbol, shown.accepted ? "✓" : "✗");
      assert.match(shown.word, shown.accepted ? /確認できました.*Accepted/ : /確認できません.*Not accepted/);
      if (!shown.accepted) assert.ok(shown.reasonText.trim().length > 0, `${label}: the reason is written out`);
      outcomes.push(`${label}: ${shown.accepted ? "accepted" : shown.reason}`);
      if (policy.spec === CLINIC_POLICY && shown.accepted) await checkBilling(page, shown);
      const name = policy.spec === CLINIC_POLICY && shown.accepted ? "decision-clinic"
        : shown.accepted ? "decision-accepted" : "decision-rejected";
      if (!photographed.has(name)) {
        photographed.add(name);
        await shot(page, name);
      }
      await assertClean(page, watch, `the decision of ${label}`);
      // Escape clears the decision for the next customer (a new challenge).
      await blankCamera();
      await page.keyboard.press("Escape");
      await onScreen(page, "counter");
      await challengeFromScreen(page, challenge);
    }
    console.log(`counter decisions:\n  ${outcomes.join("\n  ")}`);
    if (!only) assert.equal(outcomes.length, world.policies.length);
  } finally {
    await context.close();
  }
});

/** The clinic's two downloads: the billing record as JSON and as XML, of the disclosed child. */
async function checkBilling(page, shown) {
  const subsidy = Object.values(shown.claims).find((claims) => "recipient_number" in claims);
  assert.ok(subsidy, `the clinic decision shows the subsidy: ${JSON.stringify(shown.claims)}`);
  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.click("#billing-json")]);
  assert.match(jsonDownload.suggestedFilename(), /^billing-.*\.json$/);
  const record = JSON.parse(await readFile(await jsonDownload.path(), "utf8"));
  assert.equal(record.clinic_id, CLINIC_POLICY.split(":")[1]);
  assert.equal(record.care, "outpatient");
  assert.equal(record.recipient_number, subsidy.recipient_number);
  assert.equal(record.payer_number, subsidy.payer_number);
  assert.equal(record.child_name, subsidy.child_name);
  const [xmlDownload] = await Promise.all([page.waitForEvent("download"), page.click("#billing-xml")]);
  assert.match(xmlDownload.suggestedFilename(), /^billing-.*\.xml$/);
  const xml = await readFile(await xmlDownload.path(), "utf8");
  assert.match(xml, /^<\?xml /);
  assert.ok(xml.includes(subsidy.recipient_number), "the XML names the recipient number");
  assert.ok(xml.includes(record.visit_date), "the XML names the visit date");
}

test("the keyboard wedge: a focused input, and typing while no text field has focus", async () => {
  const { context, page, watch } = await openCounter();
  try {
    await page.evaluate(([key, value]) => localStorage.setItem(key, JSON.stringify(value)),
      [SETTINGS_KEY, settingsForSpec("age-over-20", { ...DEFAULT_SETTINGS, clearAfterSeconds: 600 })]);
    await blankCamera();
    await page.reload();
    await ready(page);
    await onScreen(page, "counter");
    // The input: the scanner types the text and Enter.
    let challenge = await challengeFromScreen(page);
    let [text] = await world.present({ holder: "hanako", challenge });
    await page.click("#wedge");
    await page.keyboard.insertText(text);
    await page.keyboard.press("Enter");
    await onScreen(page, "decision");
    let shown = await decisionOnScreen(page);
    assert.equal(shown.accepted, true, `wedge input: ${shown.reason}`);
    assert.deepEqual(shown.claims, rustClaims(await world.rustDecision({ challenge, policy: "age-over-20", compact: [text] })));
    // What was disclosed, in Japanese and English.
    assert.match(await page.textContent("#decision-claims"), /20歳以上 \/ Age 20 or over/);
    // The same text again on the next challenge is ignored (it was just decided).
    await page.keyboard.press("Enter");
    await onScreen(page, "counter");
    const next = await challengeFromScreen(page, challenge);
    await page.fill("#wedge", text);
    await page.press("#wedge", "Enter");
    await page.waitForSelector('#message[data-code="already_scanned"]');
    assert.equal(await page.getAttribute("body", "data-screen"), "counter");
    // No text field focused (here a button): the page takes the keystrokes itself, and the
    // scanner's Enter submits them instead of pressing the button (which would change the challenge).
    challenge = next;
    [text] = await world.present({ holder: "kenta", challenge });
    await page.focus("#new-challenge");
    await page.keyboard.type(text, { delay: 0 });
    await page.keyboard.press("Enter");
    await onScreen(page, "decision");
    shown = await decisionOnScreen(page);
    assert.equal(shown.accepted, false);
    assert.equal(shown.reason, "under_age");
    await assertClean(page, watch, "wedge decision");
  } finally {
    await context.close();
  }
});

// Mei (Himeji) checks in here; the policy cases above checked in Sakura, already counted.
test("shelter desk offline: check-ins queue, sync to the HQ once back online, counted once", async () => {
  const { context, page, watch } = await openCounter();
  try {
    await configure(page, SHELTER_POLICY);
    await page.waitForSelector("#roster-status:not([hidden])");
    assert.equal(await page.getAttribute("#roster-pending", "data-count"), "0");
    const before = await hq.summary();
    const counted = () => before.shelters?.find((s) => s.shelter_id === SHELTER_POLICY.split(":")[1])?.checked_in ?? 0;
    await context.setOffline(true);
    const challenge = await challengeFromScreen(page);
    const compact = await world.present({ holder: "mei", challenge });
    await scanAll(page, compact);
    const shown = await decisionOnScreen(page);
    assert.equal(shown.accepted, true, `shelter check-in offline: ${shown.reason}`);
    assert.equal(await page.isVisible("#decision-roster"), true);
    await page.keyboard.press("Enter");
    await onScreen(page, "counter");
    await page.waitForSelector('#roster-pending[data-count="1"]');
    await shot(page, "shelter-pending");
    await assertClean(page, watch, "shelter pending");
    // Back online: the page sends the queue by itself.
    await context.setOffline(false);
    await page.waitForSelector('#roster-pending[data-count="0"]');
    const after = await hq.summary();
    const shelter = after.shelters.find((s) => s.shelter_id === SHELTER_POLICY.split(":")[1]);
    assert.equal(shelter.checked_in, counted() + 1);
    // The same person checking in again (a new presentation, the same entry id) counts once.
    await blankCamera();
    const again = await challengeFromScreen(page, challenge);
    await scanAll(page, await world.present({ holder: "mei", challenge: again }));
    assert.equal((await decisionOnScreen(page)).accepted, true);
    await page.keyboard.press("Escape");
    await page.waitForSelector('#roster-pending[data-count="0"]');
    const last = await hq.summary();
    assert.equal(last.shelters.find((s) => s.shelter_id === SHELTER_POLICY.split(":")[1]).checked_in, counted() + 1);
  } finally {
    await context.close();
  }
});

test("offline after the first load: the service worker serves the page, decisions are still made, the data's age is shown; too old refuses; the decision clears itself", async () => {
  const { context, page, watch } = await openCounter({ clock: true });
  try {
    await configure(page, "age-over-20", { clearAfterSeconds: 5 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // A page controlled by the worker (the first load is not, until it claims it).
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
    await context.setOffline(true);
    await page.reload();
    await ready(page);
    await onScreen(page, "counter");
    const freshness = await page.textContent("#freshness");
    assert.match(freshness, /失効情報 \/ Revocation data/);
    assert.match(freshness, /オフライン \/ offline/);
    assert.notEqual(await page.getAttribute("#freshness", "data-age-secs"), "");
    assert.equal(await page.getAttribute("#freshness", "data-too-stale"), "false");
    let challenge = await challengeFromScreen(page);
    let compact = await world.present({ holder: "hanako", challenge });
    await scanAll(page, compact);
    const shown = await decisionOnScreen(page);
    assert.equal(shown.accepted, true, `offline decision: ${shown.reason}`);
    assert.deepEqual(shown.claims, rustClaims(await world.rustDecision({ challenge, policy: "age-over-20", compact })));
    await shot(page, "offline-decision");
    // The decision clears itself after the configured seconds.
    await blankCamera();
    await page.clock.runFor(6_000);
    await onScreen(page, "counter");
    await shot(page, "offline");
    await assertClean(page, watch, "offline counter");
    // Two days later, still offline: the status lists are older than age-over-20 allows.
    await page.clock.fastForward(2 * 86_400_000);
    const before = await challengeFromScreen(page, challenge);
    await page.click("#new-challenge");
    challenge = await challengeFromScreen(page, before);
    compact = await world.present({ holder: "hanako", challenge });
    await scanAll(page, compact);
    const stale = await decisionOnScreen(page);
    assert.equal(stale.accepted, false);
    assert.equal(stale.reason, "status_too_stale");
    assert.match(stale.reasonText, /失効情報が古すぎます/);
    assert.match(stale.reasonText, /too old/);
    assert.equal(await page.getAttribute("#freshness", "data-too-stale"), "true");
    assert.ok(Number(await page.getAttribute("#freshness", "data-stale-secs")) > 86_400, "the verifier's own staleness");
    assert.match(await page.textContent("#freshness"), /有効期間を過ぎてからの経過 \/ past its freshness by \d+ [hd]/);
    await shot(page, "decision-too-stale");
    await assertClean(page, watch, "too stale");
  } finally {
    await context.close();
  }
});

test("a revocation after the page was deployed reaches the counter: it fetches the status lists again from statusListUrls", async () => {
  // config.json still carries the lists from before; the page fetches fresh ones when online.
  await world.revoke("toshio", "age");
  const { context, page, watch } = await openCounter();
  try {
    await configure(page, "age-over-65");
    await page.waitForSelector("#freshness[data-refreshed-at]");
    const challenge = await challengeFromScreen(page);
    const compact = await world.present({ holder: "toshio", challenge });
    await scanAll(page, compact);
    const shown = await decisionOnScreen(page);
    const rust = await world.rustDecision({ challenge, policy: "age-over-65", compact });
    assert.equal(rust.reason, "revoked");
    assert.equal(shown.accepted, false);
    assert.equal(shown.reason, "revoked");
    assert.equal(shown.symbol, "✗");
    assert.equal(await page.textContent('#decision-reason [lang="ja"]'), rust.output.message_ja);
    assert.match(await page.textContent('#decision-reason [lang="en"]'), /revoked/i);
    await assertClean(page, watch, "revoked decision");
  } finally {
    await context.close();
  }
});

test("bad input: a text that is no presentation, a garbled code and a forged one get typed refusals on screen; a code replayed for a later customer is refused", async () => {
  const { context, page, watch } = await openCounter();
  const policy = "age-over-20";
  /** The scanner types `text` and Enter. */
  const wedge = async (text) => {
    await page.fill("#wedge", text);
    await page.press("#wedge", "Enter");
  };
  /** The decision on screen for `text` at `challenge`: refused, for the reason the Rust verifier
   * gives, written out in Japanese and English; then the next customer. */
  const refused = async (name, challenge, text, reason) => {
    await wedge(text);
    await onScreen(page, "decision");
    const shown = await decisionOnScreen(page);
    const rust = await world.rustDecision({ challenge, policy, compact: [text] });
    assert.equal(rust.reason, reason, `${name}: the Rust verifier's reason`);
    assert.equal(shown.accepted, false, name);
    assert.equal(shown.reason, reason, name);
    assert.equal(shown.symbol, "✗", name);
    assert.match(shown.word, /確認できません.*Not accepted/, name);
    assert.equal(await page.textContent('#decision-reason [lang="ja"]'), rust.output.message_ja, name);
    assert.equal(await page.textContent('#decision-reason [lang="en"]'), rust.output.message_en, name);
    await shot(page, `decision-${name}`);
    await assertClean(page, watch, `the ${name} code`);
    await page.keyboard.press("Escape");
    await onScreen(page, "counter");
    return challengeFromScreen(page, challenge);
  };
  try {
    await configure(page, policy);
    let challenge = await challengeFromScreen(page);
    // A QR code that is no presentation (a web address): said so, and the same challenge waits.
    await wedge("https://shop.example/coupon");
    await page.waitForSelector('#message[data-code="not_a_presentation"]');
    assert.equal(await page.getAttribute("body", "data-screen"), "counter");
    assert.equal(await page.getAttribute("#challenge", "data-challenge"), challenge);
    await assertClean(page, watch, "not a presentation");
    // A garbled code (not base45) and a forged one (Hanako's, its issuer signature altered).
    challenge = await refused("unreadable", challenge, "MV1:NOT-BASE45-%%%", "unreadable");
    const [genuine] = await world.present({ holder: "hanako", challenge });
    challenge = await refused("tampered", challenge, forgeSignature(genuine), "tampered");
    // Hanako's real code is accepted; Kenta comes next; then Hanako's code is shown again.
    const [hanako] = await world.present({ holder: "hanako", challenge });
    await wedge(hanako);
    await onScreen(page, "decision");
    assert.equal((await decisionOnScreen(page)).accepted, true);
    await page.keyboard.press("Escape");
    await onScreen(page, "counter");
    challenge = await challengeFromScreen(page, challenge);
    await wedge((await world.present({ holder: "kenta", challenge }))[0]);
    await onScreen(page, "decision");
    assert.equal((await decisionOnScreen(page)).reason, "under_age");
    await page.keyboard.press("Escape");
    await onScreen(page, "counter");
    challenge = await challengeFromScreen(page, challenge);
    await refused("replayed", challenge, hanako, "not_bound_to_request");
  } finally {
    await context.close();
  }
});

// The resident's wallet app presenting a policy of two credentials to the counter page, end to
// end in real Chromium: Himeji child entry (`himeji-child-entry`: a resident of 姫路市 aged 4
// to 14, from a resident and an age credential bound to one holder key).
//
//   a real `myna issuer serve` of 姫路市 (support/world.mjs with { city: "himeji" }) offers a
//   7-year-old's resident and age credentials → the wallet app (a phone: its own Chromium,
//   fake camera A) receives them by camera with the PIN → the counter page (a desk: another
//   Chromium, fake camera B) set to Himeji child entry shows its challenge → the challenge is
//   read from a screenshot of the counter (ZBar) and shown to the app's camera → preview →
//   confirm → the app shows two QR codes one at a time ("1 / 2", Next/Previous by keyboard,
//   the position announced) → each code is read from a screenshot of the phone, and shown to
//   the counter's camera, the second code first (the counter takes them in any order) → the
//   counter shows ✓ with the disclosed claims `myna verify check` gives for the same codes
//   (both orders).
//
// Each code reaches the counter's camera as a QR drawn again from the text read off the
// phone's screenshot (support/fake_camera.mjs), as counter.test.mjs feeds the Rust wallet's.
// axe-core on the app's two-code screen; screenshots $MYNA_TEST_OUTPUT/wallet-counter-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seriousViolations } from "./support/axe.mjs";
import { startWorld } from "./support/world.mjs";
import { swappableCamera } from "./support/fake_camera.mjs";
import { PNG } from "pngjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { serveApp } from "./support/app.mjs";
import { OUTPUT as output, launchChromium } from "./support/browser.mjs";
import { serveStatic } from "./support/static.mjs";
import { DEFAULT_SETTINGS, settingsForSpec } from "../counter/js/policies.js";
import { restartCamera } from "./support/counter_page.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const WAIT = 60_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const DESK = { viewport: { width: 1024, height: 900 }, deviceScaleFactor: 1 };
const PASSPHRASE = "kumo no ue no sora 2026";
const COUNTER_AUDIENCE = "x509_san_dns:castle.himeji.example";
const POLICY = "himeji-child-entry";
const SETTINGS_KEY = "myna-counter-settings";

/** Today in Japan, minus `years` years and `days` days, as YYYY-MM-DD: an age far from any
 * threshold whatever the day the test runs (the issuer computes ages on the real clock). */
function bornAgo(years, days) {
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  return new Date(Date.UTC(jst.getUTCFullYear() - years, jst.getUTCMonth(), jst.getUTCDate() - days)).toISOString().slice(0, 10);
}
const MEI = { name: "姫路 芽衣", address: "兵庫県姫路市安田四丁目1番地", birthdate: bornAgo(7, 180) };

let scratch;
let world;
let app;
let counterSite;
const cameras = {}; // the fake camera file of each browser
const browsers = {};

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-wallet-counter-"));
  world = await startWorld({ dir: path.join(scratch, "world"), city: "himeji" });
  app = await serveApp(world, { names: { nameJa: world.city.name, nameEn: world.city.nameEn } });
  const uri = `${world.issuerId}/status/1`;
  counterSite = await serveStatic({
    root: here("../pkg/"),
    files: {
      "/counter/config.json": {
        audience: COUNTER_AUDIENCE,
        authorityJwk: world.authorityJwk,
        trustList: world.trustList,
        statusLists: [{ issuer: world.issuerId, uri, token: await world.statusList() }],
        statusListUrls: [{ issuer: world.issuerId, uri, url: `${world.issuerUrl}/status/1` }],
      },
    },
  });
  const blank = new PNG({ width: 64, height: 64 });
  blank.data.fill(255);
  for (const who of ["phone", "desk"]) {
    cameras[who] = swappableCamera(path.join(scratch, `${who}.y4m`));
    // Nothing before either camera yet: a white picture.
    await cameras[who].showImage(PNG.sync.write(blank));
    browsers[who] = await launchChromium(cameras[who].args);
  }
});

after(async () => {
  for (const browser of Object.values(browsers)) await browser.close();
  await world?.stop();
  await app?.close();
  await counterSite?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Puts `text` as a QR code before the camera of `who` (read when a page next starts it). */
async function showTo(who, text) {
  await cameras[who].showText(text);
}

async function open(who, url, options) {
  const context = await browsers[who].newContext({ ...options, locale: "ja-JP", timezoneId: "Asia/Tokyo", reducedMotion: "reduce" });
  context.setDefaultTimeout(WAIT);
  await context.grantPermissions(["camera"], { origin: new URL(url).origin });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return { context, page, errors };
}

async function onScreen(page, name) {
  try {
    await page.waitForSelector(`body[data-screen="${name}"]`);
  } catch {
    const state = await page.evaluate(() => ({ screen: document.body.dataset.screen, message: document.getElementById("message")?.textContent }));
    throw new Error(`expected screen ${name}, found ${JSON.stringify(state)}`);
  }
}

/** The QR code in element `selector`, read from a screenshot once the page has drawn it: a
 * code still being laid out (sized to whole device pixels) is read again after the next frames. */
async function readSettled(page, selector, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    const png = await page.locator(selector).screenshot();
    try {
      return decodeQrFromPng(png);
    } catch (error) {
      if (error.code !== "no_qr_code" || attempt >= attempts) {
        await writeFile(path.join(output, "wallet-counter-unreadable-challenge.png"), png);
        throw error;
      }
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    }
  }
}


/** The app's code on screen, read from a screenshot of the phone; checks it is the text box's. */
async function codeOnPhone(page, index) {
  await page.waitForSelector(`#present-qr[data-index="${index}"] svg`);
  const screen = await page.screenshot();
  let text;
  try {
    text = decodeQrFromPng(screen);
  } catch (error) {
    await writeFile(path.join(output, `wallet-counter-unreadable-${index}.png`), screen);
    throw error;
  }
  assert.match(text, /^MV1:/);
  assert.equal(text, (await page.inputValue("#present-compact")).trim(), "the QR says what the text box says");
  return text;
}

test("the wallet app's two QR codes for Himeji child entry, scanned by the counter in either order: ✓, as `myna verify check` decides", async () => {
  // The city offers the child's resident and age credentials; the app receives them.
  const offer = await world.offer([
    { credential: "resident", name: MEI.name, address: MEI.address, birthdate: MEI.birthdate },
    { credential: "age", birthdate: MEI.birthdate },
  ]);
  await showTo("phone", offer.link);
  const phone = await open("phone", `${app.url}/`, PHONE);
  const desk = await open("desk", `${counterSite.url}/counter/`, DESK);
  try {
    const { page } = phone;
    await onScreen(page, "start");
    await page.fill("#create-passphrase", PASSPHRASE);
    await page.fill("#create-passphrase-again", PASSPHRASE);
    await page.click("#create-submit");
    await onScreen(page, "cards");
    await page.click("#nav-receive");
    await onScreen(page, "receive");
    await page.click("#receive-camera");
    await page.waitForSelector("#receive-pin-form:not([hidden])");
    await page.fill("#receive-pin", offer.pin);
    await page.click("#receive-pin-submit");
    await onScreen(page, "offer-preview");
    await page.click("#offer-accept");
    await onScreen(page, "cards");
    await page.waitForSelector("#cards-list > li.card:nth-child(2)");

    // The counter, set to Himeji child entry, shows its challenge.
    const counter = desk.page;
    await counter.evaluate(([key, value]) => localStorage.setItem(key, JSON.stringify(value)),
      [SETTINGS_KEY, settingsForSpec(POLICY, { ...DEFAULT_SETTINGS, clearAfterSeconds: 600 })]);
    await counter.reload();
    await counter.waitForSelector("body[data-ready=true]");
    await onScreen(counter, "counter");
    await counter.waitForFunction(() => document.getElementById("challenge").dataset.challenge
      && document.querySelector("#challenge svg"));
    const challenge = await readSettled(counter, "#challenge");
    assert.equal(challenge, await counter.getAttribute("#challenge", "data-challenge"));
    assert.match(challenge, new RegExp(`^MVC1:\\S+:${COUNTER_AUDIENCE} ${POLICY}$`));

    // The phone scans it: the preview names the counter; both credentials are asked for.
    await showTo("phone", challenge);
    await page.click("#nav-present");
    await onScreen(page, "present");
    await page.click("#present-camera");
    await onScreen(page, "present-preview");
    assert.equal(await page.textContent("#present-verifier"), COUNTER_AUDIENCE);
    const kinds = await page.$$eval("#present-disclosed > li", (items) => [...new Set(items.map((li) => li.dataset.vct))].sort());
    assert.deepEqual(kinds, ["urn:myna-vc:vct:age:1", "urn:myna-vc:vct:resident:1"]);
    await page.click("#present-confirm");
    await onScreen(page, "present-qr");

    // Two codes, one at a time: "1 / 2", Previous disabled, the note that says so.
    await page.waitForSelector('#present-qr[data-count="2"][data-index="0"] svg');
    assert.equal(await page.isVisible("#present-qr-several"), true);
    assert.match(await page.textContent("#present-qr-position"), /^1 \/ 2 /);
    assert.equal(await page.isDisabled("#present-qr-previous"), true);
    const box = await page.locator("#present-qr svg").boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= PHONE.viewport.height, `the QR code fits the screen: ${JSON.stringify(box)}`);
    assert.deepEqual(await seriousViolations(page), [], "axe on the two-code screen");
    await page.screenshot({ path: path.join(output, "wallet-counter-present-qr-1.png") });
    const first = await codeOnPhone(page, 0);
    // Next by keyboard: the second code; the last one hands the focus to Done; announced.
    await page.focus("#present-qr-next");
    await page.keyboard.press("Enter");
    const second = await codeOnPhone(page, 1);
    assert.notEqual(first, second);
    assert.match(await page.textContent("#present-qr-position"), /^2 \/ 2 /);
    assert.equal(await page.getAttribute("#present-qr-position", "aria-live"), "polite");
    assert.equal(await page.isDisabled("#present-qr-next"), true);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "present-done");
    await page.screenshot({ path: path.join(output, "wallet-counter-present-qr-2.png") });
    // Previous goes back to the same first code.
    await page.focus("#present-qr-previous");
    await page.keyboard.press("Enter");
    assert.equal(await codeOnPhone(page, 0), first);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "present-qr-next");

    // The counter scans the second code first, then the first.
    await showTo("desk", second);
    await restartCamera(counter);
    await counter.waitForSelector('#scan-progress[data-scanned="1"][data-needed="2"]');
    await showTo("desk", first);
    await restartCamera(counter);
    await onScreen(counter, "decision");
    const shown = await counter.evaluate(() => {
      const main = document.getElementById("screen-decision");
      const claims = {};
      for (const dd of main.querySelectorAll("dd[data-claim]")) {
        (claims[dd.dataset.credential] ??= {})[dd.dataset.claim] = JSON.parse(dd.dataset.value);
      }
      return { accepted: main.dataset.accepted === "true", reason: main.dataset.reason || null,
        symbol: document.getElementById("decision-symbol").textContent, claims };
    });
    await counter.screenshot({ path: path.join(output, "wallet-counter-decision.png"), fullPage: true });

    // The Rust verifier on the same codes, in the app's order and in the counter's.
    for (const codes of [[first, second], [second, first]]) {
      const rust = await world.verifyCompact({ challenge, audience: COUNTER_AUDIENCE, policy: POLICY, compact: codes.join("\n") });
      assert.equal(rust.accepted, true, JSON.stringify(rust.output));
      assert.equal(shown.accepted, rust.accepted);
      assert.equal(shown.reason, null);
      const claims = Object.fromEntries((rust.output.credentials ?? []).map((c) => [c.id, c.claims]));
      assert.deepEqual(shown.claims, claims, "the counter shows what the Rust verifier disclosed");
    }
    assert.equal(shown.symbol, "✓");
    assert.deepEqual(Object.keys(shown.claims).sort(), ["age", "resident"]);
    assert.deepEqual(phone.errors, []);
    assert.deepEqual(desk.errors, []);
  } finally {
    await phone.context.close();
    await desk.context.close();
  }
});

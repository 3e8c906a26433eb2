// The resident's journey through the wallet app (wasm/pkg/app/, built by scripts/build-app) in
// real Chromium, against a real `myna issuer serve` on loopback (support/world.mjs):
// create a wallet → scan the city's offer QR with the (fake) camera → PIN → preview → card →
// scan a shop's challenge → the presentation QR on screen, read from a screenshot, accepted by
// the Rust verifier → the city revokes → the card shows revoked → reload: the data persisted.
// One persistent browser profile; Chromium is relaunched with another fake-camera file for
// each QR code to scan. Screenshots land in $MYNA_TEST_OUTPUT (default target/browser-test).
//
// Not yet covered here (see the harness report): wrong passphrase and backup → restore in a
// fresh profile (wallet_app_screens.test.mjs covers them without an issuer).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startWorld } from "./support/world.mjs";
import { y4mForText } from "./support/fake_camera.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { serveStatic } from "./support/static.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const output = process.env.MYNA_TEST_OUTPUT ?? here("../../target/browser-test/");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const PASSPHRASE = "kumo no ue no sora 2026";
const AUDIENCE = "x509_san_dns:shop.example";

let scratch;
let world;
let app;

before(async () => {
  await mkdir(output, { recursive: true });
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-wallet-app-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  app = await serveStatic({
    root: here("../pkg/app/"),
    files: {
      "/config.json": {
        trust: { authorityJwk: world.authorityJwk, trustListUrl: "/trust-list.jwt" },
        issuers: { [world.issuerId]: { nameJa: "前橋市", nameEn: "Maebashi City" } },
        lockAfterSeconds: 300,
        development: { loopbackHttp: { [world.issuerId]: world.issuerUrl } },
      },
      "/trust-list.jwt": world.trustList,
    },
  });
});

after(async () => {
  await world?.stop();
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The app in the persistent profile `profile`, its camera showing `cameraText` as a QR code. */
async function openApp(profile, cameraText) {
  const args = [...CHROMIUM_ARGS];
  if (cameraText) {
    const video = path.join(scratch, `camera-${Date.now()}-${Math.random().toString(36).slice(2)}.y4m`);
    await y4mForText(cameraText, video);
    args.push("--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args,
    // Three device pixels per CSS pixel: a dense presentation QR (version 25+) still has
    // several pixels a module in a screenshot, as a phone screen would show it.
    deviceScaleFactor: 3,
  });
  await context.grantPermissions(["camera"], { origin: app.url });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${app.url}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  return { context, page, errors };
}

async function onScreen(page, screen) {
  await page.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
}

async function message(page) {
  return { code: await page.getAttribute("#message", "data-code"), text: await page.textContent("#message") };
}

test("create → receive by camera with PIN → present in person → revoked → reload", async () => {
  const profile = path.join(scratch, "profile");
  const offer = await world.offer({ credential: "age", birthdate: "1990-05-01" });

  // Create the wallet, then scan the city's offer.
  let { context, page, errors } = await openApp(profile, offer.link);
  try {
    await onScreen(page, "start");
    await page.fill("#create-passphrase", PASSPHRASE);
    await page.fill("#create-passphrase-again", PASSPHRASE);
    await page.click("#create-submit");
    await onScreen(page, "cards");
    await page.click("#nav-receive");
    await onScreen(page, "receive");
    await page.click("#receive-camera");
    await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
    await page.fill("#receive-pin", offer.pin);
    await page.click("#receive-pin-submit");
    await onScreen(page, "offer-preview");
    await page.screenshot({ path: path.join(output, "journey-offer-preview.png"), fullPage: true });
    await page.click("#offer-accept");
    await onScreen(page, "cards");
    await page.waitForSelector("#cards-list li", { timeout: 60000 });
    await page.screenshot({ path: path.join(output, "journey-card.png"), fullPage: true });
    assert.equal(await page.locator("#cards-list li").count(), 1, JSON.stringify(await message(page)));
    assert.doesNotMatch(await page.textContent("#cards-list"), /失効|revoked/i);
    assert.match(await page.textContent("#cards-list"), /年齢確認証明書/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }

  // The shop's challenge, scanned; the presentation QR read back from the screen.
  const challenge = await world.challenge({ audience: AUDIENCE, policy: "age-over-20" });
  ({ context, page, errors } = await openApp(profile, challenge));
  let compact;
  try {
    await onScreen(page, "unlock");
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-submit");
    await onScreen(page, "cards");
    await page.click("#nav-present");
    await onScreen(page, "present");
    await page.click("#present-camera");
    await onScreen(page, "present-preview");
    await page.screenshot({ path: path.join(output, "journey-present-preview.png"), fullPage: true });
    await page.click("#present-confirm");
    await onScreen(page, "present-qr");
    await page.screenshot({ path: path.join(output, "journey-present-qr.png"), fullPage: true });
    compact = decodeQrFromPng(await page.locator("#present-qr").screenshot());
    assert.match(compact, /^MV1:/);
    assert.equal(compact, (await page.inputValue("#present-compact")).trim());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
  const accepted = await world.verifyCompact({ challenge, audience: AUDIENCE, policy: "age-over-20", compact });
  assert.equal(accepted.accepted, true, JSON.stringify(accepted.output));

  // The city revokes everything of this person; the app's status check shows it.
  const revoked = await world.revoke(offer.subject);
  assert.ok(revoked.changed > 0 || (Array.isArray(revoked.changed) && revoked.changed.length > 0), JSON.stringify(revoked));
  ({ context, page, errors } = await openApp(profile));
  try {
    await onScreen(page, "unlock");
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-submit");
    await onScreen(page, "cards");
    await page.click("#status-refresh");
    await page.waitForFunction(() => document.querySelector("#cards-list")?.textContent.match(/失効|revoked/i), null, { timeout: 60000 });
    await page.screenshot({ path: path.join(output, "journey-revoked.png"), fullPage: true });
    // Reload: the card and its revoked state persisted in IndexedDB.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await onScreen(page, "unlock");
    await page.fill("#unlock-passphrase", PASSPHRASE);
    await page.click("#unlock-submit");
    await onScreen(page, "cards");
    assert.equal(await page.locator("#cards-list li").count(), 1);
    assert.match(await page.textContent("#cards-list"), /失効|revoked/i);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// The browser-test harness (support/*.mjs) proved against reality: a real `myna issuer serve`
// set up by the CLI, an offer link carried through a .y4m file into Chromium's fake camera and
// decoded on a page, a QR drawn on a page read back from a screenshot, CORS calls from another
// loopback origin in Chromium, the Rust verifier refusing garbage, and nothing left running.
// Screenshots land in $MYNA_TEST_OUTPUT (default target/browser-test).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import QRCode from "qrcode";
import { startWorld } from "./support/world.mjs";
import { fakeCameraArgs, y4mForText } from "./support/fake_camera.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { serveStatic } from "./support/static.mjs";
import { launchChromium as launch, screenshot } from "./support/browser.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

let scratch;
let world;
let pages;

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-harness-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  pages = await serveStatic({
    root: here("pages/"),
    mounts: { "/vendor/": here("node_modules/jsqr/dist/") },
  });
});

after(async () => {
  await world?.stop();
  await pages?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test("the world runs a test-environment issuer on loopback, set up as README 'Run your own' does", async () => {
  assert.equal(world.issuerId, "https://vc.city.maebashi.example");
  assert.match(world.issuerUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const metadata = await (await fetch(`${world.issuerUrl}/.well-known/openid-credential-issuer`)).json();
  assert.equal(metadata.credential_issuer, world.issuerId);
  assert.equal(world.trustList.split(".").length, 3);
  assert.equal(world.authorityJwk.kty, "EC");
  assert.equal(world.issuerJwk.kty, "EC");
  assert.notDeepEqual(world.authorityJwk, world.issuerJwk);
  // The trust list names this issuer with this key.
  const payload = JSON.parse(Buffer.from(world.trustList.split(".")[1], "base64url").toString());
  assert.ok(JSON.stringify(payload).includes(world.issuerJwk.x), "the issuer key is in the trust list");
});

test("an offer link survives a .y4m file, Chromium's fake camera and jsQR on a page", async () => {
  const offer = await world.offer();
  assert.match(offer.link, /^openid-credential-offer:\/\/\?credential_offer=/);
  assert.match(offer.pin, /^\d{6}$/);
  assert.equal(Buffer.from(offer.subject, "base64url").length, 32);
  const video = path.join(scratch, "offer.y4m");
  await y4mForText(offer.link, video);
  const browser = await launch(fakeCameraArgs(video));
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["camera"], { origin: pages.url });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${pages.url}/camera.html`);
    await page.waitForSelector("body[data-result], body[data-error]");
    await screenshot(page, "harness-camera", { fullPage: false });
    assert.equal(await page.getAttribute("body", "data-error"), null);
    assert.equal(await page.getAttribute("body", "data-result"), offer.link);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("a QR code drawn on a page decodes from its screenshot", async () => {
  const text = `MV1:${"A".repeat(300)}`;
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const matrix = { size: qr.modules.size, modules: Array.from(qr.modules.data) };
  const site = await serveStatic({ root: here("pages/"), files: { "/matrix.json": matrix } });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/qr.html`);
    await page.waitForSelector("body[data-ready=true]");
    const png = await screenshot(page, "harness-qr");
    assert.equal(decodeQrFromPng(png), text);
    // A screenshot without a code is an error with a code, not a guess.
    assert.throws(() => decodeQrFromPng(Buffer.from(PNG_WHITE, "base64")), { code: "no_qr_code" });
  } finally {
    await browser.close();
    await site.close();
  }
});

test("a page on another loopback origin reads the issuer's public routes, not its admin API", async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${pages.url}/cors.html?issuer=${encodeURIComponent(world.issuerUrl)}`);
    await page.waitForSelector("body[data-results]");
    const results = Object.fromEntries(
      JSON.parse(await page.getAttribute("body", "data-results")).map((r) => [r.name, r]));
    assert.notEqual(new URL(pages.url).origin, new URL(world.issuerUrl).origin);
    assert.equal(results.metadata.readable, true, JSON.stringify(results.metadata));
    assert.equal(results.metadata.status, 200);
    assert.match(results.metadata.body, /credential_issuer/);
    assert.equal(results.status.readable, true, JSON.stringify(results.status));
    assert.equal(results.status.status, 200);
    assert.equal(results.status.segments, 3, "a compact JWT");
    // The preflighted credential request went through; the issuer's refusal is readable.
    assert.equal(results.credential.readable, true, JSON.stringify(results.credential));
    assert.ok(results.credential.status >= 400 && results.credential.status < 500, JSON.stringify(results.credential));
    assert.equal(results.admin.readable, false, JSON.stringify(results.admin));
  } finally {
    await browser.close();
  }
});

test("verifyCompact refuses garbage with a reason; challenge makes an in-person challenge", async () => {
  const audience = "x509_san_dns:shop.example";
  const challenge = await world.challenge({ audience, policy: "age-over-20" });
  assert.match(challenge, /^MVC1:[A-Za-z0-9_-]+:x509_san_dns:shop\.example/);
  const decision = await world.verifyCompact({ challenge, audience, policy: "age-over-20", compact: "MV1:garbage" });
  assert.equal(decision.accepted, false);
  assert.equal(decision.reason, "unreadable");
  assert.ok(decision.output.message_ja.length > 0);
});

test("revocation by subject: unknown people are refused, offered people have nothing yet", async () => {
  const offer = await world.offer({ credential: "age", birthdate: "1990-05-01" }, { pin: false });
  assert.equal(offer.pin, null);
  // Nothing was issued to the subject yet: the issuer knows no credential of that person.
  await assert.rejects(world.revoke(offer.subject), /404/);
});

test("offerLifetimeSecs makes offers expire; stop() leaves no process behind", async () => {
  const other = await startWorld({ dir: path.join(scratch, "second"), offerLifetimeSecs: 1 });
  assert.equal(other.offerLifetimeSecs, 1);
  const offer = await other.offer(undefined, { pin: false });
  // The issuer runs on the real clock: wait until the offer is certainly past its lifetime.
  while (Date.now() / 1000 <= offer.expiresAt) await new Promise((resolve) => setTimeout(resolve, 250));
  const code = offer.offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"];
  const token = await fetch(`${other.issuerUrl}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code",
      "pre-authorized_code": code,
    }),
  });
  const refusal = await token.json();
  assert.equal(token.status, 400, JSON.stringify(refusal));
  assert.equal(refusal.error, "invalid_grant");
  assert.match(refusal.error_description, /expired/i);

  const pid = other.pid;
  assert.ok(isRunning(pid));
  await other.stop();
  assert.equal(isRunning(pid), false);
  await assert.rejects(fetch(`${other.issuerUrl}/status/1`));
});

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A 1×1 white PNG.
const PNG_WHITE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC";

// One offer naming two credential configurations (the city's resident and age credentials),
// received in the wallet app (wasm/pkg/app/) in real Chromium from a real `myna issuer serve`:
// two cards, one per configuration, although both are one batch — the configurations of an
// offer share the batch's holder keys, so that they can be shown together
// (specs/holder-binding.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startWorld, HANAKO } from "./support/world.mjs";
import { serveApp } from "./support/app.mjs";
import { launchChromium } from "./support/browser.mjs";

const PASSPHRASE = "kumo no ue no sora 2026";

let scratch;
let world;
let app;

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-offer-batches-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  app = await serveApp(world, { names: null });
});

after(async () => {
  await world?.stop();
  await app?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test("an offer of the resident and the age credential: one batch, two cards", async () => {
  const offer = await world.offer([
    { credential: "resident", name: "前橋　花子", address: HANAKO.address, birthdate: HANAKO.birthdate },
    { credential: "age", birthdate: HANAKO.birthdate },
  ]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const onScreen = (screen) => page.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
    await page.goto(`${app.url}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
    await onScreen("start");
    await page.fill("#create-passphrase", PASSPHRASE);
    await page.fill("#create-passphrase-again", PASSPHRASE);
    await page.click("#create-submit");
    await onScreen("cards");
    await page.click("#nav-receive");
    await onScreen("receive");
    await page.fill("#receive-link", offer.link);
    await page.click("#receive-paste-submit");
    await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
    await page.fill("#receive-pin", offer.pin);
    await page.click("#receive-pin-submit");
    await onScreen("offer-preview");
    assert.equal(await page.locator("#offer-cards li").count(), 2);
    await page.click("#offer-accept");
    await onScreen("cards");
    await page.waitForSelector("#cards-list li", { timeout: 60000 });

    const cards = await page.$$eval("#cards-list li", (items) => items.map((li) => ({ ...li.dataset })));
    assert.deepEqual(cards.map((c) => c.kind).sort(), ["age", "resident"], JSON.stringify(cards));
    assert.equal(new Set(cards.map((c) => c.vct)).size, 2, JSON.stringify(cards));
    // One batch: the offer's keys, shared by its configurations.
    assert.equal(new Set(cards.map((c) => c.batch)).size, 1, JSON.stringify(cards));
    assert.match(cards[0].batch, /\S/);
    // Every copy of each configuration is there (the issuer's batch size).
    const copies = await page.$$eval("#cards-list li", (items) => items.map((li) => li.textContent.match(/(\d+) \/ (\d+)/)?.slice(1)));
    for (const [left, total] of copies) {
      assert.equal(left, total);
      assert.ok(Number(total) >= 2);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

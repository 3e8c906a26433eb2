// The merchant page in a real browser: Debian's Chromium driven by playwright-core loads the
// page from a loopback server, goes offline, submits a valid and a revoked presentation, and
// checks what the cashier sees. Screenshots land in $MYNA_TEST_OUTPUT (default
// target/browser-test).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const fixtures = process.env.MYNA_FIXTURES ?? here("../../target/myna-fixtures/");
const output = process.env.MYNA_TEST_OUTPUT ?? here("../../target/browser-test/");
const merchant = JSON.parse(await readFile(`${fixtures}/merchant.json`, "utf8"));

let server;
let browser;

before(async () => {
  await mkdir(output, { recursive: true });
  server = await serve({
    mounts: { "/": here("../examples/merchant/"), "/pkg/": here("../pkg/") },
    files: { "/config.json": JSON.stringify(merchant.config) },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function checkAtCounter(c, screenshot) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.url}/?nonce=${encodeURIComponent(c.nonce)}&now=${merchant.now}`);
  await page.waitForSelector("body[data-ready=true]");
  // Everything is loaded: from here on the page must work with no network at all.
  await context.setOffline(true);
  assert.match(await page.textContent("#challenge"), new RegExp(`^MVC1:${c.nonce}:`));
  await page.fill("#presentation", c.presentation);
  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  const shown = {
    mark: await page.textContent("#mark"),
    reason: await page.getAttribute("#result", "data-reason"),
    ja: await page.textContent("#reason-ja"),
    en: await page.textContent("#reason-en"),
  };
  await page.screenshot({ path: `${output}/${screenshot}`, fullPage: true });
  await context.close();
  assert.deepEqual(errors, []);
  return shown;
}

test("a valid presentation shows a large ✓", async () => {
  const adult = merchant.cases.find((c) => c.name === "an adult");
  const shown = await checkAtCounter(adult, "merchant-accepted.png");
  assert.equal(shown.mark, "✓");
  assert.equal(shown.reason, "accepted");
  assert.match(shown.ja, /20歳以上/);
  assert.match(shown.en, /20 or over/);
});

test("a revoked presentation shows ✗ with the reason in Japanese and English", async () => {
  const revoked = merchant.cases.find((c) => c.name === "a revoked credential");
  const shown = await checkAtCounter(revoked, "merchant-revoked.png");
  assert.equal(shown.mark, "✗");
  assert.equal(shown.reason, "revoked");
  assert.ok(shown.ja.length > 0 && /[\u3040-\u30ff\u4e00-\u9fff]/.test(shown.ja), shown.ja);
  assert.match(shown.en, /revoked/i);
});

// The resident's wallet app (wasm/pkg/app/, built by scripts/build-app) in real Chromium:
// create a wallet, visit every screen a fresh wallet reaches (axe-core on each, a screenshot
// of each in $MYNA_TEST_OUTPUT), export a backup, lock, reload, unlock (a wrong passphrase
// first), restore the backup in a fresh browser profile; the strict CSP is in force and
// nothing violates it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seriousViolations } from "./support/axe.mjs";
import { launchChromium, OUTPUT, screenshot, watchPage } from "./support/browser.mjs";
import { serveStatic } from "./support/static.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

const PASSPHRASE = "kumo no ue no sora 2026";
const BACKUP_PASSPHRASE = "another long backup phrase";
// A deployment with a trust anchor (never fetched here: nothing is received) and the
// development mapping, whose banner must show.
const config = {
  trust: { authorityJwk: { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }, trustListUrl: "https://vc.city.maebashi.example/trust-list" },
  issuers: { "https://vc.city.maebashi.example": { nameJa: "前橋市", nameEn: "Maebashi City" } },
  lockAfterSeconds: 300,
  development: { loopbackHttp: { "https://vc.city.maebashi.example": "http://127.0.0.1:9" } },
};

let server;
let browser;

before(async () => {
  server = await serveStatic({ root: here("../pkg/app/"), files: { "/config.json": config } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page with every CSP violation, page error and console error recorded. */
async function openApp(context) {
  const page = await context.newPage();
  const watch = await watchPage(page, { metaCsp: true });
  await page.goto(`${server.url}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  return { page, watch };
}

const seen = new Set();
/** axe-core on the current screen (no serious or critical violation), and a screenshot. */
async function check(page, screen, suffix = "") {
  await page.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
  assert.equal(await page.isVisible(`#screen-${screen}`), true, `#screen-${screen} visible`);
  assert.deepEqual(await seriousViolations(page), [], `axe on ${screen}${suffix}`);
  await screenshot(page, `app-${screen}${suffix}`);
  seen.add(screen);
}

async function messageCode(page) {
  await page.waitForSelector("#message:not([hidden])");
  return page.getAttribute("#message", "data-code");
}

let backupFile;

test("create a wallet, visit every screen, back up, lock, reload and unlock", async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const { page, watch } = await openApp(context);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /object-src 'none'/);
  assert.equal(await page.isVisible("#dev-banner"), true, "the development banner shows");
  assert.match(await page.textContent("#dev-banner"), /開発用設定[\s\S]*Development setting/);

  await check(page, "start");
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  // 200 % text on a phone-sized screen: everything reflows, nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1),
    "no horizontal scrolling at 200 % text");
  await check(page, "start", "-200-percent-text");
  await page.evaluate(() => { document.documentElement.style.fontSize = ""; });
  await page.setViewportSize({ width: 1280, height: 720 });
  // Reduced motion: no transitions; forced colours (Windows high contrast) still readable.
  await page.emulateMedia({ reducedMotion: "reduce" });
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById("create-submit")).transitionDuration), "0s");
  await page.emulateMedia({ reducedMotion: "no-preference" });
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.getElementById("create-submit")).transitionDuration), "0s");
  await page.emulateMedia({ forcedColors: "active" });
  await check(page, "start", "-forced-colors");
  await page.emulateMedia({ forcedColors: "none", reducedMotion: "reduce" });
  // The strength meter moves, and a weak passphrase is refused.
  await page.fill("#create-passphrase", "abc");
  assert.equal(await page.evaluate(() => document.getElementById("strength").value), 0);
  await page.fill("#create-passphrase-again", "abc");
  await page.click("#create-submit");
  assert.equal(await messageCode(page), "passphrase_weak");
  await page.fill("#create-passphrase", PASSPHRASE);
  assert.ok(await page.evaluate(() => document.getElementById("strength").value) >= 2);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await check(page, "cards");
  assert.equal(await page.isVisible("#cards-empty"), true);
  assert.equal(await page.locator("#cards-list > li").count(), 0);

  // Receive: no camera in this browser → the fallbacks are offered; a text that is no offer.
  await page.click("#nav-receive");
  await check(page, "receive");
  await page.click("#receive-camera");
  await page.waitForSelector("#receive-camera-unavailable:not([hidden])");
  assert.match(await page.textContent("#receive-camera-unavailable"), /カメラを使えません[\s\S]*Camera unavailable/);
  await page.fill("#receive-link", "https://example.com/not-an-offer");
  await page.click("#receive-paste-submit");
  assert.equal(await messageCode(page), "not_an_offer");
  assert.match(await page.textContent("#message"), /受け取り用ではありません[\s\S]*not a credential offer/);

  // Present: not a challenge; an old two-part challenge asks what is asked.
  await page.click("#nav-present");
  await check(page, "present");
  await page.fill("#present-link", "hello");
  await page.click("#present-paste-submit");
  assert.equal(await messageCode(page), "not_a_challenge");
  await page.fill("#present-link", "MVC1:bm9uY2Utbm9uY2Utbm9uY2U:x509_san_dns:shop.example.jp");
  await page.click("#present-paste-submit");
  await page.waitForSelector("#present-ask-form:not([hidden])");
  await check(page, "present", "-ask");

  await page.click("#nav-consents");
  await check(page, "consents");
  assert.equal(await page.isVisible("#consents-empty"), true);

  await page.click("#nav-history");
  await check(page, "history");
  assert.ok(await page.locator("#history-list > li").count() >= 1, "the wallet's creation is in the history");
  assert.match(await page.textContent("#history-list > li"), /JST/);

  await page.click("#nav-backup");
  await check(page, "backup");
  await page.fill("#backup-passphrase", PASSPHRASE);
  await page.fill("#backup-new-passphrase", BACKUP_PASSPHRASE);
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60000 }), page.click("#backup-export-submit")]);
  assert.match(download.suggestedFilename(), /^myna-wallet-backup-\d{8}\.mwb$/);
  backupFile = path.join(OUTPUT, "app-backup.mwb");
  await download.saveAs(backupFile);
  assert.ok((await readFile(backupFile)).length > 64);

  await page.click("#nav-settings");
  await check(page, "settings");
  assert.equal(await page.isVisible("#settings-dev-none"), false);
  assert.match(await page.textContent("#settings-dev"), /https:\/\/vc\.city\.maebashi\.example → http:\/\/127\.0\.0\.1:9/);
  // The second language (Japanese stays first): Vietnamese, then English again.
  await page.selectOption("#settings-second-lang", "vi");
  await page.waitForSelector('#nav-cards > span[lang="vi"]');
  assert.equal(await page.getAttribute("#nav-cards > span:first-child", "lang"), "ja");
  assert.equal(await page.textContent('#nav-cards > span[lang="vi"]'), "Chứng nhận");
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  await check(page, "settings", "-vietnamese");
  await page.selectOption("#settings-second-lang", "en");
  await page.waitForSelector('#nav-cards > span[lang="en"]');

  // Lock, reload: the wallet is in IndexedDB and asks for the passphrase.
  await page.click("#nav-lock");
  await check(page, "unlock");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await check(page, "unlock", "-after-reload");
  assert.equal(await page.isVisible("#nav"), false, "no menu while locked");
  await page.fill("#unlock-passphrase", "not the passphrase at all");
  await page.click("#unlock-submit");
  assert.equal(await messageCode(page), "wrong_passphrase");
  assert.match(await page.textContent("#message"), /パスフレーズが違います[\s\S]*Wrong passphrase/);
  await check(page, "unlock", "-wrong-passphrase");
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-submit");
  await check(page, "cards", "-unlocked");
  await page.click("#nav-history");
  await page.waitForSelector('body[data-screen="history"]');
  assert.ok(await page.locator("#history-list > li").count() >= 1);
  await watch.assertNone("the app");
  await context.close();
});

test("a fresh browser restores the backup; a wrong backup passphrase is refused", async () => {
  assert.ok(backupFile, "the first test saved a backup");
  const context = await browser.newContext();
  const { page, watch } = await openApp(context);
  await check(page, "start", "-restore");
  await page.setInputFiles("#restore-file", backupFile);
  await page.fill("#restore-backup-passphrase", "wrong backup passphrase");
  await page.fill("#restore-passphrase", PASSPHRASE);
  await page.click("#restore-submit");
  assert.equal(await messageCode(page), "wrong_passphrase");
  await page.setInputFiles("#restore-file", backupFile);
  await page.fill("#restore-backup-passphrase", BACKUP_PASSPHRASE);
  await page.fill("#restore-passphrase", PASSPHRASE);
  await page.click("#restore-submit");
  await check(page, "cards", "-restored");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-submit");
  await page.waitForSelector('body[data-screen="cards"]', { timeout: 60000 });
  // Opened with a link (`?offer=` / `#offer=`): after unlocking, the receive screen takes it as
  // if scanned — here not an offer, so it says so — and the address no longer carries it.
  await page.goto(`${server.url}/?offer=${encodeURIComponent("https://example.com/menu")}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await page.fill("#unlock-passphrase", PASSPHRASE);
  await page.click("#unlock-submit");
  await page.waitForSelector('body[data-screen="receive"]', { timeout: 60000 });
  assert.equal(await messageCode(page), "not_an_offer");
  assert.equal(await page.inputValue("#receive-link"), "https://example.com/menu");
  assert.ok(!page.url().includes("offer="), page.url());
  await watch.assertNone("the app");
  await context.close();
  for (const screen of ["start", "unlock", "cards", "receive", "present", "consents", "history", "backup", "settings"]) {
    assert.ok(seen.has(screen), `${screen} was checked`);
  }
});

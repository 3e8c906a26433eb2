// The pages in every second language, in real Chromium (Omura's residents from abroad: "母国語で
// 地域の情報が見られるようになった", ../shared/seeds/004_e867865de3ae606d.txt:115; visitors:
// "多言語音声翻訳による観光客増加", ../shared/seeds/003_9a4e038cf0954f3d.txt:4355). Japanese stays
// first, the picked language follows with its own `lang` attribute, the page stays axe-clean, and
// a screenshot of each lands in $MYNA_TEST_OUTPUT (default target/browser-test/):
//   languages-app-cards-<tag>.png         the wallet's main screen (its cards) in ja + <tag>
//   languages-counter-decision-<tag>.png  the counter's decision screen (a refusal) in ja + <tag>
// The wallet keeps the choice across a reload; the counter tells the refusal's reason in the
// picked language from its generated module (reason_<code>), in English from the verifier.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { seriousViolations } from "./support/axe.mjs";
import { assertClean, launchChromium, screenshot, watchPage } from "./support/browser.mjs";
import { serveStatic } from "./support/static.mjs";
import { DEFAULT_SETTINGS, settingsForSpec } from "../counter/js/policies.js";
import { LANGUAGES, messages as appMessages } from "../app/i18n/messages.js";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const WAIT = 60_000;
const PASSPHRASE = "kumo no ue no sora 2026";
const catalogue = async (section) => JSON.parse(await readFile(here(`../../vocabulary/messages/${section}.json`), "utf8"));
const fixtures = process.env.MYNA_FIXTURES ?? here("../../target/myna-fixtures/");

let browser;
let app;
let site;
let merchant;

before(async () => {
  app = await serveStatic({
    root: here("../pkg/app/"),
    files: { "/config.json": {
      trust: { authorityJwk: { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }, trustListUrl: "https://vc.city.maebashi.example/trust-list" },
      issuers: {}, lockAfterSeconds: 300,
    } },
  });
  // The counter on the fixture set's trust list and status lists (the merchant's).
  merchant = JSON.parse(await readFile(`${fixtures}/merchant.json`, "utf8"));
  site = await serveStatic({ root: here("../pkg/"), files: { "/counter/config.json": merchant.config } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await site?.close();
});

test("the wallet's main screen in Japanese and each second language, kept across a reload", async () => {
  const app_ = await catalogue("app");
  const context = await browser.newContext({ locale: "ja-JP", timezoneId: "Asia/Tokyo", reducedMotion: "reduce" });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const watch = await watchPage(page, { metaCsp: true });
  await page.goto(`${app.url}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#create-passphrase", PASSPHRASE);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await page.waitForSelector('body[data-screen="cards"]');
  assert.deepEqual(LANGUAGES.map(([tag]) => tag), ["en", "zh-Hans", "ko", "vi", "pt-BR"]);
  for (const [tag, name] of LANGUAGES) {
    await page.click("#nav-settings");
    await page.waitForSelector('body[data-screen="settings"]');
    assert.equal(await page.textContent(`#settings-second-lang option[value="${tag}"]`), name);
    await page.selectOption("#settings-second-lang", tag);
    await page.waitForSelector(`#nav-cards > span[lang="${tag}"]`);
    await page.click("#nav-cards");
    await page.waitForSelector('body[data-screen="cards"]');
    // Japanese first, then the picked language, each in its own span with its own lang.
    const title = await page.$$eval('#screen-cards h1 > span', (spans) => spans.map((s) => [s.lang, s.textContent]));
    assert.deepEqual(title, [["ja", app_.cards_title.ja], [tag, app_.cards_title[tag]]], tag);
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    assert.deepEqual(await seriousViolations(page), [], `axe, cards in ${tag}`);
    await screenshot(page, `languages-app-cards-${tag}`);
  }
  // The last pick (pt-BR) survives a reload: the lock screen is already in it.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector('#screen-unlock h1 > span[lang="pt-BR"]');
  assert.equal(await page.textContent('#screen-unlock h1 > span[lang="pt-BR"]'), app_.unlock_title["pt-BR"]);
  assert.equal(appMessages.unlock_title.ja, app_.unlock_title.ja);
  await watch.assertNone("the wallet in six languages");
  await context.close();
});

test("the counter's decision screen in Japanese and each second language, the reason too", async () => {
  const reasons = await catalogue("reasons");
  const counter = await catalogue("counter");
  const context = await browser.newContext({ locale: "ja-JP", timezoneId: "Asia/Tokyo", reducedMotion: "reduce",
    viewport: { width: 1024, height: 900 } });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const watch = await watchPage(page, { metaCsp: true });
  // The fixture set's time, so its trust list is valid whatever today's date is.
  await page.clock.install({ time: merchant.now * 1000 });
  await page.goto(`${site.url}/counter/`);
  await page.waitForSelector("body[data-ready=true]");
  const settings = settingsForSpec("age-over-20", { ...DEFAULT_SETTINGS, clearAfterSeconds: 600 });
  await page.evaluate((value) => localStorage.setItem("myna-counter-settings", JSON.stringify(value)), settings);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector('body[data-screen="counter"]');
  let shown = "";
  for (const [index, [tag]] of LANGUAGES.entries()) {
    await page.selectOption("#second-lang", tag);
    await page.waitForSelector(`#nav-counter > span[lang="${tag}"]`);
    // A fresh challenge on screen (the scanner's answer is checked against it).
    await page.waitForFunction((old) => {
      const box = document.getElementById("challenge");
      return box.dataset.challenge && box.dataset.challenge !== old && box.querySelector("svg");
    }, shown);
    shown = await page.getAttribute("#challenge", "data-challenge");
    // A garbled code from the scanner (another each time: the counter refuses a code it already
    // scanned before deciding): refused as unreadable.
    await page.fill("#wedge", `MV1:NOT-BASE45-%%%-${index}`);
    await page.press("#wedge", "Enter");
    await page.waitForSelector('body[data-screen="decision"]');
    assert.equal(await page.getAttribute("#screen-decision", "data-reason"), "unreadable");
    const said = await page.$$eval("#decision-reason > p", (ps) => ps.map((p) => [p.lang, p.textContent]));
    assert.deepEqual(said, [["ja", reasons.unreadable.ja], [tag, reasons.unreadable[tag]]], tag);
    const word = await page.$$eval("#decision-word > span", (spans) => spans.map((s) => [s.lang, s.textContent]));
    assert.deepEqual(word, [["ja", counter.rejected.ja], [tag, counter.rejected[tag]]], tag);
    await assertClean(page, watch, `the decision in ${tag}`);
    await screenshot(page, `languages-counter-decision-${tag}`);
    await page.keyboard.press("Escape");
    await page.waitForSelector('body[data-screen="counter"]');
  }
  await context.close();
});

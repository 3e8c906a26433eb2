// Chromium for the browser tests, and what every page test checks on every screen: no page
// error, no Content-Security-Policy violation, no serious axe-core violation, a screenshot in
// $MYNA_TEST_OUTPUT (default target/browser-test/, made on import).
//
//   const browser = await launchChromium(camera.args);            // or launchPersistentChromium(dir, …)
//   const page = await context.newPage();
//   const watch = await watchPage(page, { metaCsp: true });       // before the first goto
//   await page.goto(url);
//   await assertClean(page, watch, "the settings screen");         // axe + CSP + page errors
//   await screenshot(page, "counter-settings");                    // $MYNA_TEST_OUTPUT/counter-settings.png
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { seriousViolations } from "./axe.mjs";

/** Chromium's flags for every browser test on this machine (no background network). */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Debian's Chromium unless `CHROMIUM_PATH` names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go. */
export const OUTPUT = process.env.MYNA_TEST_OUTPUT ?? fileURLToPath(new URL("../../../target/browser-test/", import.meta.url));
mkdirSync(OUTPUT, { recursive: true });

/** Chromium with `CHROMIUM_ARGS` and `args` (e.g. a fake camera's). */
export function launchChromium(args = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...args] });
}

/** A persistent Chromium context (a profile in `dir`) with `CHROMIUM_ARGS` and `args`. */
export function launchPersistentChromium(dir, { args = [], ...options } = {}) {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...args], ...options });
}

/** A full-page screenshot `$MYNA_TEST_OUTPUT/<name>.png`. */
export function screenshot(page, name, { fullPage = true } = {}) {
  return page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage });
}

/**
 * Records the page errors and CSP violations of `page` (its `securitypolicyviolation` events and
 * the console's CSP messages); call it before the page's first navigation. `metaCsp`: the page
 * sets its policy in a `<meta>` element, where browsers ignore `frame-ancestors` and say so in the
 * console (the brief asks for the directive there all the same): that message is no violation.
 * `assertNone(what)` fails with every one seen so far.
 */
export async function watchPage(page, { metaCsp = false } = {}) {
  const problems = { csp: [], errors: [] };
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window.__cspViolations ||= []).push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on("pageerror", (error) => problems.errors.push(error.message));
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(text) && !(metaCsp && /frame-ancestors/.test(text))) problems.csp.push(text);
  });
  return {
    problems,
    async assertNone(what = "the page") {
      // The page's own list lasts until it navigates: take what it has so far.
      problems.csp.push(...(await page.evaluate(() => window.__cspViolations?.splice(0) ?? [])));
      assert.deepEqual(problems.csp, [], `CSP violations on ${what}`);
      assert.deepEqual(problems.errors, [], `page errors on ${what}`);
    },
  };
}

/** No serious or critical axe-core violation on what `page` shows, and nothing `watch` saw. */
export async function assertClean(page, watch, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${what}`);
  await watch.assertNone(what);
}

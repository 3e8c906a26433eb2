// A resident's session in the wallet app for the benchmarks and the README screenshots: a real
// `myna issuer serve` on loopback (wasm/tests/support/world.mjs), the built app
// (wasm/pkg/app/, or another build of it) on its own loopback origin, headless Chromium with a
// phone's viewport, a wallet created and holding the credentials offered to it.
//
//   const session = await startSession({ app, batchSize: 32 });
//   await session.receive([{ credential: "age", birthdate: "1990-05-01" }]);
//   session.page …; await session.stop();
//
// Not a test: nothing here asserts a timing. Needs `(cd wasm/tests && npm ci)` and the `myna`
// binary ($MYNA_BIN, as for the tests).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startWorld } from "../tests/support/world.mjs";
import { serveApp } from "../tests/support/app.mjs";
// Chromium through playwright-core, a dev dependency of wasm/tests (its package.json and lock file).
import { launchChromium } from "../tests/support/browser.mjs";

export const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
export const PASSPHRASE = "kumo no ue no sora 2026";
/** A phone: 390 × 844 CSS pixels, three device pixels to one. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

/**
 * @param {{ app?: string, batchSize?: number, locale?: string, device?: object }} options
 *   `app`: the built app's directory (default wasm/pkg/app); `batchSize`: the issuer's
 *   `rules.batch_size` (copies of a credential per offer; default the issuer's 16); `device`:
 *   playwright's context options for the screen (default PHONE).
 */
export async function startSession({ app = here("../pkg/app/"), batchSize, locale = "ja-JP", device = PHONE } = {}) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "myna-bench-"));
  const rules = batchSize ? { batch_size: batchSize } : {};
  const world = await startWorld({ dir: path.join(scratch, "world"), rules });
  const site = await serveApp(world, { root: app });
  const browser = await launchChromium();
  const context = await browser.newContext({ ...device, locale });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${site.url}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });

  const onScreen = (screen) => page.waitForSelector(`body[data-screen="${screen}"]`, { timeout: 60000 });
  const failure = async (what) => {
    const code = await page.getAttribute("#message", "data-code");
    const text = await page.textContent("#message");
    return new Error(`${what}: ${code ?? "no code"} ${text ?? ""} ${errors.join("; ")}`);
  };

  await onScreen("start");
  await page.fill("#create-passphrase", PASSPHRASE);
  await page.fill("#create-passphrase-again", PASSPHRASE);
  await page.click("#create-submit");
  await onScreen("cards");

  /** Receives one offer of `facts` (as world.offer takes them) by its pasted link and PIN. */
  async function receive(facts) {
    const offer = await world.offer(facts);
    await page.click("#nav-receive");
    await onScreen("receive");
    await page.fill("#receive-link", offer.link);
    await page.click("#receive-paste-submit");
    await page.waitForSelector("#receive-pin-form:not([hidden])", { timeout: 60000 });
    await page.fill("#receive-pin", offer.pin);
    await page.click("#receive-pin-submit");
    try {
      await onScreen("offer-preview");
    } catch {
      throw await failure("no offer preview");
    }
    await page.click("#offer-accept");
    await onScreen("cards");
    return offer;
  }

  async function stop() {
    await browser.close().catch(() => {});
    await site.close().catch(() => {});
    await world.stop().catch(() => {});
    await rm(scratch, { recursive: true, force: true });
  }

  return { world, site, browser, page, errors, onScreen, failure, receive, stop };
}

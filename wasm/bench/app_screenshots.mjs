// The README's screenshots of the wallet app, in Japanese on a phone-sized screen, with real
// content: a wallet that received the city's resident and age credentials from a real
// `myna issuer serve`, then a shop's age-over-20 challenge answered with a presentation QR
// (read back from the screenshot and accepted by `myna verify check` before it is kept).
//
//   (cd wasm/tests && npm ci) && scripts/build-npm
//   MYNA_BIN=target/debug/myna node wasm/bench/app_screenshots.mjs [--out wasm/app/screenshots]
//
// Writes cards.png and present-qr.png (390 × 844 CSS pixels at 3 device pixels each, as a
// phone shows them: jsQR reads the dense presentation code back only at that density).
import { parseArgs } from "node:util";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { startSession, PHONE, here } from "./session.mjs";
import { decodeQrFromPng } from "../tests/support/qr_png.mjs";
import { HANAKO } from "../tests/support/world.mjs";

const { values: args } = parseArgs({ options: { out: { type: "string", default: here("../app/screenshots/") } } });
const AUDIENCE = "x509_san_dns:shop.example";
const POLICY = "age-over-20";

await mkdir(args.out, { recursive: true });
const session = await startSession({ device: PHONE });
const { page, world, onScreen } = session;
try {
  await session.receive([
    { credential: "resident", name: "前橋　花子", address: HANAKO.address, birthdate: HANAKO.birthdate },
    { credential: "age", birthdate: HANAKO.birthdate },
  ]);
  await page.waitForSelector("#cards-list li:nth-child(2)");
  // The status of both, checked at the issuer, so the cards show 有効 / valid.
  await page.click("#status-refresh");
  await page.waitForFunction(() => !document.body.hasAttribute("aria-busy")
    && document.querySelectorAll("#cards-list li[data-state=valid]").length === 2, null, { timeout: 60000 });
  await page.evaluate(() => document.querySelector("#screen-cards h1").scrollIntoView());
  await page.screenshot({ path: path.join(args.out, "cards.png") });

  // jsQR misses some dense codes (a presentation is version 25 or more); another presentation
  // (a fresh challenge, another copy) is then drawn, up to three times.
  for (let attempt = 1; ; attempt++) {
    const challenge = await world.challenge({ audience: AUDIENCE, policy: POLICY });
    await page.click("#nav-present");
    await onScreen("present");
    await page.fill("#present-link", challenge);
    await page.click("#present-paste-submit");
    await onScreen("present-preview");
    await page.click("#present-confirm");
    await onScreen("present-qr");
    // Scrolled as the app leaves it (its heading focused), the code whole on the screen.
    await page.evaluate(() => document.querySelector("#screen-present-qr h1").scrollIntoView());
    const compact = (await page.inputValue("#present-compact")).trim();
    const decision = await world.verifyCompact({ challenge, audience: AUDIENCE, policy: POLICY, compact });
    if (!decision.accepted) throw new Error(`the shop refused: ${JSON.stringify(decision.output)}`);
    let read = null;
    try {
      read = decodeQrFromPng(await page.locator("#present-qr").screenshot());
    } catch (error) {
      if (error.code !== "no_qr_code" || attempt === 3) throw error;
    }
    if (read !== null) {
      if (read !== compact) throw new Error("the QR on screen is not the presentation");
      break;
    }
  }
  await page.screenshot({ path: path.join(args.out, "present-qr.png") });
  if (session.errors.length) throw new Error(`page errors: ${session.errors.join("; ")}`);
  console.log(`screenshots in ${args.out}: cards.png, present-qr.png (the QR read back and accepted)`);
} finally {
  await session.stop();
}

// The counter's QR decoder on Chromium's fake camera: dense codes like the presentations a
// resident's wallet shows (an `MV1:` text of base45 characters, QR versions 21 to 33 at error correction M; a
// fan-club or resident presentation is about 1,200–1,900 characters) are read by the shared
// scan module (wasm/web/scan.js) with the counter's zxing-wasm worker, its .wasm fetched from
// the page's own origin. The same codes through the wallet app's jsQR worker are measured too
// (printed, not asserted: they answer whether the wallet should switch decoders; its download
// budget says it cannot, see size.test.mjs).
//
// Chromium on Linux has no BarcodeDetector, so the worker path is the one taken here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./support/static.mjs";
import { launchChromium } from "./support/browser.mjs";
import { swappableCamera } from "./support/fake_camera.mjs";

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
/** A deterministic MV1-like text of `length` characters (a fixed LCG, not Math.random). */
function denseText(length, seed) {
  let x = seed;
  let text = "MV1:";
  while (text.length < length) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    text += BASE45[x % BASE45.length];
  }
  return text;
}

let scratch;
let site;
let browser;
let camera;
const requests = [];

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-counter-scan-"));
  site = await serveStatic({ root: fileURLToPath(new URL("../pkg/", import.meta.url)) });
  camera = swappableCamera(path.join(scratch, "camera.y4m"));
  await camera.showText("nothing yet");
  browser = await launchChromium(camera.args);
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The dense code `case` on the camera: its text and the QR version drawn. */
async function showCase({ length, seed }) {
  const text = denseText(length, seed);
  const drawn = await camera.showText(text);
  return { text, drawn, version: (drawn.modules - 17) / 4 };
}

/** Opens `page` of the package (`/counter/` or `/app/`) with the camera allowed. */
async function open(where) {
  const context = await browser.newContext();
  await context.grantPermissions(["camera"], { origin: site.url });
  const page = await context.newPage();
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(`${site.url}${where}`);
  return { context, page };
}

/** Starts the page's camera through its scan.js and resolves to the first text read. */
function readOnce(page) {
  return page.evaluate(async () => {
    const scan = await import(new URL("js/scan.js", document.baseURI).href);
    const video = document.createElement("video");
    video.muted = true;
    document.body.append(video);
    const started = performance.now();
    const text = await new Promise((resolve, reject) => {
      scan.startCamera(video, resolve).catch(reject);
    });
    const ms = Math.round(performance.now() - started);
    video.remove();
    return { text, ms, native: "BarcodeDetector" in window };
  });
}

const CASES = [
  { length: 1000, seed: 1 },
  { length: 1500, seed: 2 },
  { length: 1900, seed: 3 },
  { length: 2300, seed: 4 },
];

test("the counter's zxing-wasm worker reads dense presentation codes (versions 21–33) from the fake camera, three times each", async () => {
  const { context, page } = await open("/counter/");
  const report = [];
  try {
    for (const { length, seed } of CASES) {
      const { text, drawn, version } = await showCase({ length, seed });
      for (let round = 0; round < 3; round++) {
        const read = await readOnce(page);
        assert.equal(read.native, false, "this Chromium has BarcodeDetector: the worker path is not tested");
        assert.equal(read.text, text, `version ${version}, round ${round}`);
        report.push(`v${version} (${length} chars, ${drawn.moduleSize} px/module): ${read.ms} ms`);
      }
    }
  } finally {
    await context.close();
  }
  console.log(`zxing-wasm on the fake camera:\n  ${report.join("\n  ")}`);
  const wasm = requests.filter((url) => url.endsWith("zxing_reader.wasm"));
  assert.ok(wasm.length >= 1, "the zxing .wasm was never fetched");
  for (const url of wasm) assert.ok(url.startsWith(`${site.url}/counter/vendor/`), url);
  assert.deepEqual(requests.filter((url) => !url.startsWith(site.url) && !url.startsWith("data:") && !url.startsWith("blob:")), []);
});

test("for comparison, the wallet app's jsQR worker on the same codes (measured, printed)", async () => {
  const { context, page } = await open("/app/");
  const report = [];
  try {
    for (const { length, seed } of CASES) {
      const { text, version } = await showCase({ length, seed });
      const read = await Promise.race([
        readOnce(page),
        new Promise((resolve) => { setTimeout(() => resolve({ text: null, ms: 15_000 }), 15_000); }),
      ]);
      report.push(`v${version} (${length} chars): ${read.text === text ? `read in ${read.ms} ms` : "not read in 15 s"}`);
      await page.reload();
    }
  } finally {
    await context.close();
  }
  console.log(`jsQR on the fake camera:\n  ${report.join("\n  ")}`);
  assert.equal(report.length, CASES.length);
});

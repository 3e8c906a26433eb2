// Benchmark (not a test): the counter page (wasm/pkg/counter/, built by scripts/build-counter) at a
// till, in real Chromium, against the counter world of the tests (wasm/tests/support/
// counter_world.mjs: four cities' `myna issuer serve`, a trust list, residents' Rust wallets).
// The limit it is compared with is the wallet app's: a gate must decide well inside a second.
//
//   (cd wasm/tests && npm ci) && scripts/build-npm     # the counter in wasm/pkg/counter/
//   MYNA_BIN=target/debug/myna node wasm/bench/counter_decide.mjs [--runs 25] [--warmup 2]
//       [--cold-runs 8] [--pkg DIR] [--json FILE]
//
// Per run, a challenge on the counter's screen (its text from the page, outside the timing) is
// answered by the holder's Rust wallet (`myna wallet present`, outside the timing), and then:
//   decode → decision (wedge)  each MV1 text typed into the keyboard-wedge field and Enter; the
//                 page's own measure `myna:counter:scan-to-decision` (js/timing.js): from the
//                 last text handed over (`myna:counter:scanned`) to the decision screen shown
//                 (`myna:counter:decision`, right after the DOM is updated, before the paint).
//                 The camera is switched off for these runs, so no frame decoding competes.
//                 Policies: age-over-20 (Hanako: one credential), himeji-child-entry (Mei: two
//                 credentials, verified on the page) and the Izu fan-club sale (Hanako: two
//                 credentials verified by `myna verify serve` on loopback: POST
//                 /requests/{id}/compact, so an HTTP round trip and the service's ledger write
//                 are inside the time; a fresh service and ledger per run, so every sale is a
//                 first purchase and accepted, set up outside the timing).
//   camera → decision  age-over-20: the code written to Chromium's fake camera (a y4m file) and the
//                 counter's camera started (the cashier's start button, clicked in the page):
//                 from that click to the decision shown. Includes getUserMedia opening the
//                 file, the first frames, the decoder (zxing-wasm in a worker, or the browser's
//                 BarcodeDetector where it has one: printed) and the 120 ms frame interval.
//   first load    time from navigation start to the counter screen with the challenge's QR
//                 drawn (an SVG in #challenge; a MutationObserver in the page notes the time),
//                 settings already saved (age-over-20): cold = a new browser context (no HTTP
//                 cache, no service worker) per run; warm = reloads of a page the service worker
//                 controls.
// Every decision on screen must be the expected one (accepted); the first of each policy is also
// compared with `myna verify check` (world.rustDecision).
import { parseArgs } from "node:util";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { startCounterWorld, SALE_POLICY } from "../tests/support/counter_world.mjs";
import { swappableCamera } from "../tests/support/fake_camera.mjs";
import { launchChromium } from "../tests/support/browser.mjs";
import { serveStatic } from "../tests/support/static.mjs";
import { DEFAULT_SETTINGS, settingsForSpec } from "../counter/js/policies.js";
import { here } from "./session.mjs";

const require = createRequire(new URL("../tests/package.json", import.meta.url));
const { PNG } = require("pngjs");

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "25" },
    warmup: { type: "string", default: "2" },
    "cold-runs": { type: "string", default: "8" },
    pkg: { type: "string", default: here("../pkg/") },
    json: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const COLD_RUNS = Number(args["cold-runs"]);
if (!(RUNS >= 1 && WARMUP >= 0 && COLD_RUNS >= 1)) throw new Error("--runs, --cold-runs ≥ 1, --warmup ≥ 0");
const LIMIT_MS = 1000;
/** The in-process Rust gate (BENCHMARKS.md, "The gate"): full verification of one age-≥20
 * presentation, criterion medians of its two runs. */
const RUST_GATE_MS = (0.1192 + 0.1179) / 2;
const SETTINGS_KEY = "myna-counter-settings";
const DESK = { viewport: { width: 1024, height: 900 }, deviceScaleFactor: 1 };
const WAIT = 60_000;

/** Median, p95 (nearest rank), min, max of `values` (ms). */
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, median, p95: sorted[Math.ceil(0.95 * n) - 1], min: sorted[0], max: sorted[n - 1] };
}
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

const scratch = await mkdtemp(path.join(os.tmpdir(), "myna-bench-counter-"));
const camera = swappableCamera(path.join(scratch, "camera.y4m"));
const blank = new PNG({ width: 64, height: 64 });
blank.data.fill(255);
const idle = PNG.sync.write(blank);
const showToCamera = (text) => camera.showText(text);
const blankCamera = () => camera.showImage(idle);

const environment = { date: new Date().toISOString(), node: process.version, nproc: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? "?", loadBefore: load() };
let world;
let site;
let browser;
const services = [];
try {
  const setupStart = Date.now();
  world = await startCounterWorld({ dir: path.join(scratch, "world") });
  site = await serveStatic({ root: args.pkg, files: { "/counter/config.json": { ...world.counterConfig, verifyService: undefined } } });
  await blankCamera();
  browser = await launchChromium(camera.args);
  environment.chromium = browser.version();
  environment.setupSecs = ((Date.now() - setupStart) / 1000).toFixed(0);

  async function newContext() {
    const context = await browser.newContext({ ...DESK, locale: "ja-JP", timezoneId: "Asia/Tokyo", reducedMotion: "reduce" });
    context.setDefaultTimeout(WAIT);
    await context.grantPermissions(["camera"], { origin: site.url });
    return context;
  }
  const ready = (page) => page.waitForSelector("body[data-ready=true]");
  const onScreen = (page, name) => page.waitForSelector(`body[data-screen="${name}"]`).catch(async () => {
    const state = await page.evaluate(() => ({ screen: document.body.dataset.screen, message: document.getElementById("message").textContent }));
    throw new Error(`expected screen ${name}, found ${JSON.stringify(state)}`);
  });
  /** The challenge on screen once it differs from `previous`. */
  async function challengeOf(page, previous = "") {
    await page.waitForFunction((old) => {
      const box = document.getElementById("challenge");
      return box.dataset.challenge && box.dataset.challenge !== old && box.querySelector("svg");
    }, previous);
    return page.getAttribute("#challenge", "data-challenge");
  }
  async function configure(page, spec, extra = {}) {
    const settings = settingsForSpec(spec, { ...DEFAULT_SETTINGS, clearAfterSeconds: 600, ...extra });
    await page.evaluate(([key, value]) => localStorage.setItem(key, JSON.stringify(value)), [SETTINGS_KEY, settings]);
    await page.reload();
    await ready(page);
    await onScreen(page, "counter");
  }
  async function cameraOff(page) {
    await page.waitForSelector("#camera-stop:not([hidden])");
    await page.click("#camera-stop");
  }
  const measured = (page) => page.waitForFunction(() => {
    const m = performance.getEntriesByName("myna:counter:scan-to-decision", "measure")[0];
    return m && { duration: m.duration, end: m.startTime + m.duration };
  }).then((handle) => handle.jsonValue());
  async function decisionOf(page) {
    return page.evaluate(() => {
      const main = document.getElementById("screen-decision");
      return { accepted: main.dataset.accepted === "true", reason: main.dataset.reason || null };
    });
  }
  async function check(label, run, page, { challenge, spec, compact }) {
    const shown = await decisionOf(page);
    if (!shown.accepted) throw new Error(`${label} run ${run}: refused on screen (${shown.reason})`);
    if (run === 0) {
      const rust = await world.rustDecision({ challenge, policy: spec, compact });
      if (!rust.accepted) throw new Error(`${label}: the Rust verifier refuses (${rust.reason})`);
    }
  }
  async function next(page, challenge) {
    await page.keyboard.press("Escape");
    await onScreen(page, "counter");
    return challengeOf(page, challenge);
  }

  /** Wedge runs of `spec` answered by `holder`; `perRun` (optional) sets the counter up again
   * before each run (the sale's fresh service). */
  async function wedge(label, spec, holder, { perRun } = {}) {
    const context = await newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${site.url}/counter/`);
    await ready(page);
    const times = [];
    const warm = [];
    let credentials = 0;
    if (!perRun) {
      await configure(page, spec);
      await cameraOff(page);
    }
    let challenge = perRun ? "" : await challengeOf(page);
    for (let run = 0; run < WARMUP + RUNS; run++) {
      if (perRun) {
        await perRun(page);
        await cameraOff(page);
        challenge = await challengeOf(page);
      }
      const compact = await world.present({ holder, challenge });
      credentials = compact.length;
      await page.evaluate(() => performance.clearMeasures());
      for (const text of compact) {
        await page.fill("#wedge", text);
        await page.press("#wedge", "Enter");
      }
      await onScreen(page, "decision");
      const { duration } = await measured(page);
      await check(label, run, page, { challenge, spec, compact });
      (run < WARMUP ? warm : times).push(duration);
      if (!perRun) challenge = await next(page, challenge);
    }
    const alone = perRun ? null : await verifyAlone(page, spec, holder);
    if (errors.length) throw new Error(`${label}: page errors: ${errors.join("; ")}`);
    await context.close();
    return { label, spec, holder, credentials, times, warm, alone };
  }

  /** `Verifier.verify` alone, in the same page: the verifier build the page loaded (the same
   * module instance), a Verifier made as the page makes it from config.json, timed around the
   * one call (performance.now, which Chromium coarsens to 0.1 ms here). */
  async function verifyAlone(page, spec, holder) {
    await page.evaluate(async () => {
      const { Verifier } = await import("/myna_wasm.js");
      const config = await (await fetch("/counter/config.json")).json();
      const now = Math.floor(Date.now() / 1000);
      window.benchVerifier = Verifier.create(JSON.stringify({ audience: config.audience, authorityJwk: config.authorityJwk,
        trustList: config.trustList, maxStatusStalenessSecs: 86_400 }), now);
      for (const l of config.statusLists) window.benchVerifier.storeStatusList(l.issuer, l.uri, l.token, now);
    });
    const times = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const challenge = await page.evaluate((policy) => {
        const request = window.benchVerifier.request(policy);
        window.benchNonce = request.nonce;
        return request.challenge;
      }, spec);
      const text = (await world.present({ holder, challenge })).join("\n");
      const took = await page.evaluate(([policy, presentation]) => {
        const start = performance.now();
        const decision = window.benchVerifier.verify(policy, presentation, window.benchNonce, Math.floor(Date.now() / 1000));
        const took = performance.now() - start;
        if (!decision.accepted) throw new Error(`verify alone: ${decision.reason}`);
        return took;
      }, [spec, text]);
      if (run >= WARMUP) times.push(took);
    }
    return times;
  }

  async function cameraRuns() {
    const context = await newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${site.url}/counter/`);
    await ready(page);
    await configure(page, "age-over-20");
    environment.barcodeDetector = await page.evaluate(async () => ("BarcodeDetector" in globalThis
      && (await BarcodeDetector.getSupportedFormats()).includes("qr_code")) ? "BarcodeDetector" : "zxing-wasm worker");
    let challenge = await challengeOf(page);
    const total = [];
    const scanToDecision = [];
    const warm = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const compact = await world.present({ holder: "hanako", challenge });
      await showToCamera(compact[0]);
      await page.evaluate(() => performance.clearMeasures());
      const started = await page.evaluate(() => {
        const stop = document.getElementById("camera-stop");
        if (!stop.hidden) stop.click();
        const at = performance.now();
        document.getElementById("camera-start").click();
        return at;
      });
      await onScreen(page, "decision");
      const { duration, end } = await measured(page);
      await check("camera", run, page, { challenge, spec: "age-over-20", compact });
      if (run < WARMUP) warm.push(end - started);
      else {
        total.push(end - started);
        scanToDecision.push(duration);
      }
      await blankCamera();
      challenge = await next(page, challenge);
    }
    if (errors.length) throw new Error(`camera: page errors: ${errors.join("; ")}`);
    await context.close();
    return { total, scanToDecision, warm };
  }

  /** Notes when the challenge's QR is first in the page (ms from navigation start). */
  function watchQr(settingsJson) {
    if (!localStorage.getItem("myna-counter-settings")) localStorage.setItem("myna-counter-settings", settingsJson);
    new MutationObserver((_, observer) => {
      if (document.querySelector("#challenge svg")) {
        window.qrDrawnAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }
  const qrDrawn = (page) => page.waitForFunction(() => window.qrDrawnAt).then((h) => h.jsonValue());
  const settingsJson = JSON.stringify(settingsForSpec("age-over-20", { ...DEFAULT_SETTINGS, clearAfterSeconds: 600 }));

  async function firstLoads() {
    const cold = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const context = await newContext();
      await context.addInitScript(watchQr, settingsJson);
      const page = await context.newPage();
      await page.goto(`${site.url}/counter/`);
      cold.push(await qrDrawn(page));
      await context.close();
    }
    const context = await newContext();
    await context.addInitScript(watchQr, settingsJson);
    const page = await context.newPage();
    await page.goto(`${site.url}/counter/`);
    await qrDrawn(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await qrDrawn(page);
    if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) throw new Error("no service worker controls the page");
    const warm = [];
    for (let run = 0; run < RUNS; run++) {
      await page.reload();
      warm.push(await qrDrawn(page));
    }
    await context.close();
    return { cold, warm };
  }

  const results = {};
  results.age = await wedge("age-over-20", "age-over-20", "hanako");
  results.himeji = await wedge("himeji-child-entry", "himeji-child-entry", "mei");
  results.sale = await wedge("fan-club sale", SALE_POLICY, "hanako", {
    perRun: async (page) => {
      const sale = await world.startVerifyService({ allowOrigin: site.url });
      services.push(sale);
      while (services.length > 1) await services.shift().stop();
      await configure(page, SALE_POLICY, { serviceUrl: sale.url, registerToken: sale.registerToken });
    },
  });
  results.camera = await cameraRuns();
  results.load = await firstLoads();
  environment.loadAfter = load();

  const rows = [
    [`decode → decision, age-over-20 (${results.age.credentials} credential)`, stats(results.age.times)],
    [`decode → decision, himeji-child-entry (${results.himeji.credentials} credentials)`, stats(results.himeji.times)],
    [`decode → decision, fan-club sale (${results.sale.credentials} credentials, myna verify serve)`, stats(results.sale.times)],
    ["  Verifier.verify alone (wasm, same page), age-over-20", stats(results.age.alone)],
    ["  Verifier.verify alone (wasm, same page), himeji-child-entry", stats(results.himeji.alone)],
    ["camera → decision, age-over-20", stats(results.camera.total)],
    ["  of which scan → decision", stats(results.camera.scanToDecision)],
    ["first load, cold (new context)", stats(results.load.cold)],
    ["first load, warm (service worker)", stats(results.load.warm)],
  ];
  const ms = (v) => `${v.toFixed(1)} ms`;
  console.log("counter page at a till, headless Chromium, desk viewport 1024×900");
  for (const [key, value] of Object.entries(environment)) console.log(`  ${key}: ${value}`);
  console.log(`  runs: ${RUNS} measured after ${WARMUP} warm-up per policy; first loads: ${COLD_RUNS} cold, ${RUNS} warm; every decision accepted`);
  console.log("");
  console.log("| measure | n | median | p95 | min | max | median / 1 s | p95 / 1 s |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [name, s] of rows) {
    console.log(`| ${name} | ${s.n} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.min)} | ${ms(s.max)} | ${(s.median / LIMIT_MS).toFixed(3)} | ${(s.p95 / LIMIT_MS).toFixed(3)} |`);
  }
  const age = rows[0][1];
  console.log("");
  console.log(`age-over-20 decode → decision against the in-process Rust gate (${(RUST_GATE_MS * 1000).toFixed(1)} µs per full verification, BENCHMARKS.md): median ${(age.median / RUST_GATE_MS).toFixed(0)}×, p95 ${(age.p95 / RUST_GATE_MS).toFixed(0)}×;`
    + ` Verifier.verify alone in the page: median ${(rows[3][1].median / RUST_GATE_MS).toFixed(0)}×`);
  for (const key of ["age", "himeji", "sale"]) {
    console.log(`  warm-up runs, ${results[key].label}: ${results[key].warm.map((w) => w.toFixed(1)).join(", ")} ms`);
  }
  console.log(`  warm-up runs, camera → decision: ${results.camera.warm.map((w) => w.toFixed(1)).join(", ")} ms`);
  console.log(`  cold loads: ${results.load.cold.map((w) => w.toFixed(0)).join(", ")} ms`);
  if (args.json) {
    await writeFile(args.json, `${JSON.stringify({ environment, results, stats: Object.fromEntries(rows) }, null, 2)}\n`);
  }
} finally {
  await browser?.close().catch(() => {});
  await site?.close().catch(() => {});
  await world?.stop().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
}

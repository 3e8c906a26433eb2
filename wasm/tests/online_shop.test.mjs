// The online-shop example (wasm/examples/online-shop/) in real Chromium against a real test
// world (support/world.mjs: `myna issuer serve`, a trust list): the shop's server runs the npm
// verifier (`myna-vc`), the customer's wallet is the npm wallet (`myna-vc/wallet`) holding an
// age credential the world's issuer issued to it.
//
// The Digital Credentials API: Chromium here has no wallet picker, so support/dc_api_stub.mjs
// stands in for it, and ONLY for it — the platform part that shows the picker, hands the wallet
// the request with the page's origin, and returns the wallet's answer to the page. The page's
// code, the shop's server, the wallet's answer (`answerDcApi`, encrypting to the session's key)
// and every decision are real; what a real platform's picker, consent screen and origin
// checks do is not tested here.
//
// 1. DC API: the page calls navigator.credentials.get, the npm wallet answers (dc_api.jwt), the
//    page shows the server's decision; `myna verify check --dc-api-session` (Rust) decides the
//    same on the session state and the response the server kept (the server module's
//    `onDecision` hook); the same response posted again is refused as replayed.
// 2. QR fallback in a browser without the DC API: the QR code read from the screen, the npm
//    wallet's `answerRemote` posts direct_post.jwt, the page shows the decision.
// 3. Hostile answers through the page — for another origin, downgraded to a plain vp_token,
//    encrypted to another key, a response captured from an earlier check — refused with the
//    typed reason on the page, and by Rust with the same reason.
// Every screen: axe-core clean, no CSP violation, no page error; screenshots in
// $MYNA_TEST_OUTPUT (default target/browser-test/shop-*.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as myna from "myna-vc";
import { createShop } from "../examples/online-shop/shop.mjs";
import { assertClean, launchChromium, screenshot, watchPage } from "./support/browser.mjs";
import { installDcApiStub, removeDcApi } from "./support/dc_api_stub.mjs";
import { mynaBinary, verifyCheck } from "./support/myna_cli.mjs";
import { npmWalletWithAge, verifierTrust } from "./support/npm_wallet.mjs";
import { decodeQrFromPng } from "./support/qr_png.mjs";
import { startWorld } from "./support/world.mjs";

const POLICY = "age-over-20";
const AUDIENCE = "x509_san_dns:shop.example";
const now = () => Math.floor(Date.now() / 1000);

let scratch;
let world;
let wallet;
let shop;
let shopUrl;
let browser;
let statusFile;
/** What the shop's `onDecision` hook reported, in order. */
const decisions = [];

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "myna-online-shop-"));
  world = await startWorld({ dir: path.join(scratch, "world") });
  wallet = await npmWalletWithAge(world, { now });
  const trust = await verifierTrust(world);
  statusFile = path.join(world.dir, "shop-status.jwt");
  await writeFile(statusFile, `${trust.statusLists[0].token}\n`);
  const verifier = myna.Verifier.create(JSON.stringify({ audience: AUDIENCE, ...trust }), now());
  shop = createShop({ myna, verifier, policy: POLICY, onDecision: (event) => decisions.push(event) });
  shopUrl = await shop.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await shop?.close();
  await world?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A fresh page of the shop; `handler` answers the DC API (null: a browser without it). */
async function openShop(handler) {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  const watch = await watchPage(page);
  if (handler) await installDcApiStub(page, handler);
  else await removeDcApi(page);
  await page.goto(`${shopUrl}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  return { context, page, watch };
}

/** The decision the page shows. */
async function shownDecision(page) {
  await page.waitForSelector("body[data-screen=result]", { timeout: 60000 });
  return page.evaluate(() => {
    const result = document.getElementById("result");
    return {
      accepted: result.dataset.accepted === "true",
      reason: result.dataset.reason || null,
      policy: result.dataset.policy,
      channel: result.dataset.channel,
      claims: Object.fromEntries([...document.querySelectorAll("#result-claims li")]
        .map((li) => [li.dataset.claim, JSON.parse(li.dataset.value)])),
      text: document.getElementById("screen-result").textContent,
    };
  });
}

/** `myna verify check --dc-api-session` on what the server kept of a DC API decision. */
let rustRuns = 0;
async function rustDecision(event) {
  rustRuns += 1;
  const state = path.join(scratch, `session-${rustRuns}.json`);
  const response = path.join(scratch, `response-${rustRuns}.json`);
  await writeFile(state, event.state, { mode: 0o600 });
  await writeFile(response, JSON.stringify(event.response));
  const output = await verifyCheck(await mynaBinary(), world.dir, ["--trust-list", "trust-list.jwt",
    "--authority-key", "authority/authority.jwk", "--status-list", `${world.issuerId}=${statusFile}`,
    "--audience", AUDIENCE, "--policy", POLICY, "--dc-api-session", state, response]);
  return {
    accepted: output.accepted === true,
    reason: output.reason ?? null,
    policy: output.policy,
    claims: Object.assign({}, ...(output.credentials ?? []).map((c) => c.claims)),
  };
}

/** The last decision the shop's hook reported for the DC API. */
function lastDcApiDecision() {
  const event = decisions.filter((e) => e.channel === "dc_api").at(-1);
  assert.ok(event, "the shop reported a DC API decision");
  return event;
}

let accepted; // test 1's kept decision, replayed in test 3

test("DC API: the page asks, the npm wallet answers encrypted, the server accepts; Rust decides the same", async () => {
  const seen = [];
  const { context, page, watch } = await openShop(async (request, origin) => {
    seen.push({ request, origin });
    return wallet.answerDcApi(request.protocol, request.data, origin, now());
  });
  try {
    assert.equal(await page.getAttribute("body", "data-dc-api"), "true");
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    assert.match(await page.textContent("#screen-shop"), /20歳未満の者の飲酒は法律で禁止されています/);
    await assertClean(page, watch, "the product (ja)");
    await screenshot(page, "shop-product");
    await page.click("#lang");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.match(await page.textContent("#screen-shop"), /prohibited by law/);
    await assertClean(page, watch, "the product (en)");
    await screenshot(page, "shop-product-en");
    await page.click("#lang");

    await page.click("#check-start");
    const shown = await shownDecision(page);
    await assertClean(page, watch, "the accepted decision");
    await screenshot(page, "shop-dc-api-accepted");
    // What went through the stand-in: the shop's unsigned, encrypted request, the page's origin.
    assert.equal(seen.length, 1);
    assert.equal(seen[0].origin, shopUrl);
    assert.equal(seen[0].request.protocol, "openid4vp-v1-unsigned");
    assert.equal(seen[0].request.data.response_mode, "dc_api.jwt");
    assert.equal(seen[0].request.data.client_metadata.jwks.keys.length, 1);
    assert.ok(!("client_id" in seen[0].request.data));

    assert.deepEqual({ accepted: shown.accepted, reason: shown.reason, policy: shown.policy, channel: shown.channel, claims: shown.claims },
      { accepted: true, reason: null, policy: POLICY, channel: "dc_api", claims: { age_over_20: true } });
    assert.match(shown.text, /年齢確認ができました/);

    // The server kept the session and the encrypted response; Rust decides them the same way.
    const event = lastDcApiDecision();
    assert.deepEqual(Object.keys(event.response.data), ["response"], "the page posted the JWE only");
    assert.equal(event.response.protocol, "openid4vp-v1-unsigned");
    const rust = await rustDecision(event);
    assert.deepEqual(rust, { accepted: shown.accepted, reason: shown.reason, policy: shown.policy, claims: shown.claims });
    accepted = event;

    // The same response posted again to the same check: the verifier's nonce guard refuses it.
    const again = await fetch(`${shopUrl}/api/checks/${event.id}/dc-api`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event.response),
    });
    assert.equal(again.status, 200);
    const replayed = await again.json();
    assert.deepEqual([replayed.accepted, replayed.reason], [false, "replayed"]);
    // The page's first decision stands.
    const polled = await (await fetch(`${shopUrl}/api/checks/${event.id}`)).json();
    assert.equal(polled.accepted, true);
    await watch.assertNone("the DC API flow");
  } finally {
    await context.close();
  }
});

test("QR fallback: without the DC API the page shows the code; the npm wallet posts direct_post.jwt; the page shows the decision", async () => {
  const { context, page, watch } = await openShop(null);
  try {
    assert.equal(await page.getAttribute("body", "data-dc-api"), "false");
    await page.click("#check-start");
    await page.waitForSelector("body[data-screen=qr]", { timeout: 30000 });
    await page.waitForSelector("#qr svg");
    await assertClean(page, watch, "the QR code");
    await screenshot(page, "shop-qr");
    // The QR code read from the screen, as the customer's phone would.
    const box = await page.locator("#qr svg").boundingBox();
    const png = await page.screenshot({ clip: { x: Math.max(0, box.x - 8), y: Math.max(0, box.y - 8), width: box.width + 16, height: box.height + 16 } });
    const link = decodeQrFromPng(png);
    assert.match(link, /^openid4vp:\/\/\?/);
    assert.equal(link, await page.getAttribute("#qr-link", "href"));
    const params = new URL(link).searchParams;
    assert.equal(params.get("response_mode"), "direct_post.jwt");
    const responseUri = params.get("response_uri");
    assert.ok(responseUri.startsWith(`${shopUrl}/wallet/`), responseUri);

    const answer = wallet.answerRemote(link, now());
    assert.equal(answer.url, responseUri);
    assert.deepEqual([...new URLSearchParams(answer.body).keys()], ["response"]);
    const posted = await fetch(answer.url, { method: "POST", headers: { "content-type": answer.contentType }, body: answer.body });
    assert.equal(posted.status, 200, await posted.clone().text());
    assert.deepEqual(await posted.json(), {});

    const shown = await shownDecision(page);
    await assertClean(page, watch, "the accepted decision (QR)");
    await screenshot(page, "shop-qr-accepted");
    assert.deepEqual({ accepted: shown.accepted, reason: shown.reason, policy: shown.policy, channel: shown.channel, claims: shown.claims },
      { accepted: true, reason: null, policy: POLICY, channel: "direct_post", claims: { age_over_20: true } });
    const event = decisions.at(-1);
    assert.equal(event.channel, "direct_post");
    assert.equal(event.decision.accepted, true);
    // The wallet's answer again: the nonce was used.
    const again = await fetch(answer.url, { method: "POST", headers: { "content-type": answer.contentType }, body: answer.body });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error_description, "replayed");
  } finally {
    await context.close();
  }
});

/** Request `data` changed by `change` (a copy). */
function changed(data, change) {
  const copy = structuredClone(data);
  change(copy);
  return copy;
}

const HOSTILE = [
  {
    name: "answered for another origin (a relaying site)",
    screenshot: "shop-refused-origin",
    reason: "not_bound_to_request",
    answer: (request) => wallet.answerDcApi(request.protocol, request.data, "https://shop.example.evil", now()),
  },
  {
    name: "downgraded to a plain vp_token",
    screenshot: "shop-refused-downgrade",
    reason: "response_mode_downgrade",
    answer: (request, origin) => wallet.answerDcApi(request.protocol, changed(request.data, (d) => {
      d.response_mode = "dc_api";
      delete d.client_metadata;
    }), origin, now()),
  },
  {
    name: "encrypted to another key",
    screenshot: "shop-refused-key",
    reason: "response_undecryptable",
    answer: (request, origin) => {
      const other = myna.Verifier.create(JSON.stringify({ audience: AUDIENCE, authorityJwk: world.authorityJwk, trustList: world.trustList }), now())
        .dcApiRequest(POLICY, origin, now());
      const data = changed(request.data, (d) => { d.client_metadata = other.request.data.client_metadata; });
      other.free();
      return wallet.answerDcApi(request.protocol, data, origin, now());
    },
  },
  {
    name: "a response captured from an earlier check, replayed",
    screenshot: "shop-refused-replay",
    reason: "response_undecryptable",
    answer: () => accepted.response,
  },
];

for (const hostile of HOSTILE) {
  test(`hostile, ${hostile.name}: refused with ${hostile.reason} on the page and by Rust`, async () => {
    assert.ok(accepted, "test 1 kept its accepted response");
    const { context, page, watch } = await openShop((request, origin) => hostile.answer(request, origin));
    try {
      await page.click("#check-start");
      const shown = await shownDecision(page);
      await assertClean(page, watch, `the refusal (${hostile.name})`);
      await screenshot(page, hostile.screenshot);
      assert.deepEqual([shown.accepted, shown.reason, shown.policy], [false, hostile.reason, POLICY]);
      assert.deepEqual(shown.claims, {});
      assert.match(shown.text, /年齢確認ができませんでした/);
      const event = lastDcApiDecision();
      assert.equal(event.decision.reason, hostile.reason);
      const rust = await rustDecision(event);
      assert.deepEqual([rust.accepted, rust.reason, rust.policy], [false, hostile.reason, POLICY]);
    } finally {
      await context.close();
    }
  });
}

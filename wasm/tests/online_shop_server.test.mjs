// The online-shop example's server (wasm/examples/online-shop/shop.mjs) over loopback HTTP, with
// the npm verifier and wallet on the fixture set (wallet-protocol.json) and an injected clock:
// its headers and files, its limits (bounded table, expiry, body cap, content types), and both
// channels deciding a check once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFile } from "node:fs/promises";
import * as myna from "myna-vc";
import { Wallet } from "myna-vc/wallet";
import { CONTENT_SECURITY_POLICY, createShop } from "../examples/online-shop/shop.mjs";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const p = JSON.parse(await readFile(`${fixtures}/wallet-protocol.json`, "utf8"));
const MAX_CHECKS = 3;
const BODY_CAP = 16_384;

let clock = p.now;
let shop;
let url;
const decisions = [];

before(async () => {
  const verifier = myna.Verifier.create(JSON.stringify(p.shop.config), p.now);
  shop = createShop({ myna, verifier, now: () => clock, maxChecks: MAX_CHECKS, maxBodyBytes: BODY_CAP, onDecision: (e) => decisions.push(e) });
  url = await shop.listen();
});

after(() => shop?.close());

function receivedWallet() {
  const wallet = Wallet.restore(p.wallet.secret, p.now);
  const credentials = Wallet.parseCredentialResponse(p.credential.status, p.credential.body);
  wallet.keep(p.wallet.batch, p.wallet.size, "age", credentials, JSON.stringify(p.trust), p.now);
  return wallet;
}

const post = (path, body, type = "application/json") => fetch(`${url}${path}`, {
  method: "POST", headers: type ? { "content-type": type } : {}, body,
});

async function startCheck() {
  const response = await post("/api/checks", undefined, null);
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

/** Forgets every check (the clock moves past their lifetime). */
function expireAll() {
  clock += 301;
  assert.equal(shop.pending(), 0);
}

test("the page: its files with a strict policy, nothing inline, nothing else served", async () => {
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  const html = await page.text();
  assert.match(html, /<html lang="ja">/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script");
  assert.doesNotMatch(html, /\sstyle=|<style/, "no inline style");
  assert.doesNotMatch(html, /\son[a-z]+=/, "no inline handler");
  for (const file of ["/shop.js", "/i18n.js", "/qr.js", "/shop.css", "/favicon.svg"]) {
    const response = await fetch(`${url}${file}`);
    assert.equal(response.status, 200, file);
    await response.arrayBuffer();
  }
  for (const path of ["/shop.mjs", "/server.mjs", "/../shop.mjs", "/%2e%2e/server.mjs", "/public/shop.js", "/package.json"]) {
    const response = await fetch(`${url}${path}`);
    assert.equal(response.status, 404, path);
    await response.arrayBuffer();
  }
  const put = await fetch(`${url}/api/checks`, { method: "PUT" });
  assert.equal(put.status, 405);
  await put.arrayBuffer();
});

test("a check: a DC API request bound to the shop's origin, a direct_post.jwt link and its QR code", async () => {
  const check = await startCheck();
  assert.match(check.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(check.expiresAt, clock + 300);
  assert.equal(check.dcApi.protocol, "openid4vp-v1-unsigned");
  assert.equal(check.dcApi.data.response_mode, "dc_api.jwt");
  const params = new URL(check.link).searchParams;
  assert.equal(params.get("response_mode"), "direct_post.jwt");
  assert.equal(params.get("response_uri"), `${url}/wallet/${check.id}/response`);
  assert.equal(params.get("client_id"), `redirect_uri:${url}/wallet/${check.id}/response`);
  assert.equal(check.qr.modules.length, check.qr.size * check.qr.size);
  assert.match(check.qr.modules, /^[01]+$/);
  const pending = await fetch(`${url}/api/checks/${check.id}`);
  assert.equal(pending.status, 202);
  assert.deepEqual(await pending.json(), { state: "pending" });
  expireAll();
});

test("limits: a bounded table (503 when full, room again once checks expire), body cap, content types, unknown ids", async () => {
  const checks = [];
  for (let i = 0; i < MAX_CHECKS; i += 1) checks.push(await startCheck());
  const full = await post("/api/checks", undefined, null);
  assert.equal(full.status, 503);
  assert.deepEqual(await full.json(), { error: "busy" });

  const id = checks[0].id;
  const wrongType = await post(`/api/checks/${id}/dc-api`, "{}", "text/plain");
  assert.equal(wrongType.status, 415);
  assert.deepEqual(await wrongType.json(), { error: "unsupported_media_type" });
  const huge = await post(`/api/checks/${id}/dc-api`, JSON.stringify({ data: { response: "x".repeat(BODY_CAP) } }));
  assert.equal(huge.status, 413);
  assert.deepEqual(await huge.json(), { error: "body_too_large" });
  const broken = await post(`/api/checks/${id}/dc-api`, "{not json");
  assert.equal(broken.status, 400);
  assert.deepEqual(await broken.json(), { error: "malformed_json" });
  const formType = await post(`/wallet/${id}/response`, "response=x", "application/json");
  assert.equal(formType.status, 415);
  await formType.arrayBuffer();
  for (const unknown of ["AAAAAAAAAAAAAAAAAAAAAA", "short", "%00", `${id}x`]) {
    const response = await fetch(`${url}/api/checks/${unknown}`);
    assert.equal(response.status, 404, unknown);
    assert.deepEqual(await response.json(), { error: "unknown_check" });
  }
  // Dot segments are resolved before routing: no way out of /api/checks/.
  const outside = await fetch(`${url}/api/checks/../../shop.mjs`);
  assert.equal(outside.status, 404);
  assert.deepEqual(await outside.json(), { error: "not_found" });

  expireAll();
  const gone = await fetch(`${url}/api/checks/${id}`);
  assert.equal(gone.status, 404);
  await gone.arrayBuffer();
  await startCheck();
  expireAll();
});

/** POST /api/checks to `base` from the loopback address `from` (127.0.0.x: every one is this machine). */
function startFrom(base, from) {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}/api/checks`, { method: "POST", localAddress: from }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    request.on("error", reject);
    request.end();
  });
}

test("a loop from one client address fills only its own share: 429 for it, while another address is still served", async () => {
  const verifier = myna.Verifier.create(JSON.stringify(p.shop.config), p.now);
  const own = createShop({ myna, verifier, now: () => clock, maxChecks: 10, maxChecksPerClient: 2 });
  const base = await own.listen();
  try {
    for (let i = 0; i < 2; i += 1) assert.equal((await startFrom(base, "127.0.0.2")).status, 201);
    for (let i = 0; i < 5; i += 1) {
      const refused = await startFrom(base, "127.0.0.2");
      assert.equal(refused.status, 429);
      assert.deepEqual(refused.body, { error: "too_many_checks" });
    }
    const other = await startFrom(base, "127.0.0.3");
    assert.equal(other.status, 201, JSON.stringify(other.body));
    assert.equal(own.pending(), 3);
    // Once its checks expire, the looping address has its share back.
    clock += 301;
    assert.equal(own.pending(), 0);
    assert.equal((await startFrom(base, "127.0.0.2")).status, 201);
    clock -= 301;
  } finally {
    await own.close();
  }
});

test("DC API channel: the wallet's answer accepted once; the other channel then closed", async () => {
  const wallet = receivedWallet();
  const check = await startCheck();
  const origin = new URL(url).origin;
  const answer = wallet.answerDcApi(check.dcApi.protocol, check.dcApi.data, origin, clock);
  const decided = await post(`/api/checks/${check.id}/dc-api`, JSON.stringify(answer));
  assert.equal(decided.status, 200);
  const decision = await decided.json();
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(decision.credentials.map((c) => c.claims), [{ age_over_20: true }]);
  assert.ok(!("holder" in decision.credentials[0]), "the page is not told the holder key");
  const polled = await (await fetch(`${url}/api/checks/${check.id}`)).json();
  assert.deepEqual([polled.accepted, polled.channel], [true, "dc_api"]);
  const event = decisions.at(-1);
  assert.deepEqual([event.id, event.channel, event.decision.accepted], [check.id, "dc_api", true]);
  assert.equal(JSON.parse(event.state).nonce, check.dcApi.data.nonce);
  // The phone's wallet answers the same check cross-device too late: the check is decided.
  const remote = wallet.answerRemote(check.link, clock);
  const other = await post(`/wallet/${check.id}/response`, remote.body, remote.contentType);
  assert.equal(other.status, 409);
  assert.deepEqual(await other.json(), { error: "already_decided" });
  expireAll();
});

test("cross-device channel: direct_post.jwt answered, polled, decided once; a plain answer is a downgrade", async () => {
  const wallet = receivedWallet();
  const check = await startCheck();
  const downgraded = await post(`/wallet/${check.id}/response`, "vp_token=%7B%7D&state=x", "application/x-www-form-urlencoded");
  assert.equal(downgraded.status, 400);
  assert.deepEqual(await downgraded.json(), { error: "invalid_request", error_description: "response_mode_downgrade" });
  // The refusal decided the check (first answer wins): a new check for the real answer.
  const fresh = await startCheck();
  const answer = wallet.answerRemote(fresh.link, clock);
  assert.equal(answer.url, `${url}/wallet/${fresh.id}/response`);
  const posted = await post(`/wallet/${fresh.id}/response`, answer.body, answer.contentType);
  assert.equal(posted.status, 200);
  assert.deepEqual(await posted.json(), {});
  const polled = await fetch(`${url}/api/checks/${fresh.id}`);
  assert.equal(polled.status, 200);
  const decision = await polled.json();
  assert.deepEqual([decision.accepted, decision.channel, decision.policy], [true, "direct_post", "age-over-20"]);
  const again = await post(`/wallet/${fresh.id}/response`, answer.body, answer.contentType);
  assert.equal(again.status, 400);
  assert.equal((await again.json()).error_description, "replayed");
  expireAll();
});

// The online shop's backend: the age check of a liquor shop's checkout, decided on the server
// with the `myna-vc` npm verifier (a decision made in the customer's browser would be worthless:
// the customer controls that browser).
//
// One check = one purchase attempt. `POST /api/checks` starts two sessions for it at once:
//   * a Digital Credentials API session (OpenID4VP over the DC API, `dc_api.jwt`: the wallet
//     encrypts its answer to a key only this server holds), used when the customer's browser
//     offers `navigator.credentials.get({ digital })`;
//   * a cross-device session (`direct_post.jwt`, an `openid4vp://` link shown as a QR code),
//     the fallback for every other browser: the wallet on the customer's phone posts its
//     encrypted answer to `POST /wallet/{id}/response`, and the page polls `GET /api/checks/{id}`.
// Whichever answers first decides the check; the other session is then closed.
//
//   import * as myna from "myna-vc";
//   const verifier = myna.Verifier.create(JSON.stringify(config), Date.now() / 1000);
//   const shop = createShop({ myna, verifier, policy: "age-over-20", publicUrl: "https://shop.example" });
//   const url = await shop.listen({ host: "127.0.0.1", port: 8080 });   // behind your TLS proxy
//   …  await shop.close();
//
// What is kept: at most `maxChecks` checks, each for `ttlSecs` (5 minutes, the lifetime of the
// verifier's sessions); a full table answers 503 rather than grow. One client (`clientOf`: the
// peer address; behind your proxy, the address it forwards) holds at most `maxChecksPerClient`
// of them and gets 429 past that, so a loop from one address cannot fill the table for everyone. The sessions are kept as the
// text `toState()` gives, which holds their ephemeral private keys: memory only, never logged.
// Request bodies are capped (`maxBodyBytes`), slow clients cut off (`timeoutMs`).
//
// `onDecision` (for tests and audit logs; it receives the session state, which holds the
// session's private key, so never log it as it is): called after every decision with
// `{ id, channel: "dc_api" | "direct_post", state, response, decision }` — what the Node tests
// hand to `myna verify check --dc-api-session` to compare the Rust decision with this one.
import http from "node:http";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

/** The page's files: exact paths only (no directory is served), with their types. */
const FILES = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/shop.js": ["shop.js", "text/javascript; charset=utf-8"],
  "/i18n.js": ["i18n.js", "text/javascript; charset=utf-8"],
  "/qr.js": ["qr.js", "text/javascript; charset=utf-8"],
  "/shop.css": ["shop.css", "text/css; charset=utf-8"],
  "/favicon.svg": ["favicon.svg", "image/svg+xml"],
};

/** The page's policy: its own scripts and styles only, no inline code, talks to this server only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-store",
};

const ID = /^[A-Za-z0-9_-]{22}$/;

/** An HTTP error with the code the page shows. */
class Refusal extends Error {
  constructor(status, code) {
    super(code);
    this.status = status;
    this.code = code;
  }
}

/**
 * The shop's backend.
 * @param {object} options
 * @param {typeof import("myna-vc")} options.myna the `myna-vc` module (its `DcApiSession`,
 *   `CrossDeviceSession` and `qrMatrix`)
 * @param {import("myna-vc").Verifier} options.verifier the shop's verifier (trust list, status lists)
 * @param {string} [options.policy] what the checkout asks for (default `age-over-20`)
 * @param {string} [options.publicUrl] the https origin customers load the page from (default: the
 *   address `listen` got, for a loopback test); the DC API binds every answer to it
 * @param {string} [options.clientId] the cross-device `client_id` (default `redirect_uri:` and the
 *   check's response URI; `x509_san_dns:<host>` once the shop signs its requests)
 * @param {() => number} [options.now] the time, in seconds since 1970 (tests inject it)
 * @param {number} [options.maxChecks] at most this many checks kept (default 1000)
 * @param {number} [options.maxChecksPerClient] at most this many of them per client (default 10)
 * @param {(request: import("node:http").IncomingMessage) => string} [options.clientOf] who a
 *   request is from (default: the peer address; behind a proxy, pass the address it forwards)
 * @param {number} [options.ttlSecs] how long a check lives (default 300)
 * @param {number} [options.maxBodyBytes] the largest request body read (default 65536)
 * @param {number} [options.timeoutMs] a request's time limit (default 10000)
 * @param {(event: object) => void} [options.onDecision] see the header comment
 */
export function createShop({
  myna, verifier, policy = "age-over-20", publicUrl, clientId,
  now = () => Math.floor(Date.now() / 1000),
  maxChecks = 1000, maxChecksPerClient = 10, clientOf = (request) => request.socket.remoteAddress ?? "",
  ttlSecs = 300, maxBodyBytes = 65_536, timeoutMs = 10_000, onDecision,
}) {
  if (!myna?.DcApiSession || !myna?.CrossDeviceSession || !myna?.qrMatrix) throw new Error("createShop: pass the myna-vc module as `myna`");
  if (!verifier) throw new Error("createShop: pass the shop's Verifier as `verifier`");
  const publicDir = new URL("./public/", import.meta.url);
  const checks = new Map();
  /** How many live checks each client holds (kept with `checks`: `forget` is the one way out). */
  const perClient = new Map();
  let origin = publicUrl ? new URL(publicUrl).origin : null;

  function forget(id) {
    const check = checks.get(id);
    if (!check) return;
    checks.delete(id);
    const left = (perClient.get(check.client) ?? 1) - 1;
    if (left > 0) perClient.set(check.client, left);
    else perClient.delete(check.client);
  }

  function prune() {
    const at = now();
    for (const [id, check] of checks) if (check.expiresAt <= at) forget(id);
  }

  function startCheck(client) {
    prune();
    if ((perClient.get(client) ?? 0) >= maxChecksPerClient) throw new Refusal(429, "too_many_checks");
    if (checks.size >= maxChecks) throw new Refusal(503, "busy");
    const id = randomBytes(16).toString("base64url");
    const at = now();
    const responseUri = `${origin}/wallet/${id}/response`;
    const dc = verifier.dcApiRequest(policy, origin, at);
    const remote = verifier.crossDeviceRequest(policy, clientId ?? `redirect_uri:${responseUri}`, responseUri, at);
    try {
      const check = {
        expiresAt: Math.min(dc.expiresAt, remote.expiresAt, at + ttlSecs),
        dcState: dc.toState(),
        remoteState: remote.toState(),
        decision: null,
        client,
      };
      checks.set(id, check);
      perClient.set(client, (perClient.get(client) ?? 0) + 1);
      const qr = myna.qrMatrix(remote.link);
      return {
        id,
        expiresAt: check.expiresAt,
        dcApi: dc.request,
        link: remote.link,
        qr: { size: qr.size, modules: Array.from(qr.modules, (m) => (m ? "1" : "0")).join("") },
      };
    } finally {
      dc.free();
      remote.free();
    }
  }

  function liveCheck(id) {
    const check = ID.test(id) ? checks.get(id) : undefined;
    if (!check || check.expiresAt <= now()) throw new Refusal(404, "unknown_check");
    return check;
  }

  /** Decides with a fresh copy of the kept session: a second answer to the same check meets the
   * verifier's single-use nonce and is refused as `replayed`, not silently accepted. */
  function decide(id, channel, response) {
    const check = liveCheck(id);
    if (check.decision && check.decision.channel !== channel) throw new Refusal(409, "already_decided");
    const at = now();
    let decision;
    if (channel === "dc_api") {
      const session = myna.DcApiSession.fromState(check.dcState);
      try {
        decision = verifier.decideDcApi(session, response, at);
      } finally {
        session.free();
      }
    } else {
      const session = myna.CrossDeviceSession.fromState(check.remoteState);
      try {
        decision = verifier.decideDirectPost(session, response, at);
      } finally {
        session.free();
      }
    }
    check.decision ??= { ...forPage(decision), channel };
    onDecision?.({ id, channel, state: channel === "dc_api" ? check.dcState : check.remoteState, response, decision });
    return decision;
  }

  async function route(request, response) {
    const url = new URL(request.url, "http://shop.invalid");
    const path = url.pathname;
    const method = request.method;
    if (method === "GET" && path in FILES) return sendFile(response, publicDir, FILES[path]);
    if (method === "POST" && path === "/api/checks") {
      await readBody(request, maxBodyBytes, null);
      return sendJson(response, 201, startCheck(clientOf(request)));
    }
    let found = /^\/api\/checks\/([^/]+)$/.exec(path);
    if (method === "GET" && found) {
      const check = liveCheck(found[1]);
      return check.decision ? sendJson(response, 200, check.decision) : sendJson(response, 202, { state: "pending" });
    }
    found = /^\/api\/checks\/([^/]+)\/dc-api$/.exec(path);
    if (method === "POST" && found) {
      const body = await readBody(request, maxBodyBytes, "application/json");
      let answer;
      try {
        answer = JSON.parse(body);
      } catch {
        throw new Refusal(400, "malformed_json");
      }
      return sendJson(response, 200, forPage(decide(found[1], "dc_api", answer)));
    }
    found = /^\/wallet\/([^/]+)\/response$/.exec(path);
    if (method === "POST" && found) {
      const body = await readBody(request, maxBodyBytes, "application/x-www-form-urlencoded");
      const decision = decide(found[1], "direct_post", body);
      // OpenID4VP §8.2: 200 with a JSON object once the response is taken; the wallet learns
      // no more than whether it was (the shop's page shows the outcome to the customer).
      return decision.accepted ? sendJson(response, 200, {}) : sendJson(response, 400, { error: "invalid_request", error_description: decision.reason });
    }
    throw new Refusal(method === "GET" || method === "POST" ? 404 : 405, method === "GET" || method === "POST" ? "not_found" : "method_not_allowed");
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error) => {
      if (error instanceof Refusal) return sendJson(response, error.status, { error: error.code });
      // Never echo an internal error (it may quote the request); the code is enough for the page.
      const status = typeof error?.code === "string" && error.code !== "" ? 400 : 500;
      sendJson(response, status, { error: status === 400 ? error.code : "internal_error" });
    });
  });
  server.requestTimeout = timeoutMs;
  server.headersTimeout = Math.min(timeoutMs, 5_000);
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 50;
  const sweeper = setInterval(prune, 30_000);
  sweeper.unref();

  return {
    server,
    /** Listens; resolves to the URL it answers on (and the origin the DC API binds to, unless `publicUrl` was given). */
    listen({ host = "127.0.0.1", port = 0 } = {}) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address();
          const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
          origin ??= url;
          resolve(url);
        });
      });
    },
    /** Stops listening and forgets every check (their keys with them). */
    close() {
      clearInterval(sweeper);
      checks.clear();
      perClient.clear();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
    /** How many checks are kept now (for monitoring; expired ones pruned first). */
    pending() {
      prune();
      return checks.size;
    },
  };
}

/** What the page is shown of a decision: the outcome, its reason, and the disclosed claims
 * (no holder key thumbprint, no status details). */
export function forPage(decision) {
  return {
    accepted: decision.accepted === true,
    policy: decision.policy,
    reason: decision.reason ?? null,
    message_ja: decision.message_ja ?? null,
    message_en: decision.message_en ?? null,
    credentials: (decision.credentials ?? []).map((c) => ({ vct: c.vct, issuer_name: c.issuer_name, claims: c.claims })),
  };
}

/** The body as text, at most `limit` bytes, of `type` (null: any, and usually empty). */
async function readBody(request, limit, type) {
  if (type !== null) {
    const given = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (given !== type) throw new Refusal(415, "unsupported_media_type");
  }
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > limit) throw new Refusal(413, "body_too_large");
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > limit) throw new Refusal(413, "body_too_large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response, status, value) {
  if (response.headersSent) return;
  const body = JSON.stringify(value);
  response.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

async function sendFile(response, dir, [name, type]) {
  const body = await readFile(new URL(name, dir));
  response.writeHead(200, { ...SECURITY_HEADERS, "content-type": type, "content-length": body.length });
  response.end(body);
}

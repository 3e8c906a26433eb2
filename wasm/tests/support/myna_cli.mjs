// What the test worlds (support/world.mjs, support/counter_world.mjs) and the verifier-service
// wrapper (support/verifier_service.mjs) share: finding and running the `myna` binary, editing
// issuer.toml, and starting `myna issuer serve` and `myna verify serve` on loopback ports.
//
//   await mynaBinary()                    the binary the tests run ($MYNA_BIN, else
//                                         $CARGO_TARGET_DIR/debug/myna, else target/debug/myna)
//   childEnv(extra?)                      our environment without any MYNA_* variable, plus extra
//   mynaIn(bin, dir)                      -> async (...args) => stdout of `myna ...args` in dir
//                                         (options object last: { env } adds variables)
//   await setToml(file, section, values)  sets existing keys of one [section] (whole numbers)
//   await serveIssuer(bin, dir, { dataDir, passphraseFile })
//                                         `myna issuer serve` on 127.0.0.1:0 -> { url, pid, since, stop }
//   await serveVerifier(bin, dir, args)   `myna verify serve ...args --listen 127.0.0.1:<free>`
//                                         -> { url, pid, stop } once /health answers
//   offerRequest(facts)                   the `POST /admin/offers` body for facts, as `myna issuer
//                                         admin offer --facts` builds it (a fresh subject handle)
//   await verifyCheck(bin, dir, args)     `myna verify check ...args --json`: the parsed decision
//                                         (a refusal exits 1 with the decision on stdout)
//
// Every child still running when the test process exits is killed.
import { spawn, execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, readFile, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** The `myna` binary the tests run. */
export async function mynaBinary() {
  const candidates = [
    process.env.MYNA_BIN,
    process.env.CARGO_TARGET_DIR && path.join(process.env.CARGO_TARGET_DIR, "debug", "myna"),
    path.join(repo, "target", "debug", "myna"),
  ].filter(Boolean);
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return path.resolve(candidate);
    } catch {
      // try the next one
    }
  }
  throw new Error(`no myna binary (tried ${candidates.join(", ")}): run \`cargo build -p myna\` or set MYNA_BIN`);
}

/** The environment of a `myna` child: ours without any MYNA_* variable (no passphrase, data
 * directory or loopback mapping of the caller leaks into the test environment), plus `extra`. */
export function childEnv(extra = {}) {
  const own = Object.entries(process.env).filter(([k]) => !k.startsWith("MYNA_"));
  return { ...Object.fromEntries(own), ...extra };
}

/** A runner of `myna` in `dir`: `await myna("issuer", "keys", …)` resolves to its standard
 * output; a last argument that is an object gives `{ env }` (extra variables). A failure says
 * which command and what it printed on standard error. */
export function mynaIn(bin, dir) {
  return async (...args) => {
    const options = typeof args.at(-1) === "object" ? args.pop() : {};
    try {
      const { stdout } = await run(bin, args, { cwd: dir, env: childEnv(options.env), maxBuffer: 16 << 20 });
      return stdout;
    } catch (error) {
      throw new Error(`myna ${args.join(" ")} failed: ${error.stderr || error.message}`);
    }
  };
}

/** Sets keys of `[section]` of a TOML file `issuer init` wrote (every key present there, so a
 * misspelt key is an error rather than a silently ignored setting). Whole numbers only. */
export async function setToml(file, section, values) {
  let text = await readFile(file, "utf8");
  const start = text.indexOf(`\n[${section}]\n`);
  if (start < 0) throw new Error(`${file} has no [${section}]`);
  const bodyStart = start + section.length + 4;
  const next = text.slice(bodyStart).search(/^\[/m);
  const bodyEnd = next < 0 ? text.length : bodyStart + next;
  let body = text.slice(bodyStart, bodyEnd);
  for (const [key, value] of Object.entries(values)) {
    if (!/^[a-z_]+$/.test(key) || !Number.isInteger(value)) throw new Error(`${section}.${key}: a whole number`);
    const line = new RegExp(`^${key}\\s*=.*$`, "m");
    if (!line.test(body)) throw new Error(`${file} has no ${section}.${key}`);
    body = body.replace(line, `${key} = ${value}`);
  }
  text = text.slice(0, bodyStart) + body + text.slice(bodyEnd);
  await writeFile(file, text);
}

/** Every child started here, killed if the test process exits without its stop(). */
const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Spawns `bin args` in `dir` (logs read all along: a full pipe would stall the child; their
 * start kept for error messages) -> { child, exited, output() }. */
function spawnTracked(bin, args, dir) {
  const child = spawn(bin, args, { cwd: dir, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => {
    running.delete(child);
    resolve({ code, signal });
  }));
  const kept = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"]) {
    child[stream].on("data", (chunk) => {
      if (kept[stream].length < 65_536) kept[stream] += chunk;
      child.emit("log", kept);
    });
  }
  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const result = await exited;
    clearTimeout(killer);
    return result;
  }
  return { child, exited, kept, stop };
}

/** Resolves with `found(logs)`'s first truthy answer as the child logs; rejects if it exits. */
function waitForLog(tracked, found, what) {
  return new Promise((resolve, reject) => {
    tracked.child.on("log", (kept) => {
      const answer = found(kept);
      if (answer) resolve(answer);
    });
    tracked.exited.then(({ code, signal }) =>
      reject(new Error(`${what} exited (${code ?? signal}) before listening: ${tracked.kept.stderr}${tracked.kept.stdout}`)));
  });
}

/** Starts `myna issuer serve` of `dataDir` on 127.0.0.1:0; resolves once it logged its address
 * and answers its metadata. `since` is Date.now() when it logged that it listens. */
export async function serveIssuer(bin, dir, { dataDir = "city", passphraseFile = "city.pass" } = {}) {
  const tracked = spawnTracked(bin, ["issuer", "serve", "--data-dir", dataDir, "--passphrase-file", passphraseFile,
    "--listen", "127.0.0.1:0", "--log-json"], dir);
  const address = await waitForLog(tracked, ({ stdout }) => {
    const found = /"message":"issuer service listening"[^\n]*"addr":"(127\.0\.0\.1:\d+)"/.exec(stdout);
    return found && { addr: found[1], since: Date.now() };
  }, "myna issuer serve");
  const url = `http://${address.addr}`;
  // Listening is logged after bind; answering proves the router is up too.
  const answer = await fetch(`${url}/.well-known/openid-credential-issuer`);
  if (!answer.ok) throw new Error(`the issuer answers ${answer.status} on its metadata`);
  await answer.arrayBuffer();
  return { url, pid: tracked.child.pid, since: address.since, stop: tracked.stop };
}

/** A free loopback port (`myna verify serve` logs the address it was given, not the one it got,
 * so it is given a concrete port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `myna verify serve …args` in `dir` on a free loopback port (another one if that port
 * was taken meanwhile); resolves once `/health` answers. */
export async function serveVerifier(bin, dir, args) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const tracked = spawnTracked(bin, ["verify", "serve", ...args, "--listen", `127.0.0.1:${port}`, "--log-json"], dir);
    try {
      await waitForLog(tracked, ({ stderr }) => stderr.includes("listening on"), "myna verify serve");
    } catch (error) {
      lastError = error;
      continue;
    }
    const url = `http://127.0.0.1:${port}`;
    const health = await fetch(`${url}/health`);
    if (!health.ok) throw new Error(`the verifier answers ${health.status} on /health`);
    await health.arrayBuffer();
    return { url, pid: tracked.child.pid, stop: tracked.stop };
  }
  throw lastError;
}

/** `myna verify check …args --json` in `dir`: the decision it printed (parsed). A refusal
 * exits 1 with the decision on stdout; anything else is a failure of the call. */
export async function verifyCheck(bin, dir, args) {
  let stdout;
  try {
    stdout = (await run(bin, ["verify", "check", ...args, "--json"], { cwd: dir, env: childEnv() })).stdout;
  } catch (error) {
    if (error.code !== 1 || !error.stdout) throw new Error(`myna verify check failed: ${error.stderr || error.message}`);
    stdout = error.stdout;
  }
  return JSON.parse(stdout);
}

/** The offer request for `facts`, as `myna issuer admin offer --facts` builds it. */
export function offerRequest(facts) {
  let request;
  if (Array.isArray(facts)) request = { credentials: facts };
  else if (facts && typeof facts === "object" && "credentials" in facts) request = { ...facts };
  else if (facts && typeof facts === "object" && "credential" in facts) request = { credentials: [facts] };
  else throw new Error("offer(facts): one credential's facts, a list of them, or { credentials: [...] }");
  if (!Array.isArray(request.credentials) || request.credentials.length === 0) {
    throw new Error("offer(facts): at least one credential's facts");
  }
  request.subject ??= randomBytes(32).toString("base64url");
  return request;
}

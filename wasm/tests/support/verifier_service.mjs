// A shop's `myna verify serve` on loopback, for the cross-device presentation of the wallet app,
// trusting the issuer of a test world (support/world.mjs): the world's trust list and authority
// key, and the issuer's current status list (fetched now, handed over as `--status-list`).
//
//   const shop = await startVerifierService(world, { policies: ["age-over-20"] });
//   shop.publicUrl   "https://shop.example" (what the requests name as their response_uri;
//                    map it to shop.url with the app's `config.development.loopbackHttp`)
//   shop.url         "http://127.0.0.1:PORT" (where the service really answers)
//   shop.audience    "x509_san_dns:shop.example" (the service's client_id)
//   await shop.request("age-over-20") -> the service's answer to `POST /requests`
//                    ({ request_id, authorization_request: "openid4vp://…", nonce, state, … })
//   await shop.stop()
//
// The service's public URL must be https, and its host must match the `x509_san_dns:` audience;
// the wallet app talks https only, or to a loopback address its development mapping names.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { mynaBinary } from "./world.mjs";

/** A free loopback port (`myna verify serve` logs the address it was given, not the one it got,
 * so it is given a concrete port). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * @param {object} world what `startWorld` returned
 * @param {{ policies?: string[], publicUrl?: string, name?: string }} options
 */
export async function startVerifierService(world, { policies = ["age-over-20"], publicUrl = "https://shop.example", name = "shop" } = {}) {
  const publicHost = new URL(publicUrl).hostname;
  const audience = `x509_san_dns:${publicHost}`;
  const statusFile = path.join(world.dir, `${name}-status.jwt`);
  await writeFile(statusFile, `${await world.statusList()}\n`);
  const bin = await mynaBinary();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MYNA_")));
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const args = ["verify", "serve", "--trust-list", "trust-list.jwt", "--authority-key", "authority/authority.jwk",
      "--status-list", `${world.issuerId}=${statusFile}`, "--audience", audience, "--public-url", publicUrl,
      "--listen", `127.0.0.1:${port}`, "--log-json",
      ...policies.flatMap((policy) => ["--policy", policy])];
    const child = spawn(bin, args, { cwd: world.dir, env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }));
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (chunk) => { if (stderr.length < 65_536) stderr += chunk; });
    try {
      await new Promise((resolve, reject) => {
        child.stderr.on("data", () => { if (stderr.includes("listening on")) resolve(); });
        exited.then(({ code, signal }) => reject(new Error(`myna verify serve exited (${code ?? signal}): ${stderr}`)));
      });
    } catch (error) {
      lastError = error;
      continue; // the port was taken meanwhile: another one
    }
    const url = `http://127.0.0.1:${port}`;
    const health = await fetch(`${url}/health`);
    if (!health.ok) throw new Error(`the verifier answers ${health.status} on /health`);
    await health.arrayBuffer();

    async function request(policy = policies[0]) {
      const response = await fetch(`${url}/requests`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ policy }),
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST /requests: ${response.status} ${text}`);
      return JSON.parse(text);
    }

    async function stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await exited;
      clearTimeout(killer);
      return result;
    }
    return { url, publicUrl, audience, pid: child.pid, request, stop };
  }
  throw lastError;
}

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
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { mynaBinary, serveVerifier } from "./myna_cli.mjs";

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
  const args = ["--trust-list", "trust-list.jwt", "--authority-key", "authority/authority.jwk",
    "--status-list", `${world.issuerId}=${statusFile}`, "--audience", audience, "--public-url", publicUrl,
    ...policies.flatMap((policy) => ["--policy", policy])];
  const service = await serveVerifier(bin, world.dir, args);
  const { url } = service;

  async function request(policy = policies[0]) {
    const response = await fetch(`${url}/requests`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ policy }),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /requests: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  return { url, publicUrl, audience, pid: service.pid, request, stop: service.stop };
}

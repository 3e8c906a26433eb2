// A test-environment issuer on loopback, set up with the `myna` CLI the way README "Run your
// own" steps 1, 3 and 4 do it (the escrow trustees of step 2 are left out: nothing here needs
// pseudonyms), for the browser tests of the wallet app.
//
//   const world = await startWorld({ dir, offerLifetimeSecs: 2 });
//   world.issuerId        "https://vc.city.maebashi.example" (what credentials and offers name)
//   world.issuerUrl       "http://127.0.0.1:PORT" (where `myna issuer serve` really answers)
//   world.trustList       the signed trust list (compact JWT text, test authority)
//   world.authorityJwk    the test trust-list authority's public key (JWK object)
//   world.issuerJwk       the issuer's public key (JWK object)
//   world.cardFile        a virtual My Number card of 前橋 花子 (`myna jpki test-ca card`)
//   await world.offer(facts?, { pin = true }?)  -> { link, pin, subject, offer, expiresAt }
//       facts: one credential's facts ({ credential: "age", birthdate: "1990-05-01" }), a list
//       of them, or a whole request ({ credentials: [...], subject?, tx_code? }), as for
//       `myna issuer admin offer --facts`; default: an age credential (born 1990-05-01). Made
//       with the admin API (`POST /admin/offers`, operator token) under a fresh subject handle
//       unless the request names one. `link` is the `openid-credential-offer://` link, `pin`
//       the 6-digit PIN (null with { pin: false }), `expiresAt` a Unix time by which the offer
//       is certainly expired (the issuer's `rules.offer_lifetime_secs` after the call).
//   await world.revoke(subject) / suspend(subject) / resume(subject)
//       every credential of that person, by `POST /admin/subjects/{action}` (revocation
//       officer token) -> the issuer's answer { subject, changed, unchanged }
//   await world.statusList()  the issuer's current status list token (`GET /status/1`)
//   await world.challenge({ audience, policy })  -> `myna verify challenge` output (MVC1:…)
//   await world.verifyCompact({ challenge, audience, policy, compact })
//       -> { accepted, reason, output }: `myna verify check --json` with the trust list, the
//       authority key and a freshly fetched status list; `output` is the parsed decision
//   await world.stop()  stops `myna issuer serve` (SIGTERM, then SIGKILL) and waits for it
//   world.servingSince  Date.now() when `myna issuer serve` logged that it listens: its
//       pruning of expired offers runs then and every PRUNE_INTERVAL_SECS after
//
// Offers expire after `rules.offer_lifetime_secs` (default 900 s) of issuer.toml, which
// `offerLifetimeSecs` sets; the issuer runs on the real clock (`myna issuer serve` has no
// injected time), so an "expired offer" test waits until `expiresAt` has passed. The issuer
// deletes expired offers every PRUNE_INTERVAL_SECS (from `servingSince`); a deleted one is
// refused as unknown or used (`offer_used`), so such a test asks between two prunes.
//
// The `myna` binary is $MYNA_BIN, else $CARGO_TARGET_DIR/debug/myna, else target/debug/myna
// of this repository (`cargo build -p myna`).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { mynaBinary, mynaIn, offerRequest, serveIssuer, setToml, verifyCheck } from "./myna_cli.mjs";

export { mynaBinary };

/** How often `myna issuer serve` deletes expired offers (issuer `PRUNE_INTERVAL_SECS`). */
export const PRUNE_INTERVAL_SECS = 60;

/** The issuer identifier of the test municipality (前橋市, 102016). */
export const ISSUER_ID = "https://vc.city.maebashi.example";
/** The synthetic resident of the virtual card and of the default offer. */
export const HANAKO = Object.freeze({
  name: "前橋 花子",
  birthdate: "1990-05-01",
  address: "群馬県前橋市大手町二丁目12番1号",
});
const ISSUER_PASSPHRASE = "passphrase of the city issuer";
const AUTHORITY_PASSPHRASE = "passphrase of the trust-list authority";

/**
 * Sets up the test environment in `dir` (created if missing; use a fresh temporary directory)
 * and starts `myna issuer serve` on a free loopback port.
 * @param {{ dir: string, offerLifetimeSecs?: number, rules?: Record<string, number> }} options
 *   `rules`: other `[rules]` keys of issuer.toml to set (numbers).
 */
export async function startWorld({ dir, offerLifetimeSecs, rules = {} }) {
  if (!dir) throw new Error("startWorld needs { dir }");
  await mkdir(dir, { recursive: true });
  const bin = await mynaBinary();
  const myna = mynaIn(bin, dir);
  const file = (name) => path.join(dir, name);

  // 1. The test JPKI CA and a virtual card.
  await myna("jpki", "test-ca", "init", "--dir", "testca");
  await myna("jpki", "test-ca", "card", "--dir", "testca", "--out", "hanako.card",
    "--name", HANAKO.name, "--birth-date", HANAKO.birthdate, "--sex", "female",
    "--address", HANAKO.address, "--auth-pin", "1234", "--sign-pin", "HANAKO2027");
  // 3. The issuer of 前橋市 trusting the test CA, its admin tokens in files.
  await writeFile(file("city.pass"), `${ISSUER_PASSPHRASE}\n`);
  await myna("issuer", "init", "--data-dir", "city", "--passphrase-file", "city.pass",
    "--municipality-code", "102016", "--prefecture", "群馬県", "--name", "前橋市",
    "--public-base-url", ISSUER_ID, "--listen", "127.0.0.1:0",
    "--jpki-test-ca", "testca", "--token-dir", "city-tokens");
  const overrides = { ...rules };
  if (offerLifetimeSecs !== undefined) overrides.offer_lifetime_secs = offerLifetimeSecs;
  await setToml(file("city/issuer.toml"), "rules", overrides);
  await myna("issuer", "keys", "--data-dir", "city", "--passphrase-file", "city.pass", "--out", "city.jwk");
  // 4. The trust list, signed by a test authority.
  await writeFile(file("authority.pass"), `${AUTHORITY_PASSPHRASE}\n`);
  await myna("trust-list", "init", "--dir", "authority", "--passphrase-file", "authority.pass");
  await myna("issuer", "trust-entry", "--data-dir", "city", "--passphrase-file", "city.pass",
    "--out", "city.entry");
  await myna("trust-list", "sign", "--dir", "authority", "--passphrase-file", "authority.pass",
    "--entry", "city.entry", "--valid-days", "30", "--out", "trust-list.jwt");

  const config = await readFile(file("city/issuer.toml"), "utf8");
  const lifetime = Number(/^offer_lifetime_secs\s*=\s*(\d+)/m.exec(config)?.[1] ?? 900);
  const tokens = {
    operator: (await readFile(file("city-tokens/operator.token"), "utf8")).trim(),
    officer: (await readFile(file("city-tokens/revocation-officer.token"), "utf8")).trim(),
  };
  const server = await serveIssuer(bin, dir);
  const issuerUrl = server.url;

  async function admin(route, token, body) {
    const response = await fetch(`${issuerUrl}${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${route}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  async function offer(facts = { credential: "age", birthdate: HANAKO.birthdate }, { pin = true } = {}) {
    const request = offerRequest(facts);
    if (!pin) request.tx_code = false;
    const created = await admin("/admin/offers", tokens.operator, request);
    return {
      link: created.credential_offer_uri,
      pin: created.tx_code ?? null,
      subject: created.subject ?? request.subject,
      offer: created.credential_offer,
      expiresAt: Math.ceil(Date.now() / 1000) + lifetime + 1,
    };
  }

  const changeSubject = (action) => (subject) =>
    admin(`/admin/subjects/${action}`, tokens.officer, { subject });

  async function statusList() {
    const response = await fetch(`${issuerUrl}/status/1`);
    if (!response.ok) throw new Error(`/status/1: ${response.status}`);
    return (await response.text()).trim();
  }

  async function challenge({ audience, policy }) {
    const args = ["verify", "challenge", "--audience", audience];
    if (policy) args.push("--policy", policy);
    return (await myna(...args)).trim();
  }

  let checks = 0;
  async function verifyCompact({ challenge: shown, audience, policy, compact }) {
    checks += 1;
    const presentation = file(`presentation-${checks}.txt`);
    const status = file(`status-${checks}.jwt`);
    await writeFile(presentation, `${compact}\n`);
    await writeFile(status, `${await statusList()}\n`);
    const args = ["--trust-list", "trust-list.jwt",
      "--authority-key", "authority/authority.jwk", "--status-list", `${ISSUER_ID}=${status}`,
      "--audience", audience, "--challenge", shown, "--policy", policy, presentation];
    const output = await verifyCheck(bin, dir, args);
    return { accepted: output.accepted === true, reason: output.reason ?? null, output };
  }

  return {
    dir,
    issuerId: ISSUER_ID,
    issuerUrl,
    trustList: (await readFile(file("trust-list.jwt"), "utf8")).trim(),
    authorityJwk: JSON.parse(await readFile(file("authority/authority.jwk"), "utf8")),
    issuerJwk: JSON.parse(await readFile(file("city.jwk"), "utf8")),
    cardFile: file("hanako.card"),
    offerLifetimeSecs: lifetime,
    pid: server.pid,
    servingSince: server.since,
    offer,
    revoke: changeSubject("revoke"),
    suspend: changeSubject("suspend"),
    resume: changeSubject("resume"),
    statusList,
    challenge,
    verifyCompact,
    stop: server.stop,
  };
}

// A test-environment issuer on loopback, set up with the `myna` CLI the way README "Run your
// own" steps 1, 3 and 4 do it, for the browser tests of the wallet app and the staff console;
// with `{ escrow: true }` also step 2 (two trustees, alice and bob, threshold 2, the forum
// context `maebashi-forum`), and on request steps 5, 7 and 8's resident side.
//
//   const world = await startWorld({ dir, offerLifetimeSecs: 2 });
//   const world = await startWorld({ dir, escrow: true, consolePkg: "wasm/pkg/trustee" });
//   const world = await startWorld({ dir, city: "himeji" });   姫路市 (282014) issues instead
//       (CITIES: maebashi, the default, and himeji); world.city its names and code
//   world.issuerId        "https://vc.city.maebashi.example" (what credentials and offers name;
//                         CITIES[city].id)
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
//   world.tokens        the admin tokens: { operator, officer } and, with escrow, { alice, bob }
//   world.trustees      with escrow: [{ name, keyFile, passphrase }] (keys of `myna trustee keygen`)
//   world.context       with escrow: the forum's pseudonym context ("maebashi-forum")
//   await world.anchorResident()  README steps 5 and 7 for 前橋 花子: a Rust wallet
//       (`myna wallet`, data dir "hanako") anchored with her virtual card, her resident and
//       age credentials received, her forum pseudonym received and presented to the forum
//       -> { wallet, pseudonym, context } (the pseudonym as `myna verify check` decided it)
//   await world.receive({ wallet, link, pin })  `myna wallet receive` of an offer link into
//       the wallet data dir `wallet` (made on first use)
//   await world.present({ wallet, policy, audience? })  -> { challenge, audience, policy,
//       compact }: `myna verify challenge` and `myna wallet present --yes`
//   await world.cardCrl()  README step 8's card revoked at the test CA (`myna jpki test-ca
//       revoke --reason lost`) and its authentication CRL written -> the DER file's path
//   await world.cardSerial()  the card's authentication certificate serial (hex)
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
/** The municipalities a world's issuer can be: its code, names and issuer identifier. */
export const CITIES = Object.freeze({
  maebashi: Object.freeze({ code: "102016", prefecture: "群馬県", name: "前橋市", nameEn: "Maebashi City", id: ISSUER_ID }),
  himeji: Object.freeze({ code: "282014", prefecture: "兵庫県", name: "姫路市", nameEn: "Himeji City", id: "https://vc.city.himeji.example" }),
});
/** The synthetic resident of the virtual card and of the default offer. */
export const HANAKO = Object.freeze({
  name: "前橋 花子",
  birthdate: "1990-05-01",
  address: "群馬県前橋市大手町二丁目12番1号",
});
const ISSUER_PASSPHRASE = "passphrase of the city issuer";
const WALLET_PASSPHRASE = "passphrase of the wallet";
/** The escrow trustees of README step 2 and the forum context of step 3. */
const TRUSTEES = [
  { name: "alice", passphrase: "passphrase of the council trustee" },
  { name: "bob", passphrase: "passphrase of the court trustee" },
];
const FORUM_CONTEXT = "maebashi-forum";
const AUTHORITY_PASSPHRASE = "passphrase of the trust-list authority";

/**
 * Sets up the test environment in `dir` (created if missing; use a fresh temporary directory)
 * and starts `myna issuer serve` on a free loopback port.
 * @param {{ dir: string, city?: "maebashi"|"himeji", offerLifetimeSecs?: number, rules?: Record<string, number>,
 *   escrow?: boolean, consolePkg?: string }} options
 *   `rules`: other `[rules]` keys of issuer.toml to set (numbers); `escrow`: two trustees and
 *   the forum context (README steps 2 and 3); `consolePkg`: the directory `myna issuer serve
 *   --console-pkg` serves at /console/pkg/ (the trustee build of the npm package).
 */
export async function startWorld({ dir, city = "maebashi", offerLifetimeSecs, rules = {}, escrow = false, consolePkg }) {
  if (!dir) throw new Error("startWorld needs { dir }");
  const municipality = CITIES[city];
  if (!municipality) throw new Error(`startWorld: no city ${city} (${Object.keys(CITIES).join(", ")})`);
  const issuerId = municipality.id;
  await mkdir(dir, { recursive: true });
  const bin = await mynaBinary();
  const myna = mynaIn(bin, dir);
  const mynaWith = (env, args) => myna(...args, { env });
  const file = (name) => path.join(dir, name);

  // 1. The test JPKI CA and a virtual card.
  await myna("jpki", "test-ca", "init", "--dir", "testca");
  await myna("jpki", "test-ca", "card", "--dir", "testca", "--out", "hanako.card",
    "--name", HANAKO.name, "--birth-date", HANAKO.birthdate, "--sex", "female",
    "--address", HANAKO.address, "--auth-pin", "1234", "--sign-pin", "HANAKO2027");
  // 2. With escrow: two trustees, each with a sealed key file.
  const trustees = [];
  const escrowArgs = [];
  if (escrow) {
    for (const { name, passphrase } of TRUSTEES) {
      await writeFile(file(`${name}.pass`), `${passphrase}\n`);
      await myna("trustee", "keygen", "--out", `${name}.key`, "--passphrase-file", `${name}.pass`);
      const publicKey = (await myna("trustee", "public-key", "--key", `${name}.key`)).trim();
      escrowArgs.push("--trustee", `${name}=${publicKey}`);
      trustees.push({ name, passphrase, keyFile: file(`${name}.key`) });
    }
    escrowArgs.push("--escrow-threshold", "2", "--pseudonym-context", FORUM_CONTEXT);
  }
  // 3. The city's issuer (前橋市 by default) trusting the test CA, its admin tokens in files.
  await writeFile(file("city.pass"), `${ISSUER_PASSPHRASE}\n`);
  await myna("issuer", "init", "--data-dir", "city", "--passphrase-file", "city.pass",
    "--municipality-code", municipality.code, "--prefecture", municipality.prefecture, "--name", municipality.name,
    "--public-base-url", issuerId, "--listen", "127.0.0.1:0",
    "--jpki-test-ca", "testca", ...escrowArgs, "--token-dir", "city-tokens");
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
  for (const { name } of trustees) tokens[name] = (await readFile(file(`city-tokens/${name}.token`), "utf8")).trim();
  const server = await serveIssuer(bin, dir, { extra: consolePkg ? ["--console-pkg", path.resolve(consolePkg)] : [] });
  const issuerUrl = server.url;
  // What a resident's `myna wallet` needs: its passphrase, the card's PINs, and the development
  // route from the issuer's https identifier to this loopback service.
  const walletEnv = {
    MYNA_WALLET_PASSPHRASE: WALLET_PASSPHRASE,
    MYNA_CARD_PIN: "1234",
    MYNA_CARD_SIGN_PIN: "HANAKO2027",
    MYNA_INSECURE_LOOPBACK_HTTP: `${issuerId}=${new URL(issuerUrl).host}`,
  };
  const wallet = (name, ...args) => mynaWith(walletEnv, ["wallet", "--data-dir", name, ...args]);
  const wallets = new Set();
  async function walletNamed(name) {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`wallet name ${name}: lower-case letters, digits, -`);
    if (!wallets.has(name)) {
      await wallet(name, "init");
      wallets.add(name);
    }
    return name;
  }

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
      "--authority-key", "authority/authority.jwk", "--status-list", `${issuerId}=${status}`,
      "--audience", audience, "--challenge", shown, "--policy", policy, presentation];
    const output = await verifyCheck(bin, dir, args);
    return { accepted: output.accepted === true, reason: output.reason ?? null, output };
  }

  async function receive({ wallet: name, link, pin }) {
    await walletNamed(name);
    const args = ["receive", "--offer", link, "--issuer-key", "city.jwk"];
    if (pin) args.push("--tx-code", pin);
    return wallet(name, ...args);
  }

  let presentations = 0;
  async function present({ wallet: name, policy, audience = "x509_san_dns:shop.example", query }) {
    presentations += 1;
    const shown = await challenge({ audience, policy });
    const out = `qr-${presentations}.txt`;
    const args = ["present", "--challenge", shown, "--yes", "--out", out];
    if (query) args.push("--query", query);
    await wallet(name, ...args);
    return { challenge: shown, audience, policy, compact: (await readFile(file(out), "utf8")).trim() };
  }

  async function anchorResident() {
    if (!escrow) throw new Error("anchorResident needs startWorld({ escrow: true }) (the forum context)");
    const name = await walletNamed("hanako");
    await wallet(name, "anchor", "--issuer", issuerId, "--issuer-key", "city.jwk", "--card", "hanako.card",
      "--with-facts", "--offer-out", "hanako.offer");
    await wallet(name, "receive", "--offer", (await readFile(file("hanako.offer"), "utf8")).trim(), "--issuer-key", "city.jwk");
    await wallet(name, "pseudonym", "--issuer", issuerId, "--issuer-key", "city.jwk", "--context", FORUM_CONTEXT);
    // The forum asks for her pseudonym once per person, as README step 7 does.
    const audience = "x509_san_dns:forum.maebashi.example";
    const policy = `once-per-person:${FORUM_CONTEXT}:forum`;
    const shown = (await myna("verify", "challenge", "--audience", audience, "--policy", policy,
      "--query-out", "forum-query.json")).trim();
    await wallet(name, "present", "--challenge", shown, "--query", "forum-query.json", "--yes", "--out", "forum.qr");
    const decision = await verifyCompact({ challenge: shown, audience, policy,
      compact: (await readFile(file("forum.qr"), "utf8")).trim() });
    if (!decision.accepted || typeof decision.output.pseudonym !== "string") {
      throw new Error(`the forum refused hanako's pseudonym: ${JSON.stringify(decision.output)}`);
    }
    return { wallet: name, pseudonym: decision.output.pseudonym, context: FORUM_CONTEXT };
  }

  async function cardSerial() {
    return (await myna("jpki", "test-ca", "serial", "--card", "hanako.card")).trim();
  }

  async function cardCrl() {
    await myna("jpki", "test-ca", "revoke", "--dir", "testca", "--card", "hanako.card", "--reason", "lost");
    await myna("jpki", "test-ca", "crl", "--dir", "testca", "--type", "authentication", "--out", "hanako-auth.crl");
    return file("hanako-auth.crl");
  }

  return {
    dir,
    issuerId,
    city: municipality,
    issuerUrl,
    trustList: (await readFile(file("trust-list.jwt"), "utf8")).trim(),
    authorityJwk: JSON.parse(await readFile(file("authority/authority.jwk"), "utf8")),
    issuerJwk: JSON.parse(await readFile(file("city.jwk"), "utf8")),
    cardFile: file("hanako.card"),
    tokens,
    trustees,
    context: escrow ? FORUM_CONTEXT : null,
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
    receive,
    present,
    anchorResident,
    cardSerial,
    cardCrl,
    stop: server.stop,
  };
}

// A test environment for the counter page (shops, gates, shelter desks, clinics): four
// municipalities' issuers, a national trust list, and residents whose Rust wallets (`myna
// wallet`) hold what every ready-made counter policy asks for — set up with the `myna` CLI
// alone, as README "Run your own" does (a test JPKI CA and virtual My Number cards, `issuer
// init` / `serve`, `trust-list sign`, `wallet init` / `anchor` / `receive`).
//
//   const world = await startCounterWorld({ dir });
//   world.counterConfig   the counter's config.json: { audience, authorityJwk, trustList,
//                         statusLists: [{ issuer, uri, token }], statusListUrls: [{ issuer, uri,
//                         url }], verifyService? } — `verifyService` ({ url, registerToken }) is
//                         set while a startVerifyService() service runs; `statusLists` is
//                         fetched again by revoke() and refreshStatusLists()
//   world.policies        [{ spec, label, holder, expect: "accepted"|"rejected", reason? }]: an
//                         accepted and a rejected case (with the verifier's reason code) for every
//                         counter policy
//   world.holders         { hanako: { name, birthdate, lives }, … } who is who (below)
//   world.issuers         { kobe: { id, code, name, url, jwk }, himeji, maebashi, mishima }
//   world.audience        "x509_san_dns:counter.example": every counter and service of the world
//                         uses it. A wallet shows a credential copy to one verifier only (it
//                         may show it again to that one), so challenges for another audience
//                         use up copies: Hanako's and Kenta's anchored credentials are one copy
//                         each, which one audience only ever sees
//   await world.challenge({ policy, audience? })   `myna verify challenge --policy`: MVC1:…
//   await world.present({ holder, challenge })     -> ["MV1:…", …] one compact text per
//                         credential, in the policy's order: `myna wallet present --challenge
//                         … --yes --out FILE` of that holder's wallet
//   await world.rustDecision({ challenge, policy, compact })
//                         -> { accepted, reason, claims, output }: `myna verify check --json`
//                         with the trust list and freshly fetched status lists (fresh replay
//                         state and, for a sale, a fresh in-memory ledger on every call);
//                         `compact` is the array present() gave or the text of its lines;
//                         `claims` the disclosed claims of each credential by query id
//   await world.startVerifyService({ policy?, allowOrigin? })
//                         `myna verify serve` for the fan-club sale (or `policy`), with a
//                         redemption ledger shared by its requests, a register token and
//                         `--allow-origin` (a string or a list) -> { url, registerToken,
//                         audience, policy, policyName (what `POST /requests` names), stop }
//   await world.startHq({ allowOrigin? })   the disaster HQ: `myna verify serve --roster FILE
//                         --roster-token-file F` -> { url, token, stop, summary() }
//   await world.revoke(holder, credential)  the holder's issuer revokes them by person
//                         (`POST /admin/subjects/revoke`): every credential that issuer gave the
//                         holder, so `credential` names the issuer ("resident", "age",
//                         "child_medical_subsidy", "fan_club_membership", …); then the
//                         counter's status lists are fetched again
//   await world.refreshStatusLists()        fetches every issuer's status list again
//   await world.stop()                      stops every service this world started
//
// Who is who (ages from today's date in JST where a policy depends on them, fixed elsewhere):
//   hanako  36+, Maebashi; anchored with her card at 前橋市 (resident, age) and at 三島市
//           (age, Izu fan-club membership, pseudonym for the sale: one holder key)
//   kenta   19, Mishima; anchored at 三島市 (resident, age, membership, pseudonym: one key)
//   sakura  11, Kobe pupil (resident, age from the register)
//   haruto  11, Maebashi pupil (resident, age, child medical subsidy to 15/18)
//   yui     17, Maebashi (child medical subsidy: outpatient to 15 ended, inpatient to 18 not)
//   mei     7, Himeji (resident, age)
//   toshio  born 1950, Kobe (resident, age)
//   jiro    Maebashi (resident, age), revoked by the city at setup
//
// The issuers run on the real clock (`myna issuer serve` has no injected time), so what they
// issue depends on today's date only through the ages above, which are chosen far from any
// threshold (a birthday is never within months of the day the world is built). One issuer
// process per municipality; every wallet receives a batch of `batchSize` copies (an answer to
// the same verifier may show the same copy again, so a few suffice).
//
// The `myna` binary is $MYNA_BIN, else $CARGO_TARGET_DIR/debug/myna, else target/debug/myna.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { mynaBinary, mynaIn, offerRequest, serveIssuer, serveVerifier, setToml, verifyCheck } from "./myna_cli.mjs";

/** The audience of the world's counters (and of the services they use). */
export const COUNTER_AUDIENCE = "x509_san_dns:counter.example";
/** Where the counter's services would live (its host is the audience's). */
export const COUNTER_PUBLIC_URL = "https://counter.example";
/** The Izu fan club's sale of the limited bottle (the pseudonyms' context). */
export const FAN_CLUB = Object.freeze({ club: "izu-fan-club", sale: "izu-limited-sake-2027", shop: "shuzenji-sakaya" });
/** The fan-club sale's policy at a partner shop. */
export const SALE_POLICY = `fan-club:${FAN_CLUB.club}:${FAN_CLUB.sale}:${FAN_CLUB.shop}`;
/** The shelter desk's policy. */
export const SHELTER_POLICY = "shelter:kobe-chuo-elementary";
/** The clinic's policy (outpatient visit). */
export const CLINIC_POLICY = "clinic:maebashi-kodomo-clinic:outpatient";

const MUNICIPALITIES = Object.freeze({
  kobe: { code: "281000", prefecture: "兵庫県", name: "神戸市", id: "https://city.kobe.example" },
  himeji: { code: "282014", prefecture: "兵庫県", name: "姫路市", id: "https://city.himeji.example" },
  maebashi: { code: "102016", prefecture: "群馬県", name: "前橋市", id: "https://city.maebashi.example", cards: true },
  mishima: { code: "222062", prefecture: "静岡県", name: "三島市", id: "https://city.mishima.example", cards: true, escrow: true },
});
const ADDRESS = Object.freeze({
  kobe: "兵庫県神戸市中央区加納町6丁目5番1号",
  himeji: "兵庫県姫路市安田四丁目1番地",
  maebashi: "群馬県前橋市大手町二丁目12番1号",
  mishima: "静岡県三島市北田町4番47号",
});
const ISSUER_PASSPHRASE = "passphrase of the city issuer";
const WALLET_PASSPHRASE = "passphrase of the wallet";
const AUTH_PIN = "1234";
const SIGN_PIN = "TEST2027";
/** Maebashi's payer number for child medical care and recipient numbers (check digits valid). */
const PAYER_NUMBER = "88421003";

/** Today's date in Japan (what the issuer and the verifier compute ages and school years on). */
function todayJst(now = new Date()) {
  const jst = new Date(now.getTime() + 9 * 3600 * 1000);
  return { y: jst.getUTCFullYear(), m: jst.getUTCMonth(), d: jst.getUTCDate() };
}

/** A birth date `years` years and `days` more days before today (JST), as YYYY-MM-DD. */
function bornAgo(today, years, days) {
  return new Date(Date.UTC(today.y - years, today.m, today.d - days)).toISOString().slice(0, 10);
}

/** The residents, their facts and what each receives where. */
function residents(today) {
  return {
    hanako: { name: "前橋 花子", birthdate: "1990-05-01", sex: "female", lives: "maebashi", card: true },
    kenta: { name: "三島 健太", birthdate: bornAgo(today, 19, 180), sex: "male", lives: "mishima", card: true },
    sakura: { name: "神戸 さくら", birthdate: bornAgo(today, 11, 180), lives: "kobe" },
    haruto: { name: "前橋 陽翔", birthdate: bornAgo(today, 11, 90), lives: "maebashi" },
    yui: { name: "前橋 結衣", birthdate: bornAgo(today, 17, 120), lives: "maebashi" },
    mei: { name: "姫路 芽衣", birthdate: bornAgo(today, 7, 180), lives: "himeji" },
    toshio: { name: "神戸 敏夫", birthdate: "1950-03-03", lives: "kobe" },
    jiro: { name: "前橋 次郎", birthdate: "1985-10-10", lives: "maebashi" },
  };
}

/** Every counter policy with an accepted and a rejected case (`world.policies`; exported so a
 * test file can name one test per case before the world is built). */
export const POLICIES = Object.freeze([
  { spec: "age-over-20", label: "age ≥ 20: Hanako (36)", holder: "hanako", expect: "accepted" },
  { spec: "age-over-20", label: "age ≥ 20: Kenta (19)", holder: "kenta", expect: "rejected", reason: "under_age" },
  { spec: "age-over-18", label: "age ≥ 18: Kenta (19)", holder: "kenta", expect: "accepted" },
  { spec: "age-over-18", label: "age ≥ 18: Sakura (11)", holder: "sakura", expect: "rejected", reason: "under_age" },
  { spec: "age-over-65", label: "age ≥ 65: Toshio (born 1950)", holder: "toshio", expect: "accepted" },
  { spec: "age-over-65", label: "age ≥ 65: Hanako (36)", holder: "hanako", expect: "rejected", reason: "under_age" },
  { spec: "resident:102016", label: "resident of Maebashi: Hanako", holder: "hanako", expect: "accepted" },
  { spec: "resident:102016", label: "resident of Maebashi: Kenta (Mishima)", holder: "kenta", expect: "rejected", reason: "not_resident" },
  { spec: "kobe-pupil-pass", label: "Kobe pupil pass: Sakura (11, Kobe)", holder: "sakura", expect: "accepted" },
  { spec: "kobe-pupil-pass", label: "Kobe pupil pass: Haruto (11, Maebashi)", holder: "haruto", expect: "rejected", reason: "not_resident" },
  { spec: "kobe-pupil-pass", label: "Kobe pupil pass: Toshio (Kobe, born 1950)", holder: "toshio", expect: "rejected", reason: "over_age" },
  { spec: "himeji-child-entry", label: "Himeji child entry: Mei (7, Himeji)", holder: "mei", expect: "accepted" },
  { spec: "himeji-child-entry", label: "Himeji child entry: Sakura (11, Kobe)", holder: "sakura", expect: "rejected", reason: "not_resident" },
  { spec: SHELTER_POLICY, label: "shelter desk: Sakura (Kobe)", holder: "sakura", expect: "accepted" },
  { spec: SHELTER_POLICY, label: "shelter desk: Jiro (resident credential revoked)", holder: "jiro", expect: "rejected", reason: "revoked" },
  { spec: CLINIC_POLICY, label: "clinic, outpatient: Haruto (subsidy to 15)", holder: "haruto", expect: "accepted" },
  { spec: CLINIC_POLICY, label: "clinic, outpatient: Yui (17, outpatient subsidy ended)", holder: "yui", expect: "rejected", reason: "not_covered" },
  { spec: SALE_POLICY, label: "Izu fan-club sale: Hanako (member, 36)", holder: "hanako", expect: "accepted" },
  { spec: SALE_POLICY, label: "Izu fan-club sale: Kenta (member, 19)", holder: "kenta", expect: "rejected", reason: "under_age" },
].map(Object.freeze));

/** `MVC1:<nonce>:<audience>[ <policy>]` -> its audience. */
function audienceOf(challenge) {
  const found = /^MVC1:[^:\s]+:(\S+)/.exec(challenge.trim());
  if (!found) throw new Error(`not an in-person challenge: ${challenge.slice(0, 40)}`);
  return found[1];
}

/**
 * Sets up the world in `dir` (created if missing; use a fresh temporary directory).
 * @param {{ dir: string, batchSize?: number }} options
 */
export async function startCounterWorld({ dir, batchSize = 4 }) {
  if (!dir) throw new Error("startCounterWorld needs { dir }");
  await mkdir(dir, { recursive: true });
  const bin = await mynaBinary();
  const myna = mynaIn(bin, dir);
  const file = (name) => path.join(dir, name);
  const today = todayJst();
  const holders = residents(today);
  const services = [];

  // 1. The test JPKI CA and the adults' virtual cards (before the issuers that trust them).
  await myna("jpki", "test-ca", "init", "--dir", "testca");
  for (const [who, person] of Object.entries(holders)) {
    if (!person.card) continue;
    await myna("jpki", "test-ca", "card", "--dir", "testca", "--out", `${who}.card`, "--name", person.name,
      "--birth-date", person.birthdate, "--sex", person.sex, "--address", ADDRESS[person.lives],
      "--auth-pin", AUTH_PIN, "--sign-pin", SIGN_PIN);
    person.cardSerial = (await myna("jpki", "test-ca", "serial", "--card", `${who}.card`)).trim();
  }
  // 2. Two escrow trustees (三島市 issues pseudonyms, which need escrow).
  const trustees = [];
  for (const name of ["alice", "bob"]) {
    await writeFile(file(`${name}.pass`), `passphrase of trustee ${name}\n`);
    await myna("trustee", "keygen", "--out", `${name}.key`, "--passphrase-file", `${name}.pass`);
    trustees.push(`${name}=${(await myna("trustee", "public-key", "--key", `${name}.key`)).trim()}`);
  }
  // 3. The issuers, their keys and trust-list entries.
  await writeFile(file("city.pass"), `${ISSUER_PASSPHRASE}\n`);
  const issuers = {};
  for (const [city, m] of Object.entries(MUNICIPALITIES)) {
    const args = ["issuer", "init", "--data-dir", city, "--passphrase-file", "city.pass",
      "--municipality-code", m.code, "--prefecture", m.prefecture, "--name", m.name,
      "--public-base-url", m.id, "--listen", "127.0.0.1:0", "--token-dir", `${city}-tokens`];
    if (m.cards) args.push("--jpki-test-ca", "testca");
    if (m.escrow) args.push(...trustees.flatMap((t) => ["--trustee", t]), "--escrow-threshold", "2");
    await myna(...args);
    const config = file(`${city}/issuer.toml`);
    // Small batches and lists: signing is what setup spends its time on. One client
    // (127.0.0.1) plays every resident at full speed: the per-client limits are raised.
    await setToml(config, "rules", { batch_size: batchSize, status_list_capacity: 4096 });
    await setToml(config, "edge", { requests_per_second_per_client: 100_000, burst_per_client: 100_000, requests_per_second: 100_000 });
    await myna("issuer", "keys", "--data-dir", city, "--passphrase-file", "city.pass", "--out", `${city}.jwk`);
    await myna("issuer", "trust-entry", "--data-dir", city, "--passphrase-file", "city.pass", "--out", `${city}.entry`);
    issuers[city] = {
      id: m.id, code: m.code, name: m.name,
      jwk: JSON.parse(await readFile(file(`${city}.jwk`), "utf8")),
      operator: (await readFile(file(`${city}-tokens/operator.token`), "utf8")).trim(),
      officer: (await readFile(file(`${city}-tokens/revocation-officer.token`), "utf8")).trim(),
    };
  }
  // 4. The national trust list.
  await writeFile(file("authority.pass"), "passphrase of the trust-list authority\n");
  await myna("trust-list", "init", "--dir", "authority", "--passphrase-file", "authority.pass");
  await myna("trust-list", "sign", "--dir", "authority", "--passphrase-file", "authority.pass",
    ...Object.keys(issuers).flatMap((city) => ["--entry", `${city}.entry`]), "--valid-days", "30",
    "--out", "trust-list.jwt");
  const trustList = (await readFile(file("trust-list.jwt"), "utf8")).trim();
  const authorityJwk = JSON.parse(await readFile(file("authority/authority.jwk"), "utf8"));

  // 5. The issuer services, one per municipality.
  try {
    await Promise.all(Object.entries(issuers).map(async ([city, issuer]) => {
      const server = await serveIssuer(bin, dir, { dataDir: city, passphraseFile: "city.pass" });
      services.push(server);
      issuer.url = server.url;
    }));
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }
  const loopback = Object.values(issuers).map((i) => `${i.id}=${new URL(i.url).host}`).join(",");

  async function admin(city, route, token, body) {
    const response = await fetch(`${issuers[city].url}${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${city} ${route}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  // One wallet command at a time per holder (the wallet file is locked while open).
  const queues = new Map();
  function wallet(who, ...args) {
    const options = typeof args.at(-1) === "object" ? args.pop() : {};
    const previous = queues.get(who) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() =>
      myna("wallet", "--data-dir", `wallets/${who}`, "--passphrase-file", "wallet.pass", ...args, options));
    queues.set(who, next);
    return next;
  }
  const network = ["--insecure-loopback-http", loopback];
  const cardEnv = { env: { MYNA_CARD_PIN: AUTH_PIN, MYNA_CARD_SIGN_PIN: SIGN_PIN } };

  /** Who the issuers know each holder as, per issuer: { subject } or { card_serial }. */
  const persons = Object.fromEntries(Object.keys(holders).map((who) => [who, {}]));

  /** Staff make an offer of `credentials` at `city`; the holder's wallet redeems it. */
  async function staffOffer(who, city, credentials, { anchored = false } = {}) {
    const request = offerRequest(credentials);
    const created = await admin(city, "/admin/offers", issuers[city].operator, request);
    if (!anchored) persons[who][city] ??= { subject: created.subject ?? request.subject };
    const args = ["receive", "--offer", created.credential_offer_uri, "--issuer-key", `${city}.jwk`, ...network];
    if (created.tx_code) args.push("--tx-code", created.tx_code);
    if (anchored) args.push("--anchored");
    await wallet(who, ...args);
  }

  /** The holder anchors their wallet to their card at `city`, with the card's facts, and
   * redeems the offer that comes back (with the anchored key when `anchored`). */
  async function anchorWithFacts(who, city, { anchored = false } = {}) {
    const offerFile = `wallets/${who}-${city}.offer`;
    await wallet(who, "anchor", "--issuer", issuers[city].id, "--issuer-key", `${city}.jwk`, "--card", `${who}.card`,
      "--with-facts", "--offer-out", offerFile, ...network, cardEnv);
    persons[who][city] = { card_serial: holders[who].cardSerial };
    const offer = (await readFile(file(offerFile), "utf8")).trim();
    await wallet(who, "receive", "--offer", offer, "--issuer-key", `${city}.jwk`, ...network,
      ...(anchored ? ["--anchored"] : []));
  }

  const register = (who) => [
    { credential: "resident", name: holders[who].name, address: ADDRESS[holders[who].lives], birthdate: holders[who].birthdate },
    { credential: "age", birthdate: holders[who].birthdate },
  ];
  const saleCredentials = (member) => [
    { credential: "fan_club_membership", club_id: FAN_CLUB.club, member_number: member, tier: "gold" },
    { credential: "context_pseudonym", context: FAN_CLUB.sale },
  ];
  const subsidy = (who, recipient, outpatientAge, inpatientAge) => [{
    credential: "child_medical_subsidy", payer_number: PAYER_NUMBER, recipient_number: recipient,
    child_name: holders[who].name, child_birthdate: holders[who].birthdate,
    outpatient_age: outpatientAge, inpatient_age: inpatientAge, copay_per_visit_yen: 500, monthly_cap_yen: 1000,
  }];

  // 6. The wallets, each filled as its story says (holders in parallel, each in order).
  await writeFile(file("wallet.pass"), `${WALLET_PASSPHRASE}\n`);
  const journeys = {
    hanako: async () => {
      await anchorWithFacts("hanako", "maebashi");
      // At 三島市 she is not a resident: the card's facts give an age offer only, redeemed with
      // the anchored key, which the membership and the sale's pseudonym are bound to as well.
      await anchorWithFacts("hanako", "mishima", { anchored: true });
      await staffOffer("hanako", "mishima", saleCredentials("IZU-0815"), { anchored: true });
    },
    kenta: async () => {
      await anchorWithFacts("kenta", "mishima", { anchored: true });
      await staffOffer("kenta", "mishima", saleCredentials("IZU-0907"), { anchored: true });
    },
    sakura: () => staffOffer("sakura", "kobe", register("sakura")),
    haruto: () => staffOffer("haruto", "maebashi", [...register("haruto"), ...subsidy("haruto", "1234566", 15, 18)]),
    yui: () => staffOffer("yui", "maebashi", subsidy("yui", "2345676", 15, 18)),
    mei: () => staffOffer("mei", "himeji", register("mei")),
    toshio: () => staffOffer("toshio", "kobe", register("toshio")),
    jiro: () => staffOffer("jiro", "maebashi", register("jiro")),
  };
  try {
    await Promise.all(Object.keys(holders).map((who) => wallet(who, "init")));
    await Promise.all(Object.entries(journeys).map(([who, journey]) =>
      journey().catch((error) => { throw new Error(`setting up ${who}: ${error.message}`); })));
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }

  // 7. What the counter is configured with.
  async function statusToken(city) {
    const response = await fetch(`${issuers[city].url}/status/1`);
    if (!response.ok) throw new Error(`${city} /status/1: ${response.status}`);
    return (await response.text()).trim();
  }
  const counterConfig = {
    audience: COUNTER_AUDIENCE,
    authorityJwk,
    trustList,
    statusLists: [],
    statusListUrls: Object.values(issuers).map((i) => ({ issuer: i.id, uri: `${i.id}/status/1`, url: `${i.url}/status/1` })),
  };
  async function refreshStatusLists() {
    counterConfig.statusLists = await Promise.all(Object.entries(issuers).map(async ([city, i]) =>
      ({ issuer: i.id, uri: `${i.id}/status/1`, token: await statusToken(city) })));
    return counterConfig.statusLists;
  }

  async function revoke(who, credential) {
    const person = holders[who];
    if (!person) throw new Error(`revoke: no holder ${who}`);
    const city = credential === "fan_club_membership" || credential === "context_pseudonym" ? "mishima" : issuerOf(who, credential);
    const known = persons[who][city];
    if (!known) throw new Error(`revoke: ${who} holds no ${credential} from ${city}`);
    const answer = await admin(city, "/admin/subjects/revoke", issuers[city].officer, { ...known, reason: "other" });
    await refreshStatusLists();
    return answer;
  }
  /** The issuer of `who`'s `credential`: the one that gave it (their city, or 三島市 for what
   * only 三島市 gave them). */
  function issuerOf(who, credential) {
    const cities = Object.keys(persons[who]);
    const home = holders[who].lives;
    if (cities.includes(home)) return home;
    if (cities.length === 1) return cities[0];
    throw new Error(`revoke: which issuer's ${credential} of ${who}?`);
  }

  // Jiro's city revokes him before any counter opens (the shelter's refused case).
  await revoke("jiro", "resident");

  async function challenge({ policy, audience = COUNTER_AUDIENCE }) {
    const args = ["verify", "challenge", "--audience", audience];
    if (policy) args.push("--policy", policy);
    return (await myna(...args)).trim();
  }

  let presented = 0;
  async function present({ holder, challenge: shown }) {
    if (!holders[holder]) throw new Error(`present: no holder ${holder}`);
    presented += 1;
    const out = `answers/${holder}-${presented}.txt`;
    await mkdir(file("answers"), { recursive: true });
    await wallet(holder, "present", "--challenge", shown, "--yes", "--out", out);
    return (await readFile(file(out), "utf8")).split("\n").filter((line) => line.length > 0);
  }

  /** Every issuer's current status list in a file, as `--status-list` arguments. */
  let fetched = 0;
  async function statusArgs() {
    fetched += 1;
    await mkdir(file("status"), { recursive: true });
    const args = [];
    for (const [city, i] of Object.entries(issuers)) {
      const name = `status/${city}-${fetched}.jwt`;
      await writeFile(file(name), `${await statusToken(city)}\n`);
      args.push("--status-list", `${i.id}=${name}`);
    }
    return args;
  }

  let checks = 0;
  async function rustDecision({ challenge: shown, policy, compact }) {
    checks += 1;
    const text = Array.isArray(compact) ? compact.join("\n") : compact;
    const presentation = `answers/check-${checks}.txt`;
    await mkdir(file("answers"), { recursive: true });
    await writeFile(file(presentation), `${text.trim()}\n`);
    const output = await verifyCheck(bin, dir, ["--trust-list", "trust-list.jwt",
      "--authority-key", "authority/authority.jwk", ...(await statusArgs()), "--audience", audienceOf(shown),
      "--challenge", shown, "--policy", policy, presentation]);
    const claims = Object.fromEntries((output.credentials ?? []).map((c) => [c.id, c.claims]));
    return { accepted: output.accepted === true, reason: output.reason ?? null, claims, output };
  }

  const allowOrigins = (allowOrigin) =>
    [allowOrigin].flat().filter(Boolean).flatMap((origin) => ["--allow-origin", origin]);
  async function verifierArgs(policy) {
    return ["--trust-list", "trust-list.jwt", "--authority-key", "authority/authority.jwk", ...(await statusArgs()),
      "--audience", COUNTER_AUDIENCE, "--public-url", COUNTER_PUBLIC_URL, "--policy", policy];
  }
  let started = 0;
  function secretFile(name) {
    const token = randomBytes(32).toString("base64url");
    return writeFile(file(name), `${token}\n`, { mode: 0o600 }).then(() => token);
  }

  async function startVerifyService({ policy = SALE_POLICY, allowOrigin } = {}) {
    started += 1;
    const registerToken = await secretFile(`sale-${started}.token`);
    const service = await serveVerifier(bin, dir, [...(await verifierArgs(policy)),
      "--ledger", `sale-${started}-ledger.redb`, "--register-token-file", `sale-${started}.token`,
      ...allowOrigins(allowOrigin)]);
    services.push(service);
    // `POST /requests` names the policy by its name, which `GET /policies` lists.
    const listed = await (await fetch(`${service.url}/policies`)).json();
    const policyName = listed.policies?.[0]?.name;
    if (!policyName) throw new Error(`GET /policies lists no policy: ${JSON.stringify(listed)}`);
    counterConfig.verifyService = { url: service.url, registerToken };
    const stop = async () => {
      if (counterConfig.verifyService?.url === service.url) delete counterConfig.verifyService;
      return service.stop();
    };
    return { url: service.url, registerToken, audience: COUNTER_AUDIENCE, policy, policyName, pid: service.pid, stop };
  }

  async function startHq({ allowOrigin } = {}) {
    started += 1;
    const token = await secretFile(`hq-${started}.token`);
    const service = await serveVerifier(bin, dir, [...(await verifierArgs(SHELTER_POLICY)),
      "--roster", `hq-${started}-roster.redb`, "--roster-token-file", `hq-${started}.token`, ...allowOrigins(allowOrigin)]);
    services.push(service);
    async function summary() {
      const response = await fetch(`${service.url}/roster/summary`, { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET /roster/summary: ${response.status} ${text}`);
      return JSON.parse(text);
    }
    return { url: service.url, token, pid: service.pid, stop: service.stop, summary };
  }

  await refreshStatusLists();
  return {
    dir,
    audience: COUNTER_AUDIENCE,
    publicUrl: COUNTER_PUBLIC_URL,
    counterConfig,
    policies: POLICIES,
    holders: Object.fromEntries(Object.entries(holders).map(([who, p]) =>
      [who, Object.freeze({ name: p.name, birthdate: p.birthdate, lives: p.lives })])),
    issuers: Object.fromEntries(Object.entries(issuers).map(([city, i]) =>
      [city, Object.freeze({ id: i.id, code: i.code, name: i.name, url: i.url, jwk: i.jwk })])),
    challenge,
    present,
    rustDecision,
    startVerifyService,
    startHq,
    revoke,
    refreshStatusLists,
    stop: () => Promise.all(services.map((s) => s.stop())),
  };
}

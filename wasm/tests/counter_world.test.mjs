// The counter tests' world itself (support/counter_world.mjs): for every counter policy, a
// challenge from `myna verify challenge --policy`, the Rust wallet's answer (`myna wallet
// present --out`, one MV1 line per credential asked for) and the Rust verifier's decision
// (`myna verify check`) give the outcome the world promises, with the verifier's reason; the
// fan-club sale through `myna verify serve` sells once per person; the disaster HQ stores a
// roster entry once however often it is posted. One world for the whole file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { POLICIES, startCounterWorld, SALE_POLICY, SHELTER_POLICY } from "./support/counter_world.mjs";
import { mynaBinary, mynaIn } from "./support/myna_cli.mjs";

/** The kinds of counter policy the issue names, by the first part of their spec. */
const COUNTER_POLICIES = ["age-over-20", "age-over-18", "age-over-65", "resident", "kobe-pupil-pass",
  "himeji-child-entry", "shelter", "clinic", "fan-club"];
const ORIGIN = "http://127.0.0.1:4173";

let world;
let dir;
let myna;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "myna-counter-world-"));
  world = await startCounterWorld({ dir });
  myna = mynaIn(await mynaBinary(), dir);
});

after(async () => {
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh challenge for `spec` and the DCQL query it stands for (`--query-out`). */
let queries = 0;
async function challengeFor(spec) {
  queries += 1;
  const queryFile = `query-${queries}.json`;
  const challenge = (await myna("verify", "challenge", "--audience", world.audience, "--policy", spec,
    "--query-out", queryFile)).trim();
  const query = JSON.parse(await readFile(path.join(dir, queryFile), "utf8"));
  return { challenge, asked: query.credentials.map((c) => c.id) };
}

test("every counter policy has an accepted and a rejected case, the rejected one with its reason", () => {
  for (const kind of COUNTER_POLICIES) {
    const cases = world.policies.filter((p) => p.spec.split(":")[0] === kind);
    assert.ok(cases.some((p) => p.expect === "accepted"), `${kind}: no accepted case`);
    assert.ok(cases.some((p) => p.expect === "rejected"), `${kind}: no rejected case`);
  }
  for (const p of world.policies) {
    assert.ok(world.holders[p.holder], `${p.label}: unknown holder ${p.holder}`);
    assert.equal(p.expect === "rejected", typeof p.reason === "string", `${p.label}: a reason exactly when rejected`);
  }
});

test("the counter's configuration names the world's audience, trust list and every issuer's status list", () => {
  const config = world.counterConfig;
  assert.equal(config.audience, world.audience);
  assert.match(config.trustList, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(config.authorityJwk.kty, "EC");
  const issuers = Object.values(world.issuers).map((i) => i.id).sort();
  assert.deepEqual(config.statusLists.map((s) => s.issuer).sort(), issuers);
  assert.deepEqual(config.statusListUrls.map((s) => s.issuer).sort(), issuers);
  for (const list of config.statusListUrls) {
    assert.ok(list.uri.startsWith(`${list.issuer}/`), list.uri);
    assert.match(list.url, /^http:\/\/127\.0\.0\.1:\d+\/status\/1$/);
  }
  for (const list of config.statusLists) assert.match(list.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
});

describe("each policy's case: the Rust wallet's answer, the Rust verifier's decision", () => {
  for (const p of POLICIES) {
    test(`${p.spec} — ${p.label}: ${p.expect}${p.reason ? ` (${p.reason})` : ""}`, async () => {
      const { challenge, asked } = await challengeFor(p.spec);
      assert.ok(challenge.endsWith(` ${p.spec}`), challenge);
      const compact = await world.present({ holder: p.holder, challenge });
      // One compact text per credential the policy asks for.
      assert.equal(compact.length, asked.length, `${p.label}: ${compact.length} texts for ${asked.join(", ")}`);
      for (const text of compact) assert.match(text, /^MV1:[0-9A-Z $%*+./:-]+$/);
      const decision = await world.rustDecision({ challenge, policy: p.spec, compact });
      assert.equal(decision.accepted, p.expect === "accepted",
        `${p.label}: ${decision.reason} ${decision.output.detail ?? ""}`);
      assert.equal(decision.reason, p.reason ?? null);
      if (decision.accepted) {
        // What was disclosed: every credential asked for, nothing else.
        assert.deepEqual(Object.keys(decision.claims).sort(), [...asked].sort());
        for (const id of asked) assert.ok(Object.keys(decision.claims[id]).length > 0, `${id}: nothing disclosed`);
      }
    });
  }
});

test("the fan-club sale through `myna verify serve` refuses a second purchase by the same person", async () => {
  const sale = await world.startVerifyService({ allowOrigin: ORIGIN });
  try {
    assert.equal(sale.policy, SALE_POLICY);
    assert.deepEqual(world.counterConfig.verifyService, { url: sale.url, registerToken: sale.registerToken });
    async function buy(holder) {
      const created = await fetch(`${sale.url}/requests`, {
        method: "POST",
        headers: { authorization: `Bearer ${sale.registerToken}`, "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ policy: sale.policyName }),
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get("access-control-allow-origin"), ORIGIN);
      const request = await created.json();
      assert.ok(request.in_person_challenge.endsWith(` ${SALE_POLICY}`), request.in_person_challenge);
      const compact = await world.present({ holder, challenge: request.in_person_challenge });
      const answered = await fetch(`${sale.url}/requests/${request.request_id}/compact`, {
        method: "POST", headers: { "content-type": "text/plain" }, body: compact.join("\n"),
      });
      assert.equal(answered.status, 200);
      return answered.json();
    }
    const first = await buy("hanako");
    assert.equal(first.accepted, true, JSON.stringify(first));
    const second = await buy("hanako");
    assert.equal(second.accepted, false);
    assert.equal(second.reason, "already_redeemed");
    // Without the register token no request is made.
    const anonymous = await fetch(`${sale.url}/requests`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ policy: sale.policyName }),
    });
    assert.equal(anonymous.status, 401);
  } finally {
    await sale.stop();
  }
  assert.equal(world.counterConfig.verifyService, undefined);
});

/** The roster entry of an accepted shelter check-in, as `myna_verifier::roster::RosterEntry`
 * makes it (its `entry_id` is `RosterEntry::id_for`). */
function rosterEntry(decision, shelterId) {
  const resident = decision.output.credentials.find((c) => c.id === "resident");
  const hash = createHash("sha256").update("myna-roster-entry-v1");
  for (const part of [shelterId, resident.issuer, resident.holder]) {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(Buffer.byteLength(part)));
    hash.update(length).update(part);
  }
  return {
    entry_id: hash.digest("base64url"),
    shelter_id: shelterId,
    municipality_code: resident.claims.municipality_code,
    name: resident.claims.name ?? null,
    birthdate: resident.claims.birthdate ?? null,
    issuer: resident.issuer,
    holder: resident.holder,
    checked_in_at: decision.output.at,
  };
}

test("the disaster HQ stores a shelter's roster entry once when it is posted twice", async () => {
  const shelterId = SHELTER_POLICY.split(":")[1];
  const { challenge } = await challengeFor(SHELTER_POLICY);
  const compact = await world.present({ holder: "sakura", challenge });
  const decision = await world.rustDecision({ challenge, policy: SHELTER_POLICY, compact });
  assert.equal(decision.accepted, true);
  const entry = rosterEntry(decision, shelterId);
  const hq = await world.startHq({ allowOrigin: ORIGIN });
  try {
    const post = (token) => fetch(`${hq.url}/roster`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ entries: [entry] }),
    });
    const refused = await post("not-the-token");
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
    const first = await post(hq.token);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("access-control-allow-origin"), ORIGIN);
    assert.deepEqual(await first.json(), { stored: 1, duplicates: 0 });
    const again = await post(hq.token);
    assert.deepEqual(await again.json(), { stored: 0, duplicates: 1 });
    assert.deepEqual(await hq.summary(), { shelters: [{ shelter_id: shelterId, checked_in: 1 }] });
  } finally {
    await hq.stop();
  }
});

test("a revoked holder is refused at the next check, with the counter's status lists fetched again", async () => {
  const before = world.counterConfig.statusLists.find((s) => s.issuer === world.issuers.himeji.id).token;
  const spec = "himeji-child-entry";
  const first = await challengeFor(spec);
  const accepted = await world.rustDecision({
    challenge: first.challenge, policy: spec, compact: await world.present({ holder: "mei", challenge: first.challenge }),
  });
  assert.equal(accepted.accepted, true);
  await world.revoke("mei", "resident");
  const after = world.counterConfig.statusLists.find((s) => s.issuer === world.issuers.himeji.id).token;
  assert.notEqual(after, before);
  const second = await challengeFor(spec);
  const refused = await world.rustDecision({
    challenge: second.challenge, policy: spec, compact: await world.present({ holder: "mei", challenge: second.challenge }),
  });
  assert.equal(refused.accepted, false);
  assert.equal(refused.reason, "revoked");
});

// The Wasm verifier must reach, for the same presentations, the decisions the Rust build
// reached (the fixtures program refuses to write them otherwise), and throw coded errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Verifier } from "myna-vc";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const merchant = JSON.parse(await readFile(`${fixtures}/merchant.json`, "utf8"));
const config = JSON.stringify(merchant.config);
const { now, policy } = merchant;

function verdict(decision) {
  return decision.accepted ? { accepted: true } : { accepted: false, reason: decision.reason };
}

for (const c of merchant.cases) {
  test(`age ≥ 20: ${c.name}`, () => {
    const verifier = Verifier.create(config, now);
    const decision = verifier.verify(policy, c.presentation, c.nonce, now);
    assert.deepEqual(verdict(decision), c.expected);
    if (!decision.accepted) {
      assert.ok(decision.message_ja.length > 0, "a Japanese reason for the cashier");
      assert.ok(decision.message_en.length > 0, "an English reason for the cashier");
    }
  });
}

test("an accepted decision names the issuer and discloses only age_over_20", () => {
  const adult = merchant.cases.find((c) => c.expected.accepted);
  const decision = Verifier.create(config, now).verify(policy, adult.presentation, adult.nonce, now);
  assert.equal(decision.accepted, true);
  const [credential] = decision.credentials;
  assert.equal(credential.issuer, "did:web:city.kobe.example");
  assert.deepEqual(Object.keys(credential.claims).sort(), ["age_over_20"]);
  assert.equal(credential.claims.age_over_20, true);
});

test("the same presentation shown twice is a replay", () => {
  const adult = merchant.cases.find((c) => c.expected.accepted);
  const verifier = Verifier.create(config, now);
  assert.equal(verifier.verify(policy, adult.presentation, adult.nonce, now).accepted, true);
  assert.deepEqual(verdict(verifier.verify(policy, adult.presentation, adult.nonce, now)),
    { accepted: false, reason: "replayed" });
});

test("a request carries the DCQL query, a fresh nonce and the challenge text", () => {
  const verifier = Verifier.create(config, now);
  const [a, b] = [verifier.request(policy), verifier.request(policy)];
  assert.deepEqual(a.dcqlQuery.credentials[0].claims[0].path, ["age_over_20"]);
  assert.equal(a.dcqlQuery.credentials[0].meta.vct_values[0], "urn:myna-vc:vct:age:1");
  assert.ok(a.nonce.length >= 16);
  assert.notEqual(a.nonce, b.nonce);
  assert.equal(a.challenge, `MVC1:${a.nonce}:${merchant.config.audience} ${policy}`);
});

test("the ready policies are listed", () => {
  const specs = Verifier.policies().map((p) => p.spec);
  for (const spec of ["age-over-20", "age-over-18", "resident:<code>", "himeji-child-entry"]) {
    assert.ok(specs.includes(spec), spec);
  }
});

test("a trust list that does not verify with the pinned key throws signature_invalid", () => {
  const wrong = JSON.stringify({ ...merchant.config, authorityJwk: merchant.strangerJwk });
  assert.throws(() => Verifier.create(wrong, now), (error) => error instanceof Error && error.code === "signature_invalid");
});

test("bad arguments throw invalid_argument", () => {
  const verifier = Verifier.create(config, now);
  const coded = (code) => (error) => error instanceof Error && error.code === code;
  assert.throws(() => verifier.verify("no-such-policy", "x", "n", now), coded("invalid_argument"));
  assert.throws(() => verifier.verify(policy, "x", "n", -1), coded("invalid_argument"));
  assert.throws(() => Verifier.create("{}", now), coded("invalid_argument"));
  assert.throws(() => Verifier.create("not json", now), coded("json"));
});

// The counter page's calls: several MV1 lines for a multi-credential policy, the clinic's
// billing record, the shelter's roster entry, the trust data's freshness (fixtures checked
// against the Rust build by the fixtures program).
const counter = JSON.parse(await readFile(`${fixtures}/counter.json`, "utf8"));
const counterConfig = JSON.stringify(counter.config);
const counterVerifier = () => Verifier.create(counterConfig, counter.now);
/** A fresh counter verifier and its decision on the fixture `name` of counter.json, which must be accepted. */
function acceptedAtCounter(name) {
  const { policy, nonce, presentation } = counter[name];
  const verifier = counterVerifier();
  const decision = verifier.verify(policy, presentation, nonce, counter.now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  return { policy, nonce, presentation, verifier, decision };
}

test("counter: a two-credential policy accepts one MV1 line per credential, in either order", () => {
  const { policy, nonce, lines } = counter.childEntry;
  const decision = counterVerifier().verify(policy, lines.join("\n"), nonce, counter.now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(decision.credentials.map((c) => c.id), ["resident", "age"]);
  // Scanned in the other order: each line goes to the query of its credential type.
  const reversed = counterVerifier().verify(policy, [...lines].reverse().join("\n"), nonce, counter.now);
  assert.equal(reversed.accepted, true, JSON.stringify(reversed));
  assert.deepEqual(reversed.credentials, decision.credentials);
  // The same code twice is refused.
  const twice = counterVerifier().verify(policy, `${lines[1]}\n${lines[1]}`, nonce, counter.now);
  assert.deepEqual(verdict(twice), { accepted: false, reason: "unreadable" });
  const oneLine = counterVerifier().verify(policy, lines[0], nonce, counter.now);
  assert.deepEqual(verdict(oneLine), { accepted: false, reason: "unreadable" });
});

test("counter: a clinic decision gives its billing record as JSON and XML", () => {
  const { policy, nonce, presentation, verifier, decision } = acceptedAtCounter("clinic");
  const record = verifier.billingRecord(decision, policy);
  assert.equal(record.json.clinic_id, "clinic-0001");
  assert.equal(record.json.payer_number, "88281001");
  assert.equal(record.json.recipient_number, "1234566");
  assert.equal(record.json.copay_per_visit_yen, 400);
  assert.equal(record.json.verified_at, counter.now);
  assert.match(record.xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<billingRecord version="1">/);
  assert.ok(record.xml.includes("<childName>神戸　花子 &lt;&amp;&gt;</childName>"), record.xml);
  assert.equal(verifier.billingRecord(decision, "shelter:kobe-chuo-01"), null);
  const replayed = verifier.verify(policy, presentation, nonce, counter.now);
  assert.equal(replayed.reason, "replayed");
  assert.equal(verifier.billingRecord(replayed, policy), null);
  assert.throws(() => verifier.billingRecord({ accepted: true }, policy),
    (error) => error instanceof Error && error.code === "missing_member");
});

test("counter: a shelter decision gives a roster entry with a stable id", () => {
  const { policy, nonce, presentation, verifier: first, decision } = acceptedAtCounter("shelter");
  const entry = first.rosterEntry(decision, policy);
  assert.equal(entry.shelter_id, "kobe-chuo-01");
  assert.equal(entry.municipality_code, "281000");
  assert.equal(entry.name, "神戸　花子");
  assert.equal(entry.holder, decision.credentials[0].holder);
  assert.equal(entry.checked_in_at, counter.now);
  assert.match(entry.entry_id, /^[A-Za-z0-9_-]{43}$/);
  const again = counterVerifier().verify(policy, presentation, nonce, counter.now);
  assert.equal(counterVerifier().rosterEntry(again, policy).entry_id, entry.entry_id);
  assert.equal(first.rosterEntry(decision, "clinic:clinic-0001:outpatient"), null);
});

test("counter: freshness reports the trust list and status lists at the time given", () => {
  const verifier = counterVerifier();
  assert.deepEqual(verifier.freshness(counter.later), counter.freshness);
  const [list] = verifier.freshness(counter.now + 2 * 86_400).statusLists;
  assert.equal(list.staleSecs, 2 * 86_400 - 3_600);
  assert.equal(list.tooStale, true);
  assert.throws(() => verifier.freshness(-1), (error) => error.code === "invalid_argument");
});

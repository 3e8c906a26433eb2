// The Wasm wallet end to end with the Wasm verifier: restore from the master secret, keep
// checked credentials, preview, present as QR text, and never show one credential (or key)
// to two verifiers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Verifier, Wallet } from "myna-vc/wallet";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const merchant = JSON.parse(await readFile(`${fixtures}/merchant.json`, "utf8"));
const { now, policy, wallet: held } = merchant;
const coded = (code) => (error) => error instanceof Error && error.code === code;

function filledWallet() {
  const wallet = Wallet.restore(held.secret, now);
  const kept = wallet.keep(held.batch, held.size, held.configurationId, held.credentials,
    JSON.stringify(held.trust), now);
  assert.deepEqual(kept, { batch: held.batch, count: 2 });
  return wallet;
}

function shop(audience) {
  return Verifier.create(JSON.stringify({ ...merchant.config, audience }), now);
}

test("the preview shows exactly what will be disclosed: age_over_20 and nothing else", () => {
  const wallet = filledWallet();
  const request = shop("x509_san_dns:shop-a.example.jp").request(policy);
  const preview = wallet.preview(JSON.stringify(request), now);
  assert.equal(preview.length, 1);
  assert.equal(preview[0].vct, "urn:myna-vc:vct:age:1");
  assert.deepEqual(preview[0].disclosed, { '["age_over_20"]': true });
});

test("a presentation from the Wasm wallet is accepted by the Wasm verifier", () => {
  const wallet = filledWallet();
  const verifier = shop("x509_san_dns:shop-a.example.jp");
  const request = verifier.request(policy);
  const { compact, vpToken } = wallet.present(JSON.stringify(request), now);
  assert.match(compact, /^MV1:/);
  assert.equal(vpToken.age.length, 1);
  const decision = verifier.verify(policy, compact, request.nonce, now);
  assert.equal(decision.accepted, true, JSON.stringify(decision));
  assert.deepEqual(Object.keys(decision.credentials[0].claims), ["age_over_20"]);
});

test("two verifiers get two different credentials and keys; a third finds the batch used up", () => {
  const wallet = filledWallet();
  const shown = ["a", "b"].map((name) => {
    const verifier = shop(`x509_san_dns:shop-${name}.example.jp`);
    const request = verifier.request(policy);
    const { compact, vpToken } = wallet.present(JSON.stringify(request), now);
    const decision = verifier.verify(policy, compact, request.nonce, now);
    assert.equal(decision.accepted, true);
    return { holder: decision.credentials[0].holder, issuerSignature: vpToken.age[0].split("~")[0].split(".")[2] };
  });
  assert.notEqual(shown[0].holder, shown[1].holder);
  assert.notEqual(shown[0].issuerSignature, shown[1].issuerSignature);
  const third = shop("x509_san_dns:shop-c.example.jp").request(policy);
  assert.throws(() => wallet.present(JSON.stringify(third), now), coded("batch_exhausted"));
});

test("credentials from an issuer the trust list does not know are refused on receipt", () => {
  const wallet = Wallet.restore(held.secret, now);
  const stranger = { ...held.trust, authorityJwk: merchant.strangerJwk };
  assert.throws(() => wallet.keep(held.batch, held.size, held.configurationId, held.credentials,
    JSON.stringify(stranger), now), coded("signature_invalid"));
  const other = Wallet.restore(Buffer.alloc(32, 9).toString("base64url"), now);
  assert.throws(() => other.keep(held.batch, held.size, held.configurationId, held.credentials,
    JSON.stringify(held.trust), now), (error) => error instanceof Error && typeof error.code === "string");
});

test("a request the wallet cannot answer is refused, and bad secrets are invalid", () => {
  const wallet = filledWallet();
  const resident = shop("x509_san_dns:gate.example.jp").request("resident:281000");
  assert.throws(() => wallet.preview(JSON.stringify(resident), now), (error) => typeof error.code === "string");
  assert.throws(() => Wallet.restore("too-short", now), (error) => typeof error.code === "string");
});

test("key proofs: one fresh key per credential of a batch", () => {
  const wallet = Wallet.restore(held.secret, now);
  const proofs = wallet.keyProofs("another-batch", 3, "https://city.kobe.example", "c-nonce-1", now);
  assert.equal(proofs.length, 3);
  const keys = proofs.map((jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url")).jwk.x);
  assert.equal(new Set(keys).size, 3);
});

test("a credential that breaks its type's JSON Schema is refused on receipt, by default", () => {
  const wallet = Wallet.restore(held.secret, now);
  assert.throws(() => wallet.keep(held.batch, held.size, held.configurationId, [held.schemaViolating],
    JSON.stringify(held.trust), now), coded("schema_violation"));
  // The same wallet keeps the well-formed credentials of that batch.
  assert.deepEqual(wallet.keep(held.batch, held.size, held.configurationId, held.credentials,
    JSON.stringify(held.trust), now), { batch: held.batch, count: 2 });
});

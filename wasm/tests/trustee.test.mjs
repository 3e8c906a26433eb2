// The escrow trustee's key in the npm package (`myna-vc/trustee`), as the issuer's staff
// console uses it: key files made by `myna trustee keygen`'s code, a link sealed by the
// issuer's `escrow::seal` (wasm/examples/fixtures/trustee.rs). Every case gives what the Rust
// side gives: the share body `myna trustee release` posts, byte for byte, or the same error
// code at the same step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { TrusteeKey } from "myna-vc/trustee";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const { cases, sealedLink } = JSON.parse(await readFile(`${fixtures}/trustee.json`, "utf8"));
const coded = (code) => (error) => {
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.length > 0);
  return true;
};

test("the fixtures hold every outcome the console must handle", () => {
  const outcomes = new Set(cases.map(({ expected }) => expected.code ?? "released"));
  for (const outcome of ["released", "wrong_passphrase", "not_a_trustee", "decryption_failed", "malformed"]) {
    assert.ok(outcomes.has(outcome), `no case for ${outcome}`);
  }
});

for (const { name, keyFile, passphrase, trusteeId, publicKey, sealedLink: link, expected } of cases) {
  test(`${name}: ${expected.body ? "the body myna trustee release posts" : `${expected.code} at ${expected.at}`}`, () => {
    if (expected.at === "open") {
      assert.throws(() => TrusteeKey.open(keyFile, passphrase, trusteeId), coded(expected.code));
      return;
    }
    const key = TrusteeKey.open(keyFile, passphrase, trusteeId);
    try {
      assert.equal(key.publicKey, publicKey, "the public key beside the sealed secret");
      if (expected.body) {
        const body = key.release(link);
        assert.equal(body, expected.body);
        const { share } = JSON.parse(body);
        assert.match(share, /^[A-Za-z0-9_-]+$/, "base64url, as POST …/shares takes it");
        // The transport form names the trustee whose share it is (record id ‖ id length ‖ id …).
        const bytes = Buffer.from(share, "base64url");
        assert.equal(bytes.subarray(17, 17 + bytes[16]).toString("utf8"), trusteeId);
      } else {
        assert.throws(() => key.release(link), coded(expected.code));
      }
    } finally {
      key.free();
    }
  });
}

test("the two trustees release different shares of the same link, each its own", () => {
  const released = cases.filter(({ expected }) => expected.body);
  assert.equal(released.length, 2);
  assert.ok(released.every(({ sealedLink: link }) => link === sealedLink));
  assert.notEqual(released[0].expected.body, released[1].expected.body);
});

test("bad arguments are refused with invalid_argument, not a panic", () => {
  const { keyFile, passphrase } = cases.find(({ expected }) => expected.body);
  assert.throws(() => TrusteeKey.open(keyFile, passphrase, ""), coded("invalid_argument"));
  assert.throws(() => TrusteeKey.open(keyFile, passphrase, "x".repeat(129)), coded("invalid_argument"));
});

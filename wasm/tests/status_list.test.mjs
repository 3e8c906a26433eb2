// The Wasm build must give, byte for byte, the outcomes the Rust build gave for the shared
// fixture set (written by `cargo run -p myna-wasm --example fixtures`, which checks Rust).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { StatusList } from "myna-vc";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const { cases } = JSON.parse(await readFile(`${fixtures}/status-lists.json`, "utf8"));

function outcome(c) {
  try {
    const list = StatusList.verify(c.token, c.issuerJwk, c.uri, c.now);
    return { status: list.status(c.index) };
  } catch (error) {
    assert.ok(error instanceof Error, `${c.name}: a thrown value must be an Error`);
    assert.equal(typeof error.code, "string", `${c.name}: the Error must carry a code`);
    return { code: error.code };
  }
}

test("the fixture set is not empty", () => {
  assert.ok(cases.length >= 10);
});

for (const c of cases) {
  test(`status list: ${c.name}`, () => {
    assert.deepEqual(outcome(c), c.expected);
  });
}

test("a verified list exposes its shape", () => {
  const valid = cases.find((c) => c.name === "valid entry");
  const list = StatusList.verify(valid.token, valid.issuerJwk, valid.uri, valid.now);
  assert.equal(list.bits, 2);
  assert.equal(list.length, 1024);
  assert.equal(list.issuedAt, valid.now - 7200);
});

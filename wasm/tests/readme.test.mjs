// The README's JavaScript snippet, taken verbatim from README.md and run against the fixture
// set the Rust build decided: it must accept exactly the presentations Rust accepted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const fixtures = process.env.MYNA_FIXTURES ?? new URL("../../target/myna-fixtures/", import.meta.url).pathname;
const merchant = JSON.parse(await readFile(`${fixtures}/merchant.json`, "utf8"));
const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");

/** The first ```js block of the README, with the package import resolved from here. */
async function snippet() {
  const block = readme.match(/```js\n([\s\S]*?)```/);
  assert.ok(block, "README.md has a ```js block");
  const resolved = import.meta.resolve("myna-vc");
  const code = block[1].replace('from "myna-vc"', `from ${JSON.stringify(resolved)}`);
  assert.notEqual(code, block[1], "the snippet imports myna-vc");
  const file = join(await mkdtemp(join(tmpdir(), "myna-readme-")), "snippet.mjs");
  await writeFile(file, code);
  return import(pathToFileURL(file).href);
}

const { atTheRegister } = await snippet();
const config = JSON.stringify(merchant.config);

test("the README snippet shows a challenge with a fresh nonce", () => {
  const register = atTheRegister(config, merchant.now);
  const request = register.request();
  // The challenge names the policy after one space, so the wallet knows what is asked.
  assert.equal(request.challenge, `MVC1:${request.nonce}:${merchant.config.audience} age-over-20`);
});

for (const c of merchant.cases) {
  test(`the README snippet at the register: ${c.name}`, () => {
    const answer = atTheRegister(config, merchant.now).check(c.presentation, c.nonce);
    if (c.expected.accepted) {
      assert.equal(answer, "✓");
    } else {
      assert.match(answer, new RegExp(`^✗ ${c.expected.reason}: .+ / .+`));
    }
  });
}

// The pages' words come from the one message catalogue (vocabulary/messages/, six languages:
// ja, en, zh-Hans, ko, vi, pt-BR — Omura's residents from abroad, "母国語で地域の情報が見られる
// ようになった", ../shared/seeds/004_e867865de3ae606d.txt:115): the generated modules are what
// scripts/messages.mjs makes of it now (no drift), every language module has every key with a
// non-empty text, the counter's modules have every decision reason, and the second languages
// load on demand (the first load carries Japanese and English only).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { drift, generate, readSection, ON_DEMAND, SECOND } from "../../scripts/messages.mjs";
import { messages as app, LANGUAGES } from "../app/i18n/messages.js";
import { messages as counter } from "../counter/i18n/messages.js";

const module = (page, tag) => import(`../${page}/i18n/${tag}.js`).then((m) => m.messages);

test("the generated message modules are what the catalogue makes (run node scripts/messages.mjs)", () => {
  assert.equal(generate().size, 2 + 2 * ON_DEMAND.length);
  assert.deepEqual(drift(), []);
});

test("five second languages, English first among them, each named in itself", () => {
  assert.deepEqual(LANGUAGES.map(([tag]) => tag), ["en", "zh-Hans", "ko", "vi", "pt-BR"]);
  assert.deepEqual(LANGUAGES, SECOND);
  assert.equal(new Map(LANGUAGES).get("vi"), "Tiếng Việt");
});

for (const [page, first, extra] of [["app", app, []], ["counter", counter, Object.keys(readSection("reasons"))]]) {
  test(`${page}: every language module has every key, none empty (a gap names key and language)`, async () => {
    const keys = Object.keys(first);
    assert.ok(keys.length > 60, `only ${keys.length} keys`);
    for (const key of keys) {
      assert.ok(first[key].ja?.trim() && first[key].en?.trim(), `${page} ${key}: ja or en empty`);
    }
    for (const tag of ON_DEMAND) {
      const texts = await module(page, tag);
      const wanted = [...keys, ...extra.map((code) => `reason_${code}`)];
      const missing = wanted.filter((key) => !(typeof texts[key] === "string" && texts[key].trim()));
      assert.deepEqual(missing, [], `${page}/i18n/${tag}.js lacks these`);
      assert.deepEqual(Object.keys(texts).filter((key) => !wanted.includes(key)), [], `${page}/i18n/${tag}.js has extra keys`);
    }
  });
}

test("the counter's modules explain every decision reason the verifier can give", async () => {
  const decision = await readFile(new URL("../../verifier/src/decision.rs", import.meta.url), "utf8");
  const codes = [...decision.split("pub fn code(self)")[1].split("\n    }\n")[0].matchAll(/=> "(\w+)"/g)].map((m) => m[1]);
  assert.ok(codes.length >= 40, `only ${codes.length} reason codes read from decision.rs`);
  for (const tag of ON_DEMAND) {
    const texts = await module("counter", tag);
    assert.deepEqual(codes.filter((code) => !texts[`reason_${code}`]), [], `counter/i18n/${tag}.js`);
  }
  const vi = await module("counter", "vi");
  assert.equal(vi.reason_uses_exhausted, "Vé hoặc phiếu ưu đãi đã hết số lần sử dụng.");
});

test("the first load holds Japanese and English only; the service workers cache every language module", async () => {
  const source = await readFile(new URL("../app/i18n/messages.js", import.meta.url), "utf8");
  // a Korean word of the catalogue is not in the first-load module
  assert.ok(!source.includes("마이나 월렛"));
  for (const page of ["app", "counter"]) {
    const sw = await readFile(new URL(`../${page}/sw.js`, import.meta.url), "utf8");
    for (const tag of ON_DEMAND) assert.ok(sw.includes(`"i18n/${tag}.js"`), `${page}/sw.js lacks i18n/${tag}.js`);
  }
});

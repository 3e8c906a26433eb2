// The wallet app's one catalogue of words: every key has Japanese and English, and every key
// the page and its scripts use is in it (a missing one would throw on screen).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { messages } from "../app/i18n/messages.js";

const app = fileURLToPath(new URL("../app/", import.meta.url));
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

test("every message has a Japanese and an English text", () => {
  assert.ok(Object.keys(messages).length > 100);
  for (const [key, entry] of Object.entries(messages)) {
    assert.deepEqual(Object.keys(entry).sort(), ["en", "ja"], key);
    assert.match(entry.ja, JAPANESE, `${key}: the Japanese text has no Japanese`);
    assert.ok(entry.en.trim().length > 0 && !JAPANESE.test(entry.en), `${key}: English text`);
  }
});

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (entry.name.endsWith(".js")) out.push(await readFile(full, "utf8"));
  }
  return out;
}

test("every key the page and the scripts name is in the catalogue", async () => {
  const html = await readFile(`${app}/index.html`, "utf8");
  const used = new Set([...html.matchAll(/data-t(?:-aria)?="([a-z0-9_]+)"/g)].map((m) => m[1]));
  for (const js of await sources(`${app}/js`)) {
    for (const m of js.matchAll(/(?:\bt: |fill\([^,()]+, |showMessage\(|showNotice\(|line\()"([a-z0-9_]+)"/g)) used.add(m[1]);
  }
  // Keys built at run time.
  for (const n of [0, 1, 2, 3, 4]) used.add(`strength_${n}`);
  for (const s of ["valid", "suspended", "revoked", "unknown"]) used.add(`state_${s}`);
  for (const s of ["active", "paused", "withdrawn", "used", "expired"]) used.add(`consent_${s}`);
  for (const k of ["resident", "age", "child_medical_subsidy", "fan_club", "shelter", "pseudonym", "anchor", "other"]) used.add(`kind_${k}`);
  assert.ok(used.size > 80, `only ${used.size} keys found: the scan is broken`);
  const missing = [...used].filter((key) => !(key in messages));
  assert.deepEqual(missing, []);
});

test("the page has no inline script, style or handler, and the strict CSP", async () => {
  const html = await readFile(`${app}/index.html`, "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
});

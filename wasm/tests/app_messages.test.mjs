// The wallet app's one catalogue of words: every key has Japanese and English, and every key
// the page and its scripts use is in it (a missing one would throw on screen). The checks are
// support/catalogue.mjs's, shared with the staff console's catalogue test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { messages } from "../app/i18n/messages.js";
import { catalogueProblems, inlineProblems, usedKeys } from "./support/catalogue.mjs";

const app = fileURLToPath(new URL("../app/", import.meta.url));

test("every message has a Japanese and an English text", () => {
  assert.ok(Object.keys(messages).length > 100);
  assert.deepEqual(catalogueProblems(messages), []);
});

test("every key the page and the scripts name is in the catalogue", async () => {
  const html = await readFile(`${app}/index.html`, "utf8");
  const used = await usedKeys({ html, scripts: `${app}/js`, calls: ["fill", "showMessage", "showNotice", "line"] });
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
  assert.deepEqual(inlineProblems(html), []);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), directive);
});

// The wallet app's one catalogue of words: every key has Japanese and English, and every key
// the page and its scripts use is in it (a missing one would throw on screen). The checks are
// shared with the counter page (support/messages.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { messages } from "../app/i18n/messages.js";
import { assertBilingual, assertStrictPage, missingKeys, pageSources, unlabelledControls } from "./support/messages.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const page = () => pageSources({ html: here("../app/index.html"), scripts: [here("../app/js"), here("../web")] });

test("every message has a Japanese and an English text", () => {
  assertBilingual(messages, { atLeast: 100 });
});

test("every key the page and the scripts name is in the catalogue", async () => {
  // Keys built at run time.
  const dynamic = [
    ...[0, 1, 2, 3, 4].map((n) => `strength_${n}`),
    ...["valid", "suspended", "revoked", "unknown"].map((s) => `state_${s}`),
    ...["active", "paused", "withdrawn", "used", "expired"].map((s) => `consent_${s}`),
    ...["resident", "age", "child_medical_subsidy", "fan_club", "shelter", "pseudonym", "anchor", "other"].map((k) => `kind_${k}`),
  ];
  assert.deepEqual(missingKeys(messages, await page(), { dynamic, atLeast: 80 }), []);
});

test("the page has no inline script, style or handler, the strict CSP, and a label for every form control", async () => {
  const { html } = await page();
  assertStrictPage(html);
  assert.deepEqual(unlabelledControls(html, { atLeast: 5 }), []);
});

// The counter page's one catalogue of words (the checks shared with the wallet app,
// support/messages.mjs), and its policy settings (js/policies.js) against the verifier's
// catalogue: every ready-made policy is selectable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { messages } from "../counter/i18n/messages.js";
import { KINDS, DEFAULT_SETTINGS, specOf, settingsForSpec, maxStalenessOf } from "../counter/js/policies.js";
import { assertBilingual, assertStrictPage, missingKeys, pageSources, unlabelledControls } from "./support/messages.mjs";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const page = () => pageSources({ html: here("../counter/index.html"), scripts: [here("../counter/js"), here("../web")] });
const CLAIMS = ["age_over_18", "age_over_20", "age_over_65", "municipality_code", "name", "address", "birthdate",
  "payer_number", "recipient_number", "child_name", "child_birthdate", "club_id", "pseudonym", "shelter_id"];

test("every counter message has a Japanese and an English text", () => {
  assertBilingual(messages, { atLeast: 60 });
});

test("every key the counter page and its scripts name is in the catalogue", async () => {
  const dynamic = [...KINDS.map(({ kind }) => `kind_${kind}`), ...CLAIMS.map((c) => `claim_${c}`),
    ...KINDS.flatMap(({ fields }) => fields.map((f) => `field_${f}`)), "accepted", "rejected"];
  assert.deepEqual(missingKeys(messages, await page(), { dynamic, atLeast: 60 }), []);
});

test("the counter page has no inline script, style or handler, the strict CSP, and a label for every form control", async () => {
  const { html } = await page();
  assertStrictPage(html);
  assert.deepEqual(unlabelledControls(html, { atLeast: 5 }), []);
});

test("every catalogue policy of the verifier is a setting, and settings round-trip to specs", async () => {
  const { Verifier } = await import("myna-vc");
  const catalogue = Verifier.policies().map((p) => p.spec.split(":")[0]);
  const offered = new Set(KINDS.map((k) => k.kind));
  // child-entry:<code> and once-per-person are not counter policies (Himeji's entry is; a
  // sign-up is online), the brief's list of counter policies. pass-apply is an online
  // application; pass-use (a staff 消込 screen) needs the service's pass book and is not a
  // counter setting yet (specs/scenarios.md, item 2).
  for (const head of catalogue.filter((h) => !["child-entry", "once-per-person", "pass-apply", "pass-use"].includes(h))) {
    assert.ok(offered.has(head), `no setting for ${head}`);
  }
  for (const spec of ["age-over-18", "age-over-20", "age-over-65", "resident:281000", "kobe-pupil-pass",
    "himeji-child-entry", "shelter:hyogo-3", "clinic:kobe-clinic-1:outpatient", "clinic:c:inpatient"]) {
    assert.equal(specOf(settingsForSpec(spec)), spec);
  }
  const sale = settingsForSpec("fan-club:izu:sale-1:shop-1", { ...DEFAULT_SETTINGS, serviceUrl: "http://127.0.0.1:9/" });
  assert.equal(specOf(sale), "fan-club:izu:sale-1:shop-1");
  assert.throws(() => specOf(settingsForSpec("fan-club:izu:sale-1:shop-1")), { code: "invalid_setting", field: "serviceUrl" });
  assert.throws(() => specOf({ ...DEFAULT_SETTINGS, kind: "resident", municipality: "28100" }), { field: "municipality" });
  assert.throws(() => specOf({ ...DEFAULT_SETTINGS, kind: "shelter", shelterId: "a:b" }), { field: "shelterId" });
  assert.equal(maxStalenessOf(settingsForSpec("shelter:x")), 7 * 86_400);
  assert.equal(maxStalenessOf({ ...settingsForSpec("age-over-20"), maxStaleness: { "age-over-20": 3600 } }), 3600);
});

test("the service worker caches every script of the counter page (else the page breaks offline)", async () => {
  const { readFile, readdir } = await import("node:fs/promises");
  const sw = await readFile(here("../counter/sw.js"), "utf8");
  const shell = new Set([...sw.match(/const SHELL = \[([^\]]*)\]/)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));
  const scripts = [...await readdir(here("../counter/js")), ...await readdir(here("../web"))]
    .filter((name) => name.endsWith(".js")).map((name) => `js/${name}`);
  assert.ok(scripts.length >= 12, `only ${scripts.length} scripts found`);
  assert.deepEqual(scripts.filter((script) => !shell.has(script)), []);
  assert.deepEqual([...shell].filter((path) => path.startsWith("js/") && !scripts.includes(path)), []);
});

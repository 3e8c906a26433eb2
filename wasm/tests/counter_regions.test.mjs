// The counter's region and elderly settings (issue 22, items 4 and 5): the regions the
// settings screen offers are exactly the verifier's built-in ones (verifier/data/regions.json;
// Himeji's 「播磨圏域連携中枢都市圏の住民」, ../shared/seeds/000_2cab3622a7b836b8.txt:4023; the Izu
// area, :3099), and the new kinds round-trip between settings and specs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DEFAULT_SETTINGS, REGIONS, specOf, settingsForSpec } from "../counter/js/policies.js";

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

test("the counter offers exactly the verifier's built-in regions", async () => {
  const data = JSON.parse(await readFile(here("../../verifier/data/regions.json"), "utf8"));
  assert.deepEqual([...REGIONS].sort(), data.regions.map((r) => r.name).sort());
  const html = await readFile(here("../counter/index.html"), "utf8");
  const region = html.match(/<select id="set-region">([\s\S]*?)<\/select>/)[1];
  assert.deepEqual([...region.matchAll(/value="([^"]+)"/g)].map((m) => m[1]).sort(), [...REGIONS].sort());
});

test("region and elderly settings round-trip to specs, and a wrong one names its field", () => {
  for (const spec of ["resident-of-region:harima", "resident-of-region:izu", "senior:harima", "senior:281000",
    "kobe-senior", "himeji-senior"]) {
    assert.equal(specOf(settingsForSpec(spec)), spec);
  }
  assert.throws(() => specOf({ ...DEFAULT_SETTINGS, kind: "resident-of-region", region: "kanto" }), { code: "invalid_setting", field: "region" });
  assert.throws(() => specOf({ ...DEFAULT_SETTINGS, kind: "senior", area: "28100" }), { code: "invalid_setting", field: "area" });
  assert.throws(() => specOf({ ...DEFAULT_SETTINGS, kind: "senior", area: "" }), { field: "area" });
  assert.equal(specOf({ ...DEFAULT_SETTINGS, kind: "resident-of-region" }), "resident-of-region:harima");
});

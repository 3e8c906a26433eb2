// axe-core (npm, pinned) on a page of the app: its serious and critical violations, as
// "rule: selectors" lines (an empty list when the screen is clean). The source is evaluated
// through the DevTools protocol, which the page's strict Content-Security-Policy does not block.
//
//   assert.deepEqual(await seriousViolations(page), [], "axe on the cards screen");
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const source = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical axe-core violations of what `page` shows once its CSS transitions
 * and animations have ended (a button's colour half-way through a transition is not what anyone
 * reads, and would make the contrast check depend on timing). */
export async function seriousViolations(page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity) // a spinner never ends
    .map((a) => a.finished.catch(() => null))));
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(source);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

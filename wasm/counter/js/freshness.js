// How stale the counter's revocation data is, shown in the header, and whether the current
// policy must refuse because of it.
import { el, line, inJst } from "./ui.js";
import { maxStalenessOf } from "./policies.js";
import * as store from "./store.js";
import { state, now, $ } from "./state.js";

/** How stale the revocation data is now, by the verifier's own account (`freshness`, no
 * storage read, so a decision does not wait on IndexedDB): `tooStale` when some of it is past
 * this policy's maximum (shown in the header), `nothingFresh` when all of it is. Null when the
 * verifier cannot tell (no verifier yet, or a build without `freshness`). */
function staleness() {
  const { settings, verifier } = state;
  if (typeof verifier?.freshness !== "function") return null;
  const max = settings ? maxStalenessOf(settings) : null;
  const fresh = verifier.freshness(now());
  const lists = fresh.statusLists ?? [];
  const old = (l) => l.expired || l.staleSecs > max;
  const trustListOld = (fresh.trustList?.staleSecs ?? 0) > max;
  return {
    staleSecs: Math.max(0, fresh.trustList?.staleSecs ?? 0, ...lists.map((l) => l.staleSecs ?? 0)),
    tooStale: max !== null && (trustListOld || lists.some(old)),
    nothingFresh: max !== null && (trustListOld || (lists.length > 0 && lists.every(old))),
  };
}

/** When the cached status lists were fetched (the oldest), from IndexedDB; for the header, and
 * as the only account of age when the verifier cannot tell. */
async function oldestFetch() {
  const lists = await store.statusLists().catch(() => []);
  const fetched = lists.map((l) => l.fetchedAt).filter(Number.isFinite);
  return fetched.length ? Math.min(...fetched) : null;
}

/** `staleness()`, or from the oldest fetch alone when the verifier cannot tell. */
async function freshnessNow() {
  const at = now();
  const oldest = await oldestFetch();
  const known = staleness();
  if (known) return { at, oldest, ...known };
  const max = state.settings ? maxStalenessOf(state.settings) : null;
  const old = oldest !== null && max !== null && at - oldest > max;
  return { at, oldest, staleSecs: null, tooStale: old, nothingFresh: old };
}

/** Whether nothing this counter holds is fresh enough for the policy (the trust list, or every
 * status list, past the maximum): then every answer is refused before it is verified. */
export async function nothingFresh() {
  return (staleness() ?? (await freshnessNow())).nothingFresh;
}

/** Whether `decision` leaned on data older than this policy allows: the trust list, or the
 * status list behind one of its credentials (the verifier reports each one's staleness; a
 * policy of its own, such as the shelter desk's week, may accept what this counter's setting
 * does not). */
export function leansOnStaleData(decision) {
  const { settings, verifier } = state;
  const max = settings ? maxStalenessOf(settings) : null;
  if (max === null) return false;
  const trustListStale = verifier?.freshness?.(now())?.trustList?.staleSecs ?? 0;
  if (trustListStale > max) return true;
  return (decision.credentials ?? []).some((c) => (c.status_staleness_secs ?? 0) > max);
}

/** The header line: how old the revocation data is, and whether this policy refuses it. */
export async function showFreshness() {
  const header = $("freshness");
  const { at, oldest, staleSecs, tooStale } = await freshnessNow();
  header.dataset.staleSecs = staleSecs === null ? "" : String(staleSecs);
  header.dataset.ageSecs = oldest === null ? "" : String(Math.max(0, at - oldest));
  header.dataset.tooStale = String(tooStale);
  const parts = [el("strong", {}, `${line("freshness")}: `)];
  if (oldest === null) parts.push(line("fresh_never"));
  else parts.push(`${inJst(oldest)} (${line("fresh_ago")} ${duration(at - oldest)})`);
  if (staleSecs) parts.push(` — ${line("fresh_past")} ${duration(staleSecs)}`);
  if (tooStale) parts.push(` — ${line("fresh_too_stale")}`);
  if (!navigator.onLine) parts.push(` — ${line("offline_note")}`);
  header.replaceChildren(...parts);
}

/** An age in the unit a clerk reads at a glance: minutes, hours up to two days, then days. */
function duration(secs) {
  if (secs < 3600) return `${Math.floor(secs / 60)} min`;
  if (secs < 86_400 * 2) return `${Math.floor(secs / 3600)} h`;
  return `${Math.floor(secs / 86_400)} d`;
}

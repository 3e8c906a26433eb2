// The shelter desk's roster: each check-in's entry queued in IndexedDB (store.js) and sent to
// the disaster HQ when online, so a desk without a network keeps working and loses nothing.
import * as store from "./store.js";
import { state, $ } from "./state.js";
import { withSlash, bearer } from "./http.js";

/** A shelter check-in: its roster entry queued for the HQ, and sent at once when online. */
export async function queueCheckIn(decision, spec) {
  const { verifier } = state;
  if (typeof verifier?.rosterEntry !== "function") return;
  const entry = verifier.rosterEntry(decision, spec);
  if (!entry) return;
  await store.queueRoster(entry);
  $("decision-roster").hidden = false;
  await showPending();
  if (navigator.onLine) syncRoster();
}

/** How many entries wait for the HQ, and whether they can be sent now. */
export async function showPending() {
  const { settings } = state;
  const pending = await store.pendingRoster().catch(() => []);
  const shelter = settings?.kind === "shelter";
  $("roster-status").hidden = !shelter && pending.length === 0;
  $("roster-pending").dataset.count = String(pending.length);
  $("roster-pending").textContent = String(pending.length);
  $("roster-sync").disabled = pending.length === 0 || !settings?.hqUrl;
}

let syncing = null;
/** Sends the queued roster entries to the HQ (`POST {hqUrl}/roster`, at most 1000 a time). The
 * HQ stores by `entry_id`, so an entry sent twice (an answer lost on the way) counts once; an
 * entry leaves the queue only after the HQ answered 200. */
export function syncRoster() {
  syncing ??= (async () => {
    try {
      if (!state.settings?.hqUrl) return;
      for (;;) {
        const pending = (await store.pendingRoster()).slice(0, 1000);
        if (!pending.length) break;
        const response = await fetch(new URL("roster", withSlash(state.settings.hqUrl)), {
          method: "POST",
          headers: { "content-type": "application/json", ...bearer(state.settings.hqToken) },
          body: JSON.stringify({ entries: pending }),
        });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw Object.assign(new Error(body.error_description ?? `HTTP ${response.status}`), { code: "http_error" });
        }
        await response.json();
        await store.dropRoster(pending.map((e) => e.entry_id));
      }
    } catch (error) {
      console.warn(`roster sync: ${error.code ?? "network"} ${error.message}`);
    } finally {
      syncing = null;
      await showPending();
    }
  })();
  return syncing;
}

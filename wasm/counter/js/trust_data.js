// What the counter trusts and checks against: the deployment's config.json (audience, authority,
// trust list, status list locations) and the issuers' status lists, cached in IndexedDB
// (store.js) with when they were fetched, so the counter decides offline; and the verifier built
// from them for the current policy.
import { Verifier } from "../../myna_wasm.js";
import { maxStalenessOf } from "./policies.js";
import * as store from "./store.js";
import { state, now, $ } from "./state.js";
import { showFreshness } from "./freshness.js";

let config = null; // { audience, authorityJwk, trustList, statusLists, statusListUrls }
let configFetchedAt = null;

/** Whether the counter has a configuration (fetched now or cached), without which it cannot verify. */
export const hasConfig = () => config !== null;

/** config.json from the network (the service worker serves its cached copy offline), else
 * the copy in IndexedDB. */
export async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) {
      const fresh = await response.json();
      if (fresh?.trustList && fresh?.authorityJwk && fresh?.audience) {
        config = fresh;
        configFetchedAt = now();
        await store.saveConfig(config, configFetchedAt).catch(() => {});
        for (const list of config.statusLists ?? []) {
          const known = (await store.statusLists()).find((l) => l.issuer === list.issuer && l.uri === list.uri);
          if (!known) await store.saveStatusList({ ...list, fetchedAt: configFetchedAt });
        }
        return;
      }
    }
  } catch {
    // offline: the cached copy below
  }
  const cached = await store.cachedConfig().catch(() => undefined);
  if (cached) {
    config = cached.config;
    configFetchedAt = cached.fetchedAt;
  }
}

/** A verifier for the current settings, with every cached status list. A list that no longer
 * verifies is left out: the decision then says the revocation data is missing (fail closed). */
export async function buildVerifier() {
  state.verifier?.free();
  state.verifier = null;
  if (!config || !state.settings) return;
  const verifier = Verifier.create(JSON.stringify({
    audience: config.audience,
    authorityJwk: config.authorityJwk,
    trustList: config.trustList,
    maxStatusStalenessSecs: maxStalenessOf(state.settings),
  }), now());
  state.verifier = verifier;
  for (const list of await store.statusLists().catch(() => [])) {
    try {
      // Stored as of when it was fetched: its freshness runs from then, not from this reload.
      verifier.storeStatusList(list.issuer, list.uri, list.token, list.fetchedAt);
    } catch (error) {
      console.warn(`status list ${list.uri}: ${error.code ?? error.message}`);
    }
  }
}

/** Fetches every status list of `statusListUrls` again; each one that verifies replaces the
 * cached copy. Offline or failing, the cached copies stay. */
export async function refreshStatusLists() {
  if (!config || !navigator.onLine) return;
  for (const { issuer, uri, url } of config.statusListUrls ?? []) {
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) continue;
      const token = (await response.text()).trim();
      state.verifier?.storeStatusList(issuer, uri, token, now());
      await store.saveStatusList({ issuer, uri, token, fetchedAt: now() });
    } catch (error) {
      console.warn(`refreshing ${uri}: ${error.code ?? error.message}`);
    }
  }
  $("freshness").dataset.refreshedAt = String(now());
  await showFreshness();
}

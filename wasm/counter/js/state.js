// What more than one of the counter's modules reads or changes, in one place so that sharing it
// is a choice, not an accident: the saved settings, the verifier built for them, and the open
// challenge. State that only one module needs stays in that module.

/** The counter's clock: Unix seconds. */
export const now = () => Math.floor(Date.now() / 1000);

/** `document.getElementById`, short because the page's modules use it on every line. */
export const $ = (id) => document.getElementById(id);

export const state = {
  /** The saved settings (settings.js), or null before the counter is set up. */
  settings: null,
  /** The verifier built for the current policy (its maximum staleness), by trust_data.js. */
  verifier: null,
  /** The open challenge: { spec, nonce?, requestId?, challenge, needed, collected }. */
  current: null,
  /** The texts of the last decision: a re-scan of them is ignored. */
  lastDecided: new Set(),
};

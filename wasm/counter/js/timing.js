// User Timing for the benchmark (wasm/bench/counter_decide.mjs reads it): `myna:counter:scanned`
// marks each text handed to the page (camera decoder or wedge); showing a decision marks
// `myna:counter:decision` and measures `myna:counter:scan-to-decision` from the last text handed
// over (for a policy of several credentials, the one that completed the set).

/** Marks a scanned text handed to the page; `via` is "camera" or "wedge". */
export function markScanned(via) {
  performance.mark("myna:counter:scanned", { detail: via });
}

/** Marks a decision on screen and measures it from the last scanned text (only the latest kept). */
export function measureDecision() {
  performance.mark("myna:counter:decision");
  performance.clearMeasures("myna:counter:scan-to-decision");
  try {
    performance.measure("myna:counter:scan-to-decision", "myna:counter:scanned", "myna:counter:decision");
  } catch {
    // No text handed over: nothing to measure; never an error.
  }
  performance.clearMarks("myna:counter:scanned");
  performance.clearMarks("myna:counter:decision");
}

// Types of the `myna-vc` npm package. The module is initialised on import, so the classes
// below are ready to use; every function that can fail throws an `Error` with a stable
// `code` string (the reason in snake_case, e.g. "signature_invalid").
export * from "./myna_wasm.js";

/** The shape of every error this package throws. */
export interface MynaError extends Error {
  /** The stable reason, in snake_case: "signature_invalid", "expired", "invalid_argument", … */
  code: string;
}

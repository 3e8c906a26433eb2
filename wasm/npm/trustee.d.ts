// Types of the `myna-vc/trustee` entry: the verifier API plus `TrusteeKey`.
export * from "./trustee/myna_wasm.js";
export type { MynaError } from "./index.js";

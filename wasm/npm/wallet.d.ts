// Types of the `myna-vc/wallet` entry: the verifier API plus `Wallet`.
export * from "./wallet/myna_wasm.js";
export type { MynaError } from "./index.js";

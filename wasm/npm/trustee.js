// Entry point `myna-vc/trustee`: an escrow trustee's key (and the verifier), in a .wasm of its
// own, for the issuer's staff console: a trustee opens its key file and releases its share.
import init from "./trustee/myna_wasm.js";
import { load } from "./load.js";

await load(init, new URL("./trustee/myna_wasm_bg.wasm", import.meta.url));

export * from "./trustee/myna_wasm.js";

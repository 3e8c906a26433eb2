// Entry point `myna-vc/wallet`: the in-memory wallet together with the verifier, in a second,
// larger .wasm so that a merchant page loading only `myna-vc` stays small.
import init from "./wallet/myna_wasm.js";
import { load } from "./load.js";

await load(init, new URL("./wallet/myna_wasm_bg.wasm", import.meta.url));

export * from "./wallet/myna_wasm.js";

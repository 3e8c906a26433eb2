// Entry point `myna-vc`: the verifier (and status lists). Top-level await means the classes
// are ready to use once the import resolves.
import init from "./myna_wasm.js";
import { load } from "./load.js";

await load(init, new URL("./myna_wasm_bg.wasm", import.meta.url));

export * from "./myna_wasm.js";

// Entry point of the `myna-vc` npm package: loads the WebAssembly module once, in Node from
// the file next to this one and in browsers with fetch, then re-exports the bindings.
// Top-level await means `import { StatusList } from "myna-vc"` gives ready-to-use classes.
import init from "./myna_wasm.js";

const wasmUrl = new URL("./myna_wasm_bg.wasm", import.meta.url);
const inNode = typeof process !== "undefined" && process.versions != null && process.versions.node != null;

if (inNode) {
  const { readFile } = await import("node:fs/promises");
  await init({ module_or_path: await readFile(wasmUrl) });
} else {
  await init({ module_or_path: wasmUrl });
}

export * from "./myna_wasm.js";

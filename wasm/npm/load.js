// Loads a wasm-bindgen module once: in Node from the file next to its glue, in browsers with
// fetch. Every entry point of the package (`myna-vc`, `myna-vc/wallet`, `myna-vc/trustee`) goes
// through here.
export async function load(init, wasmUrl) {
  const inNode = typeof process !== "undefined" && process.versions != null && process.versions.node != null;
  if (inNode) {
    const { readFile } = await import("node:fs/promises");
    await init({ module_or_path: await readFile(wasmUrl) });
  } else {
    await init({ module_or_path: wasmUrl });
  }
}

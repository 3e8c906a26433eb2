// Decodes camera frames off the page's thread with zxing-wasm (npm `zxing-wasm`, reader build,
// pinned in wasm/counter/package.json; scripts/build-counter copies its script and .wasm into
// vendor/). The .wasm comes from our own origin, never a CDN: `locateFile` names it. It is
// fetched when the first frame arrives, i.e. only once the camera runs without BarcodeDetector.
importScripts("../vendor/zxing-reader.js");

self.ZXingWASM.prepareZXingModule({
  overrides: {
    locateFile: (file) => new URL(`../vendor/${file}`, self.location.href).href,
  },
});

const OPTIONS = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };

onmessage = async ({ data }) => {
  let text = null;
  try {
    const image = new ImageData(new Uint8ClampedArray(data.pixels), data.width, data.height);
    const [found] = await self.ZXingWASM.readBarcodes(image, OPTIONS);
    if (found?.isValid) text = found.text;
  } catch (error) {
    // A frame that cannot be decoded is no code; the next frame comes soon.
    text = null;
  }
  postMessage({ id: data.id, text });
};

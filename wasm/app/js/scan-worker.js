// Decodes camera frames off the page's thread with jsQR (vendor/jsQR.js, from npm `jsqr`).
importScripts("../vendor/jsQR.js");

onmessage = ({ data }) => {
  const pixels = new Uint8ClampedArray(data.pixels);
  const found = self.jsQR(pixels, data.width, data.height, { inversionAttempts: "attemptBoth" });
  postMessage({ id: data.id, text: found ? found.data : null });
};

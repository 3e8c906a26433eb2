// Reads the QR code in a PNG (a page screenshot): npm `pngjs` decodes the image, npm `jsqr`
// finds and decodes the code.
//
//   const text = decodeQrFromPng(await page.screenshot());  // throws if there is none
//   const same = decodeQrFromPng(png, { clip: { x, y, width, height } });
import { PNG } from "pngjs";
import jsQR from "jsqr";

/**
 * The text of the QR code in `png`. Throws an Error with `code = "no_qr_code"` when none is
 * found.
 * @param {Buffer|Uint8Array} png
 * @param {{ clip?: { x: number, y: number, width: number, height: number } }} options
 * @returns {string}
 */
export function decodeQrFromPng(png, { clip } = {}) {
  const image = PNG.sync.read(Buffer.from(png));
  let { data, width, height } = image;
  if (clip) {
    const cropped = new Uint8ClampedArray(clip.width * clip.height * 4);
    for (let y = 0; y < clip.height; y++) {
      const start = ((clip.y + y) * width + clip.x) * 4;
      cropped.set(data.subarray(start, start + clip.width * 4), y * clip.width * 4);
    }
    ({ width, height } = clip);
    data = cropped;
  }
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height, {
    inversionAttempts: "attemptBoth",
  });
  if (!code) {
    const error = new Error(`no QR code found in the ${width}×${height} image`);
    error.code = "no_qr_code";
    throw error;
  }
  return code.data;
}

// Reads the QR code in a PNG (a page screenshot) the way a shop's scanner would: with ZBar
// (`zbarimg`, Debian's zbar-tools, which scripts/test installs), the decoder many point-of-sale
// and kiosk scanners run. npm `jsqr` (what the app itself uses without BarcodeDetector) missed
// some dense presentation codes that ZBar and phone cameras read, so a test that fails must
// mean the code on screen is bad, not that the test's decoder is weak.
//
//   const text = decodeQrFromPng(await page.screenshot());  // throws if there is none
//   const same = decodeQrFromPng(png, { clip: { x, y, width, height } });
import { execFileSync } from "node:child_process";
import { PNG } from "pngjs";

/**
 * The text of the QR code in `png`. Throws an Error with `code = "no_qr_code"` when none is
 * found, and `code = "no_decoder"` when zbarimg is not installed.
 * @param {Buffer|Uint8Array} png
 * @param {{ clip?: { x: number, y: number, width: number, height: number } }} options
 * @returns {string}
 */
export function decodeQrFromPng(png, { clip } = {}) {
  const input = clip ? crop(Buffer.from(png), clip) : Buffer.from(png);
  let output;
  try {
    output = execFileSync("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-"], {
      input,
      stdio: ["pipe", "pipe", "ignore"],
      maxBuffer: 1 << 20,
    });
  } catch (error) {
    if (error.code === "ENOENT") {
      const missing = new Error("zbarimg is not installed (Debian package zbar-tools; scripts/test installs it)");
      missing.code = "no_decoder";
      throw missing;
    }
    // zbarimg exits 4 when the image holds no code it can read.
    const { width, height } = PNG.sync.read(input);
    const none = new Error(`no QR code found in the ${width}×${height} image (zbarimg exit ${error.status})`);
    none.code = "no_qr_code";
    throw none;
  }
  const codes = output.toString("utf8").replace(/\n$/, "").split("\n");
  if (codes.length !== 1) throw new Error(`${codes.length} QR codes in the image, expected one`);
  return codes[0];
}

/** The `clip` rectangle of a PNG, as a PNG. */
function crop(png, clip) {
  const image = PNG.sync.read(png);
  const out = new PNG({ width: clip.width, height: clip.height });
  for (let y = 0; y < clip.height; y++) {
    const start = ((clip.y + y) * image.width + clip.x) * 4;
    image.data.copy(out.data, y * clip.width * 4, start, start + clip.width * 4);
  }
  return PNG.sync.write(out);
}

// Files for Chromium's fake camera: `--use-fake-device-for-media-stream
// --use-file-for-fake-video-capture=<file.y4m>` plays a YUV4MPEG2 file (looping) as the
// camera, so a browser test can "scan" a QR code.
//
//   await y4mForText("openid-credential-offer://?…", "/tmp/offer.y4m");
//       the text as a QR code (npm `qrcode` for the module matrix, error correction M, quiet
//       zone of 4 modules, modules as large as fit), black on white, one 720×720 frame
//   await y4mForImage(pngBuffer, "/tmp/screen.y4m");
//       a PNG (e.g. a page screenshot) as the camera's picture
//
//   const camera = swappableCamera("/tmp/camera.y4m");   // Chromium launched with camera.args
//   await camera.showText("MV1:…"); await camera.showImage(png);
//       a camera whose picture the test changes while Chromium runs: Chromium opens the file
//       anew whenever capture starts, so each picture is written beside it and renamed over it
//       (it never sees half a file)
//
// The files are 8-bit 4:2:0 (`C420jpeg`), luma in video range (16 black … 235 white) and
// neutral chroma for the QR code, which Chromium converts back to clean black and white.
import { rename, writeFile } from "node:fs/promises";
import QRCode from "qrcode";
import { PNG } from "pngjs";

const BLACK = 16;
const WHITE = 235;
const QUIET_ZONE = 4;

/**
 * Writes a .y4m file showing `text` as a QR code.
 * @param {string} text
 * @param {string} path
 * @param {{ size?: number, frames?: number, errorCorrectionLevel?: "L"|"M"|"Q"|"H" }} options
 *   `size`: the square frame's side in pixels (even, default 720); `frames`: how many copies
 *   of the frame (default 1; Chromium loops the file).
 * @returns {Promise<{ path: string, size: number, modules: number, moduleSize: number }>}
 */
export async function y4mForText(text, path, { size = 720, frames = 1, errorCorrectionLevel = "M" } = {}) {
  if (!Number.isInteger(size) || size < 64 || size % 2 !== 0) throw new Error("size: an even number of pixels, at least 64");
  const qr = QRCode.create(text, { errorCorrectionLevel });
  const modules = qr.modules.size;
  const moduleSize = Math.floor(size / (modules + 2 * QUIET_ZONE));
  if (moduleSize < 2) throw new Error(`a QR code of ${modules} modules does not fit ${size} pixels at 2 pixels a module`);
  const offset = Math.floor((size - modules * moduleSize) / 2);
  const luma = new Uint8Array(size * size).fill(WHITE);
  for (let y = 0; y < modules; y++) {
    for (let x = 0; x < modules; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < moduleSize; dy++) {
        const row = (offset + y * moduleSize + dy) * size + offset + x * moduleSize;
        luma.fill(BLACK, row, row + moduleSize);
      }
    }
  }
  const chroma = new Uint8Array((size / 2) * (size / 2)).fill(128);
  await writeY4m(path, size, size, luma, chroma, chroma, frames);
  return { path, size, modules, moduleSize };
}

/**
 * Writes a .y4m file showing a PNG image (cropped to even width and height).
 * @param {Buffer} png
 * @param {string} path
 * @param {{ frames?: number }} options
 */
export async function y4mForImage(png, path, { frames = 1 } = {}) {
  const image = PNG.sync.read(png);
  const width = image.width & ~1;
  const height = image.height & ~1;
  if (width === 0 || height === 0) throw new Error("the image is too small");
  const luma = new Uint8Array(width * height);
  const cb = new Uint8Array((width / 2) * (height / 2));
  const cr = new Uint8Array((width / 2) * (height / 2));
  const rgb = (x, y) => {
    const i = (y * image.width + x) * 4;
    const alpha = image.data[i + 3] / 255;
    // Transparent pixels over white, as a page would show them.
    return [0, 1, 2].map((c) => image.data[i + c] * alpha + 255 * (1 - alpha));
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      // BT.601, video range.
      luma[y * width + x] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
    }
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const [pr, pg, pb] = rgb(x + dx, y + dy);
        r += pr / 4; g += pg / 4; b += pb / 4;
      }
      const i = (y / 2) * (width / 2) + x / 2;
      cb[i] = Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
      cr[i] = Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  await writeY4m(path, width, height, luma, cb, cr, frames);
  return { path, width, height };
}

async function writeY4m(path, width, height, y, u, v, frames) {
  if (!Number.isInteger(frames) || frames < 1) throw new Error("frames: at least 1");
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`, "ascii");
  const frame = Buffer.concat([Buffer.from("FRAME\n", "ascii"), y, u, v]);
  await writeFile(path, Buffer.concat([header, ...Array(frames).fill(frame)]));
}

/** Chromium's flags to play `file` as its camera. */
export function fakeCameraArgs(file) {
  return ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${file}`];
}

/** A fake camera at `file` whose picture can be changed: `{ file, args, showText, showImage }`
 * (`showText` resolves to what `y4mForText` gives). Show a first picture before Chromium starts. */
export function swappableCamera(file) {
  const swap = async (write) => {
    const next = `${file}.${process.hrtime.bigint()}`;
    const made = await write(next);
    await rename(next, file);
    return made;
  };
  return {
    file,
    args: fakeCameraArgs(file),
    showText: (text, options) => swap((next) => y4mForText(text, next, options)),
    showImage: (png, options) => swap((next) => y4mForImage(png, next, options)),
  };
}

// Reading QR codes (shared by the wallet app and the counter page: wasm/web/, copied into each
// build's js/): the back camera through getUserMedia, decoded by the browser's BarcodeDetector
// when it knows `qr_code`, else in a Web Worker (frames never block the page) that each build
// ships next to this module as `scan-worker.js`: the wallet's runs jsQR (small: the wallet's
// download budget), the counter's zxing-wasm (reads dense codes better; its .wasm is loaded by
// the worker, so only when the camera first needs it). Worker protocol: in
// `{ id, width, height, pixels }` (RGBA, transferred), out `{ id, text | null }`. The same
// decoders read an image file. The camera stops when the screen is left.
let worker;
let nextId = 0;
const pending = new Map();

function inWorker(image) {
  worker ??= Object.assign(new Worker(new URL("./scan-worker.js", import.meta.url)), {
    onmessage: ({ data }) => {
      pending.get(data.id)?.(data.text ?? null);
      pending.delete(data.id);
    },
  });
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, width: image.width, height: image.height, pixels: image.data.buffer }, [image.data.buffer]);
  });
}

let detector;
async function nativeDetector() {
  if (detector !== undefined) return detector;
  detector = null;
  try {
    if ("BarcodeDetector" in globalThis && (await BarcodeDetector.getSupportedFormats()).includes("qr_code")) {
      detector = new BarcodeDetector({ formats: ["qr_code"] });
    }
  } catch {
    detector = null;
  }
  return detector;
}

const canvas = () => {
  const c = document.createElement("canvas");
  return [c, c.getContext("2d", { willReadFrequently: true })];
};

/** The text of the QR code in `source` (a video, an ImageBitmap), or null. */
async function decode(source, width, height) {
  const native = await nativeDetector();
  if (native) {
    const found = await native.detect(source).catch(() => []);
    if (found.length) return found[0].rawValue;
    return null;
  }
  const [c, context] = canvas();
  c.width = width;
  c.height = height;
  context.drawImage(source, 0, 0, width, height);
  return inWorker(context.getImageData(0, 0, width, height));
}

/** The QR text in an image file, or null. */
export async function decodeFile(file) {
  const bitmap = await createImageBitmap(file);
  try {
    return await decode(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

let active = null;

/** Starts the camera into `video` and calls `onText` once with the first QR text read.
 * Rejects with code `camera_unavailable` when there is no camera or no permission. */
export async function startCamera(video, onText) {
  stopCamera();
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (cause) {
    const error = new Error(`camera unavailable: ${cause?.name ?? cause}`);
    error.code = "camera_unavailable";
    throw error;
  }
  const session = { stream, video, stopped: false };
  active = session;
  video.srcObject = stream;
  video.hidden = false;
  await video.play().catch(() => {});
  const tick = async () => {
    if (session.stopped) return;
    if (video.readyState >= 2 && video.videoWidth) {
      const text = await decode(video, video.videoWidth, video.videoHeight);
      if (session.stopped) return;
      if (text) {
        stopCamera();
        onText(text);
        return;
      }
    }
    setTimeout(tick, 120);
  };
  tick();
}

export function stopCamera() {
  if (!active) return;
  active.stopped = true;
  for (const track of active.stream.getTracks()) track.stop();
  active.video.srcObject = null;
  active.video.hidden = true;
  active = null;
}

export const cameraOn = () => active !== null;

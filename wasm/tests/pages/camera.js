// Test page of the harness (wasm/tests/harness.test.mjs): reads frames of the (fake) camera
// into a canvas until jsQR decodes a QR code, and publishes the text as
// document.body.dataset.result (or the failure as dataset.error).
const MAX_FRAMES = 300;

function nextFrame(video) {
  return new Promise((resolve) => {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => resolve());
    else requestAnimationFrame(() => resolve());
  });
}

async function scan() {
  const video = document.getElementById("video");
  const canvas = document.getElementById("frame");
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  video.srcObject = stream;
  await video.play();
  const context = canvas.getContext("2d", { willReadFrequently: true });
  try {
    for (let i = 0; i < MAX_FRAMES; i++) {
      await nextFrame(video);
      if (video.videoWidth === 0) continue;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = globalThis.jsQR(image.data, image.width, image.height);
      if (code) {
        document.body.dataset.frames = String(i + 1);
        return code.data;
      }
    }
    throw new Error(`no QR code in ${MAX_FRAMES} frames`);
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

scan().then(
  (text) => {
    document.getElementById("result").textContent = text;
    document.body.dataset.result = text;
  },
  (error) => {
    document.getElementById("result").textContent = String(error);
    document.body.dataset.error = String(error?.message ?? error);
  },
);

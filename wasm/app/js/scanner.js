// The three ways to read a QR code on a screen (`<prefix>-camera`, `-link`, `-file`): the
// camera, a pasted link, an image file. All hand the text to one callback.
import { startCamera, stopCamera, decodeFile } from "./scan.js";
import { clearMessage, showError, showMessage } from "./ui.js";

export function wireScanner(prefix, onText) {
  const $ = (id) => document.getElementById(`${prefix}-${id}`);
  const stopped = () => {
    $("camera").hidden = false;
    $("camera-stop").hidden = true;
  };
  const stop = () => {
    stopCamera();
    stopped();
  };
  $("camera").addEventListener("click", async () => {
    clearMessage();
    $("camera-unavailable").hidden = true;
    try {
      await startCamera($("video"), (text) => {
        stopped();
        onText(text);
      });
      $("camera").hidden = true;
      $("camera-stop").hidden = false;
      $("camera-stop").focus();
    } catch (error) {
      $("camera-unavailable").hidden = false;
      $("camera-unavailable").dataset.reason = error.message;
    }
  });
  $("camera-stop").addEventListener("click", () => {
    stop();
    $("camera").focus();
  });
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessage();
    const text = $("link").value.trim();
    if (text) onText(text);
  });
  $("file").addEventListener("change", async () => {
    clearMessage();
    const file = $("file").files[0];
    if (!file) return;
    try {
      const text = await decodeFile(file);
      $("file").value = "";
      if (text) onText(text);
      else showMessage("no_qr_in_image");
    } catch (error) {
      showError(error);
    }
  });
  return { stop };
}
